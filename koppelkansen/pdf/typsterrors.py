"""A Typst error, told in Dutch about the Markdown page (and line) that caused it.

Typst reports a span in the generated sources: a page's ``.typ`` file, the PDF's main file (one
``#kk-chapter`` line per page, then its ``#include``) or the template. A span in a page file names
that page; a line of the main file belongs to the chapter whose ``#kk-chapter`` line is the last
one before it. A span in the template says nothing about the page, so each page of the PDF is then
typeset on its own to find the one that fails. The line in the Markdown file is found by searching
it for what the offending generated line holds (an image's file name, its alt text, a run of
text). An error that no page causes is a fault of the build itself and says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from koppelkansen.pdf.convert import PageSource, PdfProblem
from koppelkansen.problems import SourceFinder

_SPAN = re.compile(r"┌─ (.+?):(\d+):\d+\s*$", re.M)
_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CHAPTER = re.compile(r'^#kk-chapter\(key: "([^"]*)"')
_TEXT_RUN = re.compile(r"[^\W\d_][\w ,.'’-]{10,}[\w.]")

#: Typst's messages about input an author can fix, in Dutch; ``{name}`` is the file concerned.
_TRANSLATIONS = (
    (
        re.compile(r"failed to decode image|failed to (?:parse|load) (?:raster )?image", re.I),
        "de afbeelding{name} is beschadigd of niet het soort bestand dat haar extensie zegt; "
        "sla haar opnieuw op als PNG, JPEG, GIF of SVG",
    ),
    (
        re.compile(r"unknown image format|failed to determine image format", re.I),
        "van de afbeelding{name} is het formaat onbekend; gebruik PNG, JPEG, GIF of SVG",
    ),
    (
        re.compile(r"could not be displayed with font", re.I),
        "het teken{text} staat niet in het lettertype van de PDF (Inter); vervang het door "
        "tekst of laat het weg",
    ),
    (
        re.compile(r"maximum (?:show rule|function call|layout) depth", re.I),
        "deze pagina nest blokken (waarschuwingen, citaten, lijsten, tabbladen) te diep voor de "
        "PDF; maak de opbouw platter",
    ),
    (
        # Caught before by koppelkansen.check.structure, at the heading's line; this is its
        # Dutch should a heading the check does not see (raw HTML in a block) reach Typst.
        re.compile(r"skipped from heading level|heading level \d+ to", re.I),
        "een kop op deze pagina slaat een niveau over (bijvoorbeeld ## en dan ####); de PDF "
        "(PDF/UA) heeft een kop van elk niveau nodig. Maak van de diepere kop een kop van één "
        "niveau onder de kop erboven",
    ),
    (
        re.compile(r"svg", re.I),
        "de SVG-figuur{name} is niet te lezen; exporteer haar opnieuw als gewone SVG",
    ),
    (
        re.compile(r"file not found|failed to load file|access denied|is a directory", re.I),
        "het bestand{name} bestaat niet of is niet te lezen",
    ),
)


def _message(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or str(exc).splitlines()[0] or type(exc).__name__)


def _spans(exc: Exception) -> list[tuple[Path, int]]:
    """Every (file, line) the error and its trace point at, the error's own span first."""
    text = "\n".join(
        [str(getattr(exc, "diagnostic", "") or "")]
        + [str(t) for t in getattr(exc, "trace", None) or []]
    )
    spans = []
    for file, line in _SPAN.findall(text):
        # Typst shows a path relative to the working folder when it lies below it, else to the
        # root it was given ("/").
        for base in ("/",) if file.startswith("/") else (os.getcwd(), "/"):
            spans.append((Path(os.path.normpath(os.path.join(base, file))), int(line)))
    return spans


def _chapter_at(main_text: str, line: int) -> str | None:
    """The page key of the chapter that line ``line`` of a main file belongs to."""
    key = None
    for number, text in enumerate(main_text.splitlines()[:line], start=1):
        match = _CHAPTER.match(text)
        if match:
            key = match.group(1)
        if number == line:
            break
    return key


def _generated_line(page_file: Path, line: int) -> str:
    try:
        lines = page_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _display(file: str, page: PageSource) -> str:
    """A file path as the author knows it: relative to the project, as the page's source is."""
    if page.path and page.path.endswith(page.source):
        root = page.path[: len(page.path) - len(page.source)] or "/"
        relative = os.path.relpath(file, root)
        if not relative.startswith(".."):
            return relative
    return file


def _markdown_line(page: PageSource, code: str, message: str) -> int | None:
    """The line of the Markdown file that produced a line of generated Typst (or the text Typst
    quotes in its message), when it shows."""
    quoted = _QUOTED.findall(message)
    if not page.path or not (code or quoted):
        return None
    try:
        finder = SourceFinder(Path(page.path).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    literals = [value.replace('\\"', '"').replace("\\\\", "\\") for value in _LITERAL.findall(code)]
    names = [Path(v).name for v in literals if "/" in v]
    text = re.sub(r"\\(.)", r"\1", _LITERAL.sub(" ", code))
    runs = sorted(_TEXT_RUN.findall(text), key=len, reverse=True)
    return finder.find(*quoted, *names, *(v for v in literals if len(v) > 3), *runs)


#: Text Typst quotes in its message (``the text `"🏳"` could not be displayed``).
_QUOTED = re.compile(r'`"(.+?)"`')


def _translate(message: str, name: str) -> str | None:
    quoted = _QUOTED.findall(message)
    for pattern, dutch in _TRANSLATIONS:
        if pattern.search(message):
            return dutch.format(
                name=f" '{name}'" if name else "", text=f" '{quoted[0]}'" if quoted else ""
            )
    return None


def typst_problem(
    exc: Exception,
    pdf: str,
    main: Path,
    pages: dict[Path, PageSource],
    typeset_alone: Callable[[PageSource], object],
) -> PdfProblem:
    """The problem to report for a Typst error in ``pdf`` (main file ``main``).

    ``pages`` maps each generated page file of this PDF to its page; ``typeset_alone`` typesets
    the PDF with only that page as its chapter and raises as Typst does.
    """
    message = _message(exc)
    pages = {Path(os.path.abspath(file)): page for file, page in pages.items()}
    main = Path(os.path.abspath(main))
    page_file: Path | None = None
    generated = 0
    for file, line in _spans(exc):
        if file in pages:
            page_file, generated = file, line
            break
        if file == main:
            try:
                key = _chapter_at(main.read_text(encoding="utf-8"), line)
            except OSError:
                key = None
            page_file = next((f for f, p in pages.items() if p.key == key), None)
            if page_file is not None:
                break
    if page_file is None:  # a span in the template: find the page that fails on its own
        for file, page in pages.items():
            try:
                typeset_alone(page)
            except Exception as alone:  # typst.TypstError
                page_file = file
                message = _message(alone)
                generated = next((n for f, n in _spans(alone) if f == file), 0)
                break
    if page_file is None:
        return PdfProblem(
            pdf,
            f"Typst kan {pdf} niet zetten ({message}). Dit ligt niet aan een pagina maar aan de "
            "bouwsoftware; meld het aan de beheerders, met deze melding.",
        )
    page = pages[page_file]
    code = _generated_line(page_file, generated) if generated else ""
    files = [v for v in _LITERAL.findall(code) if v.startswith("/")]
    name = _display(files[0], page) if files else ""
    dutch = _translate(message, name)
    text = (
        f"{dutch} (in {pdf})"
        if dutch
        else f"Typst kan deze pagina niet zetten in {pdf} (Typst meldt: {message}); "
        "vereenvoudig de opmaak op deze plek"
    )
    return PdfProblem(page.source, text, _markdown_line(page, code, message) or 0)
