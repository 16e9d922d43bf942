"""Typeset PDFs with Typst: cache, parallel compile, atomic writes, errors named by page."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from koppelkansen.pdf import parts, passes, worker
from koppelkansen.pdf.bundles import PdfSpec
from koppelkansen.pdf.cachefile import write_atomically
from koppelkansen.pdf.contents import contents_lines, module_sections
from koppelkansen.pdf.convert import (
    ConversionError,
    PageSource,
    PdfProblem,
    convert_pages,
    converter_version,
)
from koppelkansen.pdf.htmltypst import module_labels, module_targets, page_media
from koppelkansen.pdf.join import PART_LINK, JoinError
from koppelkansen.pdf.partlayout import PartLayout
from koppelkansen.pdf.typsterrors import typst_problem
from koppelkansen.pdf.typstsyntax import typst_array, typst_str

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

TEMPLATE = Path(__file__).parent / "templates" / "report.typ"
#: Bump when the way main.typ is generated changes (the generated text is not hashed).
LAYOUT_VERSION = "3"


@dataclass
class PdfResult:
    spec: PdfSpec
    path: Path
    pages: int
    size: int
    cached: bool
    seconds: float


@dataclass
class Sources:
    """What :meth:`Typesetter.prepare` hands to :meth:`Typesetter.finish`."""

    specs: list[PdfSpec]
    keys: dict[str, str]
    #: The PDFs not in the cache, to typeset.
    todo: list[PdfSpec]
    work: Path | None = None
    page_files: dict[str, Path] = field(default_factory=dict)
    mains: dict[str, Path] = field(default_factory=dict)
    #: The heading labels of each converted page, by page key.
    labels: dict[str, list[str]] = field(default_factory=dict)
    #: The labels each converted page links to, by page key.
    targets: dict[str, list[str]] = field(default_factory=dict)
    #: The section titles (Typst markup) of each converted page, by page key (:mod:`.contents`).
    sections: dict[str, list[str] | None] = field(default_factory=dict)
    #: The media of the build (for the parts' cache keys, :mod:`.parts`).
    media: dict[str, str] = field(default_factory=dict)


@cache
def typst_version() -> str:
    import typst

    return str(getattr(typst, "__version__", "?"))


def _digest_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Typesetter:
    """Typesets PDFs one after the other in a child process, replaced when it has grown (``live``:
    one compiler per PDF kept alive in this process, for ``make serve-pdf``); see :mod:`.worker`."""

    def __init__(
        self,
        cache_dir: Path,
        font_dir: Path,
        site_url: str,
        live: bool = False,
        limits: worker.TypstLimits | None = None,
        part_chapters: int = parts.PART_CHAPTERS,
    ) -> None:
        self.cache_dir = cache_dir
        self.font_dir = font_dir
        self.site_url = site_url
        self.live = live
        #: Time and memory of one PDF in the child (``pdf_limits``); the live compilers have none.
        self.limits = limits or worker.TypstLimits()
        #: A bundle of more chapters is typeset in parts of at most this many (:mod:`.parts`;
        #: the ``pdf_part_chapters`` option, 0: never).
        self.part_chapters = part_chapters

    def _in_parts(self, spec: PdfSpec) -> bool:
        """Whether ``spec`` is typeset in parts (:mod:`.parts`). Not in the live preview: its warm
        compiler re-lays out only what an edit changed in one document (1.8 s for 828 pages),
        where parts would add the join to every save and keep a compiler per part alive."""
        return parts.in_parts(spec, self.part_chapters) and not self.live

    # -- cache -----------------------------------------------------------------------------
    def _tools(self) -> dict[str, str]:
        fonts = {p.name: _digest_file(p) for p in sorted(self.font_dir.glob("*.otf"))}
        return {
            "typst": typst_version(),
            "converter": converter_version(),
            "layout": LAYOUT_VERSION,
            "template": _digest_file(TEMPLATE),
            "convert": _digest_file(Path(__file__).with_name("convert.py")),
            "typeset": _digest_file(Path(__file__)),
            "worker": _digest_file(Path(__file__).with_name("worker.py")),  # typst_options
            "parts": _digest_file(Path(__file__).with_name("parts.py")),
            "join": _digest_file(Path(__file__).with_name("join.py")),
            "pikepdf": importlib.metadata.version("pikepdf"),  # qpdf writes the joined file
            "fonts": json.dumps(fonts),
        }

    def cache_key(self, spec: PdfSpec, media: dict[str, str], tools: dict[str, str]) -> str:
        h = hashlib.sha256()
        h.update(json.dumps(tools, sort_keys=True).encode())
        h.update(self._main_typ(spec, {}).encode())
        h.update(self.site_url.encode())
        if self._in_parts(spec):
            h.update(f"parts of {self.part_chapters}".encode())
        for chapter in spec.chapters:
            page = chapter.page
            h.update(json.dumps([page.url, page.source, page.html]).encode())
            for file in page_media(page.html, page.url, media):
                h.update(file.encode())
                h.update(_digest_file(Path(file)).encode())
        return h.hexdigest()[:32]

    # -- Typst sources ---------------------------------------------------------------------
    def _main_typ(
        self,
        spec: PdfSpec,
        page_files: dict[str, Path],
        labels: dict[str, list[str]] | None = None,
        sections: dict[str, list[str] | None] | None = None,
        part: PartLayout | None = None,
        targets: dict[str, list[str]] | None = None,
    ) -> str:
        """The PDF's main file: every label the PDF holds (``kk-link`` links inside the PDF only
        to those), the cover's data and the lines of its contents page (:mod:`.contents`), and per
        chapter a ``#kk-chapter`` line that calls its page module. ``labels``: the heading labels
        per page key (:func:`module_labels`); ``sections``: the section titles per page key;
        ``part``: the main file of one part of a bundle typeset in parts (:mod:`.parts`);
        ``targets``: the labels each page links to (:func:`module_targets`), for a chapter part.

        A chapter part's main file holds only what its own chapters read: the labels they link to
        (each ``true`` if the part holds it, else its ``kk-part:`` address), no cover data and no
        contents. So another chapter's new heading, title or page leaves it as it was, and its
        cache key with it: only the edited part is typeset again (:mod:`.parts`)."""
        # PDF/A wants a document date: without a version date, `auto` takes Typst's timestamp
        # (typst_options: 0, the same every build).
        date = "auto"
        if spec.epoch is not None:
            import datetime as dt

            d = dt.datetime.fromtimestamp(spec.epoch, tz=dt.UTC)
            date = f"datetime(year: {d.year}, month: {d.month}, day: {d.day}, hour: {d.hour}, minute: {d.minute}, second: {d.second})"
        n = len(spec.chapters)
        note = f"{n} {'hoofdstuk' if n == 1 else 'hoofdstukken'}, ook te lezen op de website."
        known = [
            label
            for chapter in spec.chapters
            for label in (chapter.page.key, *(labels or {}).get(chapter.page.key, []))
        ]
        # One label a line: a dictionary, so `kk-link` looks a target up without a query. Before
        # the cover: the contents' section titles may hold links.
        lines = [f"#import {typst_str(str(TEMPLATE))}: *", "#let kk-link = kk-link-to.with(("]
        chapters = list(enumerate(spec.chapters, start=1))
        front = part is None or part.kind == "front"
        if part is None:
            lines.extend(f"  {typst_str(label)}: true," for label in dict.fromkeys(known))
        else:
            chapters = chapters[part.first : part.last]
            here = {
                label
                for _, chapter in chapters
                for label in (chapter.page.key, *(labels or {}).get(chapter.page.key, []))
            }
            linked = (
                set(known)
                if front
                else {
                    label
                    for _, chapter in chapters
                    for label in (targets or {}).get(chapter.page.key, [])
                }
            )
            lines.extend(
                f"  {typst_str(label)}: "
                + ("true" if label in here else typst_str(PART_LINK + label))
                + ","
                for label in dict.fromkeys(known)
                if label in linked
            )
        lines.append("))")
        contents = (
            contents_lines(((c.page.key, c.page.title) for c in spec.chapters), sections or {})
            if front
            else None
        )
        lines += [
            "#show: report.with(",
            f"  title: {typst_str(spec.title)}, short-title: {typst_str(spec.short_title)},",
            f"  subtitle: {typst_str(spec.subtitle)}, partners: {typst_array(spec.partners)},",
            f"  date: {date}, date-label: {typst_str(spec.date_label)}, edition: {typst_str(spec.edition)},",
            f"  status-label: {typst_str(spec.status_label)}, site-url: {typst_str(self.site_url)},",
            f"  contents-note: {typst_str(note if front else '')}, keywords: {typst_array(spec.keywords)},",
            *(
                [
                    f'  overview: image(bytes({typst_str(spec.overview_svg)}), format: "svg", '
                    f"width: 100%, alt: {typst_str(spec.overview_alt)}),"
                ]
                if spec.overview_svg and front
                else []
            ),
            *([f"  contents: {contents},"] if contents is not None else []),
            *(part.report_arguments() if part is not None else []),
            ")",
        ]
        for number, chapter in chapters:
            page = chapter.page
            body = (
                f"import {typst_str(str(page_files[page.key]))}: kk-page; "
                f"kk-page(kk-link, kk-section-number({number}))"
                if page.key in page_files
                else ""
            )
            lines.append(
                f"#kk-chapter(key: {typst_str(page.key)}, number: {number}, "
                f"title: {typst_str(page.title)}, "
                f"kind: {typst_str(chapter.kind)}, info: {typst_str(chapter.info)}, "
                f"status: {typst_str(chapter.status)}, status-label: {typst_str(chapter.status_label)}, "
                f"status-note: {typst_str(chapter.status_note)})[#{{ {body} }}]"
            )
        return "\n".join(lines) + "\n"

    def _numbers_typ(self, spec: PdfSpec, first: int, total: int) -> str:
        """The page numbers of a bundle in parts, from ``first`` to ``total`` (:mod:`.parts`)."""
        return (
            f"#import {typst_str(str(TEMPLATE))}: kk-page-numbers\n"
            f"#kk-page-numbers(title: {typst_str(spec.title)}, first: {first}, last: {total}, "
            f"total: {total})\n"
        )

    # -- build -----------------------------------------------------------------------------
    def keys(self, specs: list[PdfSpec], media: dict[str, str]) -> dict[str, str]:
        """The cache key of each PDF, by name."""
        tools = self._tools()
        return {spec.name: self.cache_key(spec, media, tools) for spec in specs}

    def build(self, specs: list[PdfSpec], media: dict[str, str], out_dir: Path) -> list[PdfResult]:
        """Make every PDF (from the cache where its inputs did not change) and write them to out_dir.

        Nothing is written to out_dir unless every PDF succeeded. :meth:`prepare` and
        :meth:`finish` are its two halves, for a caller that runs Typst in another thread.
        """
        if not specs:
            return []
        return self.finish(self.prepare(specs, media), out_dir)

    def prepare(self, specs: list[PdfSpec], media: dict[str, str]) -> Sources:
        """The first half of :meth:`build`: the pages converted to Typst (lxml and Python, so in
        the caller's thread) and the Typst sources written for the PDFs not in the cache."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        keys = self.keys(specs, media)
        todo = [s for s in specs if not self._cached(s.name, keys[s.name]).is_file()]
        sources = Sources(specs=specs, keys=keys, todo=todo, media=media)
        if todo:
            self._write_sources(sources, media)
        return sources

    def finish(self, sources: Sources, out_dir: Path) -> list[PdfResult]:
        """The second half of :meth:`build`: Typst (each PDF in a child process, so this may run
        in a thread of its own), then every PDF copied into out_dir."""
        specs, keys = sources.specs, sources.keys
        timings: dict[str, float] = {}
        if sources.todo:
            timings = self._compile(sources)
        results = []
        for spec in specs:
            cached_pdf = self._cached(spec.name, keys[spec.name])
            info = json.loads(cached_pdf.with_suffix(".json").read_text(encoding="utf-8"))
            results.append(
                PdfResult(
                    spec=spec,
                    path=out_dir / spec.filename,
                    pages=int(info["pages"]),
                    size=cached_pdf.stat().st_size,
                    cached=spec.name not in timings,
                    seconds=timings.get(spec.name, 0.0),
                )
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        for result in results:
            _atomic_copy(self._cached(result.spec.name, keys[result.spec.name]), result.path)
            if result.cached:
                log.info("PDF %s uit de cache", result.spec.filename)
            else:
                log.info(
                    "PDF %s gezet in %.1f s (%d pagina's)",
                    result.spec.filename,
                    result.seconds,
                    result.pages,
                )
        return results

    def _cached(self, name: str, key: str) -> Path:
        return self.cache_dir / f"{name}-{key}.pdf"

    def _write_sources(self, sources: Sources, media: dict[str, str]) -> None:
        pages: dict[str, PageSource] = {}
        for spec in sources.todo:
            for chapter in spec.chapters:
                pages.setdefault(chapter.page.key, chapter.page)
        started = time.perf_counter()
        typst_pages = convert_pages(
            list(pages.values()),
            media,
            self.site_url,
            cache_dir=self.cache_dir / "pages",
        )
        log.debug(
            "HTML naar Typst: %d pagina's in %.1f s", len(pages), time.perf_counter() - started
        )
        # A fixed work folder: the generated sources are the same on every build (and the live
        # compilers find their main files again).
        work = self.cache_dir / "work"
        if not self.live:
            shutil.rmtree(work, ignore_errors=True)
        (work / "pages").mkdir(parents=True, exist_ok=True)
        page_files: dict[str, Path] = {}
        labels: dict[str, list[str]] = {}
        targets: dict[str, list[str]] = {}
        sections: dict[str, list[str] | None] = {}
        for key, text in typst_pages.items():
            path = work / "pages" / f"{key}.typ"
            path.write_text(f"#import {typst_str(str(TEMPLATE))}: *\n" + text, encoding="utf-8")
            page_files[key] = path
            labels[key] = module_labels(text)
            targets[key] = module_targets(text)
            sections[key] = module_sections(text)
        mains = {}
        for spec in sources.todo:
            main = work / f"{spec.name}.typ"
            main.write_text(self._main_typ(spec, page_files, labels, sections), encoding="utf-8")
            mains[spec.name] = main
        sources.work, sources.page_files, sources.mains = work, page_files, mains
        sources.labels, sources.targets, sources.sections = labels, targets, sections

    def _compile(self, sources: Sources) -> dict[str, float]:
        keys, work, page_files, mains = (
            sources.keys,
            sources.work,
            sources.page_files,
            sources.mains,
        )
        assert work is not None
        child = worker.ChildCompiler()

        def compile_with(main: Path, epoch: int | None, chapters: int) -> bytes:
            if self.live:
                return worker.compile_live(main, self.font_dir, epoch)
            seconds, memory_mb = self.limits.for_chapters(chapters)
            return child.compile(main, self.font_dir, epoch, seconds, memory_mb)

        def alone(spec: PdfSpec, page: PageSource) -> bytes:  # the PDF with this chapter only
            one = replace(spec, chapters=[c for c in spec.chapters if c.page == page])
            main = work / f"{spec.name}.alone.typ"
            main.write_text(
                self._main_typ(one, page_files, sources.labels, sources.sections),
                encoding="utf-8",
            )
            return compile_with(main, spec.epoch, 1)

        def compile_one(spec: PdfSpec) -> tuple[str, float, bytes | None, list[PdfProblem]]:
            t0 = time.perf_counter()
            try:
                if self._in_parts(spec):
                    # A part holds at most part_chapters chapters: its limits are those of a PDF
                    # of that many.
                    size = min(len(spec.chapters), self.part_chapters)
                    data = parts.typeset(
                        spec,
                        lambda layout: self._main_typ(
                            spec,
                            page_files,
                            sources.labels,
                            sources.sections,
                            layout,
                            sources.targets,
                        ),
                        lambda first, total: self._numbers_typ(spec, first, total),
                        json.dumps([self._tools(), self.site_url], sort_keys=True),
                        self.cache_dir / "parts",
                        work,
                        page_files,
                        sources.sections,
                        sources.media,
                        lambda main, _fonts, epoch: compile_with(main, epoch, size),
                        self.font_dir,
                        self.part_chapters,
                    )
                else:
                    data = compile_with(mains[spec.name], spec.epoch, len(spec.chapters))
            except (worker.TypstTimeout, worker.TypstOutOfMemory) as exc:
                child.over_limit = True
                return spec.name, 0.0, None, [self._over_limit(spec, exc, alone)]
            except (worker.WorkerError, JoinError) as exc:
                return spec.name, 0.0, None, [PdfProblem(spec.filename, str(exc))]
            except Exception as exc:  # typst.TypstError; its text names the generated file
                chapters = {page_files[c.page.key]: c.page for c in spec.chapters}
                problem = typst_problem(
                    exc, spec.filename, mains[spec.name], chapters, lambda page: alone(spec, page)
                )
                return spec.name, 0.0, None, [problem]
            seconds = time.perf_counter() - t0
            if log.isEnabledFor(logging.DEBUG):
                # one more compile, under gdb: see passes.py. A bundle in parts: the most of its
                # front, its first chapter part and its page numbers (the main files this build
                # wrote; every chapter part is made the same way).
                counted_mains = (
                    [
                        main
                        for main in (
                            work / f"{spec.name}.part0.typ",
                            work / f"{spec.name}.part1.typ",
                            work / f"{spec.name}.nummers.typ",
                        )
                        if main.is_file()
                    ]
                    if self._in_parts(spec)
                    else [mains[spec.name]]
                )
                options = worker.typst_options(self.font_dir, spec.epoch)
                counts = [passes.count_passes(main, options) for main in counted_mains]
                known = [n for n in counts if n is not None]
                log.debug(
                    "PDF %s: %s opmaakrondes van Typst",
                    spec.filename,
                    max(known) if known and len(known) == len(counts) else "onbekend aantal",
                )
            return spec.name, seconds, data, []

        # One after the other: each compile uses both cores already, and one at a time keeps the
        # build's memory at that of the largest PDF (plus the child's limit, worker.ChildCompiler).
        with child:
            outcomes = []
            for spec in sources.todo:
                outcomes.append(compile_one(spec))
                if outcomes[-1][3] and child.over_limit:
                    break  # the other PDFs hold the same pages: no waiting for each again
        problems = [p for _, _, _, found in outcomes for p in found]
        if problems:
            raise ConversionError(problems)
        timings = {}
        for name, seconds, data, _ in outcomes:
            assert data is not None
            target = self._cached(name, keys[name])
            write_atomically(
                target.with_suffix(".json"), json.dumps({"pages": count_pages(data)}).encode()
            )
            write_atomically(target, data)
            timings[name] = seconds
        # The sources stay until the next build writes its own: `make bench` and the tests count
        # Typst's layout passes on them (passes.py).
        self._prune(keys)
        return timings

    def _over_limit(
        self,
        spec: PdfSpec,
        exc: worker.TypstTimeout | worker.TypstOutOfMemory,
        alone: Callable[[PdfSpec, PageSource], bytes],
    ) -> PdfProblem:
        """A PDF that Typst did not finish within its limits, named, with the page that does not
        finish alone either when there is one (:meth:`_over_limit_page`)."""
        n = len(spec.chapters)
        page = spec.chapters[0].page if n == 1 else self._over_limit_page(spec, exc, alone)
        timeout = isinstance(exc, worker.TypstTimeout)
        what = (
            f"duurde langer dan {worker.dutch_seconds(exc.seconds)}"
            if isinstance(exc, worker.TypstTimeout)
            else f"had meer dan {exc.memory_mb} MB geheugen nodig"
        )
        hoofdstukken = "hoofdstuk" if n == 1 else "hoofdstukken"
        told = f"Het zetten van de PDF {spec.filename} ({n} {hoofdstukken}) {what} en is gestopt"
        setting = (
            "seconds en seconds_per_chapter" if timeout else "memory_mb en memory_mb_per_chapter"
        )
        if page is not None:
            where = "" if n == 1 else ", ook als die pagina alleen in een PDF staat"
            return PdfProblem(
                page.source,
                f"{told}{where}. Op deze pagina staat iets waar Typst niet mee klaarkomt, meestal "
                "een figuur: een SVG met een zwaar filter of heel veel elementen, of een heel "
                "grote afbeelding. Vereenvoudig of verklein die figuur, of haal haar weg en kijk "
                "of de PDF dan wel lukt",
            )
        return PdfProblem(
            spec.filename,
            f"{told}; geen pagina alleen veroorzaakt dat. Is de PDF gewoon zo groot, dan kan "
            f"een beheerder de grens verhogen in mkdocs.yml (bij de plugin koppelkansen: "
            f"pdf_limits, {setting}; zie docs-dev/threat-model.md)",
        )

    def _over_limit_page(
        self,
        spec: PdfSpec,
        exc: worker.TypstTimeout | worker.TypstOutOfMemory,
        alone: Callable[[PdfSpec, PageSource], bytes],
    ) -> PageSource | None:
        """The page of ``spec`` that also goes over the limit alone, tried one chapter at a time
        (pages with figures first, then the longest), within the time the whole PDF had: a search
        that never takes longer than the compile it explains. None when no page does alone."""
        budget, _ = self.limits.for_chapters(len(spec.chapters))
        deadline = time.monotonic() + budget
        single, _ = self.limits.for_chapters(1)
        chapters = sorted(
            spec.chapters,
            key=lambda c: (
                -c.page.html.count("<img") - c.page.html.count("<svg"),
                -len(c.page.html),
            ),
        )
        for chapter in chapters:
            if deadline - time.monotonic() < single:
                return None  # no time left to tell a slow page from the rest
            try:
                alone(spec, chapter.page)
            except type(exc):
                return chapter.page
            except Exception:  # another error is told when the page is fixed
                continue
        return None

    def _prune(self, keys: dict[str, str]) -> None:
        """Keep only the newest cache entry per PDF."""
        for name, key in keys.items():
            for old in self.cache_dir.glob(f"{name}-*.*"):
                if old.stem != f"{name}-{key}" and re.fullmatch(
                    rf"{re.escape(name)}-[0-9a-f]{{32}}", old.stem
                ):
                    old.unlink(missing_ok=True)


_COUNT = re.compile(
    rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S
)


def count_pages(data: bytes) -> int:
    """Pages in a Typst PDF (its page tree root carries /Count)."""
    counts = [int(a or b) for a, b in _COUNT.findall(data)]
    if not counts:
        raise ValueError("geen paginaboom gevonden in de PDF")
    return max(counts)


def _atomic_copy(source: Path, target: Path) -> None:
    write_atomically(target, source.read_bytes())
