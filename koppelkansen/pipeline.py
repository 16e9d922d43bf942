"""One build of the site, stage by stage, without MkDocs.

The generator's adapter (:mod:`koppelkansen.adapter.plugin`) makes one :class:`SiteBuild` per
build and calls it once per event, in the order the data goes:

1. :meth:`~SiteBuild.start`: the docs folder is read and checked (:mod:`koppelkansen.check`), the
   page dates come from git, the versions and their change pages are read (:mod:`koppelkansen.versions`);
2. :meth:`~SiteBuild.overview_pages`, :meth:`~SiteBuild.check_file` and
   :attr:`~SiteBuild.change_pages`: the pages the build adds, and the author's files, checked;
3. :meth:`~SiteBuild.page_markdown` and :meth:`~SiteBuild.page_html`: each page gets its checked
   front matter and its overviews and figures (:mod:`koppelkansen.overviews`), then its rendered
   HTML is checked;
4. :meth:`~SiteBuild.start_pdfs`: every page is rendered, so the PDFs start (:mod:`koppelkansen.pdf`);
5. :meth:`~SiteBuild.page_context`: what the theme's templates show beside a page;
6. :meth:`~SiteBuild.page_written` and :meth:`~SiteBuild.finish`: the PDFs' figures go into the
   pages that showed them.

A problem an author can fix stops the build with :class:`~koppelkansen.problems.BuildStopped`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from koppelkansen.check.content import (
    check_css_file,
    check_embedded_files,
    check_file_references,
    check_media_file,
    check_page_html,
    check_page_images,
    refused_through_svgs,
    svg_embedded_files,
)
from koppelkansen.check.frontmatter import check_docs
from koppelkansen.check.pagelinks import EngineWarning, LinkSite, explain
from koppelkansen.editor.admin import (
    LOCAL_BACKEND_ENV,
    LOCAL_BRANCH_ENV,
    RESERVED_FOR_EDITOR,
    reserved_for_editor,
    write_editor,
)
from koppelkansen.editor.config import edit_target, repository
from koppelkansen.editor.signin import SignIn, sign_in
from koppelkansen.figures.scenes import programme_figure
from koppelkansen.figures.shapes import alt_text
from koppelkansen.figures.svg import print_svg
from koppelkansen.overviews.compute import generated_specs
from koppelkansen.overviews.render import OverviewRenderer, generated_pages
from koppelkansen.pages.activefiles import active_document
from koppelkansen.pages.gitdates import GitHistory, git_history, iso_date
from koppelkansen.pages.model import Corpus, Page, PageRecord
from koppelkansen.pages.pageinfo import page_info
from koppelkansen.pdf import sitepdfs
from koppelkansen.pdf.bundles import BUNDLE_NAME, bundle_specs, partners
from koppelkansen.pdf.convert import PageSource
from koppelkansen.pdf.downloads import (
    RESERVED_PLACE,
    PdfJob,
    case_downloads,
    download_entry,
    reserved_for_pdfs,
)
from koppelkansen.pdf.parts import PART_CHAPTERS
from koppelkansen.pdf.typeset import PdfResult
from koppelkansen.pdf.worker import TypstLimits
from koppelkansen.problems import (
    ANNOTATIONS_ENV,
    BuildStopped,
    Problem,
    os_error_reason,
    summary,
)
from koppelkansen.search import index as search
from koppelkansen.versions.pdfs import EDITION_DATE_ENV, EDITION_ENV, NESTED_ENV, edition_date
from koppelkansen.versions.proposal import SINCE_ENV, SINCE_NAME_ENV
from koppelkansen.versions.versionsite import (
    VersionSite,
    change_pdf_specs,
    place_version_pdfs,
    read_version_site,
)

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


CONTENT_FAILED = (
    "De site is niet gebouwd: {count} {problems} in pagina's of bestanden hierboven (script, "
    "ingesloten inhoud, bestanden van een andere site of van buiten docs/, een bestand op de "
    "plaats van een PDF)."
)
INTERNAL_ERROR = (
    "Interne fout in de bouwsoftware (niet in de pagina's). Meld dit aan de beheerders, met de "
    "tekst hieronder."
)
STOPPED = "De build is gestopt."
LINKS_FAILED = (
    "De site is niet gebouwd: {count} {problems} met links of bestanden in pagina's hierboven."
)


#: The generator's link checks (MkDocs' ``validation.links``) that the build sets to a warning:
#: every link problem is then reported by the build as an error at its line (check/pagelinks.py).
LINK_CHECKS = ("not_found", "anchors", "absolute_links", "unrecognized_links")


def link_levels(levels: Mapping[str, int]) -> dict[str, int]:
    """The level of each of :data:`LINK_CHECKS` (``levels``: as configured): a warning, except
    ``relative_to_docs`` (-1), a choice of how absolute links are read and not a level."""
    return {key: logging.WARNING for key, level in levels.items() if level >= 0}


@dataclass(frozen=True)
class BuildEnvironment:
    """What the environment variables tell a build, read once where the build starts (the
    adapter, :meth:`read`): the stages take these values, never ``os.environ``. Every variable is
    a ``KOPPELKANSEN_*`` one, so the fingerprint of a build's inputs holds it
    (:mod:`koppelkansen.inputs`)."""

    #: A version's own build, started by the site's build for its PDFs (``NESTED_ENV``).
    version_build: bool = False
    #: The version's name and date on the covers of its PDFs (``EDITION_ENV``, ``EDITION_DATE_ENV``).
    edition: str = ""
    edition_date: str | None = None
    #: The ref a proposal is compared with, and its name (``make wijzigingen``, a pull request).
    since: str = ""
    since_name: str = ""
    #: The editor's local back end (``make schrijven``): its address, "" for GitHub.
    editor_local_backend: str = ""
    #: The checkout's branch the local editor publishes into (``make schrijven``).
    editor_local_branch: str = ""
    #: Problems also as GitHub annotations (``koppelkansen build --annotations github``).
    annotations: bool = False

    #: The variables read, by field.
    VARIABLES: ClassVar[dict[str, str]] = {
        "version_build": NESTED_ENV,
        "edition": EDITION_ENV,
        "edition_date": EDITION_DATE_ENV,
        "since": SINCE_ENV,
        "since_name": SINCE_NAME_ENV,
        "editor_local_backend": LOCAL_BACKEND_ENV,
        "editor_local_branch": LOCAL_BRANCH_ENV,
        "annotations": ANNOTATIONS_ENV,
    }

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> BuildEnvironment:
        value = {field: environ.get(name, "") for field, name in cls.VARIABLES.items()}
        return cls(
            version_build=value["version_build"] == "1",
            edition=value["edition"],
            edition_date=edition_date(value["edition_date"]),
            since=value["since"],
            since_name=value["since_name"],
            editor_local_backend=value["editor_local_backend"],
            editor_local_branch=value["editor_local_branch"],
            annotations=value["annotations"] == "github",
        )

    @property
    def publishes_editor(self) -> bool:
        """Only the published site (and its live preview) has the browser editor: a version's
        build makes PDFs, a proposal's build its change site, and neither needs ``admin/`` (nor
        the npm packages it is copied from)."""
        return not self.version_build and not self.since


@dataclass(frozen=True)
class Options:
    """What the adapter tells the build about its configuration."""

    docs_dir: Path
    #: The configuration file (``mkdocs.yml``); the repository and the caches are found from it.
    config_file: Path
    site_dir: Path
    site_url: str
    #: Check every page before the build (the plugin's ``check`` option).
    check: bool
    #: Make the PDFs in this build (the ``pdf`` option, and ``KOPPELKANSEN_PDF`` for serve).
    pdf: bool
    #: Page types of the bundle (the ``pdf_bundle_types`` option).
    bundle_types: tuple[str, ...]
    #: The PDF cache, relative to the folder of the configuration file.
    cache_dir: str
    #: The live preview (``mkdocs serve``): compilers stay alive between rebuilds.
    live: bool
    #: The theme's templates (``theme.custom_dir``): the page templates ``template:`` may name.
    overrides: Path | None = None
    #: How an author signs in to the published editor (the ``editor_sign_in`` option;
    #: :mod:`koppelkansen.editor.signin`).
    editor_sign_in: Mapping[str, Any] | None = None
    #: What the environment variables say (read by the adapter).
    environment: BuildEnvironment = BuildEnvironment()
    #: Time and memory of one PDF in Typst (the ``pdf_limits`` option: ``TypstLimits.read``).
    pdf_limits: Mapping[str, Any] | None = None
    #: A PDF of more chapters is typeset in parts of at most this many (``pdf_part_chapters``;
    #: 0: never; :mod:`koppelkansen.pdf.parts`).
    pdf_part_chapters: int = PART_CHAPTERS

    @property
    def root(self) -> Path:
        return self.config_file.resolve().parent

    @property
    def cache_root(self) -> Path:
        return self.root / self.cache_dir


@dataclass(frozen=True)
class RenderedPage:
    """A page as the generator rendered it: what the PDFs take beside the page model."""

    src_uri: str
    url: str
    #: The page's content (the article, without the theme).
    html: str
    #: The Markdown file ("" for a page the build generated).
    abs_src_path: str
    #: The title the generator gives the page (used where no checked page has one).
    title: str


class SiteBuild:
    """The state of one build, from the checked pages to the written PDFs."""

    def __init__(self, options: Options) -> None:
        self.options = options
        search.wait()  # make serve: the last rebuild's index, before MkDocs empties the site
        self.corpus: Corpus | None = None
        self.renderer = OverviewRenderer()
        self.history = GitHistory()
        self.sign_in = SignIn()
        self.versions: VersionSite | None = None
        #: Markdown of the generated change pages (koppelkansen.versions.changepages), by src_uri.
        self.change_pages: dict[str, str] = {}
        #: Active content or outside paths found in pages, SVG figures and style sheets.
        self.content_problems: list[Problem] = []
        #: The author's files refused by check_file, by src_uri (their path in docs/).
        self.refused_files: dict[str, list[Problem]] = {}
        #: What each SVG of docs/ draws (its line, the file), until the pages are checked.
        self.svg_files: dict[str, list[tuple[int, str]]] = {}
        self.pdfs: list[PdfResult] = []
        #: PDFs being typeset while the templates render.
        self.pdf_job: PdfJob | None = None
        #: Written pages that show a placeholder of pdf_job, to fill in after the build.
        self.pdf_placeholders: list[Path] = []

    # -- 1. read and check ------------------------------------------------------------------
    def start(self) -> None:
        self.sign_in = sign_in(dict(self.options.editor_sign_in or {}), self.options.site_url)
        corpus, problems, checked = check_docs(self.options.docs_dir, self.options.overrides)
        if problems and self.options.check:
            self._report(problems, keep=False)
            raise BuildStopped(summary(problems, checked))
        self.corpus = corpus
        self.history = git_history(self.options.docs_dir)
        environment = self.options.environment
        if corpus is not None and not environment.version_build:
            self.versions, self.change_pages = read_version_site(
                corpus,
                self.options.docs_dir,
                self.options.cache_root,
                list(self.options.bundle_types),
                self.options.pdf,
                (environment.since, environment.since_name),
            )
        if corpus is not None and self.options.pdf:
            self.renderer.downloads = case_downloads(corpus)

    # -- 2. the files ----------------------------------------------------------------------
    def overview_pages(self) -> dict[str, str]:
        """Markdown of the overview pages without a source (timeline, matrix, one per
        organisation), by src_uri. The change pages are :attr:`change_pages`."""
        return generated_pages(self.corpus.vocabulary) if self.corpus is not None else {}

    def check_file(self, path: Path, src_uri: str, dest_uri: str, url: str, is_page: bool) -> None:
        """An author's file in the docs folder (the theme's own files are code, not input)."""
        if not self.options.check:
            return
        lower = src_uri.lower()
        if reserved_for_editor(dest_uri):
            self._report([Problem(path, 1, 1, RESERVED_FOR_EDITOR.format(dest_uri=dest_uri))])
        elif not is_page and reserved_for_pdfs(dest_uri):
            self._report([Problem(path, 1, 1, RESERVED_PLACE.format(dest_uri=dest_uri))])
        elif not is_page and (active := active_document(path)) is not None:
            self._report([Problem(path, 1, 1, active)])  # no HTML/XML document beside the editor
        elif lower.endswith(".css"):
            self._report(check_css_file(path, url) + check_file_references(path, url))
        elif not is_page:  # an image is judged by its content, not its name (issue 31)
            fonts = self.options.docs_dir.resolve() / "assets" / "fonts"
            problems = check_media_file(path, url, fonts)
            self._report(problems)
            if problems:  # told again at the line of every page that shows it (page_html)
                self.refused_files[src_uri] = list(problems)
            elif drawn := svg_embedded_files(path, src_uri):  # an SVG that draws other files
                self.svg_files[src_uri] = drawn

    def authors_file(self, abs_src_path: str | None) -> Path | None:
        """A file of the docs folder, as the check reads it (a link inside docs/ is the author's
        file, named as written); None for the theme's files and the pages the build generates."""
        if not abs_src_path:
            return None
        path = Path(abs_src_path).absolute()
        return path if path.is_relative_to(self.options.docs_dir.resolve()) else None

    def pdf_media(self, files: Iterable[tuple[str, str | None]]) -> dict[str, str]:
        """What Typst may read (issue 24, item 6): of the site's other files (site URL and file),
        only those whose target lies inside docs/; a file of the theme or one reached through a
        link out of docs/ never goes into a PDF."""
        docs_dir = self.options.docs_dir.resolve()
        return {
            url: path
            for url, path in files
            if path and Path(path).resolve().is_relative_to(docs_dir)
        }

    def page_urls(self, urls: dict[str, str]) -> None:
        """The site URL of every page, by src_uri (the version views link to them)."""
        if self.versions is not None:
            self.versions.urls = urls

    def is_change_page(self, src_uri: str) -> bool:
        return src_uri in self.change_pages

    def record(self, src_uri: str) -> PageRecord | None:
        """The record of a page (:meth:`Corpus.record`), or of a generated overview's
        specification read as a page's front matter is; None for another file."""
        corpus = self.corpus
        if corpus is None:
            return None
        if src_uri in corpus.pages:
            return corpus.record(src_uri)
        spec = generated_specs(corpus.vocabulary).get(src_uri)
        if spec is None:
            return None
        return PageRecord.of(Page.of_version(src_uri, spec, ""), corpus.vocabulary)

    # -- 3. each page ----------------------------------------------------------------------
    def page_markdown(
        self, src_uri: str, meta: Mapping[str, Any], markdown: str, url: str
    ) -> tuple[dict[str, Any], str]:
        """The page's front matter (the checked, merged values instead of the generator's own
        YAML 1.1 reading) and its Markdown with the overviews and figures it asks for."""
        if self.corpus is None:
            return dict(meta), markdown
        if src_uri in self.corpus.pages:
            meta = self.corpus.pages[src_uri].meta
        return dict(meta), self.renderer.apply(self.corpus, src_uri, markdown, url)

    def page_html(self, html: str, url: str, source: Path, markdown: str) -> None:
        """Script, embedded documents, remote resources and paths out of docs/ are refused here,
        after Markdown and the overviews are rendered, so raw HTML and generated HTML both count.
        ``markdown``: the page's text when its file cannot be read (a generated page)."""
        if not self.options.check:
            return
        try:
            text = source.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = markdown
        if self.svg_files:  # once, when every file has been checked
            drawn, self.svg_files = self.svg_files, {}
            docs = self.options.docs_dir.resolve()
            self._report(refused_through_svgs(drawn, self.refused_files, docs))
        self._report(list(checked_page_html(html, url, source, text)))
        self._report(check_page_images(html, url, source, text, self.options.docs_dir))
        self._report(check_embedded_files(html, url, source, text, self.refused_files))

    # -- 4. the PDFs -----------------------------------------------------------------------
    def start_pdfs(
        self, pages: list[RenderedPage] | None, generated: list[RenderedPage], media: dict[str, str]
    ) -> None:
        """Every page's content is rendered by now and no template is: the PDFs start here, from
        the cache at once, or typeset in a thread while the templates render. ``pages``: in the
        navigation's order (None without a navigation); ``generated``: the change pages;
        ``media``: site URL to file."""
        self.pdfs = []
        if self.content_problems:
            count = len(self.content_problems)
            problems = "probleem" if count == 1 else "problemen"
            raise BuildStopped(CONTENT_FAILED.format(count=count, problems=problems))
        corpus = self.corpus
        if corpus is None or pages is None or not self.options.pdf:
            return
        options = self.options
        sources = [
            PageSource.of(
                corpus.record(page.src_uri),
                url=page.url,
                html=page.html,
                path=page.abs_src_path,
                root=options.root,
                title=page.title,
            )
            for page in pages
            if page.src_uri in corpus.pages
        ]
        specs = bundle_specs(
            sources,
            corpus.vocabulary,
            list(options.bundle_types),
            options.docs_dir.resolve(),
            self.history.times,
            version_label=options.environment.edition or None,
            version_date=options.environment.edition_date,
        )
        for spec in specs:
            if spec.name == BUNDLE_NAME:  # page 2: the programme at a glance
                figure = programme_figure(corpus)
                spec.overview_svg, spec.overview_alt = print_svg(figure), alt_text(figure)
        bundle, changes = sitepdfs.typesetters(
            options.cache_root,
            options.docs_dir.resolve() / "assets" / "fonts",
            options.site_url,
            options.live,
            TypstLimits.read(options.pdf_limits or {}),
            options.pdf_part_chapters,
        )
        downloads = options.site_dir / "downloads"
        change_specs = []
        if self.versions is not None:  # the Downloads page lists them: made before the templates
            place_version_pdfs(
                self.versions, options.config_file.resolve(), options.cache_root, downloads
            )
            rendered = {
                page.src_uri: PageSource(
                    url=page.url, source=page.src_uri, title=page.title, html=page.html
                )
                for page in generated
                if page.src_uri in self.change_pages
            }
            latest = max(self.history.times.values(), default=None)
            change_specs = change_pdf_specs(
                self.versions, rendered, partners(corpus.vocabulary), latest
            )
        self.pdfs, self.pdf_job = sitepdfs.start(
            specs,
            change_specs,
            media,
            downloads,
            bundle,
            changes,
            write_listing=options.environment.version_build,
        )

    # -- 5. what the templates show --------------------------------------------------------
    def page_context(self, src_uri: str) -> dict[str, Any]:
        """The keys the theme's templates read beside MkDocs' own: the page header (status badge,
        concept notice, last change), the PDF downloads, a plan's history and the versions, each
        from the page's record (:meth:`record`; a change page has none)."""
        corpus = self.corpus
        record = corpus.record(src_uri) if corpus is not None and src_uri in corpus.pages else None
        # A generated overview has the record of its specification (and no file to edit).
        shown = self.record(src_uri)
        changed = self.history.times.get(src_uri)
        context: dict[str, Any] = {
            "kk_page": page_info(
                shown,
                iso_date(changed) if changed else None,
                generated=record is None and shown is not None,
            )
        }
        # PDF downloads; URLs relative to the site root, templates put {{ base_url }} in front.
        if self.pdf_job is not None:
            entries = self.pdf_job.entries()
        else:
            entries = [download_entry(result) for result in self.pdfs]
        context["koppelkansen_pdfs"] = entries
        case = shown.case if shown is not None else ""
        context["koppelkansen_case_pdf"] = next(
            (e for e in entries if case and e["case"] == case), None
        )
        publishes_editor = self.options.environment.publishes_editor
        if record is not None and publishes_editor:
            context["kk_edit_url"] = edit_target(
                src_uri,
                record.type,
                repo=repository(self.options.site_url),
                # make schrijven: the pages open in the local editor, which needs no sign-in.
                sign_in=None if self.options.environment.editor_local_backend else self.sign_in,
            )
        site = self.versions
        if site is not None:
            template = shown.template if shown is not None else ""
            if template == "downloads.html":
                context["kk_versions"] = site.entries()
                context["kk_versions_notice"] = site.listing.notice
            if record is not None and record.type in site.types:
                context["kk_history"] = site.history(
                    src_uri, self.history.statuses.get(src_uri, [])
                )
            context["kk_meeting_versions"] = site.for_meeting(src_uri)
        return context

    # -- 6. after the pages are written ----------------------------------------------------
    def page_written(self, output: str, dest: Path | None) -> None:
        if self.pdf_job is not None and dest is not None and self.pdf_job.token in output:
            self.pdf_placeholders.append(dest)

    def finish(self) -> None:
        """Wait for the PDFs typeset beside the templates, then put their page counts and sizes
        into the pages that showed them. The editor goes into ``admin/``, the search index into
        ``pagefind/``."""
        if self.corpus is not None and self.options.environment.publishes_editor:
            write_editor(
                self.options.site_dir,
                self.options.root,
                self.corpus.schema,
                self.corpus.vocabulary,
                repo=repository(self.options.site_url),
                site_url=self.options.site_url,
                local_backend=self.options.environment.editor_local_backend or None,
                local_branch=self.options.environment.editor_local_branch or "main",
                sign_in=self.sign_in,
                pages={uri: page.label for uri, page in self.corpus.pages.items()},
                docs_dir=self.corpus.docs_dir,
            )
        job, self.pdf_job = self.pdf_job, None
        if job is not None:
            self.pdfs = job.results()
            for path in self.pdf_placeholders:
                path.write_text(job.fill(path.read_text(encoding="utf-8")), encoding="utf-8")
            self.pdf_placeholders = []
        self.search_index()  # of the pages as they stay: after the PDFs' figures are in

    def search_index(self) -> None:
        """Pagefind's index of the written pages (:mod:`koppelkansen.search`); not in the build of
        an old version, which only makes its PDFs."""
        if self.options.environment.version_build:
            return
        vocabulary = self.corpus.vocabulary if self.corpus else None
        if self.options.live:  # make serve: written after the pages are served
            search.build_index_later(self.options.site_dir, vocabulary)
            return
        try:
            search.build_index(self.options.site_dir, vocabulary)
        except search.SearchIndexError as error:
            log.error(str(error))
            raise BuildStopped(STOPPED) from None

    def engine_warnings(
        self,
        warnings: list[EngineWarning],
        files: set[str],
        anchors: dict[str, set[str]],
        headings: dict[str, list[str]],
        slugify: Any = None,
    ) -> str | None:
        """The generator's warnings about pages (links, anchors, files) as Dutch messages at their
        lines (:mod:`koppelkansen.check.pagelinks`); returns the message to stop the build with.
        ``files``: every src_uri of the site; ``anchors``: each rendered page's ids;
        ``headings``: its headings' ids in order."""
        if not warnings:
            return None
        versions: dict[str, tuple[str, list[str]]] = {}
        if self.versions is not None:
            for version in self.versions.versions:
                pdfs = self.versions.pdfs.get(version.slug, [])
                versions[version.slug] = (version.label, [pdf.filename for pdf in pdfs])
        site = LinkSite(
            docs_dir=self.options.docs_dir,
            files=files,
            anchors=anchors,
            headings=headings,
            versions=versions,
            config_file=self.options.config_file,
        )
        if callable(slugify):
            site.slugify = slugify
        problems = explain(warnings, site)
        self._report(problems, keep=False)
        count = len(problems)
        return LINKS_FAILED.format(count=count, problems="probleem" if count == 1 else "problemen")

    def abandon(self) -> None:
        """The build failed: wait for the PDF thread, so that it writes nothing into it."""
        if self.pdf_job is not None:
            self.pdf_job.wait()
            self.pdf_job = None

    def _report(self, problems: list[Problem], keep: bool = True) -> None:
        annotate = self.options.environment.annotations
        for problem in problems:
            log.error(problem.format())
            if (
                annotate
            ):  # for a pull request: on the author's line (koppelkansen build --annotations)
                print(problem.format_github(title="Paginacontrole"), flush=True)
        if keep:
            self.content_problems.extend(problems)


@functools.lru_cache(maxsize=4096)
def checked_page_html(html: str, url: str, source: Path, text: str) -> tuple[Problem, ...]:
    """:func:`~koppelkansen.check.content.check_page_html`, which is a function of its arguments
    alone, kept for the rebuilds of one process (``make serve``): a page whose HTML and source did
    not change is not parsed again (issue 22)."""
    return tuple(check_page_html(html, url, source, text))


def failure_message(error: Exception, *, reported: bool) -> str | None:
    """What a failed build says. A full disk or a read-only folder is not a bug: its Dutch reason
    and the message to stop with (returned). Anything else that the generator did not report
    itself (``reported``) is ours: the internal-error line, above the generator's traceback."""
    if isinstance(error, OSError):
        where = error.filename2 or error.filename or "de site"
        log.error("%s: fout: %s", where, os_error_reason(error))
        return STOPPED
    if not reported and not isinstance(error, BuildStopped):
        log.error(INTERNAL_ERROR)
        log.error("  %s: %s", type(error).__name__, str(error) or "(zonder tekst)")
    return None
