"""What the main file of one part of a bundle typeset in parts (:mod:`.parts`) says, apart from
the chapters: which chapters, and for the front part the bundle's page total and the contents'
lines with their page numbers. A chapter part says nothing of where it falls in the bundle (its
footer has no page number: the join lays the numbers over it), so it is typeset once, whatever
the parts before it."""

from __future__ import annotations

from dataclasses import dataclass

from koppelkansen.pdf.typstsyntax import typst_str


@dataclass(frozen=True)
class PartLayout:
    #: "front" (cover, overview, contents) or "chapters".
    kind: str
    #: The part's chapters: ``spec.chapters[first:last]`` (empty for the front).
    first: int = 0
    last: int = 0
    #: The front's footer: the bundle's page total (0: not known yet).
    total: int = 0
    #: The front's contents: (level, number, title as a Typst expression, page, link address)
    #: per line.
    contents: tuple[tuple[int, str, str, int, str], ...] = ()

    def report_arguments(self) -> list[str]:
        lines = [f"  part: {typst_str(self.kind)},"]
        if self.kind == "front":
            lines.append(f"  page-total: {self.total}, contents-pages: (")
            lines.extend(
                f"    ({level}, {typst_str(prefix)}, {title}, {page}, {typst_str(target)}),"
                for level, prefix, title, page, target in self.contents
            )
            lines.append("  ),")
        return lines
