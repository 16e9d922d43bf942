"""Figures computed from the page model: timeline, programme and koppelkansen matrix.

One source, two outputs. Each figure is first a small scene (:class:`Figure`: boxes, texts, lines
and links to pages, in user units) computed from a checked :class:`~koppelkansen.pages.model.Corpus`.
:func:`to_svg` draws a scene as SVG with lxml, so no front-matter value can become markup:

* on the site the SVG is inline, sized in ``em``, coloured through CSS classes whose colours are
  Material's custom properties (``pages.css``), so it follows the light and dark palette;
* in the PDFs the converter (``pdf/htmltypst.py``) takes that same SVG from the page and adds
  :data:`PRINT_STYLE` (fixed colours, the Inter font) with :func:`for_print`, then Typst
  ``image()``-s it inside an unbreakable block.

Every link is an SVG ``<a>`` with an ``aria-label`` and a ``<title>`` (keyboard and screen readers
reach it). Nothing here knows about MkDocs.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from koppelkansen.check.schema import date_sort_key
from koppelkansen.overviews import _by_date, entry, matrix
from koppelkansen.pages.model import Corpus, Page

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

SVG_NS = "http://www.w3.org/2000/svg"
_S = f"{{{SVG_NS}}}"
_NSMAP: Any = {None: SVG_NS}  # the default namespace (lxml's stubs only type prefixed ones)

#: How wide a figure is drawn on the site, in em (its user units are scaled to this).
SITE_WIDTH_EM = 48
#: User units of every figure's width; texts are sized for it (14 units ≈ 0.9 em on the site).
WIDTH = 760.0

#: Colours and font for the PDF (the site takes them from pages.css instead).
PRINT_STYLE = """
text { font-family: Inter; fill: #1b2a4a; }
.kk-fig-muted { fill: #5b6478; }
.kk-fig-band { fill: #e7efff; }
.kk-fig-band-alt { fill: #f1ebfb; }
.kk-fig-lane { fill: #f4f6fb; }
.kk-fig-grid { stroke: #d5d9e4; }
.kk-fig-box { fill: #ffffff; stroke: #2f3f9e; }
.kk-fig-box-strong { fill: #2f3f9e; stroke: #2f3f9e; }
.kk-fig-on-strong { fill: #ffffff; }
.kk-fig-line { stroke: #5b6478; fill: none; }
.kk-fig-mark-directieoverleg { fill: #2f3f9e; }
.kk-fig-mark-co-creatiesessie { fill: #1e6fd9; }
.kk-fig-mark-ontwerpatelier { fill: #2e9d5b; }
.kk-fig-mark-other { fill: #5b6478; }
.kk-fig-cell { fill: #e7efff; stroke: #d5d9e4; }
.kk-fig-cell-empty { fill: #ffffff; stroke: #d5d9e4; }
.kk-fig-link { fill: #2f3f9e; }
"""

#: Seasons in a ``date_label`` ("zomer 2018"): the months they cover, so the mark is that range.
SEASONS = {
    "voorjaar": (3, 5),
    "lente": (3, 5),
    "zomer": (6, 8),
    "najaar": (9, 11),
    "herfst": (9, 11),
    "winter": (12, 12),
}


# -- the scene ------------------------------------------------------------------------------


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
class Link:
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
    items: list[Shape | Link] = field(default_factory=list)
    width: float = WIDTH

    @property
    def links(self) -> list[Link]:
        return [i for i in self.items if isinstance(i, Link)]


# -- helpers ----------------------------------------------------------------------------------


def page_url(src_uri: str) -> str:
    """Site URL (directory URLs, as mkdocs.yml builds) of the page with this Markdown file."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def relative_url(from_url: str, src_uri: str) -> str:
    """Link from the built page at ``from_url`` to the page of ``src_uri``."""
    target = page_url(src_uri)
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    rel = posixpath.relpath(target or ".", base or ".")
    return "./" if rel == "." else rel + "/"


def _span(page: Page) -> tuple[float, float] | None:
    """Where a page sits in time, in fractional years: a point for a day, else a range."""

    def bounds(value: str, label: str = "") -> tuple[float, float] | None:
        year, month, day = date_sort_key(value)
        if year == 9999:
            return None
        if day:
            at = year + (month - 1) / 12 + (day - 1) / 365
            return at, at
        if month:
            return year + (month - 1) / 12, year + month / 12
        season = next((s for s in SEASONS if s in label.casefold()), None)
        if season:
            first, last = SEASONS[season]
            return year + (first - 1) / 12, year + last / 12
        return float(year), year + 1.0

    meta = page.meta
    if isinstance(meta.get("date"), str):
        label = meta["date_label"] if isinstance(meta.get("date_label"), str) else ""
        return bounds(meta["date"], label)
    period = meta.get("period")
    if isinstance(period, dict) and isinstance(period.get("start"), str):
        start = bounds(period["start"])
        end = bounds(period["end"]) if isinstance(period.get("end"), str) else None
        if start is None:
            return None
        return start[0], (end or start)[1]
    return None


def _fit(text: str, width: float, size: float) -> str:
    """Shorten ``text`` with an ellipsis so it fits ``width`` (an average glyph is ~0.55 em)."""
    room = max(3, int(width / (size * 0.55)))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


# -- timeline ---------------------------------------------------------------------------------


def timeline_figure(corpus: Corpus) -> Figure:
    """Years across; a lane for the programme and one per case area; rounds as bands, sessions as marks."""
    vocab = corpus.vocabulary
    sessions = [p for p in corpus.of_type("sessie") if _span(p)]
    rounds = [p for p in corpus.of_type("leerronde") if _span(p)]
    spans = [s for p in sessions + rounds if (s := _span(p))]
    if not spans:
        return Figure("tijdlijn", "Tijdlijn", "Nog geen sessies of leerrondes met een datum.", 40)
    first = int(min(s[0] for s in spans))
    last = int(max(s[1] - 1e-9 for s in spans))
    years = list(range(first, last + 1))
    left, right, top = 130.0, WIDTH - 10, 46.0

    def x(t: float) -> float:
        return left + (t - first) / len(years) * (right - left)

    lanes = [("", "Programma"), *((k, t.label) for k, t in vocab.cases.items())]
    by_lane: dict[str, list[Page]] = {k: [] for k, _ in lanes}
    for page in sessions:
        case = page.meta.get("case")
        by_lane[case if isinstance(case, str) and case in by_lane else ""].append(page)
    ordered = {e.src_uri: i for i, e in enumerate(_by_date([entry(corpus, p) for p in sessions]))}

    items: list[Shape | Link] = []
    rows: list[tuple[str, str, float, list[tuple[Page, int]]]] = []
    y = top
    for key, label in lanes:
        placed: list[tuple[Page, int]] = []
        ends: list[float] = []  # per sub-row: where its last mark (with its text) ends
        for page in sorted(by_lane[key], key=lambda p: ordered[p.src_uri]):
            start, end = _span(page) or (0.0, 0.0)
            text_end = max(x(end), x(start) + len(page.title) * 6.6 + 12)
            row = next((i for i, e in enumerate(ends) if e + 6 <= x(start)), len(ends))
            if row == len(ends):
                ends.append(0.0)
            ends[row] = text_end
            placed.append((page, row))
        height = 14 + 34 * max(1, len(ends))
        rows.append((key, label, y, placed))
        y += height + 6
    bottom = y

    # Learning rounds: bands over every lane, with their name above.
    for i, page in enumerate(sorted(rounds, key=lambda p: _span(p) or (0, 0))):
        start, end = _span(page) or (0.0, 0.0)
        x0, x1 = x(start), max(x(end), x(start) + 4)
        band = Box(
            x0, top - 4, x1 - x0, bottom - top + 2, f"kk-fig-band{'-alt' if i % 2 else ''}", 2
        )
        name = Text(x0 + 4, top - 10, _fit(page.title, x1 - x0 - 8, 12), "kk-fig-link", 12, "600")
        items.append(band)
        items.append(
            Link(page.src_uri, f"{page.title} ({_when(corpus, page)})", (name,), "leerronde")
        )

    # Years: a tick line and the year at the bottom.
    for year in years:
        items.append(Line(x(year), top - 4, x(year), bottom, "kk-fig-grid"))
        items.append(
            Text((x(year) + x(year + 1)) / 2, bottom + 18, str(year), "", 13, "600", "middle")
        )
    items.append(Line(x(first + len(years)), top - 4, x(first + len(years)), bottom, "kk-fig-grid"))

    for key, label, lane_y, placed in rows:
        lane_h = 14 + 34 * max(1, 1 + max((r for _, r in placed), default=0))
        items.append(Box(4, lane_y, left - 10, lane_h, "kk-fig-lane", 2))
        case_page = corpus.case_page(key) if key else corpus.by_identity().get(("programma",))
        name = Text(10, lane_y + 21, _fit(label, left - 22, 13), "kk-fig-link", 13, "600")
        if case_page is not None:
            accessible = label if case_page.title == label else f"{label}: {case_page.title}"
            items.append(Link(case_page.src_uri, accessible, (name,), "lane"))
        else:
            items.append(name)
        for page, row in placed:
            start, end = _span(page) or (0.0, 0.0)
            kind = page.meta.get("kind") if isinstance(page.meta.get("kind"), str) else ""
            cls = f"kk-fig-mark-{kind}" if kind in vocab.session_kinds else "kk-fig-mark-other"
            my = lane_y + 10 + row * 34
            if end - start < 1 / 24:  # a day: a diamond-like dot
                mark: Shape = Box(x(start) - 6, my, 12, 12, cls, 6)
            else:
                mark = Box(x(start) + 1, my + 2, max(x(end) - x(start) - 2, 6), 8, cls, 4)
            text = Text(x(start), my + 27, page.title, "kk-fig-link", 12)
            kind_label = vocab.session_kinds[kind].label if kind in vocab.session_kinds else ""
            accessible = ", ".join(v for v in (page.title, kind_label, _when(corpus, page)) if v)
            items.append(Link(page.src_uri, accessible, (mark, text), kind or "sessie"))

    # Legend.
    lx, ly = left, bottom + 40
    for kind, term in vocab.session_kinds.items():
        items.append(Box(lx, ly - 9, 12, 12, f"kk-fig-mark-{kind}", 6))
        items.append(Text(lx + 17, ly + 1, term.label, "kk-fig-muted", 12))
        lx += 40 + len(term.label) * 7
    items.append(Box(lx, ly - 9, 22, 12, "kk-fig-band", 2))
    items.append(Text(lx + 27, ly + 1, "leerronde", "kk-fig-muted", 12))
    count = len(sessions)
    return Figure(
        "tijdlijn",
        "Tijdlijn van Koppelkansen",
        f"{count} {'bijeenkomst' if count == 1 else 'bijeenkomsten'} en {len(rounds)} "
        f"{'leerronde' if len(rounds) == 1 else 'leerrondes'} van {first} tot en met {years[-1]}, "
        "per casusgebied en voor het programma als geheel. Een balk staat voor een datum die alleen "
        "bij benadering bekend is; de lijst onder de figuur noemt elke datum.",
        ly + 14,
        items,
    )


def _when(corpus: Corpus, page: Page) -> str:
    return entry(corpus, page).when


# -- programme --------------------------------------------------------------------------------


def programme_figure(corpus: Corpus) -> Figure:
    """Directors, the partners with their units, the core team, the plan and the case areas."""
    vocab = corpus.vocabulary
    items: list[Shape | Link] = []
    by_id = corpus.by_identity()
    orgs = list(vocab.organisations.items())
    gap = 12.0
    n = max(1, len(orgs))
    col = (WIDTH - gap * (n - 1) - 8) / n

    # Directors on top.
    directors_page = next(
        (p for p in corpus.of_type("sessie") if p.meta.get("kind") == "directieoverleg"), None
    )
    directors_uri = "directieoverleg/index.md" if "directieoverleg/index.md" in corpus.pages else ""
    if not directors_uri and directors_page is not None:
        directors_uri = directors_page.src_uri
    box = Box(4, 4, WIDTH - 8, 34, "kk-fig-box-strong")
    text = Text(WIDTH / 2, 26, "Directies van de partners", "kk-fig-on-strong", 14, "600", "middle")
    items.append(
        Link(directors_uri, f"{text.text}: directieoverleg", (box, text), "directie")
        if directors_uri
        else box
    )
    if not directors_uri:
        items.append(text)

    # Partners with their units.
    most = max((len(o.units) for _, o in orgs), default=0)
    y = 58.0
    h = 30 + 17 * max(1, most)
    for i, (key, org) in enumerate(orgs):
        ox = 4 + i * (col + gap)
        items.append(Line(ox + col / 2, 38, ox + col / 2, y))
        shapes: list[Shape] = [
            Box(ox, y, col, h, "kk-fig-box"),
            Text(ox + 10, y + 21, _fit(org.label, col - 20, 14), "kk-fig-link", 14, "600"),
        ]
        # The accessible name starts with the visible text (WCAG 2.5.3), so the units stay
        # outside the link: they are text of their own.
        items.append(
            Link(f"overzichten/organisaties/{key}.md", org.label, tuple(shapes), "organisatie")
        )
        for j, unit in enumerate(org.units.values()):
            items.append(Text(ox + 14, y + 41 + 17 * j, _fit(unit.label, col - 28, 12), "", 12))
    y += h

    # Core team.
    items.append(Line(WIDTH / 2, y, WIDTH / 2, y + 18))
    y += 18
    items.append(Box(WIDTH / 2 - 130, y, 260, 34, "kk-fig-box-strong"))
    items.append(Text(WIDTH / 2, y + 22, "Kernteam", "kk-fig-on-strong", 14, "600", "middle"))
    y += 34

    # Overarching plan.
    items.append(Line(WIDTH / 2, y, WIDTH / 2, y + 18))
    y += 18
    programme = by_id.get(("programma",))
    plan_box = Box(4, y, WIDTH - 8, 34, "kk-fig-box")
    plan_text = Text(
        WIDTH / 2,
        y + 22,
        "Overkoepelend plan: leren tussen de casussen en verbinding met de directies",
        "kk-fig-link",
        13,
        "600",
        "middle",
    )
    if programme is not None:
        items.append(Link(programme.src_uri, plan_text.text, (plan_box, plan_text), "programma"))
    else:
        items.extend((plan_box, plan_text))
    y += 34

    # Case areas, with the learning rounds between them.
    cases = list(vocab.cases.items())
    m = max(1, len(cases))
    cgap = 40.0
    cw = (WIDTH - 8 - cgap * (m - 1)) / m
    cy = y + 22
    for i, (key, term) in enumerate(cases):
        cx = 4 + i * (cw + cgap)
        items.append(Line(cx + cw / 2, y, cx + cw / 2, cy))
        page = corpus.case_page(key)
        plan = by_id.get(("plan", key))
        case_shapes: list[Shape] = [
            Box(cx, cy, cw, 52, "kk-fig-box"),
            Text(
                cx + cw / 2,
                cy + 22,
                _fit(term.label, cw - 16, 14),
                "kk-fig-link",
                14,
                "600",
                "middle",
            ),
        ]
        subtitle = Text(
            cx + cw / 2,
            cy + 41,
            "casusgebied met projectplan" if plan else "casusgebied",
            "kk-fig-muted",
            12,
            "",
            "middle",
        )
        if page is not None:
            items.append(Link(page.src_uri, term.label, tuple(case_shapes), "casus"))
        else:
            items.extend(case_shapes)
        items.append(subtitle)
        if i:
            ax = cx - cgap
            items.append(Line(ax + 4, cy + 26, cx - 4, cy + 26, "kk-fig-line", True))
    y = cy + 52
    rounds_uri = "leerrondes/index.md" if "leerrondes/index.md" in corpus.pages else ""
    rounds = [t.label for t in vocab.rounds.values()]
    label = Text(
        WIDTH / 2,
        y + 22,
        "Leerrondes tussen de casussen (stippellijnen)",
        "kk-fig-link",
        12,
        "600",
        "middle",
    )
    if rounds_uri:
        items.append(
            Link(rounds_uri, f"{label.text}: " + "; ".join(rounds), (label,), "leerrondes")
        )
    else:
        items.append(label)
    orgs_text = ", ".join(o.label for _, o in orgs)
    cases_text = ", ".join(t.label for _, t in cases)
    return Figure(
        "programma",
        "Koppelkansen in één beeld",
        f"De directies van {orgs_text} staan boven het traject. Eenheden van deze partners "
        f"werken samen in het kernteam. Het kernteam maakt het overkoepelende plan en de "
        f"projectplannen voor de casusgebieden {cases_text}; tussen de casussen wordt geleerd "
        f"in {len(rounds)} {'leerronde' if len(rounds) == 1 else 'leerrondes'}.",
        y + 32,
        items,
    )


# -- koppelkansen matrix ----------------------------------------------------------------------


def matrix_figure(corpus: Corpus) -> Figure:
    """Case areas (rows) against themes (columns); a cell names the plans that couple the theme."""
    data = matrix(corpus)
    items: list[Shape | Link] = []
    left, top = 130.0, 34.0
    cols = max(1, len(data.themes))
    cw = (WIDTH - 4 - left) / cols
    most = max((len(c) for r in data.rows for c in r.cells), default=0)
    rh = 16 + 20 * max(1, most)
    for j, theme in enumerate(data.themes):
        items.append(
            Text(left + j * cw + cw / 2, 22, _fit(theme, cw - 8, 14), "", 14, "600", "middle")
        )
    filled = 0
    for i, row in enumerate(data.rows):
        ry = top + i * rh
        name = Text(6, ry + rh / 2 + 5, _fit(row.label, left - 14, 13), "kk-fig-link", 13, "600")
        items.append(Link(row.page.src_uri, row.label, (name,), "casus") if row.page else name)
        for j, cell in enumerate(row.cells):
            cx = left + j * cw
            items.append(
                Box(
                    cx + 2,
                    ry + 2,
                    cw - 4,
                    rh - 4,
                    "kk-fig-cell" if cell else "kk-fig-cell-empty",
                    2,
                )
            )
            if not cell:
                items.append(
                    Text(cx + cw / 2, ry + rh / 2 + 5, "–", "kk-fig-muted", 13, "", "middle")
                )
                continue
            filled += 1
            for k, plan in enumerate(cell):
                text = Text(
                    cx + 10, ry + 22 + 20 * k, _fit(plan.title, cw - 20, 12), "kk-fig-link", 12
                )
                items.append(
                    Link(
                        plan.src_uri,
                        f"{plan.title}: {row.label}, {data.themes[j]}",
                        (text,),
                        "plan",
                    )
                )
    total = len(data.rows) * cols
    return Figure(
        "matrix",
        "Koppelkansen-matrix",
        f"Casusgebieden tegen thema's: {filled} van de {total} combinaties worden door een plan "
        "gekoppeld. Een streepje betekent dat geen plan van dat casusgebied het thema noemt.",
        top + len(data.rows) * rh + 4,
        items,
    )


FIGURES: dict[str, Callable[[Corpus], Figure]] = {
    "tijdlijn": timeline_figure,
    "programma": programme_figure,
    "matrix": matrix_figure,
}


# -- SVG --------------------------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _shape(parent: etree._Element, shape: Shape) -> None:
    if isinstance(shape, Box):
        etree.SubElement(
            parent,
            _S + "rect",
            {
                "x": _num(shape.x),
                "y": _num(shape.y),
                "width": _num(shape.w),
                "height": _num(shape.h),
                "rx": _num(shape.rx),
                "class": shape.cls,
            },
        )
    elif isinstance(shape, Line):
        attrs = {
            "x1": _num(shape.x1),
            "y1": _num(shape.y1),
            "x2": _num(shape.x2),
            "y2": _num(shape.y2),
            "class": shape.cls,
            "stroke-width": "1.2",
        }
        if shape.dashed:
            attrs["stroke-dasharray"] = "4 3"
        etree.SubElement(parent, _S + "line", attrs)
    else:
        attrs = {"x": _num(shape.x), "y": _num(shape.y), "font-size": _num(shape.size)}
        if shape.cls:
            attrs["class"] = shape.cls
        if shape.weight:
            attrs["font-weight"] = shape.weight
        if shape.anchor != "start":
            attrs["text-anchor"] = shape.anchor
        el = etree.SubElement(parent, _S + "text", attrs)
        el.text = shape.text


def to_svg(figure: Figure, href: Callable[[str], str]) -> str:
    """The figure as one line of SVG markup; ``href`` turns a page's ``src_uri`` into a link."""
    svg = etree.Element(
        _S + "svg",
        {
            "viewBox": f"0 0 {_num(figure.width)} {_num(figure.height)}",
            "width": f"{SITE_WIDTH_EM}em",
            "height": f"{_num(figure.height / figure.width * SITE_WIDTH_EM)}em",
            "class": f"kk-fig kk-fig--{figure.name}",
            "aria-labelledby": f"kk-fig-{figure.name}-title kk-fig-{figure.name}-desc",
        },
        nsmap=_NSMAP,
    )
    etree.SubElement(svg, _S + "title", id=f"kk-fig-{figure.name}-title").text = figure.title
    etree.SubElement(svg, _S + "desc", id=f"kk-fig-{figure.name}-desc").text = figure.desc
    for item in figure.items:
        if isinstance(item, Link):
            a = etree.SubElement(
                svg,
                _S + "a",
                {
                    "href": href(item.src_uri),
                    "aria-label": item.label,
                    "class": f"kk-fig-a kk-fig-a--{item.kind}",
                },
            )
            etree.SubElement(a, _S + "title").text = item.label
            for shape in item.shapes:
                _shape(a, shape)
        else:
            _shape(svg, item)
    return etree.tostring(svg, encoding="unicode")


def site_html(figure: Figure, href: Callable[[str], str]) -> str:
    """The figure for a page: the SVG in a container that scrolls sideways on a narrow screen."""
    return (
        f'<figure class="kk-figure kk-figure--{figure.name}"><div class="kk-figure__scroll" '
        f'tabindex="0" role="group" aria-label="{_attr(figure.title)}">{to_svg(figure, href)}</div></figure>'
    )


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


_CAMEL = {"viewbox": "viewBox"}


def for_print(svg: etree._Element | str) -> str:
    """A figure's SVG (as the page has it) ready for Typst: fixed colours, Inter, no links.

    ``svg`` may come from an HTML parser, which lower-cases attribute names and drops the
    namespace; both are restored.
    """
    if isinstance(svg, str):
        svg = etree.fromstring(svg)
    out = etree.Element(_S + "svg", nsmap=_NSMAP)
    for name, value in svg.attrib.items():
        out.set(_CAMEL.get(str(name), str(name)), value)
    style = etree.SubElement(out, _S + "style")
    style.text = PRINT_STYLE

    def copy(src: etree._Element, dst: etree._Element) -> None:
        for child in src:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag in ("title", "desc") and src is not svg:
                continue  # link tooltips: nothing to hover in a PDF
            if tag == "a":
                copy(child, dst)
                continue
            el = etree.SubElement(dst, _S + tag, {str(k): str(v) for k, v in child.attrib.items()})
            el.text = child.text
            copy(child, el)

    copy(svg, out)
    width = re.sub(r"[^0-9.]", "", out.get("viewBox", "0 0 760 1").split()[2])
    out.set("width", width)
    out.set("height", out.get("viewBox", "0 0 760 1").split()[3])
    return etree.tostring(out, encoding="unicode")


def print_svg(figure: Figure) -> str:
    """A figure straight from the model for the PDF (the bundle's page 2)."""
    return for_print(to_svg(figure, lambda uri: page_url(uri) or "./"))


def alt_text(figure: Figure) -> str:
    return f"{figure.title}. {figure.desc}"


__all__ = [
    "FIGURES",
    "Figure",
    "for_print",
    "matrix_figure",
    "print_svg",
    "programme_figure",
    "site_html",
    "timeline_figure",
    "to_svg",
]
