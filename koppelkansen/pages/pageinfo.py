"""What the page header shows: status badge, concept notice and the date of the last change.

The date comes from git (the last commit touching the page, :mod:`koppelkansen.pages.gitdates`) where
the file has history, else from the ``updated`` front-matter key, else nothing: a build date would
pretend a change that never happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from koppelkansen.pages.dates import dutch_date
from koppelkansen.pages.vocabulary import Vocabulary

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class PageInfo:
    """The page header's view of a page, derived from its front matter (the page model's, or a
    generated overview's specification) and its git date: what the theme's partial prints, with
    the labels resolved. A record of its own because generated pages, which have no page model,
    get a header too."""

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


def page_info(
    meta: dict[str, Any], vocabulary: Vocabulary | None, git_date: str | None = None
) -> PageInfo:
    """``git_date``: the day of the last commit touching the page (``JJJJ-MM-DD``), if any."""
    status = str(meta.get("status", ""))
    term = vocabulary.statuses.get(status) if vocabulary else None
    label = vocabulary.status_labels()[status] if vocabulary else status
    updated = updated_iso = source = ""
    if git_date:
        updated_iso = git_date
        updated, source = dutch_date(updated_iso), "git"
    elif isinstance(meta.get("updated"), str):
        updated_iso = meta["updated"]
        updated, source = dutch_date(updated_iso), "front matter"
    return PageInfo(
        status=status,
        status_label=label,
        status_description=term.description if term else "",
        generated=meta.get("generated") is True,
        updated=updated,
        updated_iso=updated_iso,
        updated_from=source,
    )
