"""What a build reads from the versions, kept between builds (issue 13: "it scales").

Without it every build read every version's pages from git (``git cat-file``, then the loader) and
computed every change view again: with 10 versions of 200 pages about 1.5 s of a warm build that
changed nothing. Two kinds of entries, JSON files below ``<pdf cache>/versions/``:

- ``trees/<commit>-<key>.json``: title, status and type of every page of a version's commit, what
  the Downloads list and the plan pages' history show. A commit never changes; the key also holds
  the schema (folder defaults apply by page type) and this code.
- ``views/<key>.json``: the Markdown of one change page and the pages that changed on it. The key
  holds both versions (tag, commit, name, date, meeting), the current page set (the page links to
  current pages), the plan types, the status labels, whether PDFs are made, this code, and for a
  view against the working version a hash of every current page's front matter and text.

Only a view whose key is missing is computed; its versions' full pages are then read from git
once per build. An entry that cannot be read (corrupt, cut short, another shape) counts as
missing. Entries not used by a build are removed after it, so the folder holds one build's worth.
Writes go to a temporary file and are renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from .changepages import build_page, views
from .versions import PlanText, Version

#: Front-matter fields of an old version that the site shows.
TREE_FIELDS = ("title", "status", "type")


@cache
def code_version() -> str:
    """Hash of the modules whose output is cached: a change to them empties the cache."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("versioncache.py", "versions.py", "loader.py", "changes.py", "changepages.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def _digest(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def working_digest(working: dict[str, PlanText]) -> str:
    """Hash of every current page's front matter and text."""
    return _digest([[uri, page.meta, page.body] for uri, page in sorted(working.items())])


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
    """The two kinds of entries above, in ``folder`` (``<pdf cache>/versions``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[Path] = set()
        #: Entries read from the cache and computed, in this build (for the log and the tests).
        self.hits = 0
        self.misses = 0

    # -- files -------------------------------------------------------------------------------
    def _read(self, path: Path) -> Any:
        self.used.add(path)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, path: Path, value: Any) -> None:
        self.used.add(path)
        tmp: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            tmp = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(value, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written only costs time on the next build
            if tmp is not None:
                tmp.unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        for kind in ("trees", "views"):
            for path in (self.folder / kind).glob("*.json"):
                if path not in self.used:
                    path.unlink(missing_ok=True)

    # -- trees -------------------------------------------------------------------------------
    def tree(
        self, commit: str, setting: Any, read: Callable[[], dict[str, PlanText]]
    ) -> dict[str, PlanText]:
        """Title, status and type of every page at ``commit`` (``read`` reads them from git);
        ``setting``: what else decides them (the docs folder, the schema)."""
        path = self.folder / "trees" / f"{commit}-{_digest([code_version(), setting])}.json"
        found = self._read(path)
        if _is_tree(found):
            self.hits += 1
            return {uri: PlanText(uri, meta, "") for uri, meta in found.items()}
        self.misses += 1
        tree = read()
        fields = {
            uri: {k: str(page.meta[k]) for k in TREE_FIELDS if k in page.meta}
            for uri, page in tree.items()
        }
        self._write(path, fields)
        return {uri: PlanText(uri, meta, "") for uri, meta in fields.items()}

    # -- change views ------------------------------------------------------------------------
    def view_path(
        self, old: Version, new: Version | None, working: str | None, setting: Any
    ) -> Path:
        key = _digest([code_version(), _version(old), _version(new), working, setting])
        return self.folder / "views" / f"{key}.json"

    def view(self, path: Path) -> tuple[str, set[str]] | None:
        found = self._read(path)
        if (
            isinstance(found, dict)
            and isinstance(found.get("markdown"), str)
            and isinstance(found.get("changed"), list)
            and all(isinstance(p, str) for p in found["changed"])
        ):
            self.hits += 1
            return found["markdown"], set(found["changed"])
        return None

    def store_view(self, path: Path, markdown: str, changed: set[str]) -> None:
        self.misses += 1
        self._write(path, {"markdown": markdown, "changed": sorted(changed)})

    def pages(
        self,
        versions: list[Version],
        full_tree: Callable[[str], dict[str, PlanText]],
        working: dict[str, PlanText],
        types: list[str],
        statuses: dict[str, str],
        pdf_name: Callable[[str], str] | None = None,
    ) -> tuple[dict[str, str], dict[str, set[str]]]:
        """:func:`koppelkansen.changepages.build_pages`, from the cache where it can:
        ``full_tree(commit)`` reads a version's pages (front matter and text) when a view must be
        computed."""
        current = set(working)
        setting = [sorted(current), types, statuses, pdf_name is not None]
        digest = working_digest(working)
        pages: dict[str, str] = {}
        changed: dict[str, set[str]] = {}
        for view in views(versions):
            path = self.view_path(view.old, view.new, None if view.new else digest, setting)
            found = self.view(path)
            if found is None:
                old = full_tree(view.old.commit)
                new = full_tree(view.new.commit) if view.new else working
                found = build_page(view, old, new, current, types, statuses, pdf_name)
                self.store_view(path, *found)
            pages[view.src_uri], changed[view.src_uri] = found
        return pages, changed


def _is_tree(found: Any) -> bool:
    return isinstance(found, dict) and all(
        isinstance(uri, str)
        and isinstance(meta, dict)
        and all(k in TREE_FIELDS and isinstance(v, str) for k, v in meta.items())
        for uri, meta in found.items()
    )
