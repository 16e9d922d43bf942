"""The scene of a figure: boxes, texts, lines and links to pages, in user units.

The scenes are computed from the page model in :mod:`koppelkansen.figures.scenes` and drawn by
:mod:`koppelkansen.figures.svg`; nothing here knows a page or an output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: User units of every figure's width; texts are sized for it (14 units ≈ 0.9 em on the site).
WIDTH = 760.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    cls: str
    rx: float = 3.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    cls: str = ""
    size: float = 13.0
    weight: str = ""
    anchor: str = "start"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str = "kk-fig-line"
    dashed: bool = False


Shape = Box | Text | Line


@dataclass(frozen=True)
class PageLink:
    """Shapes that together link to one page; ``label`` is their accessible name."""

    src_uri: str
    label: str
    shapes: tuple[Shape, ...]
    kind: str = ""


@dataclass
class Figure:
    name: str
    title: str
    desc: str
    height: float
    items: list[Shape | PageLink] = field(default_factory=list)
    width: float = WIDTH

    @property
    def links(self) -> list[PageLink]:
        return [i for i in self.items if isinstance(i, PageLink)]


def alt_text(figure: Figure) -> str:
    return f"{figure.title}. {figure.desc}"
