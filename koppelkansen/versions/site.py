"""Glue between versions and the site, without MkDocs types: what the templates show.

URLs are relative to the site root (templates put ``{{ base_url }}/`` in front); every value is
plain text that Jinja escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from koppelkansen.pages.dates import dutch_date
from koppelkansen.pages.gitdates import iso_date
from koppelkansen.pdf import PageSource, PdfSpec
from koppelkansen.pdf.bundles import Chapter
from koppelkansen.pdf.downloads import human_size
from koppelkansen.versions.changepages import ChangeView, plan_anchor, views
from koppelkansen.versions.pdfs import VersionPdf
from koppelkansen.versions.tags import PlanText, Version, VersionList


@dataclass
class VersionSite:
    """Everything the build knows about versions, read once per build."""

    listing: VersionList
    #: The pages of each version, by commit.
    trees: dict[str, dict[str, PlanText]] = field(default_factory=dict)
    #: Plan types (those of the bundle).
    types: list[str] = field(default_factory=list)
    #: Status key to Dutch label.
    statuses: dict[str, str] = field(default_factory=dict)
    #: Site URL of each page by src_uri (filled in when MkDocs knows the files).
    urls: dict[str, str] = field(default_factory=dict)
    #: Title of each current page by src_uri.
    titles: dict[str, str] = field(default_factory=dict)
    #: PDFs of each version, by slug (filled in when they are made).
    pdfs: dict[str, list[VersionPdf]] = field(default_factory=dict)
    #: Per change page (src_uri), the pages that changed on it.
    changed: dict[str, set[str]] = field(default_factory=dict)
    #: False in a shallow clone: status history from git would be incomplete.
    history_complete: bool = True

    @property
    def versions(self) -> list[Version]:
        return self.listing.versions

    def _view_url(self, view: ChangeView) -> str:
        return self.urls.get(view.src_uri, "")

    def plans(self, version: Version) -> list[dict[str, str]]:
        tree = self.trees.get(version.commit, {})
        return [
            {
                "title": page.title,
                "status": page.status,
                "status_label": self.statuses.get(page.status, page.status),
                "url": self.urls.get(path, ""),
            }
            for path, page in sorted(tree.items())
            if page.type in self.types
        ]

    def entries(self) -> list[dict[str, Any]]:
        """One entry per version for the Downloads page, newest first."""
        all_views = views(self.versions)
        found = []
        for version in self.versions:
            since = next(v for v in all_views if v.old == version and v.new is None)
            previous = next((v for v in all_views if v.new == version), None)
            meeting_src = f"{version.meeting}.md" if version.meeting else ""
            found.append(
                {
                    "slug": version.slug,
                    "tag": version.tag,
                    "name": version.name,
                    "date": version.date_label,
                    "date_iso": version.date,
                    "edition": version.edition,
                    "meeting": {
                        "title": self.titles.get(meeting_src, version.meeting),
                        "url": self.urls[meeting_src],
                    }
                    if meeting_src in self.urls
                    else None,
                    "plans": self.plans(version),
                    "pdfs": [
                        {
                            "title": pdf.title,
                            "url": f"downloads/versies/{version.slug}/{pdf.filename}",
                            "size": human_size(pdf.size),
                        }
                        for pdf in self.pdfs.get(version.slug, [])
                    ],
                    "changes_since": self._view_url(since),
                    "changes_previous": self._view_url(previous) if previous else "",
                    "previous_date": previous.old.label if previous else "",
                }
            )
        return found

    def history(self, src_uri: str, statuses: list[tuple[int, str]]) -> dict[str, Any]:
        """A plan page's history: status changes (from git), versions it was in, latest changes."""
        changes: list[dict[str, str]] = []
        if self.history_complete:
            for when, status in statuses:
                if changes and changes[-1]["status"] == status:
                    continue
                day = iso_date(when)
                changes.append(
                    {
                        "date": dutch_date(day),
                        "date_iso": day,
                        "status": status,
                        "status_label": self.statuses.get(status, status),
                    }
                )
        present = []
        for version in self.versions:
            page = self.trees.get(version.commit, {}).get(src_uri)
            if page is not None:
                present.append(
                    {
                        "name": version.name,
                        "date": version.date_label,
                        "status_label": self.statuses.get(page.status, page.status),
                    }
                )
        since = ""
        unchanged = False
        if self.versions and src_uri in self.trees.get(self.versions[0].commit, {}):
            view = ChangeView(self.versions[0], None)
            if src_uri not in self.changed.get(view.src_uri, set()):
                unchanged = True
            elif view.src_uri in self.urls:
                since = f"{self.urls[view.src_uri]}#{plan_anchor(src_uri)}"
        return {
            "status_changes": changes,
            "versions": present,
            "changes_since": since,
            "unchanged": unchanged,
            "latest": self.versions[0].label if self.versions else "",
            "notice": "" if self.history_complete else self.listing.notice,
        }

    def for_meeting(self, src_uri: str) -> list[dict[str, str]]:
        return [
            {"name": v.name, "date": v.date_label, "slug": v.slug}
            for v in self.versions
            if v.meeting and f"{v.meeting}.md" == src_uri
        ]


_HIDDEN_CUE = re.compile(r'<span class="kk-visually-hidden">[^<]*</span>')
_PDF_LINK = re.compile(r'<p class="kk-change-pdf">.*?</p>', re.S)


def change_pdf_name(src_uri: str) -> str:
    """File name (without .pdf) of a change page's PDF."""
    return "koppelkansen-" + src_uri.removesuffix(".md").replace("/", "-")


def change_pdf_spec(
    page: PageSource, src_uri: str, partners: list[str], epoch: int | None
) -> PdfSpec:
    """A one-chapter PDF of a change page. The screen-reader cues are left out: in print the
    underline and strikethrough carry the meaning, and the legend says so."""
    source = PageSource(
        url=page.url,
        source=page.source,
        title=page.title,
        html=_PDF_LINK.sub("", _HIDDEN_CUE.sub("", page.html)),
        meta=page.meta,
        path=page.path,
    )
    return PdfSpec(
        name=change_pdf_name(src_uri),
        title=page.title,
        short_title="Wijzigingen",
        subtitle="Wat er in de plannen is ingevoegd, verwijderd en verplaatst, per plan en per hoofdstuk",
        partners=partners,
        chapters=[Chapter(source, "Wijzigingen", "", "", "", "")],
        keywords=["Koppelkansen", "wijzigingen", "versie"],
        epoch=epoch,
        version_label=page.title,
    )
