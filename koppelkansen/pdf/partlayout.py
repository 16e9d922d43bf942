"""What the main file of one part of a bundle typeset in parts says (:mod:`.parts`), apart from
the chapters: which chapters, the page number its first page follows, the bundle's page total and,
for the front part, the contents' lines with their page numbers."""

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
    #: Pages before the part's first page, and the bundle's page total (0: not known yet).
    offset: int = 0
    total: int = 0
    #: The front's contents: (level, number, title as a Typst expression, page, link address)
    #: per line.
    contents: tuple[tuple[int, str, str, int, str], ...] = ()

    def report_arguments(self) -> list[str]:
        lines = [
            f"  part: {typst_str(self.kind)}, page-offset: {self.offset}, page-total: {self.total},"
        ]
        if self.kind == "front":
            lines.append("  contents-pages: (")
            lines.extend(
                f"    ({level}, {typst_str(prefix)}, {title}, {page}, {typst_str(target)}),"
                for level, prefix, title, page, target in self.contents
            )
            lines.append("  ),")
        return lines
