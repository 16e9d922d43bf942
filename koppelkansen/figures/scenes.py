"""The three figures as scenes, computed from a checked corpus: timeline, programme and
koppelkansen matrix (:data:`FIGURES`, by the name a page asks for)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from koppelkansen.figures.shapes import WIDTH, Box, Figure, Line, PageLink, Shape, Text
from koppelkansen.overviews.compute import by_date, entry, matrix
from koppelkansen.pages.dates import date_sort_key
from koppelkansen.pages.model import Corpus, Page, PageRecord

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: Seasons in a ``date_label`` ("zomer 2018"): the months they cover, so the mark is that range.
SEASONS = {
    "voorjaar": (3, 5),
    "lente": (3, 5),
    "zomer": (6, 8),
    "najaar": (9, 11),
    "herfst": (9, 11),
    "winter": (12, 12),
}


# -- helpers ----------------------------------------------------------------------------------


def _span(page: PageRecord) -> tuple[float, float] | None:
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

    if page.date:
        return bounds(page.date, page.date_label)
    if page.period_start:
        start = bounds(page.period_start)
        end = bounds(page.period_end) if page.period_end else None
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

    def span(page: Page) -> tuple[float, float] | None:
        return _span(corpus.record(page.src_uri))

    sessions = [p for p in corpus.of_type("sessie") if span(p)]
    rounds = [p for p in corpus.of_type("leerronde") if span(p)]
    spans = [s for p in sessions + rounds if (s := span(p))]
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
        case = corpus.record(page.src_uri).case
        by_lane[case if case in by_lane else ""].append(page)
    ordered = {e.src_uri: i for i, e in enumerate(by_date([entry(corpus, p) for p in sessions]))}

    items: list[Shape | PageLink] = []
    rows: list[tuple[str, str, float, list[tuple[Page, int]]]] = []
    y = top
    for key, label in lanes:
        placed: list[tuple[Page, int]] = []
        ends: list[float] = []  # per sub-row: where its last mark (with its text) ends
        for page in sorted(by_lane[key], key=lambda p: ordered[p.src_uri]):
            start, end = span(page) or (0.0, 0.0)
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
    for i, page in enumerate(sorted(rounds, key=lambda p: span(p) or (0, 0))):
        start, end = span(page) or (0.0, 0.0)
        x0, x1 = x(start), max(x(end), x(start) + 4)
        band = Box(
            x0, top - 4, x1 - x0, bottom - top + 2, f"kk-fig-band{'-alt' if i % 2 else ''}", 2
        )
        name = Text(x0 + 4, top - 10, _fit(page.title, x1 - x0 - 8, 12), "kk-fig-link", 12, "600")
        items.append(band)
        items.append(
            PageLink(page.src_uri, f"{page.title} ({_when(corpus, page)})", (name,), "leerronde")
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
            items.append(PageLink(case_page.src_uri, accessible, (name,), "lane"))
        else:
            items.append(name)
        for page, row in placed:
            start, end = span(page) or (0.0, 0.0)
            kind = corpus.record(page.src_uri).kind
            cls = f"kk-fig-mark-{kind}" if kind in vocab.session_kinds else "kk-fig-mark-other"
            my = lane_y + 10 + row * 34
            if end - start < 1 / 24:  # a day: a diamond-like dot
                mark: Shape = Box(x(start) - 6, my, 12, 12, cls, 6)
            else:
                mark = Box(x(start) + 1, my + 2, max(x(end) - x(start) - 2, 6), 8, cls, 4)
            text = Text(x(start), my + 27, page.title, "kk-fig-link", 12)
            kind_label = vocab.session_kinds[kind].label if kind in vocab.session_kinds else ""
            accessible = ", ".join(v for v in (page.title, kind_label, _when(corpus, page)) if v)
            items.append(PageLink(page.src_uri, accessible, (mark, text), kind or "sessie"))

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
    items: list[Shape | PageLink] = []
    by_id = corpus.by_identity()
    orgs = list(vocab.organisations.items())
    gap = 12.0
    n = max(1, len(orgs))
    col = (WIDTH - gap * (n - 1) - 8) / n

    # Directors on top.
    directors_page = next(
        (p for p in corpus.of_type("sessie") if corpus.record(p.src_uri).kind == "directieoverleg"),
        None,
    )
    directors_uri = "directieoverleg/index.md" if "directieoverleg/index.md" in corpus.pages else ""
    if not directors_uri and directors_page is not None:
        directors_uri = directors_page.src_uri
    box = Box(4, 4, WIDTH - 8, 34, "kk-fig-box-strong")
    text = Text(WIDTH / 2, 26, "Directies van de partners", "kk-fig-on-strong", 14, "600", "middle")
    items.append(
        PageLink(directors_uri, f"{text.text}: directieoverleg", (box, text), "directie")
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
            PageLink(f"overzichten/organisaties/{key}.md", org.label, tuple(shapes), "organisatie")
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
        items.append(
            PageLink(programme.src_uri, plan_text.text, (plan_box, plan_text), "programma")
        )
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
            items.append(PageLink(page.src_uri, term.label, tuple(case_shapes), "casus"))
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
            PageLink(rounds_uri, f"{label.text}: " + "; ".join(rounds), (label,), "leerrondes")
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
    items: list[Shape | PageLink] = []
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
        items.append(PageLink(row.page.src_uri, row.label, (name,), "casus") if row.page else name)
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
                    PageLink(
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
