"""The page model: what the check validates and the overviews and PDFs are computed from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koppelkansen.pages.dates import date_sort_key
from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.pages.yamlstrict import KeyPath, Pos

#: Where a key's value was written: the file (page or folder defaults) and its positions.
Source = tuple[Path, dict[KeyPath, Pos]]


@dataclass
class Page:
    """One Markdown page with its merged front matter (folder defaults first, page last).

    The one model of a page: the loader makes it, for the working copy and for every old version
    (:meth:`of_version`), and the check, the overviews, the figures, the versions and the PDFs take
    it. The views that need resolved labels or rendered output derive from it
    (:class:`~koppelkansen.overviews.compute.Entry`, :class:`~koppelkansen.pages.pageinfo.PageInfo`,
    :class:`~koppelkansen.pdf.convert.PageSource`)."""

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


@dataclass
class Corpus:
    """Every page below one docs folder, with the vocabulary and schema it was checked against."""

    docs_dir: Path
    vocabulary: Vocabulary
    schema: dict[str, Any]
    pages: dict[str, Page] = field(default_factory=dict)

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
