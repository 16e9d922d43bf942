"""What the page header shows: status badge, concept notice and the date of the last change.

The date comes from git (``mkdocs-git-revision-date-localized-plugin`` puts it in the page's meta)
where the file has history, else from the ``updated`` front-matter key, else nothing: a build date
would pretend a change that never happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from .overviews import dutch_date
from .vocabulary import Vocabulary

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

GIT = "git_revision_date_localized"


@dataclass(frozen=True)
class PageInfo:
    status: str
    status_label: str
    status_description: str
    generated: bool
    #: Date of the last change in Dutch, its ISO form, and where it came from ("git" or "front matter").
    updated: str = ""
    updated_iso: str = ""
    updated_from: str = ""

    @property
    def is_concept(self) -> bool:
        return self.status == "concept"


def page_info(meta: dict[str, Any], vocabulary: Vocabulary | None) -> PageInfo:
    status = str(meta.get("status", ""))
    term = vocabulary.statuses.get(status) if vocabulary else None
    updated = updated_iso = source = ""
    if meta.get(f"{GIT}_hash") and meta.get(f"{GIT}_raw_iso_date"):
        updated_iso = str(meta[f"{GIT}_raw_iso_date"])
        updated, source = dutch_date(updated_iso), "git"
    elif isinstance(meta.get("updated"), str):
        updated_iso = meta["updated"]
        updated, source = dutch_date(updated_iso), "front matter"
    return PageInfo(
        status=status,
        status_label=term.label if term else status,
        status_description=term.description if term else "",
        generated=meta.get("generated") is True,
        updated=updated,
        updated_iso=updated_iso,
        updated_from=source,
    )


def drop_git_fallback(meta: dict[str, Any]) -> None:
    """Remove the git plugin's build-time fallback date, so the theme does not show it either."""
    if not meta.get(f"{GIT}_hash"):
        for key in [k for k in meta if k.startswith(GIT)]:
            del meta[key]
