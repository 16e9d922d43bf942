"""MkDocs adapter: runs the check before every build and gives pages their merged front matter.

Everything here delegates to MkDocs-independent modules, so a move to another generator touches
only this file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.utils.templates import TemplateContext

from koppelkansen.adapter.config import KoppelkansenConfig
from koppelkansen.check.content import (
    check_css_file,
    check_image_file,
    check_page_html,
    check_svg_file,
)
from koppelkansen.check.frontmatter import check_docs, defaults_filter
from koppelkansen.figures.scenes import programme_figure
from koppelkansen.figures.shapes import alt_text
from koppelkansen.figures.svg import print_svg
from koppelkansen.overviews.compute import generated_specs, nav_order
from koppelkansen.overviews.render import OverviewRenderer, generated_pages
from koppelkansen.pages.gitdates import GitHistory, git_history, iso_date
from koppelkansen.pages.model import Corpus
from koppelkansen.pages.pageinfo import page_info
from koppelkansen.pdf import (
    ConversionError,
    PageSource,
    PdfResult,
    PdfSpec,
    Typesetter,
    bundle_specs,
)
from koppelkansen.pdf.bundles import BUNDLE_NAME, partners
from koppelkansen.pdf.downloads import (
    PdfJob,
    case_downloads,
    download_entry,
    pdf_wanted,
    reserved_for_pdfs,
)
from koppelkansen.problems import Problem, os_error_reason, summary
from koppelkansen.templating import compiled_template_cache
from koppelkansen.versions.cache import VersionCache
from koppelkansen.versions.changepages import views
from koppelkansen.versions.pdfs import (
    EDITION_ENV,
    NESTED_ENV,
    VersionBuildError,
    edition_date,
    place,
    version_pdfs,
)
from koppelkansen.versions.site import VersionSite, change_pdf_name, change_pdf_spec
from koppelkansen.versions.tags import (
    VersionList,
    docs_prefix,
    read_tree,
    read_versions,
    repo_root,
)

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: Raster images a page may show (and the PDF then decodes).
RASTER_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@contextmanager
def _pdf_errors(failed: str) -> Iterator[None]:
    """A page that Typst or the converter refuses is logged with its file and line, and the build
    stops with ``failed`` ({count} {problems} filled in)."""
    try:
        yield
    except ConversionError as exc:
        for problem in exc.problems:
            log.error(problem.format())
        count = len(exc.problems)
        raise PluginError(
            failed.format(count=count, problems="probleem" if count == 1 else "problemen")
        ) from None


#: What the build says when the PDFs (or the change pages' PDFs) could not be made.
PDFS_FAILED = "De PDF's zijn niet gemaakt: {count} {problems} hierboven; er is geen PDF geschreven."
CHANGE_PDFS_FAILED = "De PDF's van de wijzigingspagina's zijn niet gemaakt."


class KoppelkansenPlugin(BasePlugin[KoppelkansenConfig]):
    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.renderer: OverviewRenderer | None = None
        #: Last commit time of each page, by src_uri (see koppelkansen.pages.gitdates).
        self.git_times: dict[str, int] = {}
        self.command: str | None = None
        self.nav: Navigation | None = None
        self.pdfs: list[PdfResult] = []
        #: PDFs being typeset while the templates render (koppelkansen.pdf.downloads.PdfJob).
        self.pdf_job: PdfJob | None = None
        #: Written pages that show a placeholder of pdf_job, to fill in after the build.
        self.pdf_placeholders: list[Path] = []
        #: Active content or outside paths found in pages, SVG figures and style sheets.
        self.content_problems: list[Problem] = []
        self.history = GitHistory()
        self.versions: VersionSite | None = None
        #: Markdown of the generated change pages (koppelkansen.versions.changepages), by src_uri.
        self.change_pages: dict[str, str] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_build_error(self, *, error: Exception) -> None:
        if self.pdf_job is not None:  # no PDF thread may go on writing into a failed build
            self.pdf_job.wait()
            self.pdf_job = None
        # A full disk or a read-only folder is not a bug: a Dutch message, no traceback.
        if isinstance(error, OSError):
            where = error.filename2 or error.filename or "de site"
            log.error("%s: fout: %s", where, os_error_reason(error))
            raise Abort("De build is gestopt.") from None
        if not isinstance(error, BuildError):
            log.error(
                "Interne fout in de bouwsoftware (niet in de pagina's). Meld dit aan de "
                "beheerders, met de tekst hieronder."
            )

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.content_problems = []
        self.pdf_job, self.pdf_placeholders = None, []
        corpus, problems, checked = check_docs(Path(config.docs_dir))
        if problems and self.config.check:
            for problem in problems:
                log.error(problem.format())
            raise PluginError(summary(problems, checked))
        self.corpus = corpus
        self.history = git_history(Path(config.docs_dir))
        self.git_times = self.history.times
        self.versions = None
        self.change_pages = {}
        if corpus is not None and os.environ.get(NESTED_ENV) != "1":
            root = Path(config.config_file_path or ".").resolve().parent
            self._read_versions(corpus, Path(config.docs_dir), root / self.config.pdf_cache_dir)
        self.renderer = OverviewRenderer()
        if corpus is not None and pdf_wanted(self.config.pdf, self.command):
            self.renderer.downloads = case_downloads(corpus)

    def _read_versions(self, corpus: Corpus, docs_dir: Path, cache_root: Path) -> None:
        """Versions from the tags, each version's pages, and the change pages between them."""
        repo = repo_root(docs_dir)
        listing = read_versions(repo) if repo else VersionList()
        site = VersionSite(
            listing=listing,
            types=list(self.config.pdf_bundle_types),
            statuses={k: t.label for k, t in corpus.vocabulary.statuses.items()},
            history_complete=repo is not None and not listing.is_shallow(repo),
        )
        if listing.notice:
            log.info(listing.notice)
        # Read from git only what the cache does not have (koppelkansen.versions.cache).
        prefix = docs_prefix(repo, docs_dir) if repo else ""
        applies = defaults_filter(corpus.schema)
        cache = VersionCache(
            cache_root / "versions",
            [prefix, corpus.schema],
            lambda commit: read_tree(repo, commit, prefix, applies) if repo else {},
        )
        for version in listing.versions:
            if version.commit not in site.trees:  # two versions of one commit: read once
                site.trees[version.commit] = cache.tree(version.commit)
        working = dict(corpus.pages)
        site.titles = {uri: page.title for uri, page in corpus.pages.items()}
        self.versions = site
        self.change_pages, site.changed = cache.pages(
            listing.versions,
            working,
            site.types,
            site.statuses,
            change_pdf_name if pdf_wanted(self.config.pdf, self.command) else None,
        )
        cache.prune()
        if listing.versions:
            log.info(
                "Versies: %d uit de cache, %d opnieuw gelezen of vergeleken "
                "(de pagina's van %d uit git)",
                cache.hits,
                cache.misses,
                cache.git_reads,
            )

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Overview pages without a Markdown source (timeline, matrix, one per organisation).
        if self.corpus is not None:
            for src_uri, content in generated_pages(self.corpus.vocabulary).items():
                if files.get_file_from_path(src_uri) is None:
                    files.append(File.generated(config, src_uri, content=content))
        docs_dir = Path(config.docs_dir).resolve()
        for file in files:
            # Only what authors put in docs/; the theme's own files are code, not input.
            if (
                not file.abs_src_path
                or not self.config.check
                or not Path(file.abs_src_path).absolute().is_relative_to(docs_dir)
            ):
                continue
            if not file.is_documentation_page() and reserved_for_pdfs(file.dest_uri):
                self._report(
                    [
                        Problem(
                            Path(file.abs_src_path),
                            1,
                            1,
                            f"dit bestand komt in de site op {file.dest_uri}, waar de build zijn "
                            "eigen PDF's schrijft; het zou een PDF van de site vervangen (of "
                            "erdoor vervangen worden). Geef het een andere naam of zet het in "
                            "een andere map, bijvoorbeeld docs/bijlagen/.",
                        )
                    ]
                )
            elif file.src_uri.lower().endswith(".svg"):
                self._report(check_svg_file(Path(file.abs_src_path)))
            elif file.src_uri.lower().endswith(".css"):
                self._report(check_css_file(Path(file.abs_src_path), file.url))
            elif file.src_uri.lower().endswith(RASTER_IMAGES):
                self._report(check_image_file(Path(file.abs_src_path)))
        # Change pages between versions (koppelkansen.versions.changepages).
        for src_uri, content in self.change_pages.items():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=content))
        if self.versions is not None:
            self.versions.urls = {f.src_uri: f.url for f in files if f.is_documentation_page()}
        return files

    def _report(self, problems: list[Problem]) -> None:
        for problem in problems:
            log.error(problem.format())
        self.content_problems.extend(problems)

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        # Script, embedded documents, remote resources and paths out of docs/ are refused here,
        # after Markdown and the overviews are rendered, so raw HTML and generated HTML both count.
        if not self.config.check:
            return html
        source = Path(page.file.abs_src_path or Path(config.docs_dir) / page.file.src_uri)
        try:
            text = source.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = page.markdown or ""
        self._report(check_page_html(html, page.url, source, text))
        return html

    def _meta(self, src_uri: str) -> dict:
        if self.corpus is not None and src_uri in self.corpus.pages:
            return self.corpus.pages[src_uri].meta
        if self.corpus is not None:
            return generated_specs(self.corpus.vocabulary).get(src_uri, {})
        return {}

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        # Section titles from each folder's index page; siblings ordered by `order:` (folders by theirs).
        def index_of(section: Section) -> MkDocsPage | None:
            return next(
                (
                    c
                    for c in section.children
                    if isinstance(c, MkDocsPage) and c.file.name == "index"
                ),
                None,
            )

        def arrange(items: list) -> list:
            keyed: list[tuple[tuple[int, int, int], Any]] = []
            for position, item in enumerate(items):
                if isinstance(item, Section):
                    item.children = arrange(item.children)
                    index = index_of(item)
                    meta = self._meta(index.file.src_uri) if index else {}
                    if isinstance(meta.get("title"), str):
                        item.title = escape(meta["title"])  # the theme prints it unescaped
                    keyed.append(((1, nav_order(meta), position), item))
                elif isinstance(item, MkDocsPage):
                    first = 0 if item.file.name == "index" else 1
                    keyed.append(
                        ((first, nav_order(self._meta(item.file.src_uri)), position), item)
                    )
                else:
                    keyed.append(((1, nav_order(None), position), item))
            return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]

        nav.items = arrange(self._without_change_pages(nav.items))
        pages: list[MkDocsPage] = []

        def walk(items: list) -> None:
            for item in items:
                if isinstance(item, MkDocsPage):
                    pages.append(item)
                if item.children:
                    walk(item.children)

        walk(nav.items)
        for before, page, after in zip(
            [None, *pages[:-1]], pages, [*pages[1:], None], strict=False
        ):
            page.previous_page, page.next_page = before, after
        nav.pages = pages
        self.nav = nav  # the PDF bundle follows the nav order
        return nav

    def _without_change_pages(self, items: list) -> list:
        """The nav without the change pages (docs-dev/versions.md: they are reached from Downloads,
        the plan pages' history and the version list, not from the sidebar), and without a section
        that held only those."""
        kept = []
        for item in items:
            if isinstance(item, MkDocsPage) and item.file.src_uri in self.change_pages:
                item.parent = None
                continue
            if isinstance(item, Section):
                item.children = self._without_change_pages(item.children)
                if not item.children:
                    continue
            kept.append(item)
        return kept

    def on_page_markdown(
        self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        # MkDocs parsed the front matter with YAML 1.1 rules; use the checked, merged values instead.
        if self.corpus is not None and page.file.src_uri in self.corpus.pages:
            page.meta = dict(self.corpus.pages[page.file.src_uri].meta)
        if self.corpus is not None and self.renderer is not None:
            markdown = self.renderer.apply(
                self.corpus, page.file.src_uri, dict(page.meta), markdown, page.url
            )
        # Material prints page.title (<title>, header, nav, search) and page.meta.description
        # (a <meta> attribute) without escaping: hand it HTML-escaped text, so values stay text.
        page.meta = dict(page.meta)
        for key in ("title", "description"):
            if isinstance(page.meta.get(key), str):
                page.meta[key] = escape(page.meta[key])
        return markdown

    # -- PDF bundle: MkDocs hands over the rendered pages; koppelkansen.pdf does the rest. ----------
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # The theme's templates are compiled once per machine instead of in every build.
        if env.bytecode_cache is None:
            env.bytecode_cache = compiled_template_cache()
        # Every page's content is rendered by now and no template is: the PDFs start here, from
        # the cache at once, or typeset in a thread while the templates render (PdfJob); the
        # Downloads page and the download buttons then get their page count and size afterwards.
        self.pdfs = []
        if self.content_problems:
            count = len(self.content_problems)
            raise PluginError(
                f"De site is niet gebouwd: {count} "
                f"{'probleem' if count == 1 else 'problemen'} in pagina's of bestanden hierboven "
                "(script, ingesloten inhoud, bestanden van een andere site of van buiten docs/, "
                "een bestand op de plaats van een PDF)."
            )
        if self.corpus is None or self.nav is None or not pdf_wanted(self.config.pdf, self.command):
            return env
        root = Path(config.config_file_path or ".").resolve().parent
        docs_dir = Path(config.docs_dir).resolve()
        pages = [
            PageSource(
                url=page.url,
                source=Path(page.file.abs_src_path or "").relative_to(root).as_posix()
                if Path(page.file.abs_src_path or "").is_relative_to(root)
                else page.file.src_uri,
                title=str(self.corpus.pages[page.file.src_uri].meta.get("title") or page.title),
                html=page.content or "",
                meta=tuple(
                    (k, str(page.meta[k]))
                    for k in ("type", "status", "case", "date")
                    if k in page.meta
                ),
                path=page.file.abs_src_path or "",
            )
            for page in self.nav.pages
            if page.file.src_uri in self.corpus.pages
        ]
        specs = bundle_specs(
            pages,
            self.corpus.vocabulary,
            list(self.config.pdf_bundle_types),
            docs_dir,
            self.git_times,
            version_label=os.environ.get(EDITION_ENV) or None,
            version_date=edition_date(),
        )
        for spec in specs:
            if spec.name == BUNDLE_NAME:  # page 2: the programme at a glance
                figure = programme_figure(self.corpus)
                spec.overview_svg, spec.overview_alt = print_svg(figure), alt_text(figure)
        media = {
            f.url: f.abs_src_path for f in files if not f.is_documentation_page() and f.abs_src_path
        }
        typesetter = Typesetter(
            cache_dir=root / self.config.pdf_cache_dir,
            font_dir=docs_dir / "assets" / "fonts",
            site_url=config.site_url or "",
            # make serve-pdf: the compilers stay alive between rebuilds (koppelkansen.pdf.worker).
            live=self.command == "serve",
        )
        downloads = Path(config.site_dir) / "downloads"
        if self.versions is not None:  # the Downloads page lists them: made before the templates
            self._version_pdfs(
                root,
                Path(config.config_file_path).resolve(),
                root / self.config.pdf_cache_dir,
                downloads,
            )
        changes = Typesetter(
            cache_dir=root / self.config.pdf_cache_dir / "changes",
            font_dir=typesetter.font_dir,
            site_url=typesetter.site_url,
            live=typesetter.live,
        )
        change_specs = self._change_specs(files) if self.change_pages else []
        # The pages become Typst here, in the build's own thread (Python and lxml: in a thread of
        # their own they would wait for the GIL while the templates render, and Typst would start
        # seconds later). Typst then runs in a child process, from a thread, beside the templates.
        with _pdf_errors(PDFS_FAILED):
            sources = typesetter.prepare(specs, media)
        with _pdf_errors(CHANGE_PDFS_FAILED):
            change_sources = changes.prepare(change_specs, {}) if change_specs else None

        def make() -> list[PdfResult]:
            with _pdf_errors(PDFS_FAILED):
                results = typesetter.finish(sources, downloads)
            if os.environ.get(NESTED_ENV) == "1":
                # A version's build (koppelkansen.versions.pdfs): say which PDFs it made, in order.
                listing = [{"filename": r.spec.filename, "title": r.spec.title} for r in results]
                (downloads / "pdfs.json").write_text(
                    json.dumps(listing, ensure_ascii=False), encoding="utf-8"
                )
            if change_sources is not None:
                with _pdf_errors(CHANGE_PDFS_FAILED):
                    changes.finish(change_sources, downloads / "wijzigingen")
            return results

        if not sources.todo:
            self.pdfs = make()  # nothing to typeset: the templates get the real figures at once
        else:
            # Typst lays out in a child process while MkDocs renders the templates and writes
            # the pages; the PDF figures are filled in after (on_post_page, on_post_build).
            self.pdf_job = PdfJob(specs, make)
        return env

    def _change_specs(self, files: Files) -> list[PdfSpec]:
        """The PDF of each change page, typeset like the bundle (own cache folder)."""
        assert self.corpus is not None and self.versions is not None
        by_uri = {view.src_uri: view for view in views(self.versions.versions)}
        latest = max(self.git_times.values(), default=None)
        specs = []
        for src_uri in self.change_pages:  # not in the nav: found through their files
            file = files.get_file_from_path(src_uri)
            view_page = file.page if file is not None else None
            if view_page is None:
                continue
            source = PageSource(
                url=view_page.url,
                source=src_uri,
                title=str(view_page.meta.get("title") or view_page.title),
                html=view_page.content or "",
            )
            # The date of the newer side: the newer version's commit, or the working version's.
            newer = by_uri[src_uri].new if src_uri in by_uri else None
            epoch = newer.epoch if newer else latest
            specs.append(change_pdf_spec(source, src_uri, partners(self.corpus.vocabulary), epoch))
        return specs

    def _version_pdfs(self, root: Path, config_file: Path, cache: Path, downloads: Path) -> None:
        """Each version's PDFs, from the cache or built once from its tag, copied into the site."""
        assert self.versions is not None
        repo = repo_root(root)
        if repo is None:
            return
        config_rel = config_file.relative_to(repo).as_posix()
        for version in self.versions.versions:
            try:
                pdfs = version_pdfs(version, repo, config_rel, cache)
            except VersionBuildError as exc:
                log.warning(
                    "De PDF's van versie %s (tag %s) konden niet gemaakt worden:\n%s",
                    version.date_label,
                    version.tag,
                    exc,
                )
                continue
            target = downloads / "versies" / version.slug
            target.mkdir(parents=True, exist_ok=True)
            for pdf in pdfs:
                place(pdf.path, target / pdf.filename)
            self.versions.pdfs[version.slug] = pdfs

    def on_post_page(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        if self.pdf_job is not None and self.pdf_job.token in output and page.file.abs_dest_path:
            self.pdf_placeholders.append(Path(page.file.abs_dest_path))
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # The PDFs typeset beside the templates (on_env): wait for them, then put their page
        # counts and sizes into the pages that showed them.
        job, self.pdf_job = self.pdf_job, None
        if job is None:
            return
        self.pdfs = job.results()
        for path in self.pdf_placeholders:
            path.write_text(job.fill(path.read_text(encoding="utf-8")), encoding="utf-8")
        self.pdf_placeholders = []

    def on_page_context(
        self, context: TemplateContext, *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        # Status badge, concept notice and last-change date for overrides/partials/kk-page-status.html.
        changed = self.git_times.get(page.file.src_uri)
        extra = cast(dict[str, Any], context)  # our own keys beside MkDocs' TemplateContext
        extra["kk_page"] = page_info(
            dict(page.meta),
            self.corpus.vocabulary if self.corpus else None,
            iso_date(changed) if changed else None,
        )
        # PDF downloads; URLs relative to the site root, templates put {{ base_url }} in front.
        if self.pdf_job is not None:
            entries = self.pdf_job.entries()
        else:
            entries = [download_entry(result) for result in self.pdfs]
        extra["koppelkansen_pdfs"] = entries
        case = page.meta.get("case")
        extra["koppelkansen_case_pdf"] = next(
            (e for e in entries if case and e["case"] == case), None
        )
        # Versions: the list (Downloads), a plan's history, the versions made for a meeting.
        extra = cast("dict[str, Any]", context)  # our own keys; TemplateContext does not list them
        site = self.versions
        src_uri = page.file.src_uri
        if site is not None:
            if page.meta.get("template") == "downloads.html":
                extra["kk_versions"] = site.entries()
                extra["kk_versions_notice"] = site.listing.notice
            if page.meta.get("type") in site.types and self.corpus and src_uri in self.corpus.pages:
                extra["kk_history"] = site.history(src_uri, self.history.statuses.get(src_uri, []))
            extra["kk_meeting_versions"] = site.for_meeting(src_uri)
        return context
