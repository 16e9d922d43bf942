"""Rendered page HTML to Typst markup, with our own converter (htmltypst.py), in-process.

Each page's Typst is cached under a hash of its HTML and everything the conversion depends on, so
only changed pages are converted again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from koppelkansen.figures import svg as figure_svg
from koppelkansen.pages.model import PageRecord
from koppelkansen.pdf import htmltypst
from koppelkansen.problems import SourceFinder

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

CONVERTER = Path(htmltypst.__file__)


@dataclass(frozen=True)
class PageSource:
    """One site page as the PDF sees it: its page record (:meth:`of`) with what only the rendered
    site knows (its URL and HTML). A record of its own because it is frozen and hashable (the PDF
    cache keys on it) and because the change pages, which have no page record, are PDF chapters
    too."""

    #: URL below the site root as MkDocs gives it (``casussen/amstelstad/plan/``; ``""`` for home).
    url: str
    #: The Markdown file, for messages (``docs/casussen/amstelstad/plan.md``).
    source: str
    title: str
    #: The page's content as MkDocs rendered it (``page.content``).
    html: str
    #: The checked page's record (its type, status, case, date and their labels: what a chapter
    #: shows); None for a change page.
    record: PageRecord | None = None
    #: Absolute path of the Markdown file (for the version date from git).
    path: str = ""

    @classmethod
    def of(
        cls, record: PageRecord, *, url: str, html: str, path: str, root: Path, title: str
    ) -> PageSource:
        """The PDF's view of a checked page, as the generator rendered it: its URL and HTML, its
        file (``path``, absolute; named relative to ``root`` in messages) and the generator's
        ``title`` where the page has none."""
        file = Path(path)
        return cls(
            url=url,
            source=file.relative_to(root).as_posix()
            if file.is_relative_to(root)
            else record.src_uri,
            title=record.title or title,
            html=html,
            record=record,
            path=path,
        )

    @property
    def key(self) -> str:
        return page_key(self.url)

    @property
    def type(self) -> str:
        return self.record.type if self.record is not None else ""

    @property
    def case(self) -> str:
        return self.record.case if self.record is not None else ""


@dataclass(frozen=True)
class PdfProblem:
    source: str
    message: str
    #: The line in the Markdown file, when it is known (0 when not).
    line: int = 0

    def format(self) -> str:
        where = f"{self.source}:{self.line}:1" if self.line else self.source
        return f"{where}: fout: {self.message}"


class ConversionError(Exception):
    def __init__(self, problems: list[PdfProblem]) -> None:
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def page_key(url: str) -> str:
    """A Typst label for a page (``p-`` and its URL with other characters than ``[A-Za-z0-9_-]`` dots)."""
    return htmltypst.page_key(url)


@cache
def converter_version() -> str:
    """What a page's Typst depends on besides its HTML: the converter's source and lxml's version."""
    figures = Path(figure_svg.__file__)  # for_print: the PDF's colours and font
    return hashlib.sha256(
        CONVERTER.read_bytes() + figures.read_bytes() + etree.__version__.encode()
    ).hexdigest()


def _page_digest(page: PageSource, context: str) -> str:
    return hashlib.sha256(f"{context}\0{page.key}\0{page.url}\0{page.html}".encode()).hexdigest()[
        :32
    ]


def _located(page: PageSource, found: list[tuple[str, tuple[str, ...]]]) -> list[PdfProblem]:
    """The converter's problems of one page at their lines in its Markdown file: the n-th problem
    with the same snippets at the n-th place they occur (1 when the file cannot be read)."""
    if not found:
        return []
    try:
        text = Path(page.path).read_text(encoding="utf-8", errors="replace") if page.path else ""
    except OSError:
        text = ""
    finder = SourceFinder(text)
    used: dict[tuple[str, ...], int] = {}
    out = []
    for message, needles in found:
        nth = used.get(needles, 0)
        used[needles] = nth + 1
        out.append(PdfProblem(page.source, message, finder.nth_line(nth, *needles)))
    return out


def convert_pages(
    pages: list[PageSource],
    media: dict[str, str],
    site_url: str,
    cache_dir: Path | None = None,
) -> dict[str, str]:
    """Typst markup per page key (a page module: :func:`htmltypst.convert_page_module`); raises
    ConversionError naming the Markdown pages at fault.

    With ``cache_dir``, each page's Typst is kept under a hash of its HTML, the converter, the site
    URL and the media map, so only changed pages are converted again. Conversion runs in this
    process (about 3 ms a page).
    """
    if not pages:
        return {}
    cached: dict[str, str] = {}
    digests: dict[str, str] = {}
    if cache_dir is not None:
        context = "\0".join([converter_version(), site_url, json.dumps(media, sort_keys=True)])
        cache_dir.mkdir(parents=True, exist_ok=True)
        for page in pages:
            digests[page.key] = _page_digest(page, context)
            hit = cache_dir / f"{digests[page.key]}.typ"
            if hit.is_file():
                cached[page.key] = hit.read_text(encoding="utf-8")
        used = set(digests.values())
        for old in cache_dir.glob("*.typ"):  # keep only what this build used
            if old.stem not in used:
                old.unlink(missing_ok=True)
        pages = [page for page in pages if page.key not in cached]
        log.info(
            "HTML naar Typst: %d pagina's uit de cache, %d om te zetten", len(cached), len(pages)
        )
        if not pages:
            return cached
    typst: dict[str, str] = {}
    problems: list[PdfProblem] = []
    for page in pages:
        text, found = htmltypst.convert_page_module(page.html, page.url, media, site_url)
        typst[page.key] = text
        problems.extend(_located(page, found))
    if problems:
        raise ConversionError(problems)
    if cache_dir is not None:
        for key, text in typst.items():
            target = cache_dir / f"{digests[key]}.typ"
            scratch = target.with_suffix(".tmp")
            try:
                scratch.write_text(text, encoding="utf-8")
                scratch.replace(target)
            except BaseException:  # a full disk leaves no half-written file behind
                scratch.unlink(missing_ok=True)
                raise
    return {**cached, **typst}
