"""The lines of a PDF's contents page ("Inhoud"), known in Python before Typst lays anything out.

Typst's ``outline`` lists the headings it found in the previous layout pass, so in the first pass
it is empty; at 200 pages it then grew by 26 pages in the second pass, every page after it moved,
and a third pass was needed to print the page numbers right (docs-dev/pdf.md, "Layout passes").
Python knows every line of it: the chapters (number and title) and each chapter's sections (the
level-2 headings the converter wrote into the page module, numbered by ``kk-number``). The main
file hands them to ``report(contents: ...)``, which sets them, without page numbers, in the first
pass only; from the second pass on Typst's own outline (tagged TOC/TOCI for PDF/UA) takes their
place, with the same line layout (``kk-contents-line``) and so the same length.

A wrong or missing stand-in never shows: it only costs the third pass again. So a page module
whose sections cannot be read here gives no stand-in for its PDF (``None``), never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from koppelkansen.pdf.typstsyntax import typst_str

#: A numbered section in a page module, as ``htmltypst.Converter.heading`` writes it: the numbering
#: line, the heading on one line (inline text has no line breaks), its label if it has one, then a
#: blank line or the end of the page (the ``]`` that closes ``kk-page``).
_SECTION = re.compile(
    r"^#set heading\(numbering: kk-number\((\d+)\)\)\n== ([^\n]*)\n(?:<[^<>\n]*>\n)?(?=\n|\]\n?\Z)",
    re.M,
)
_NUMBERING = re.compile(r"^#set heading\(numbering: kk-number\(", re.M)


def module_sections(module: str) -> list[str] | None:
    """The Typst markup of each numbered section title of a page module, in order; None when the
    module holds a numbered section this cannot read whole."""
    found = _SECTION.findall(module)
    if [int(n) for n, _ in found] != list(range(1, len(found) + 1)):
        return None
    if len(found) != len(_NUMBERING.findall(module)):
        return None
    return [title for _, title in found]


def contents_lines(
    chapters: Iterable[tuple[str, str]], sections: dict[str, list[str] | None]
) -> str | None:
    """The ``contents:`` argument of ``report`` (a Typst array of ``(level, number, title)``) for
    chapters given as (page key, title), in order; ``sections``: :func:`module_sections` per page
    key. None when a chapter's sections are unknown."""
    lines: list[str] = []
    for number, (key, title) in enumerate(chapters, start=1):
        lines.append(f"  (1, {typst_str(str(number))}, {typst_str(title)}),")
        titles = sections.get(key, [])
        if titles is None:
            return None
        lines.extend(
            f"  (2, {typst_str(f'{number}.{i}')}, [{markup}]),"
            for i, markup in enumerate(titles, start=1)
        )
    return "(\n" + "\n".join(lines) + "\n)"
