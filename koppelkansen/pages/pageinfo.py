"""What the page header shows: status badge, concept notice and the date of the last change.

The date comes from git (the last commit touching the page, :mod:`koppelkansen.pages.gitdates`) where
the file has history, else from the ``updated`` front-matter key, else nothing: a build date would
pretend a change that never happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from koppelkansen.pages.dates import dutch_date
from koppelkansen.pages.model import PageRecord

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class PageInfo:
    """The page header's view of a page, derived from its record (the page's, or the record of a
    generated page's specification) and its git date: what the theme's partial prints. A record
    of its own because it holds what the record does not: the git date and whether the build
    wrote the page."""

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
    record: PageRecord | None, git_date: str | None = None, *, generated: bool = False
) -> PageInfo:
    """The header of the page of ``record`` (None: a build without a checked corpus);
    ``git_date``: the day of the last commit touching the page (``JJJJ-MM-DD``), if any;
    ``generated``: an overview the build writes."""
    updated = updated_iso = source = ""
    if git_date:
        updated_iso = git_date
        updated, source = dutch_date(updated_iso), "git"
    elif record is not None and record.updated:
        updated_iso = record.updated
        updated, source = dutch_date(updated_iso), "front matter"
    return PageInfo(
        status=record.status if record is not None else "",
        status_label=record.status_label if record is not None else "",
        status_description=record.status_description if record is not None else "",
        generated=generated,
        updated=updated,
        updated_iso=updated_iso,
        updated_from=source,
    )
