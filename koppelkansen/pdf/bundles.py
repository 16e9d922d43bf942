"""Which PDFs there are, which pages go in each, and what their covers say.

Works on pages in nav order (:class:`~koppelkansen.pdf.convert.PageSource`) and the vocabulary, so
it needs no MkDocs.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from koppelkansen.pages.dates import dutch_date, dutch_day
from koppelkansen.pages.gitdates import last_changes
from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.pdf.convert import PageSource

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

BUNDLE_NAME = "koppelkansen-projectplannen"


def case_pdf_name(case: str) -> str:
    """File name (without .pdf) of a case area's PDF."""
    return f"koppelkansen-{case}"


#: From least to most settled; a PDF's cover shows the least settled status of its chapters.
STATUS_ORDER = ("concept", "ter-bespreking", "vastgesteld", "vervallen")
#: Page types that make up a case area's PDF (when their ``case`` is that area).
CASE_TYPES = ("casus", "plan", "sessie")


@dataclass
class Chapter:
    page: PageSource
    kind: str
    info: str
    status: str
    status_label: str
    status_note: str


@dataclass
class PdfSpec:
    """One PDF to make: its file name, cover and chapters."""

    name: str
    title: str
    short_title: str
    subtitle: str
    partners: list[str]
    chapters: list[Chapter]
    case: str | None = None
    keywords: list[str] = field(default_factory=list)
    #: Version date: seconds since the epoch (UTC), or None when neither git nor SOURCE_DATE_EPOCH knows it.
    epoch: int | None = None
    #: The version this PDF belongs to, for the cover ("Versie 31 oktober 2018 – ..."); None for the
    #: working version, whose cover says "Werkversie" and its date.
    version_label: str | None = None
    #: The version's own date (``JJJJ-MM-DD``, the date given to ``make versie``), for the cover's
    #: "Versie" field; None: the date of ``epoch`` (the working version's last change).
    version_date: str | None = None
    #: SVG of the figure on page 2, after the cover (the bundle's programme figure), or "".
    overview_svg: str = ""
    overview_alt: str = ""

    @property
    def edition(self) -> str:
        return self.version_label or f"Werkversie {self.date_label}"

    @property
    def filename(self) -> str:
        return f"{self.name}.pdf"

    @property
    def date_label(self) -> str:
        if self.version_date:
            return dutch_date(self.version_date)
        if self.epoch is None:
            return "datum onbekend"
        return dutch_day(datetime.fromtimestamp(self.epoch, tz=UTC).date())

    @property
    def status_label(self) -> str:
        counts: dict[str, int] = {}
        for chapter in self.chapters:
            counts[chapter.status_label] = counts.get(chapter.status_label, 0) + 1
        if len(counts) == 1:
            return next(iter(counts))
        ordered = sorted(self.chapters, key=lambda c: _status_rank(c.status))
        labels = list(dict.fromkeys(c.status_label for c in ordered))
        return ", ".join(f"{counts[label]}× {label.lower()}" for label in labels)


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def chapter_for(page: PageSource) -> Chapter:
    """A chapter's cover lines, running header and status notice, from the page's record."""
    record = page.record
    if record is None:
        return Chapter(page, "", "", "", "", "")
    info: list[str] = []
    if record.case_label and record.type != "casus":
        info.append(record.case_label)
    if record.date:
        info.append(dutch_date(record.date))
    return Chapter(
        page=page,
        kind=record.type_label,
        info=" · ".join(info),
        status=record.status,
        status_label=record.status_label,
        status_note=record.status_description,
    )


def partners(vocabulary: Vocabulary) -> list[str]:
    return [org.label for org in vocabulary.organisations.values()]


def bundle_specs(
    pages: list[PageSource],
    vocabulary: Vocabulary,
    bundle_types: list[str],
    docs_dir: Path,
    commit_times: dict[str, int] | None = None,
    version_label: str | None = None,
    version_date: str | None = None,
) -> list[PdfSpec]:
    """The combined bundle and one PDF per case area, each with at least one page.

    ``version_label``, ``version_date``: the cover's edition and date of a version's PDFs (None for
    the working version).

    ``commit_times``: last commit time per file below ``docs_dir`` (read from git when omitted).
    """
    if commit_times is None:
        commit_times = last_changes(docs_dir)
    orgs = partners(vocabulary)
    specs: list[PdfSpec] = []
    bundle = [page for page in pages if page.type in bundle_types]
    if bundle:
        cases = [
            vocabulary.cases[c].label for c in vocabulary.cases if any(p.case == c for p in bundle)
        ]
        has_programme = any(p.type == "programma" for p in bundle)
        if cases:
            subtitle = (
                "Het overkoepelende plan en de projectplannen voor "
                if has_programme
                else "De projectplannen voor "
            ) + _join(cases)
        else:
            subtitle = "Alle plannen van het traject Water, Energie & Circulariteit"
        specs.append(
            PdfSpec(
                name=BUNDLE_NAME,
                title="Projectplannen",
                short_title="Projectplannen",
                subtitle=subtitle,
                partners=orgs,
                chapters=[chapter_for(p) for p in bundle],
                keywords=[
                    "Koppelkansen",
                    "projectplan",
                    "Amsterdam",
                    "water",
                    "energie",
                    "circulariteit",
                ],
            )
        )
    for case, term in vocabulary.cases.items():
        members = [p for p in pages if p.case == case and p.type in CASE_TYPES]
        if not members:
            continue
        specs.append(
            PdfSpec(
                name=case_pdf_name(case),
                title=f"Casusgebied {term.label}",
                short_title=term.label,
                subtitle=f"Het casusgebied, het projectplan en de sessies voor {term.label}",
                partners=orgs,
                chapters=[chapter_for(p) for p in members],
                case=case,
                keywords=["Koppelkansen", "casusgebied", term.label, "Amsterdam"],
            )
        )
    for spec in specs:
        spec.epoch = version_epoch(
            [Path(c.page.path) for c in spec.chapters], docs_dir, commit_times
        )
        spec.version_label = version_label
        spec.version_date = version_date
    return specs


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def version_epoch(sources: list[Path], docs_dir: Path, commit_times: dict[str, int]) -> int | None:
    """The version date of a PDF: SOURCE_DATE_EPOCH, else the last git commit touching its pages.

    ``commit_times`` is :func:`koppelkansen.pages.gitdates.last_changes` of ``docs_dir``. Never the clock:
    two builds of one commit give the same date, and so the same bytes.
    """
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    root = docs_dir.resolve()
    names = [
        s.resolve().relative_to(root).as_posix()
        for s in sources
        if s.resolve().is_relative_to(root)
    ]
    times = [commit_times[name] for name in names if name in commit_times]
    return max(times) if times else None
