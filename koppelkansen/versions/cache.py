"""What a build reads from the versions, kept between builds (issue 13: "it scales").

Without it every build read every version's pages from git (``git cat-file``, then the loader) and
computed every change view again, although nothing they depend on had changed. Three kinds of
entries, JSON files below ``<pdf cache>/versions/`` (see docs-dev/versions.md):

- ``trees/<commit>-<key>.json``: title, status and type of every page of a version's commit, what
  the Downloads list and the plan pages' history show. Read by every build.
- ``texts/<commit>-<key>.json``: the same with each page's text, what a change view compares. Read
  only when a view must be computed (an edit in the working version), instead of git.
- ``views/<key>.json``: the Markdown of one change page and the pages that changed on it.

A commit never changes, so a version's entries are keyed by its commit and by what else decides
how its pages are read: the docs folder, the schema (folder defaults apply by page type) and the
code (:data:`CODE_MODULES`). A view's key holds both versions (tag, slug, name, date, meeting,
commit, time), that key, the current page set (the page links to current pages), the plan types,
the status labels, the URL of its PDF, and for a view against the working version a hash of the
working version's plan pages (title, status, type and text: all that :func:`compare` reads).

The cache is build output, like the version PDFs beside it. Its files are still read as untrusted:
JSON only (never pickle), and an entry that does not parse or has another shape counts as missing
and is computed again. Writes go to a temporary file that is renamed into place. Entries a build
did not use are removed after it, so the folder holds one build's worth.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from koppelkansen.pages.model import Page
from koppelkansen.pages.vocabulary import Labels
from koppelkansen.pdf.cachefile import write_atomically
from koppelkansen.versions.changepages import build_page, views
from koppelkansen.versions.diff import DiffKey, PlanChange
from koppelkansen.versions.tags import Version

#: Fields of a page that a version's entries keep: those :class:`~koppelkansen.pages.model.Page` gives the site.
TREE_FIELDS = ("title", "status", "type")

#: The modules whose code decides what is cached: ``versioncache`` and every module of the package
#: it imports (directly or not), and ``validate`` (which folder defaults apply to which page type).
#: tests/test_versioncache.py checks this list against the imports.
CODE_MODULES = (
    "versions.changepages",
    "versions.diff",
    "pages.dates",
    "pages.loader",
    "pages.model",
    "problems",
    "check.schema",
    "check.structure",
    "check.frontmatter",
    "gitcommand",
    "versions.cache",
    "versions.tags",
    "pages.vocabulary",
    "pages.yamlstrict",
    "pdf.cachefile",
)

#: What a reader of the cache gets when an entry is missing or unusable.
_UNREADABLE = (OSError, ValueError, RecursionError)


@cache
def code_version() -> str:
    """Hash of :data:`CODE_MODULES`: a change to their code changes every key."""
    package = Path(__file__).parent.parent  # koppelkansen/
    h = hashlib.sha256()
    for name in CODE_MODULES:
        path = package.joinpath(*name.split(".")).with_suffix(".py")
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _digest(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _fields(page: Page) -> dict[str, str]:
    return {"title": page.label, "status": page.status, "type": page.type}


def working_digest(working: dict[str, Page], types: list[str]) -> str:
    """Hash of what a view against the working version reads of it: the plan pages' fields and
    texts. An edit to a page of another type changes no view (the current page set, which the
    pages' links depend on, is a key of its own)."""
    h = hashlib.sha256()
    for uri, page in sorted(working.items()):
        if page.type in types:
            for part in (uri, page.label, page.status, page.type, page.body):
                data = part.encode("utf-8", "surrogatepass")
                h.update(len(data).to_bytes(8, "big") + data)  # length first: no ambiguity
    return h.hexdigest()[:32]


def _version(version: Version | None) -> list[Any] | None:
    if version is None:
        return None
    return [
        version.tag,
        version.slug,
        version.name,
        version.date,
        version.meeting,
        version.commit,
        version.epoch,
    ]


class VersionCache:
    """The entries above, in ``folder`` (``<pdf cache>/versions``).

    ``read(commit)`` reads a version's pages from git (:func:`koppelkansen.versions.tags.read_tree`);
    ``setting``: what else decides them (the docs folder, the schema).
    """

    def __init__(self, folder: Path, setting: Any, read: Callable[[str], dict[str, Page]]) -> None:
        self.folder = folder
        self.read = read
        self.key = _digest([code_version(), setting])
        self.used: set[Path] = set()
        #: A version's full pages, read once per build (from ``texts/`` or git).
        self.full: dict[str, dict[str, Page]] = {}
        #: Trees and views read from the cache and computed, in this build (log and tests).
        self.hits = 0
        self.misses = 0
        #: Versions whose pages were read from git in this build.
        self.git_reads = 0

    # -- files -------------------------------------------------------------------------------
    def _read(self, path: Path) -> Any:
        self.used.add(path)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except _UNREADABLE:  # missing, cut short, not UTF-8, nested too deep: computed again
            return None

    def _write(self, path: Path, value: Any) -> None:
        self.used.add(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(value, ensure_ascii=False).encode("utf-8"))
        except OSError:  # a cache that cannot be written only costs time on the next build
            pass

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        for kind in ("trees", "texts", "views"):
            for path in (self.folder / kind).glob("*.json"):
                if path not in self.used:
                    path.unlink(missing_ok=True)

    def _path(self, kind: str, commit: str) -> Path:
        return self.folder / kind / f"{commit}-{self.key}.json"

    # -- a version's pages -------------------------------------------------------------------
    def tree(self, commit: str) -> dict[str, Page]:
        """Title, status and type of every page at ``commit`` (no text)."""
        self.used.add(self._path("texts", commit))  # kept for when a view needs it
        found = self._read(self._path("trees", commit))
        if _is_pages(found, with_body=False):
            self.hits += 1
            return {uri: Page.of_version(uri, meta, "") for uri, meta in found.items()}
        self.misses += 1
        pages = self.full_tree(commit)
        fields = {uri: _fields(page) for uri, page in pages.items()}
        self._write(self._path("trees", commit), fields)
        return {uri: Page.of_version(uri, meta, "") for uri, meta in fields.items()}

    def full_tree(self, commit: str) -> dict[str, Page]:
        """Every page at ``commit`` with its text: from ``texts/``, else from git (then kept)."""
        if commit in self.full:
            return self.full[commit]
        path = self._path("texts", commit)
        found = self._read(path)
        if _is_pages(found, with_body=True):
            pages = {
                uri: Page.of_version(uri, {k: entry[k] for k in TREE_FIELDS}, entry["body"])
                for uri, entry in found.items()
            }
        else:
            self.git_reads += 1
            read = self.read(commit)
            # Kept as the fields the comparison reads, so a page from the cache and one from git
            # compare the same.
            pages = {
                uri: Page.of_version(uri, _fields(page), page.body) for uri, page in read.items()
            }
            self._write(
                path, {uri: {**page.meta, "body": page.body} for uri, page in pages.items()}
            )
        self.full[commit] = pages
        return pages

    # -- change views ------------------------------------------------------------------------
    def pages(
        self,
        versions: list[Version],
        working: dict[str, Page],
        types: list[str],
        statuses: Labels,
        pdf_name: Callable[[str], str] | None = None,
    ) -> tuple[dict[str, str], dict[str, set[str]]]:
        """:func:`koppelkansen.versions.changepages.build_pages`, from the cache where it can; a view that
        must be computed reads its versions' pages with :meth:`full_tree`."""
        current = set(working)
        setting = [self.key, sorted(current), types, statuses]
        digest = working_digest(working, types)
        memo: dict[DiffKey, PlanChange | None] = {}  # pages compared once for all views
        pages: dict[str, str] = {}
        changed: dict[str, set[str]] = {}
        for view in views(versions):
            pdf = pdf_name(view.src_uri) if pdf_name else None
            key = _digest(
                [setting, _version(view.old), _version(view.new), None if view.new else digest, pdf]
            )
            path = self.folder / "views" / f"{key}.json"
            found = self._read(path)
            if _is_view(found):
                self.hits += 1
                markdown, paths = found["markdown"], set(found["changed"])
            else:
                self.misses += 1
                old = self.full_tree(view.old.commit)
                new = self.full_tree(view.new.commit) if view.new else working
                markdown, paths = build_page(
                    view, old, new, current, types, statuses, pdf_name, memo
                )
                self._write(path, {"markdown": markdown, "changed": sorted(paths)})
            pages[view.src_uri], changed[view.src_uri] = markdown, paths
        return pages, changed


def _is_pages(found: Any, *, with_body: bool) -> bool:
    keys = {*TREE_FIELDS, "body"} if with_body else set(TREE_FIELDS)
    return isinstance(found, dict) and all(
        isinstance(uri, str)
        and isinstance(entry, dict)
        and entry.keys() == keys
        and all(isinstance(v, str) for v in entry.values())
        for uri, entry in found.items()
    )


def _is_view(found: Any) -> bool:
    return (
        isinstance(found, dict)
        and isinstance(found.get("markdown"), str)
        and isinstance(found.get("changed"), list)
        and all(isinstance(p, str) for p in found["changed"])
    )
