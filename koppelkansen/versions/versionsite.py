"""Glue between versions and the site, without MkDocs types: what the templates show.

URLs are relative to the site root (templates put ``{{ base_url }}/`` in front); every value is
plain text that Jinja escapes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from koppelkansen.check.frontmatter import defaults_filter
from koppelkansen.pages.dates import dutch_date
from koppelkansen.pages.gitdates import iso_date
from koppelkansen.pages.model import Corpus, Page
from koppelkansen.pages.vocabulary import Labels
from koppelkansen.pdf.bundles import Chapter, PdfSpec
from koppelkansen.pdf.convert import PageSource
from koppelkansen.pdf.downloads import human_size
from koppelkansen.problems import BuildStopped, notice
from koppelkansen.versions.cache import VersionCache
from koppelkansen.versions.changepages import ChangeView, plan_anchor, views
from koppelkansen.versions.pdfs import (
    VersionBuildError,
    VersionPdf,
    place,
    refusals,
    version_pdfs,
)
from koppelkansen.versions.proposal import (
    SRC_URI,
    ProposalError,
    compute,
    page_markdown,
    resolve,
    shown,
    shown_keys,
)
from koppelkansen.versions.tags import (
    Version,
    VersionList,
    docs_prefix,
    read_tree,
    read_versions,
    repo_root,
)

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass
class VersionSite:
    """Everything the build knows about versions, read once per build."""

    listing: VersionList
    #: The pages of each version, by commit.
    trees: dict[str, dict[str, Page]] = field(default_factory=dict)
    #: Plan types (those of the bundle).
    types: list[str] = field(default_factory=list)
    #: Status key to Dutch label.
    statuses: Labels = field(default_factory=Labels)
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
                "title": page.label,
                "status": page.status,
                "status_label": self.statuses[page.status],
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
                        "status_label": self.statuses[status],
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
                        "status_label": self.statuses[page.status],
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
        record=page.record,
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


def read_version_site(
    corpus: Corpus,
    docs_dir: Path,
    cache_root: Path,
    types: list[str],
    with_pdfs: bool,
    since: tuple[str, str] = ("", ""),
) -> tuple[VersionSite, dict[str, str]]:
    """Versions from the tags, each version's pages, and the change pages between them (their
    Markdown by src_uri). Only what the cache (:mod:`koppelkansen.versions.cache`) lacks is read
    from git. ``since``: the ref a proposal is compared with and its name (``make wijzigingen``,
    a pull request), ``("", "")`` for none."""
    repo = repo_root(docs_dir)
    listing = read_versions(repo) if repo else VersionList()
    site = VersionSite(
        listing=listing,
        types=types,
        statuses=corpus.vocabulary.status_labels(),
        history_complete=repo is not None and not listing.is_shallow(repo),
    )
    if listing.notice:
        log.info(listing.notice)
    prefix = docs_prefix(repo, docs_dir) if repo else ""
    applies = defaults_filter(corpus.schema)
    cache = VersionCache(
        cache_root / "versions",
        [prefix, corpus.schema],
        lambda commit: read_tree(repo, commit, prefix, applies) if repo else {},
    )
    for version in listing.versions:
        if version.commit not in site.trees:  # two versions of one commit: read once
            site.trees[version.commit] = cache.tree(version.commit)
    working = {uri: page for uri, page in corpus.pages.items()}
    site.titles = {uri: page.title for uri, page in corpus.pages.items()}
    change_pages, site.changed = cache.pages(
        listing.versions,
        working,
        site.types,
        site.statuses,
        change_pdf_name if with_pdfs else None,
    )
    cache.prune()
    ref, name = since
    if ref:  # `make wijzigingen`, a pull request: the proposal's change page beside the others
        if repo is None:
            raise_stopped("SINDS is gegeven, maar de docs-map ligt niet in een git-repository.")
        try:
            base = resolve(repo, ref, name)
        except ProposalError as exc:
            raise_stopped(str(exc))
        keys = shown_keys(corpus.schema)
        proposal = compute(repo, base, prefix, docs_dir, working, site.types, applies, keys)
        change_pages[SRC_URI] = page_markdown(
            proposal,
            set(working),
            site.statuses,
            corpus.vocabulary.type_labels(),
            change_pdf_name if with_pdfs else None,
        )
        log.info(
            "Voorstel: %d %s veranderd ten opzichte van %s",
            len(proposal.changes),
            "plan" if len(proposal.changes) == 1 else "plannen",
            shown(base.label),
        )
    if listing.versions:
        log.info(
            "Versies: %d uit de cache, %d opnieuw gelezen of vergeleken "
            "(de pagina's van %d uit git)",
            cache.hits,
            cache.misses,
            cache.git_reads,
        )
    return site, change_pages


def raise_stopped(message: str) -> NoReturn:
    """Stop the build with a Dutch message (logged, as the build's other problems are)."""
    log.error("fout: %s", message)
    raise BuildStopped(message)


def change_pdf_specs(
    site: VersionSite, rendered: dict[str, PageSource], partners: list[str], latest: int | None
) -> list[PdfSpec]:
    """The PDF of each change page (``rendered``: the change pages as the generator rendered
    them, by src_uri), typeset like the bundle. ``latest``: the newest commit time of the working
    pages, the date of a change page whose newer side is the working version."""
    by_uri = {view.src_uri: view for view in views(site.versions)}
    specs = []
    for src_uri, source in rendered.items():
        # The date of the newer side: the newer version's commit, or the working version's.
        newer = by_uri[src_uri].new if src_uri in by_uri else None
        epoch = newer.epoch if newer else latest
        specs.append(change_pdf_spec(source, src_uri, partners, epoch))
    return specs


def version_notice(label: str, tag: str, reason: str) -> str:
    """The notice for a version whose PDFs cannot be made from its tag."""
    refused = refusals(reason)
    if refused:
        shown = "\n".join(f"    {line}" for line in refused[:10])
        more = f"\n    (en nog {len(refused) - 10})" if len(refused) > 10 else ""
        return (
            f"Let op: de PDF's van versie {label} (tag {tag}) zijn niet gemaakt: de tekst van die versie "
            "voldoet niet aan de regels van nu. De build gaat door; de PDF's die de directies "
            "van deze versie kregen (bij de release van de tag) blijven wat ze waren, met de oude "
            "tekst, maar deze site toont ze op de Downloads-pagina als 'Niet beschikbaar in deze "
            f"build.' Wat de regels van nu weigeren (regels in de tekst van die versie, niet in de werkmap):\n{shown}{more}"
        )
    last = reason.strip().splitlines()[-1] if reason.strip() else "zonder melding"
    return (
        f"Let op: de PDF's van versie {label} (tag {tag}) konden niet gemaakt worden uit de tag; de "
        f"build gaat door en de Downloads-pagina toont ze als niet beschikbaar. Laatste regel "
        f"van die build: {last[:300]}"
    )


def version_failure(label: str, tag: str, reason: str) -> str:
    """Why a version's PDFs could not be made for another reason than its text."""
    lines = [line for line in reason.strip().splitlines() if line.strip()]
    shown = "\n".join(f"    {line[:300]}" for line in lines[-5:]) or "    (zonder melding)"
    return (
        f"De PDF's van versie {label} (tag {tag}) konden niet gemaakt worden uit de tag, en niet "
        "door de tekst van die versie: zonder die PDF's mist de Downloads-pagina wat de directies "
        "kregen. Los de oorzaak op en bouw opnieuw (een ontbrekend hulpmiddel installeert "
        f"'make site' zelf). Het einde van die build:\n{shown}"
    )


def place_version_pdfs(site: VersionSite, config_file: Path, cache: Path, downloads: Path) -> None:
    """Each version's PDFs, from the cache or built once from its tag, put into the site
    (``downloads/versies/<slug>/``). A version whose build fails (its old text refused by today's
    rules, or anything else) is a notice, never a failed build: the Downloads page shows its PDFs
    as not available. History is read, never judged (docs-dev/versions.md)."""
    repo = repo_root(config_file.parent)
    if repo is None:
        return
    config_rel = config_file.relative_to(repo).as_posix()
    for version in site.versions:
        try:
            pdfs = version_pdfs(version, repo, config_rel, cache)
        except VersionBuildError as exc:
            if not refusals(str(exc)):
                # Not the old text but the build itself failed (a tool, the disk, the generator):
                # the directors' PDFs would be missing from the site, so the build stops.
                raise_stopped(version_failure(version.label, version.tag, str(exc)))
            # Its old text under today's rules: history is read, never judged; the build goes on.
            notice(log, version_notice(version.label, version.tag, str(exc)))  # not --strict
            continue
        target = downloads / "versies" / version.slug
        target.mkdir(parents=True, exist_ok=True)
        for pdf in pdfs:
            place(pdf.path, target / pdf.filename)
        site.pdfs[version.slug] = pdfs
