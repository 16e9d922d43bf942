"""MkDocs adapter: runs the check before every build and gives pages their merged front matter.

Everything here delegates to MkDocs-independent modules, so a move to another generator touches
only this file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage

from .config import KoppelkansenConfig
from .model import Corpus
from .pdf import ConversionError, PageSource, PdfResult, Typesetter, plan_pdfs
from .pdfsite import download_entry, pdf_wanted
from .problems import summary
from .validate import check_docs

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class KoppelkansenPlugin(BasePlugin[KoppelkansenConfig]):
    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.command: str | None = None
        self.nav: Navigation | None = None
        self.pdfs: list[PdfResult] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        corpus, problems, checked = check_docs(Path(config.docs_dir))
        if problems and self.config.check:
            for problem in problems:
                log.error(problem.format())
            raise PluginError(summary(problems, checked))
        self.corpus = corpus

    def on_page_markdown(self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        # MkDocs parsed the front matter with YAML 1.1 rules; use the checked, merged values instead.
        if self.corpus is not None and page.file.src_uri in self.corpus.pages:
            page.meta = dict(self.corpus.pages[page.file.src_uri].meta)
        return markdown

    # -- PDF bundle: MkDocs hands over the rendered pages; koppelkansen.pdf does the rest. ----------
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        self.nav = nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page's content is rendered by now and no template is: the PDFs are made here so
        # that the Downloads page and the download buttons can show their page count and size.
        self.pdfs = []
        if self.corpus is None or self.nav is None or not pdf_wanted(self.config.pdf, self.command):
            return env
        root = Path(config.config_file_path).parent
        docs_dir = Path(config.docs_dir)
        pages = [
            PageSource(
                url=page.url, source=Path(page.file.abs_src_path).relative_to(root).as_posix()
                if Path(page.file.abs_src_path).is_relative_to(root) else page.file.src_uri,
                title=str(page.meta.get("title") or page.title), html=page.content or "",
                meta=tuple((k, str(page.meta[k])) for k in ("type", "status", "case", "date") if k in page.meta),
                path=page.file.abs_src_path or "",
            )
            for page in self.nav.pages
            if page.file.src_uri in self.corpus.pages
        ]
        specs = plan_pdfs(pages, self.corpus.vocabulary, list(self.config.pdf_bundle_types), docs_dir)
        media = {f.url: f.abs_src_path for f in files if not f.is_documentation_page() and f.abs_src_path}
        typesetter = Typesetter(
            cache_dir=root / self.config.pdf_cache_dir, font_dir=docs_dir / "assets" / "fonts",
            site_url=config.site_url or "",
        )
        try:
            self.pdfs = typesetter.build(specs, media, Path(config.site_dir) / "downloads")
        except ConversionError as exc:
            for problem in exc.problems:
                log.error(problem.format())
            raise PluginError(
                f"De PDF's zijn niet gemaakt: {len(exc.problems)} "
                f"{'probleem' if len(exc.problems) == 1 else 'problemen'} hierboven; er is geen PDF geschreven."
            ) from None
        return env

    def on_page_context(self, context: dict[str, Any], *, page: MkDocsPage, config: MkDocsConfig,
                        nav: Navigation) -> dict[str, Any]:
        # URLs relative to the site root; templates put {{ base_url }} in front.
        entries = [download_entry(result) for result in self.pdfs]
        context["koppelkansen_pdfs"] = entries
        case = page.meta.get("case")
        context["koppelkansen_case_pdf"] = next((e for e in entries if case and e["case"] == case), None)
        return context
