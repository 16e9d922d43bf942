"""The page model: what the check validates and the overviews and PDFs are computed from.

A :class:`Page` holds what the loader read (front matter as a mapping, the positions of its values
for messages). After the check, every later stage reads a page through its :class:`PageRecord`
(:meth:`Corpus.record`): the front-matter keys of the schema (``docs/schema/frontmatter.schema.json``)
as typed fields, every vocabulary label resolved (a status's label is worked out here, with
:meth:`~koppelkansen.pages.vocabulary.Vocabulary.status_labels`, and nowhere else), and a digest
of the page's content, which caches key on. A value of the wrong type (a page built without the
check) is read as absent, never as something else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koppelkansen.pages.dates import date_sort_key, dutch_date
from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.pages.yamlstrict import KeyPath, Pos

#: Where a key's value was written: the file (page or folder defaults) and its positions.
Source = tuple[Path, dict[KeyPath, Pos]]


@dataclass
class Page:
    """One Markdown page with its merged front matter (folder defaults first, page last).

    The one model of a page: the loader makes it, for the working copy and for every old version
    (:meth:`of_version`), and the check, the overviews, the figures, the versions and the PDFs take
    it. After the check, later stages read its :class:`PageRecord` (an overview's entry is the
    record; :class:`~koppelkansen.pages.pageinfo.PageInfo` and
    :class:`~koppelkansen.pdf.convert.PageSource` derive from it)."""

    path: Path
    #: Path below the docs folder, with forward slashes, as MkDocs names it (``src_uri``).
    src_uri: str
    meta: dict[str, Any]
    body: str
    sources: dict[str, Source] = field(default_factory=dict)
    #: False when the YAML itself had errors: the schema is then not checked (it would only echo them).
    parsed: bool = True

    def where(self, key_path: KeyPath) -> tuple[Path, int, int]:
        """File, line and column of a value; the page's first line when the key is absent."""
        if not key_path or key_path[0] not in self.sources:
            return self.path, 1, 1
        path, positions = self.sources[str(key_path[0])]
        for end in range(len(key_path), 0, -1):
            if key_path[:end] in positions:
                line, col = positions[key_path[:end]]
                return path, line, col
        return path, 1, 1

    @classmethod
    def of_version(cls, src_uri: str, meta: dict[str, Any], body: str) -> Page:
        """A page of an old version, read from git or the version cache (no file of its own)."""
        return cls(path=Path(src_uri), src_uri=src_uri, meta=meta, body=body)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or "")

    @property
    def label(self) -> str:
        """What a list of changes shows for the page: its title, else its file."""
        return self.title or self.src_uri

    @property
    def type(self) -> str:
        return str(self.meta.get("type") or "")

    @property
    def status(self) -> str:
        return str(self.meta.get("status") or "")

    @property
    def identity(self) -> tuple[str, ...] | None:
        """What the page stands for; two pages may not claim the same identity."""
        kind = self.meta.get("type")
        if kind == "programma":
            return ("programma",)
        if kind in ("casus", "plan") and isinstance(self.meta.get("case"), str):
            return (kind, self.meta["case"])
        if kind == "leerronde" and isinstance(self.meta.get("round"), str):
            return ("leerronde", self.meta["round"])
        return None

    @property
    def sort_date(self) -> tuple[int, int, int] | None:
        if isinstance(self.meta.get("date"), str):
            return date_sort_key(self.meta["date"])
        period = self.meta.get("period")
        if isinstance(period, dict) and isinstance(period.get("start"), str):
            return date_sort_key(period["start"])
        return None


#: Pages without an ``order`` sort after every page with one.
NO_ORDER = 10_000


def order_of(meta: dict[str, Any]) -> int:
    """A page's ``order`` (front matter), :data:`NO_ORDER` without one."""
    value = meta.get("order")
    return value if isinstance(value, int) and not isinstance(value, bool) else NO_ORDER


def _text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    return value if isinstance(value, str) else ""


def _texts(meta: dict[str, Any], key: str) -> tuple[str, ...]:
    value = meta.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _when(date: str, date_label: str, start: str, end: str) -> str:
    """What a reader sees as a page's date: ``date_label``, else the date or period in Dutch."""
    if date_label:
        return date_label
    if date:
        return dutch_date(date)
    if start:
        first = dutch_date(start)
        last = dutch_date(end) if end else ""
        return (
            f"{first} – {last}" if last and last != first else (first if last else f"vanaf {first}")
        )
    return ""


def content_digest(meta: dict[str, Any], body: str) -> str:
    """The digest of a page's merged front matter and its text."""
    text = json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str) + "\0" + body
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


#: The Dutch name of each front-matter key, as the editor's form labels it and the review of a
#: proposal names a changed value (in lower case there).
KEY_LABELS = {
    "title": "Titel",
    "type": "Type",
    "status": "Status",
    "order": "Volgorde",
    "description": "Samenvatting",
    "case": "Casusgebied",
    "kind": "Soort sessie",
    "date": "Datum",
    "date_label": "Datum in woorden",
    "round": "Leerronde",
    "period": "Periode",
    "owners": "Eigenaars",
    "cases": "Casusgebieden",
    "themes": "Thema's",
    "organisations": "Organisaties",
    "overview": "Overzicht",
    "updated": "Laatst inhoudelijk gewijzigd",
    "start": "Begin",
    "end": "Einde",
}


def front_matter_keys(schema: dict[str, Any]) -> tuple[str, ...]:
    """Every key a page's front matter may hold by ``schema`` (the one schema file): the keys of
    every page, then those of each type (``$defs`` named in ``allOf``). In the order a page writes
    them (:data:`KEY_LABELS`'s, the editor's form and the page templates); a key without a label
    yet comes after them, in the schema's order."""
    keys = list(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        ref = str(branch.get("then", {}).get("$ref", ""))
        own = schema.get("$defs", {}).get(ref.rsplit("/", 1)[-1], {})
        keys += [key for key in own.get("properties", {}) if key not in keys]
    rank = list(KEY_LABELS)
    return tuple(sorted(keys, key=lambda key: rank.index(key) if key in rank else len(rank)))


@dataclass(frozen=True)
class PageRecord:
    """One checked page, typed, with its labels resolved (``""`` or ``()`` where a key is absent)."""

    src_uri: str
    title: str
    type: str
    type_label: str
    status: str
    status_label: str
    status_description: str
    description: str
    case: str
    case_label: str
    #: Position of the case area in the vocabulary (99 without one): the overviews' order.
    case_rank: int
    round: str
    round_label: str
    kind: str
    kind_label: str
    date: str
    date_label: str
    period_start: str
    period_end: str
    #: The date the reader sees (``date_label``, else the date or period in Dutch).
    when: str
    sort_date: tuple[int, int, int] | None
    order: int
    themes: tuple[str, ...]
    theme_labels: tuple[str, ...]
    owners: tuple[str, ...]
    organisations: tuple[str, ...]
    cases: tuple[str, ...]
    updated: str
    template: str
    overview: str
    #: :func:`content_digest` of the page: what caches of anything read from the page key on.
    digest: str

    @property
    def label(self) -> str:
        """What a list of changes shows for the page: its title, else its file."""
        return self.title or self.src_uri

    @property
    def is_concept(self) -> bool:
        return self.status == "concept"

    @classmethod
    def of(cls, page: Page, vocabulary: Vocabulary) -> PageRecord:
        """The record of a checked page (of the working copy or of an old version)."""
        meta = page.meta
        kind, status, case = _text(meta, "type"), _text(meta, "status"), _text(meta, "case")
        round_key, session_kind = _text(meta, "round"), _text(meta, "kind")
        found = meta.get("period")
        period: dict[str, Any] = found if isinstance(found, dict) else {}
        start, end = _text(period, "start"), _text(period, "end")
        date = _text(meta, "date")
        status_term = vocabulary.statuses.get(status)
        themes = _texts(meta, "themes")
        return cls(
            src_uri=page.src_uri,
            title=_text(meta, "title"),
            type=kind,
            type_label=vocabulary.types[kind].label if kind in vocabulary.types else kind,
            status=status,
            status_label=vocabulary.status_labels()[status],
            status_description=status_term.description if status_term else "",
            description=_text(meta, "description"),
            case=case,
            case_label=vocabulary.cases[case].label if case in vocabulary.cases else "",
            case_rank=list(vocabulary.cases).index(case) if case in vocabulary.cases else 99,
            round=round_key,
            round_label=vocabulary.rounds[round_key].label
            if round_key in vocabulary.rounds
            else "",
            kind=session_kind,
            kind_label=vocabulary.session_kinds[session_kind].label
            if session_kind in vocabulary.session_kinds
            else "",
            date=date,
            date_label=_text(meta, "date_label"),
            period_start=start,
            period_end=end,
            when=_when(date, _text(meta, "date_label"), start, end),
            sort_date=date_sort_key(date) if date else (date_sort_key(start) if start else None),
            order=order_of(meta),
            themes=themes,
            theme_labels=tuple(
                vocabulary.themes[theme].label for theme in themes if theme in vocabulary.themes
            ),
            owners=_texts(meta, "owners"),
            organisations=_texts(meta, "organisations"),
            cases=_texts(meta, "cases"),
            updated=_text(meta, "updated"),
            template=_text(meta, "template"),
            overview=_text(meta, "overview"),
            digest=content_digest(meta, page.body),
        )


@dataclass
class Corpus:
    """Every page below one docs folder, with the vocabulary and schema it was checked against."""

    docs_dir: Path
    vocabulary: Vocabulary
    schema: dict[str, Any]
    pages: dict[str, Page] = field(default_factory=dict)
    _records: dict[str, PageRecord] = field(default_factory=dict, repr=False, compare=False)

    def record(self, src_uri: str) -> PageRecord:
        """The record of one of :attr:`pages`, built once (the first stage after the check that
        asks for it; the pages are not changed after the check)."""
        found = self._records.get(src_uri)
        if found is None:
            found = self._records[src_uri] = PageRecord.of(self.pages[src_uri], self.vocabulary)
        return found

    def records(self) -> list[PageRecord]:
        """Every page's record, in the order of :attr:`pages`."""
        return [self.record(src_uri) for src_uri in self.pages]

    def of_type(self, kind: str) -> list[Page]:
        return [page for page in self.pages.values() if page.type == kind]

    def by_identity(self) -> dict[tuple[str, ...], Page]:
        found: dict[tuple[str, ...], Page] = {}
        for page in sorted(self.pages.values(), key=lambda p: p.src_uri):
            if page.identity is not None:
                found.setdefault(page.identity, page)
        return found

    def case_page(self, case: str) -> Page | None:
        return self.by_identity().get(("casus", case))

    def round_page(self, round_key: str) -> Page | None:
        return self.by_identity().get(("leerronde", round_key))
