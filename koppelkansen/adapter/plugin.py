"""The MkDocs adapter: each event hands its data to the build (:mod:`koppelkansen.pipeline`) and
gives back what the build made. No rule of the site lives here: which link checks are warnings,
which files are the author's and which ones a PDF may read are the build's
(:data:`~koppelkansen.pipeline.LINK_CHECKS`, :meth:`~koppelkansen.pipeline.SiteBuild.authors_file`,
:meth:`~koppelkansen.pipeline.SiteBuild.pdf_media`); this module only moves them in and out of
MkDocs' objects. It also reads the environment, once (:class:`~koppelkansen.pipeline.BuildEnvironment`).

MkDocs (or ProperDocs, which installs itself as ``mkdocs``) is imported in this subpackage only,
so a move to another generator rewrites :mod:`koppelkansen.adapter` and nothing else.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from koppelkansen.adapter import incremental, livepreview, nav, theme
from koppelkansen.adapter.config import KoppelkansenConfig
from koppelkansen.adapter.enginelog import WarningCatcher, page_anchors, quiet_engine_aborts
from koppelkansen.pdf.downloads import pdf_wanted
from koppelkansen.pipeline import (
    LINK_CHECKS,
    BuildEnvironment,
    Options,
    RenderedPage,
    SiteBuild,
    failure_message,
    link_levels,
)
from koppelkansen.problems import BuildStopped

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@contextmanager
def _stops() -> Iterator[None]:
    """A problem the build reported (already logged) stops MkDocs as a plugin error."""
    try:
        yield
    except BuildStopped as exc:
        raise PluginError(str(exc)) from None


def _rendered(page: Page, titles: dict[str, str]) -> RenderedPage:
    """The page for the PDFs, with its title as text (``page.meta`` holds it HTML-escaped for
    the theme: "R&amp;D" would be printed as it stands)."""
    return RenderedPage(
        src_uri=page.file.src_uri,
        url=page.url,
        html=page.content or "",
        abs_src_path=page.file.abs_src_path or "",
        title=titles.get(page.file.src_uri) or str(page.title),
    )


def _add(files: Files, config: MkDocsConfig, pages: dict[str, str]) -> None:
    for src_uri, content in pages.items():
        if files.get_file_from_path(src_uri) is None:
            files.append(File.generated(config, src_uri, content=content))


class KoppelkansenPlugin(BasePlugin[KoppelkansenConfig]):
    def __init__(self) -> None:
        self.command: str | None = None
        self.build: SiteBuild | None = None
        self.nav: Navigation | None = None
        #: What every page's rendering depends on in this build (adapter/incremental.py).
        self.render_key = ""
        #: Each page's front-matter title as text, before it is escaped for the theme.
        self.titles: dict[str, str] = {}
        #: The generator's warnings of this build, reported in Dutch (adapter/enginelog.py).
        self.catcher = WarningCatcher()
        self.files: Files | None = None
        self.mdx_configs: dict[str, Any] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        theme.list_static_files_quickly(config.theme)
        links = config.validation.links
        for key, level in link_levels({key: getattr(links, key) for key in LINK_CHECKS}).items():
            setattr(links, key, level)
        return config

    def _report_warnings(self) -> str | None:
        """The generator's warnings so far, in Dutch; the message to stop with, if any."""
        assert self.build is not None
        uris, anchors, headings = page_anchors(self.files)
        warnings = self.catcher.take(uris)
        if not warnings:
            return None
        slugify = (self.mdx_configs.get("toc") or {}).get("slugify")
        return self.build.engine_warnings(warnings, uris, anchors, headings, slugify)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        quiet_engine_aborts()

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        livepreview.poll_docs_sooner(server, config.docs_dir)  # a save is seen within 0.1 s
        return livepreview.keep_answering(server)  # a failed rebuild leaves the preview answering

    def on_build_error(self, *, error: Exception) -> None:
        reported = isinstance(error, BuildError)
        if self.build is not None:
            self.build.abandon()  # no PDF thread may go on writing into a failed build
            links_failed = self._report_warnings()
            if links_failed is not None and isinstance(error, PluginError):
                log.error(links_failed)  # beside the stage's own count, which follows
        self.catcher.uninstall()
        message = failure_message(error, reported=reported)
        if message is not None:
            raise Abort(message) from None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.catcher.install()
        self.files = None
        self.mdx_configs = config.mdx_configs
        self.build = SiteBuild(
            Options(
                docs_dir=Path(config.docs_dir),
                config_file=Path(config.config_file_path or "."),
                site_dir=Path(config.site_dir),
                site_url=config.site_url or "",
                check=self.config.check,
                pdf=pdf_wanted(self.config.pdf, self.command),
                bundle_types=tuple(self.config.pdf_bundle_types),
                cache_dir=self.config.pdf_cache_dir,
                live=self.command == "serve",
                overrides=Path(config.theme.custom_dir) if config.theme.custom_dir else None,
                editor_sign_in=self.config.editor_sign_in,
                pdf_limits=self.config.pdf_limits,  # checked when the config was read
                pdf_part_chapters=self.config.pdf_part_chapters,
                environment=BuildEnvironment.read(os.environ),  # the one read of the environment
            )
        )
        self.nav = None
        with _stops():
            self.build.start()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.build is not None
        self.files = files
        _add(files, config, self.build.overview_pages())
        for file in files:
            path = self.build.authors_file(file.abs_src_path)
            if path is not None:
                doc = file.is_documentation_page()
                self.build.check_file(path, file.src_uri, file.dest_uri, file.url, doc)
        _add(files, config, self.build.change_pages)
        self.build.page_urls({f.src_uri: f.url for f in files if f.is_documentation_page()})
        return files

    def on_nav(self, nav_: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.build is not None
        self.nav = nav.arrange(nav_, self.build.record, self.build.is_change_page)
        self.render_key = incremental.build_key(config, files)
        return self.nav  # the PDF bundle follows the nav order

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.build is not None
        meta, markdown = self.build.page_markdown(page.file.src_uri, page.meta, markdown, page.url)
        self.titles[page.file.src_uri] = str(meta.get("title") or "")
        page.meta = theme.escaped(meta)
        incremental.cache_render(page, self.render_key)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.build is not None
        source = Path(page.file.abs_src_path or Path(config.docs_dir) / page.file.src_uri)
        self.build.page_html(html, page.url, source, page.markdown or "")
        return html

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        assert self.build is not None
        theme.compile_once(env)
        incremental.cache_page_templates(env, config, self.nav, files, self._pdf_token)
        pages = [_rendered(page, self.titles) for page in self.nav.pages] if self.nav else None
        changes = [files.get_file_from_path(uri) for uri in self.build.change_pages]
        generated = [
            _rendered(f.page, self.titles) for f in changes if f is not None and f.page is not None
        ]
        media = self.build.pdf_media(
            (f.url, f.abs_src_path) for f in files if not f.is_documentation_page()
        )
        with _stops():
            self.build.start_pdfs(pages, generated, media)
        return env

    def _pdf_token(self) -> str | None:
        job = self.build.pdf_job if self.build is not None else None
        return job.token if job is not None else None

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        assert self.build is not None
        extra = cast(dict[str, Any], context)  # our own keys beside MkDocs' TemplateContext
        extra.update(self.build.page_context(page.file.src_uri))
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        assert self.build is not None
        dest = page.file.abs_dest_path
        self.build.page_written(output, Path(dest) if dest else None)
        return output

    @event_priority(-100)  # last: other plugins' warnings of this event are caught too
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.build is not None
        incremental.report()
        with _stops():
            self.build.finish()
        stop = self._report_warnings()  # every page is rendered and its anchors checked by now
        self.catcher.uninstall()
        if stop is not None:
            raise PluginError(stop)
