"""Overviews computed from the page model: which plans, sessions, rounds and organisations connect.

Nothing here knows about MkDocs. Every function takes a checked :class:`~koppelkansen.pages.model.Corpus`
and returns plain data (dataclasses, lists, dicts) that a template renders; the same data can feed
the PDF bundle. Orders are fixed here, so tests can assert them:

* lists of pages: ``order`` (front matter) first, then the date, then the title;
* case areas, themes and organisations: the order of ``vocabulary.yml``;
* the timeline: date, then rounds before sessions before plans on the same date, then ``order``.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field
from typing import Any

from koppelkansen.pages.model import NO_ORDER, Corpus, Page, PageRecord
from koppelkansen.pages.vocabulary import Vocabulary

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


#: Page kinds in the order overviews list them.
TYPE_RANK = {
    "programma": 0,
    "casus": 1,
    "plan": 2,
    "leerronde": 3,
    "sessie": 4,
    "les": 5,
    "pagina": 6,
}

#: Overviews an author can put on a ``pagina`` with ``overview:`` (see the schema).
PAGE_OVERVIEWS = ("casussen", "tijdlijn", "matrix", "organisaties", "mapinhoud")

#: Generated overview pages (no Markdown source) live below this folder.
OVERVIEW_FOLDER = "overzichten"


#: One page as an overview shows it: its record itself (every label resolved from the vocabulary,
#: the date written in Dutch, frozen and hashable: the overviews sort it and the templates print
#: it as is), not a copy of some of its fields.
Entry = PageRecord


def entry(corpus: Corpus, page: Page) -> Entry:
    """The overview's view of a page: its record (:meth:`Corpus.record`; a page of another
    corpus, an old version's, gets its own)."""
    if corpus.pages.get(page.src_uri) is page:
        return corpus.record(page.src_uri)
    return PageRecord.of(page, corpus.vocabulary)


def _by_order(entries: list[Entry]) -> list[Entry]:
    return sorted(
        entries,
        key=lambda e: (e.order, e.sort_date or (9999, 99, 99), e.title.casefold(), e.src_uri),
    )


def by_date(entries: list[Entry]) -> list[Entry]:
    return sorted(
        entries,
        key=lambda e: (
            e.sort_date or (9999, 99, 99),
            TYPE_RANK.get(e.type, 9),
            e.order,
            e.case_rank,
            e.title.casefold(),
            e.src_uri,
        ),
    )


def _labels(terms: dict[str, Any], chosen: tuple[str, ...]) -> list[str]:
    """The labels of the chosen keys, in the vocabulary's order."""
    return [terms[k].label for k in terms if k in chosen]


# -- case areas -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseCard:
    case: str
    label: str
    page: Entry | None
    themes: list[str]
    partners: list[str]
    plan: Entry | None = None


def case_cards(corpus: Corpus) -> list[CaseCard]:
    """One card per case area in ``vocabulary.yml``, with its page, themes, partners and plan."""
    cards = []
    plans = {
        corpus.record(p.src_uri).case: p
        for p in sorted(corpus.of_type("plan"), key=lambda p: p.src_uri)
    }
    for key, term in corpus.vocabulary.cases.items():
        page = corpus.case_page(key)
        record = corpus.record(page.src_uri) if page else None
        organisations = record.organisations if record else ()
        partners = [
            corpus.vocabulary.organisation_label(ref)
            for ref in corpus.vocabulary.organisation_refs()
            if ref in organisations
        ]
        cards.append(
            CaseCard(
                case=key,
                label=term.label,
                page=entry(corpus, page) if page else None,
                themes=_labels(corpus.vocabulary.themes, record.themes if record else ()),
                partners=partners,
                plan=entry(corpus, plans[key]) if key in plans else None,
            )
        )
    return cards


@dataclass(frozen=True)
class CaseOverview:
    plans: list[Entry]
    sessions: list[Entry]
    rounds: list[Entry]
    lessons: list[Entry]


def _rounds_of(corpus: Corpus, pages: list[Page]) -> set[str]:
    return {corpus.record(p.src_uri).round for p in pages} - {""}


def case_overview(corpus: Corpus, case: str) -> CaseOverview:
    """The plans, sessions, learning rounds and lessons of one case area."""
    record = corpus.record
    plans = [p for p in corpus.of_type("plan") if record(p.src_uri).case == case]
    sessions = [p for p in corpus.of_type("sessie") if record(p.src_uri).case == case]
    lessons = [p for p in corpus.of_type("les") if case in record(p.src_uri).cases]
    round_keys = _rounds_of(corpus, plans + sessions + lessons)
    rounds = [corpus.round_page(key) for key in corpus.vocabulary.rounds if key in round_keys]
    return CaseOverview(
        plans=_by_order([entry(corpus, p) for p in plans]),
        sessions=by_date([entry(corpus, p) for p in sessions]),
        rounds=by_date([entry(corpus, p) for p in rounds if p is not None]),
        lessons=_by_order([entry(corpus, p) for p in lessons]),
    )


# -- learning rounds --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRef:
    case: str
    label: str
    page: Entry | None


@dataclass(frozen=True)
class RoundOverview:
    sessions: list[Entry]
    plans: list[Entry]
    cases: list[CaseRef]
    lessons: list[Entry]


def round_overview(corpus: Corpus, round_key: str) -> RoundOverview:
    """The sessions, plans, case areas involved and lessons of one learning round."""
    record = corpus.record
    in_round = [
        p
        for p in corpus.pages.values()
        if record(p.src_uri).round == round_key and p.type != "leerronde"
    ]
    sessions = [p for p in in_round if p.type == "sessie"]
    plans = [p for p in in_round if p.type == "plan"]
    lessons = [p for p in in_round if p.type == "les"]
    involved: set[str] = set()
    for page in in_round:
        involved.update({record(page.src_uri).case, *record(page.src_uri).cases} - {""})
    cases = []
    for key, term in corpus.vocabulary.cases.items():
        if key in involved:
            case_page = corpus.case_page(key)
            cases.append(CaseRef(key, term.label, entry(corpus, case_page) if case_page else None))
    return RoundOverview(
        sessions=by_date([entry(corpus, p) for p in sessions]),
        plans=sorted(
            (entry(corpus, p) for p in plans), key=lambda e: (e.case_rank, e.title.casefold())
        ),
        cases=cases,
        lessons=_by_order([entry(corpus, p) for p in lessons]),
    )


# -- a folder's pages -------------------------------------------------------------------------


def folder_overview(corpus: Corpus, src_uri: str) -> list[Entry]:
    """The other pages in the folder of ``src_uri`` and the index pages of its sub-folders, by date."""
    folder = posixpath.dirname(src_uri)
    found = []
    for page in corpus.pages.values():
        parent, name = posixpath.split(page.src_uri)
        if page.src_uri == src_uri:
            continue
        if parent == folder or (
            name == "index.md" and posixpath.dirname(parent) == folder and parent
        ):
            found.append(entry(corpus, page))
    return by_date(found)


# -- timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineYear:
    year: str
    items: list[Entry] = field(default_factory=list)


def timeline(corpus: Corpus) -> list[TimelineYear]:
    """Every dated page (sessions, rounds, dated plans and lessons) in date order, by year."""
    dated = by_date(
        [
            entry(corpus, p)
            for p in corpus.pages.values()
            if p.sort_date is not None and p.type in ("sessie", "leerronde", "plan", "les")
        ]
    )
    years: list[TimelineYear] = []
    for item in dated:
        year = str(item.sort_date[0]) if item.sort_date else ""
        if not years or years[-1].year != year:
            years.append(TimelineYear(year))
        years[-1].items.append(item)
    return years


# -- koppelkansen matrix ----------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    case: str
    label: str
    page: Entry | None
    #: Per theme (vocabulary order): the plans of this case area that couple that theme.
    cells: list[list[Entry]]


@dataclass(frozen=True)
class Matrix:
    themes: list[str]
    rows: list[MatrixRow]


def matrix(corpus: Corpus) -> Matrix:
    """Case areas (rows) against themes (columns); a cell lists the plans that take up the theme."""
    vocab = corpus.vocabulary
    plans = corpus.of_type("plan")
    rows = []
    for key, term in vocab.cases.items():
        own = [p for p in plans if corpus.record(p.src_uri).case == key]
        cells = []
        for theme in vocab.themes:
            cells.append(
                _by_order(
                    [entry(corpus, p) for p in own if theme in corpus.record(p.src_uri).themes]
                )
            )
        page = corpus.case_page(key)
        rows.append(MatrixRow(key, term.label, entry(corpus, page) if page else None, cells))
    return Matrix(themes=[t.label for t in vocab.themes.values()], rows=rows)


# -- organisations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    page: Entry
    #: ``eigenaar`` (in ``owners``) or ``doet mee`` (in ``organisations``).
    role: str
    #: Labels of the units named (``gemeente-amsterdam/vor`` → ``Verkeer & Openbare Ruimte (V&OR)``).
    units: list[str]


@dataclass(frozen=True)
class OrganisationOverview:
    key: str
    label: str
    description: str
    units: list[str]
    participations: list[Participation]


def organisation_overview(corpus: Corpus, org_key: str) -> OrganisationOverview:
    """Every page that names the organisation or one of its units in ``owners`` or ``organisations``."""
    org = corpus.vocabulary.organisations[org_key]
    found = []
    for page in corpus.pages.values():
        roles = []
        units: list[str] = []
        record = corpus.record(page.src_uri)
        for refs, role in ((record.owners, "eigenaar"), (record.organisations, "doet mee")):
            mine = [r for r in refs if r.partition("/")[0] == org_key]
            if mine:
                roles.append(role)
                units.extend(
                    org.units[r.partition("/")[2]].label
                    for r in mine
                    if "/" in r and r.partition("/")[2] in org.units
                )
        if roles:
            unit_order = [u.label for u in org.units.values()]
            found.append(
                Participation(
                    entry(corpus, page),
                    " en ".join(roles),
                    sorted(set(units), key=unit_order.index),
                )
            )
    found.sort(
        key=lambda p: (
            TYPE_RANK.get(p.page.type, 9),
            p.page.sort_date or (9999, 99, 99),
            p.page.order,
            p.page.case_rank,
            p.page.title.casefold(),
            p.page.src_uri,
        )
    )
    return OrganisationOverview(
        org_key, org.label, org.description, [u.label for u in org.units.values()], found
    )


def organisations(corpus: Corpus) -> list[OrganisationOverview]:
    return [organisation_overview(corpus, key) for key in corpus.vocabulary.organisations]


# -- which overview a page shows --------------------------------------------------------------


def overview_for(record: PageRecord, organisation: str = "") -> tuple[str, dict[str, Any]] | None:
    """``(overview name, arguments)`` for a page's record, or ``None``.

    Case pages and learning-round pages get theirs by type; any page can ask for one with
    ``overview:``; generated organisation pages carry their ``organisation``.
    """
    if record.type == "casus" and record.case:
        return "casus", {"case": record.case}
    if record.type == "leerronde" and record.round:
        return "leerronde", {"round_key": record.round}
    if record.overview == "organisatie" and organisation:
        return "organisatie", {"org_key": organisation}
    if record.overview in (*PAGE_OVERVIEWS, "overzichten"):
        return record.overview, {}
    return None


def page_overview(corpus: Corpus, src_uri: str) -> tuple[str, dict[str, Any]] | None:
    """The overview a page of ``corpus`` or a generated page shows (:func:`overview_for`)."""
    if src_uri in corpus.pages:
        return overview_for(corpus.record(src_uri))
    spec = generated_specs(corpus.vocabulary).get(src_uri)
    if spec is None:
        return None
    record = PageRecord.of(Page.of_version(src_uri, spec, ""), corpus.vocabulary)
    return overview_for(record, str(spec.get("organisation") or ""))


def compute(corpus: Corpus, name: str, **arguments: Any) -> Any:
    """The data of one overview by name."""
    if name == "casus":
        return case_overview(corpus, arguments["case"])
    if name == "leerronde":
        return round_overview(corpus, arguments["round_key"])
    if name == "casussen":
        return case_cards(corpus)
    if name == "tijdlijn":
        return timeline(corpus)
    if name == "matrix":
        return matrix(corpus)
    if name == "organisaties":
        return organisations(corpus)
    if name == "organisatie":
        return organisation_overview(corpus, arguments["org_key"])
    if name == "mapinhoud":
        return folder_overview(corpus, arguments["src_uri"])
    if name == "overzichten":
        return generated_children(corpus.vocabulary)
    raise KeyError(name)


# -- generated pages --------------------------------------------------------------------------


def generated_specs(vocabulary: Vocabulary) -> dict[str, dict[str, Any]]:
    """Front matter of every overview page without a Markdown source, by ``src_uri``.

    One page per organisation in ``vocabulary.yml``, so a new organisation gets its page without
    anyone adding a file. They are plain pages (``type: pagina``) marked ``generated: true``.
    """
    folder = OVERVIEW_FOLDER
    specs: dict[str, dict[str, Any]] = {
        f"{folder}/index.md": {
            "title": "Overzichten",
            "order": 60,
            "overview": "overzichten",
            "description": "Overzichten die bij elke build uit de front matter van alle pagina's worden samengesteld.",
        },
        f"{folder}/tijdlijn.md": {
            "title": "Tijdlijn",
            "order": 1,
            "overview": "tijdlijn",
            "description": "Alle sessies, overleggen en leerrondes met een datum, op volgorde van datum.",
        },
        f"{folder}/koppelkansen-matrix.md": {
            "title": "Koppelkansen-matrix",
            "order": 2,
            "overview": "matrix",
            "description": "Casusgebieden tegen thema's: welke plannen welke thema's aan elkaar koppelen.",
        },
        f"{folder}/organisaties/index.md": {
            "title": "Organisaties",
            "order": 3,
            "overview": "organisaties",
            "description": "Per organisatie van Koppelkansen: waar zij aan meedoet.",
        },
    }
    for order, (key, org) in enumerate(vocabulary.organisations.items(), start=1):
        specs[f"{folder}/organisaties/{key}.md"] = {
            "title": org.label,
            "order": order,
            "overview": "organisatie",
            "organisation": key,
            "description": f"Waar {org.label} aan meedoet in Koppelkansen.",
        }
    return {
        uri: {"title": m["title"], "type": "pagina", "generated": True, **m}
        for uri, m in specs.items()
    }


@dataclass(frozen=True)
class GeneratedChild:
    src_uri: str
    title: str
    description: str


def generated_children(vocabulary: Vocabulary) -> list[GeneratedChild]:
    """The generated pages one level below the overview folder (what its index page lists)."""
    out = []
    for src_uri, meta in generated_specs(vocabulary).items():
        rest = src_uri.removeprefix(f"{OVERVIEW_FOLDER}/")
        if (
            rest == "index.md"
            or rest.count("/") > 1
            or ("/" in rest and not rest.endswith("/index.md"))
        ):
            continue
        out.append((meta["order"], GeneratedChild(src_uri, meta["title"], meta["description"])))
    return [link for _, link in sorted(out, key=lambda pair: pair[0])]


# -- navigation order -------------------------------------------------------------------------


def nav_key(record: PageRecord | None, position: int, *, first: bool) -> tuple[int, int, int]:
    """The sort key of an item of the navigation among its siblings: a folder's index page
    (``first``) before the rest, then by ``order:`` (a section by its index page's), then in the
    order found (``position``)."""
    return (0 if first else 1, record.order if record is not None else NO_ORDER, position)
