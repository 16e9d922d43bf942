"""Versions: a scratch git repository with two versions and edits between them, built for real.

Version 1 (31 October 2018, for the directors' meeting) and version 2 (1 March 2019) are annotated
tags made with ``koppelkansen versie``; between them a word changed, a paragraph was added and a
section removed in the Amstelstad plan, and the Haven-Stad plan went from concept to vastgesteld.
After version 2 one more word changed in the 9 Straatjes plan (the working version).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import run_build
from pdfproject import COMMIT_EPOCH, SHORT_PROGRAMME, committing_at, git_env, make_pdf_project
from pdfvalidation import assert_archival
from pypdf import PdfReader

from koppelkansen.cli import main as cli_main
from koppelkansen.pages.loader import load_texts
from koppelkansen.pages.model import Page
from koppelkansen.versions.diff import plan_diff, sections
from koppelkansen.versions.pdfs import build_version, cache_folder, place
from koppelkansen.versions.tags import (
    MISSING_HISTORY,
    VersionError,
    create_version,
    read_versions,
)

MEETING = """\
---
title: Directieoverleg 31 oktober 2018
type: sessie
status: vastgesteld
description: De plannen zijn aan de directeuren gepresenteerd.
kind: directieoverleg
date: 2018-10-31
round: 2018-plannen
organisations: [waternet, alliander, gemeente-amsterdam]
---

# Directieoverleg 31 oktober 2018

## Doel van de sessie

De plannen presenteren aan de directeuren.
"""
V2_EPOCH = 1551441600  # 1 March 2019, 12:00 UTC
LATER_EPOCH = 1554120000  # 1 April 2019
TODAY = date(2026, 11, 28)


def _commit(root: Path, epoch: int, message: str) -> None:
    env = git_env(epoch)
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, env=env, check=True)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _version(root: Path, name: str, day: str, meeting: str, epoch: int):
    with committing_at(epoch):  # the tagger date, for a repeatable repository
        return create_version(root, root / "docs", name, day, meeting, today=TODAY)


_build = run_build


# The tests sharing this module-scoped build run in one worker, one after another: otherwise
# xdist interleaves other modules and each worker (or each return to the module) builds it again.
PROJECT = pytest.mark.xdist_group("versions-project")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("versies")
    config = make_pdf_project(
        root, {"directieoverleg/2018-10-31.md": MEETING, "programma.md": SHORT_PROGRAMME}
    )
    v1 = _version(
        root,
        "gepresenteerd aan de directies",
        "2018-10-31",
        "directieoverleg/2018-10-31",
        COMMIT_EPOCH,
    )
    plans = root / "docs" / "casussen"
    amstelstad = plans / "amstelstad" / "plan.md"
    _edit(amstelstad, "beschrijft de activiteiten", "noemt de activiteiten")
    _edit(
        amstelstad,
        "[overkoepelende plan](../../programma.md#aanpak).\n",
        "[overkoepelende plan](../../programma.md#aanpak).\n\n"
        "Elke maand bespreekt het kernteam de voortgang met de gebiedsmanagers.\n",
    )
    text = amstelstad.read_text(encoding="utf-8")
    amstelstad.write_text(text[: text.index("## Activiteiten 2019")].rstrip() + "\n", "utf-8")
    _edit(plans / "haven-stad" / "plan.md", "status: concept", "status: vastgesteld")
    _commit(root, V2_EPOCH, "Plannen bijgewerkt na de ontwerpateliers")
    v2 = _version(root, "na de ontwerpateliers", "2019-03-01", "", V2_EPOCH)
    _edit(
        plans / "9-straatjes" / "plan.md",
        "beschrijft de activiteiten",
        "beschrijft alle activiteiten",
    )
    _commit(root, LATER_EPOCH, "9 Straatjes: kleine wijziging")
    result = _build(config, root / "site")
    assert result.returncode == 0, result.stderr
    return root, config, v1, v2


def _html(root: Path, url: str) -> str:
    return (root / "site" / url / "index.html").read_text(encoding="utf-8")


def _article(page: str) -> str:
    return page[page.index("<article") : page.index("</article>")]


@PROJECT
def test_version_tags_hold_checked_metadata(project):
    root, _, v1, v2 = project
    versions = read_versions(root).versions
    assert [v.tag for v in versions] == ["versie/2019-03-01", "versie/2018-10-31"]
    assert (v1.name, v1.date, v1.meeting) == (
        "gepresenteerd aan de directies",
        "2018-10-31",
        "directieoverleg/2018-10-31",
    )
    assert v1.edition == "Versie 31 oktober 2018 – gepresenteerd aan de directies"
    kind = subprocess.run(
        ["git", "cat-file", "-t", "versie/2018-10-31"], cwd=root, capture_output=True, text=True
    )
    assert kind.stdout.strip() == "tag"  # annotated, so a release workflow can publish it
    assert v2.meeting == ""


@PROJECT
def test_version_metadata_is_checked_in_dutch(project, tmp_path):
    root, *_ = project
    with pytest.raises(VersionError) as caught:
        create_version(
            root,
            root / "docs",
            "gepresenteerd aan de directies",
            "2030-01-01",
            "directieoverleg/2018-10-30",
            today=TODAY,
        )
    message = str(caught.value)
    assert "ligt in de toekomst" in message
    assert "er is geen pagina docs/directieoverleg/2018-10-30.md" in message
    assert "Bedoel je 'directieoverleg/2018-10-31'?" in message
    assert "al gebruikt voor de versie van 31 oktober 2018 (tag versie/2018-10-31)" in message
    dirty = root / "docs" / "programma.md"
    original = dirty.read_text(encoding="utf-8")
    dirty.write_text(original + "\nNog niet gecommit.\n", encoding="utf-8")
    try:
        with pytest.raises(VersionError, match="nog niet gecommit"):
            create_version(root, root / "docs", "iets anders", "2019-04-02", "", today=TODAY)
    finally:
        dirty.write_text(original, encoding="utf-8")


@PROJECT
def test_cli_reports_problems_and_makes_no_tag(project, capsys):
    root, *_ = project
    code = cli_main(
        ["versie", "--naam", "x", "--datum", "2019-13-01", "--docs", str(root / "docs")]
    )
    assert code == 1
    assert "DATUM '2019-13-01' is geen datum" in capsys.readouterr().err
    assert len(read_versions(root).versions) == 2


@PROJECT
def test_change_page_shows_exactly_the_edits(project):
    root, *_ = project
    page = _article(_html(root, "wijzigingen/2018-10-31-2019-03-01"))
    # Only the two changed plans, not the 9 Straatjes edit (made after version 2).
    assert "Projectplan Amstelstad" in page and "Projectplan Haven-Stad" in page
    assert "Projectplan 9 Straatjes" not in page
    insertions = re.findall(r"<ins>(.*?)</ins>", page, re.S)
    deletions = re.findall(r"<del>(.*?)</del>", page, re.S)
    cue_in = '<span class="kk-visually-hidden">ingevoegd: </span>'
    cue_out = '<span class="kk-visually-hidden">verwijderd: </span>'
    # The legend's two examples, then the changes.
    assert insertions[1:] == [
        f"{cue_in}noemt",
        f"{cue_in}Elke maand bespreekt het kernteam de voortgang met de gebiedsmanagers.",
    ]
    assert [d.startswith(cue_out) for d in deletions[1:]] == [True] * 5
    assert deletions[1] == f"{cue_out}beschrijft"
    # The removed section's list keeps its two items, each its own list item.
    assert (
        f'<ul class="kk-diff">\n<li><del>{cue_out}Ontwerpateliers met de betrokken afdelingen.</del></li>\n'
        f"<li><del>{cue_out}Lessen vastleggen voor de andere gebieden.</del></li>\n</ul>"
    ) in page
    assert "Leren in de praktijk" in deletions[4]
    assert "Activiteiten 2019 <small>(hoofdstuk verwijderd)</small>" in page
    assert "Werkwijze <small>(gewijzigd)</small>" in page
    assert "Status gewijzigd:</strong> van Concept naar Vastgesteld" in page
    assert "onderstreept" in page and "doorgestreept" in page  # the legend
    # Links go to the current page.
    assert 'href="../../casussen/amstelstad/plan/"' in page


@PROJECT
def test_change_page_against_working_version(project):
    root, *_ = project
    page = _article(_html(root, "wijzigingen/2019-03-01-werkversie"))
    assert "Projectplan 9 Straatjes" in page
    assert "Projectplan Amstelstad" not in page
    assert re.findall(r"<ins>.*?</ins>", page)[1:] == [
        '<ins><span class="kk-visually-hidden">ingevoegd: </span>alle</ins>'
    ]


@PROJECT
def test_downloads_lists_versions_newest_first(project):
    root, *_ = project
    page = _article(_html(root, "downloads"))
    assert page.index('id="werkversie"') < page.index('id="versie-2019-03-01"')
    assert page.index('id="versie-2019-03-01"') < page.index('id="versie-2018-10-31"')
    v1 = page[page.index('id="versie-2018-10-31"') :]
    assert "gepresenteerd aan de directies" in v1
    assert 'href="../directieoverleg/2018-10-31/">Directieoverleg 31 oktober 2018</a>' in v1
    assert "Projectplan Haven-Stad: Concept" in v1
    v2 = page[page.index('id="versie-2019-03-01"') : page.index('id="versie-2018-10-31"')]
    assert "Projectplan Haven-Stad: Vastgesteld" in v2
    assert 'href="../downloads/versies/2018-10-31/koppelkansen-projectplannen.pdf"' in v1
    assert "../wijzigingen/2018-10-31-werkversie/" in v1
    assert "../wijzigingen/2018-10-31-2019-03-01/" in v2


def _cover(path: Path) -> str:
    return PdfReader(path).pages[0].extract_text()


@PROJECT
def test_version_covers_say_which_version(project):
    root, *_ = project
    downloads = root / "site" / "downloads"
    v1 = _cover(downloads / "versies" / "2018-10-31" / "koppelkansen-projectplannen.pdf")
    assert "Versie 31 oktober 2018 – gepresenteerd aan de directies" in v1
    v2 = _cover(downloads / "versies" / "2019-03-01" / "koppelkansen-haven-stad.pdf")
    assert "Versie 1 maart 2019 – na de ontwerpateliers" in v2
    working = _cover(downloads / "koppelkansen-projectplannen.pdf")
    assert "Werkversie 1 april 2019" in working


@PROJECT
def test_version_pdfs_rebuild_to_the_same_bytes(project, tmp_path):
    root, config, v1, _ = project
    kept = cache_folder(root / ".cache" / "pdf", v1)
    again = tmp_path / "opnieuw"
    build_version(v1, root, config.relative_to(root).as_posix(), again)
    names = sorted(p.name for p in kept.glob("*.pdf"))
    assert names and names == sorted(p.name for p in again.glob("*.pdf"))
    for name in names:
        assert (kept / name).read_bytes() == (again / name).read_bytes(), name


CACHED = re.compile(
    r"Versies: (\d+) uit de cache, (\d+) opnieuw gelezen of vergeleken "
    r"\(de pagina's van (\d+) uit git\)"
)
CHANGE_PAGES = ("2018-10-31-2019-03-01", "2018-10-31-werkversie", "2019-03-01-werkversie")
#: Pages made from the versions: the change pages, Downloads and a plan's history.
FROM_VERSIONS = (
    *(f"wijzigingen/{n}" for n in CHANGE_PAGES),
    "downloads",
    "casussen/amstelstad/plan",
)


def _cached(log: str) -> tuple[int, int, int]:
    """(entries from the cache, entries computed, versions read from git) in a build's log."""
    found = CACHED.search(log)
    assert found, log
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


@pytest.fixture(scope="module")
def rebuilt(project):
    """The project built again in its place with nothing changed, as a second `make site`: the
    build's log, and the pages made from the versions as the first build computed them from git."""
    root, config, *_ = project
    first = {name: _article(_html(root, name)) for name in FROM_VERSIONS}
    result = _build(config, root / "site", force=True)  # nothing changed: the caches answer
    assert result.returncode == 0, result.stderr
    return result.stderr, first


@PROJECT
def test_second_build_does_not_typeset_versions_again(rebuilt):
    log, _ = rebuilt
    assert "PDF's maken uit de tag" not in log


@PROJECT
def test_change_views_come_from_the_cache_until_their_input_changes(project, rebuilt, tmp_path):
    """koppelkansen.versions.cache: 2 versions give 2 trees and 3 change views (5 entries)."""
    root, *_ = project
    log, first = rebuilt
    # Nothing changed: all from the cache, and the pages are those computed from git.
    assert _cached(log) == (5, 0, 0)
    for name, article in first.items():
        assert _article(_html(root, name)) == article, name
    # The edits go to a copy, with the cache of both builds; the other tests read the project.
    copy = tmp_path / "kopie"
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns("site"))

    def build() -> tuple[int, int, int]:
        result = _build(copy / "mkdocs.yml", copy / "site", force=True)  # the caches answer
        assert result.returncode == 0, result.stderr
        return _cached(result.stderr)

    # A word edited in the working version: only the two views against it are computed again,
    # from the versions' texts in the cache, not from git.
    _edit(copy / "docs" / "casussen" / "haven-stad" / "plan.md", "beschrijft", "schetst")
    assert build() == (3, 2, 0)
    page = _article(_html(copy, "wijzigingen/2019-03-01-werkversie"))
    assert '<span class="kk-visually-hidden">ingevoegd: </span>schetst</ins>' in page
    assert "Projectplan Haven-Stad" in page
    # A page that no change view reads (a meeting report): nothing computed again.
    _edit(copy / "docs" / "directieoverleg" / "2018-10-31.md", "presenteren", "tonen")
    assert build() == (5, 0, 0)
    # Unused entries are gone: one build's worth remains.
    cache = copy / ".cache" / "pdf" / "versions"
    views = sorted((cache / "views").glob("*.json"))
    assert len(views) == 3
    # A damaged entry counts as missing: computed again, the page still right.
    views[0].write_text('{"markdown": 7', encoding="utf-8")
    views[1].write_text('{"markdown": "# Vervalst", "changed": [1]}', encoding="utf-8")
    assert build() == (3, 2, 0)
    assert "schetst" in _article(_html(copy, "wijzigingen/2019-03-01-werkversie"))
    assert "Vervalst" not in "".join(
        (copy / "site" / "wijzigingen" / n / "index.html").read_text(encoding="utf-8")
        for n in CHANGE_PAGES
    )
    # Without the versions' texts, an edit reads them from git again (once each).
    shutil.rmtree(cache / "texts")
    _edit(copy / "docs" / "casussen" / "haven-stad" / "plan.md", "schetst", "toont")
    assert build() == (3, 2, 2)
    assert "toont" in _article(_html(copy, "wijzigingen/2018-10-31-werkversie"))


@PROJECT
def test_version_pdfs_in_the_site_are_links_to_the_cache(project):
    """A build puts each version's PDFs into the site as hard links: no bytes copied."""
    root, *_ = project
    listing = read_versions(root)
    for version in listing.versions:
        folder = cache_folder(root / ".cache" / "pdf", version)
        for pdf in folder.glob("*.pdf"):
            site = root / "site" / "downloads" / "versies" / version.slug / pdf.name
            assert site.samefile(pdf), site


def test_placing_a_pdf_never_writes_into_the_cache(tmp_path, monkeypatch):
    cached, other = tmp_path / "cache.pdf", tmp_path / "ander.pdf"
    cached.write_bytes(b"%PDF versie")
    other.write_bytes(b"%PDF iets anders")
    site = tmp_path / "site.pdf"
    place(cached, site)
    assert site.samefile(cached)
    # A target that is a link to a cached PDF is unlinked, not written through.
    place(other, site)
    assert cached.read_bytes() == b"%PDF versie"
    assert site.read_bytes() == b"%PDF iets anders"

    # Where no link can be made (another file system): a copy.
    def no_link(*_args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    place(cached, site)
    assert site.read_bytes() == b"%PDF versie" and not site.samefile(cached)


@PROJECT
def test_plan_page_shows_status_history(project):
    root, *_ = project
    page = _html(root, "casussen/haven-stad/plan")
    history = page[page.index('id="kk-geschiedenis"') :]
    assert re.search(r"31 oktober 2018</time>: status <strong>Concept</strong>", history)
    assert re.search(
        r"1 maart 2019</time>: status gewijzigd naar <strong>Vastgesteld</strong>", history
    )
    assert "Versie 31 oktober 2018 (gepresenteerd aan de directies): status Concept" in history
    assert "Versie 1 maart 2019 (na de ontwerpateliers): status Vastgesteld" in history
    assert "Sinds versie 1 maart 2019 is deze pagina niet veranderd." in history
    straatjes = _html(root, "casussen/9-straatjes/plan")
    assert "wijzigingen/2019-03-01-werkversie/#plan-casussen-9-straatjes-plan" in straatjes


@PROJECT
def test_meeting_page_lists_its_versions(project):
    root, *_ = project
    page = _html(root, "directieoverleg/2018-10-31")
    assert "Versies voor dit overleg" in page
    assert "Versie 31 oktober 2018</a> (gepresenteerd aan de directies)" in page


@PROJECT
def test_shallow_clone_builds_with_a_notice(project, tmp_path):
    root, *_ = project
    clone = tmp_path / "ondiep"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    result = _build(clone / "mkdocs.yml", clone / "site", cwd=clone)
    assert result.returncode == 0, result.stderr
    page = (clone / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "De versiegeschiedenis ontbreekt" in page
    plan = (clone / "site" / "casussen" / "haven-stad" / "plan" / "index.html").read_text("utf-8")
    assert "De versiegeschiedenis ontbreekt" in plan
    assert "status gewijzigd naar" not in plan  # no half history


def _page(path: str, text: str) -> Page:
    """One page from its text alone (no folder defaults), read as the build reads pages."""
    return load_texts({path: text})[path]


def test_plan_diff_finds_moved_sections_and_removed_pages():
    old = _page(
        "p.md",
        "---\ntitle: P\ntype: plan\nstatus: concept\n---\n\n# P\n\n## A\n\nEen.\n\n## B\n\nTwee.\n",
    )
    new = _page(
        "p.md",
        "---\ntitle: P\ntype: plan\nstatus: concept\n---\n\n# P\n\n## B\n\nTwee.\n\n## A\n\nEen.\n",
    )
    assert [s.title for s in sections(old.body)] == ["A", "B"]
    change = plan_diff(old, new)
    assert change is not None
    assert [(s.title, s.moved, s.blocks) for s in change.sections] == [("B", True, [])]
    assert plan_diff(old, old) is None
    assert MISSING_HISTORY.startswith("De versiegeschiedenis ontbreekt")
    evil = Page.of_version("x.md", {"title": "<script>x</script>", "type": "plan"}, "Tekst <b>")
    gone = plan_diff(evil, None)
    assert gone is not None and gone.kind == "verwijderd"


@PROJECT
def test_change_pdf_shows_the_edits(project):
    root, *_ = project
    pdf = root / "site" / "downloads" / "wijzigingen"
    path = pdf / "koppelkansen-wijzigingen-2018-10-31-2019-03-01.pdf"
    reader = PdfReader(path)
    cover = reader.pages[0].extract_text()
    assert "Wijzigingen van versie 31 oktober 2018 naar versie 1 maart 2019" in cover
    text = "\n".join(page.extract_text() for page in reader.pages[1:])
    assert "beschrijft noemt" in text  # struck through, then underlined (see the image check)
    assert "Elke maand bespreekt het kernteam" in text
    assert "Activiteiten 2019 (hoofdstuk verwijderd)" in text
    assert "van Concept naar Vastgesteld" in text
    assert "ingevoegd: " not in text  # the screen-reader cues are for the web page
    assert "Deze wijzigingen als PDF" not in text
    page = _html(root, "wijzigingen/2018-10-31-2019-03-01")
    assert (
        'href="../../downloads/wijzigingen/koppelkansen-wijzigingen-2018-10-31-2019-03-01.pdf"'
        in page
    )


@PROJECT
def test_version_and_change_pdfs_pass_pdf_a_2a_and_pdf_ua_1(project):
    """The working PDFs, every version's and every change PDF: the outside validator's verdict."""
    root = project[0]
    downloads = root / "site" / "downloads"
    pdfs = list(downloads.rglob("*.pdf"))
    assert list((downloads / "versies").rglob("*.pdf")) and list(
        (downloads / "wijzigingen").glob("*.pdf")
    )
    assert_archival(pdfs)


@PROJECT
def test_links_and_anchors_of_the_versioned_site_hold(project):
    root, *_ = project
    result = subprocess.run(
        [sys.executable, "-m", "koppelkansen.check.links", "site", "--docs", "docs"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Unchanged since the latest version: said, not linked to an anchor that does not exist.
    assert "Sinds versie 1 maart 2019 is deze pagina niet veranderd." in _html(root, "programma")


@PROJECT
def test_change_pages_are_not_in_the_nav(project):
    """Change pages are reached from Downloads, the plan history and the version list, not the nav."""
    root, *_ = project
    for url in ("", "downloads", "casussen/haven-stad/plan", "wijzigingen/2018-10-31-2019-03-01"):
        page = _html(root, url) if url else (root / "site" / "index.html").read_text("utf-8")
        navs = re.findall(r'<nav class="md-(?:nav|tabs)[^"]*".*?</nav>', page, re.S)
        assert navs, url
        assert not any("wijzigingen/" in nav or ">Wijzigingen<" in nav for nav in navs), url
    assert "../wijzigingen/2018-10-31-werkversie/" in _html(root, "downloads")
    # The change page itself is built, and linked to no neighbour through the nav footer.
    change = _html(root, "wijzigingen/2018-10-31-2019-03-01")
    assert 'class="md-footer__link' not in change
    assert "wijzigingen/" not in _html(root, "programma").split('class="md-footer"')[-1]


# -- two versions on one day, folder defaults in old versions, lists and tables -------------------

PLANNING = """

## Planning

| Activiteit | Kwartaal |
|---|---|
| Ontwerpatelier | Q1 |
| Leersessie | Q2 |
"""
FEB_27 = 1551268800  # 27 February 2019, 12:00 UTC: the commit of the morning version
FEB_28 = 1551355200  # 28 February 2019: the commit of the evening version


# The tests sharing this module-scoped build run in one worker, one after another: otherwise
# xdist interleaves other modules and each worker (or each return to the module) builds it again.
SAME_DAY = pytest.mark.xdist_group("versions-same-day")


@pytest.fixture(scope="module")
def same_day(tmp_path_factory):
    """Two versions dated 1 March 2019 (morning and evening meeting) on commits of 27 and 28
    February; Haven-Stad's status comes from its folder's .meta.yml and changes between them; in
    Amstelstad one list item changes, one is added and one table cell changes."""
    root = tmp_path_factory.mktemp("zelfde-dag")
    plans = Path(__file__).resolve().parent / "fixtures" / "pdf-docs" / "casussen"
    amstelstad = (plans / "amstelstad" / "plan.md").read_text(encoding="utf-8") + PLANNING
    haven = (plans / "haven-stad" / "plan.md").read_text(encoding="utf-8")
    config = make_pdf_project(
        root,
        {
            "casussen/amstelstad/plan.md": amstelstad,
            "casussen/haven-stad/plan.md": haven.replace("status: concept\n", ""),
            "casussen/haven-stad/.meta.yml": "case: haven-stad\nstatus: concept\n",
            "programma.md": SHORT_PROGRAMME,
        },
        git=False,
    )
    (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")
    env = git_env(FEB_27)
    subprocess.run(["git", "init", "-q"], cwd=root, env=env, check=True)
    _commit(root, FEB_27, "Plannen")
    morning = _version(root, "ochtendoverleg", "2019-03-01", "", FEB_27)
    docs = root / "docs" / "casussen"
    _edit(docs / "amstelstad" / "plan.md", "de betrokken afdelingen", "alle afdelingen")
    _edit(
        docs / "amstelstad" / "plan.md",
        "- Lessen vastleggen voor de andere gebieden.\n",
        "- Lessen vastleggen voor de andere gebieden.\n- Een leerronde met de directies.\n",
    )
    _edit(docs / "amstelstad" / "plan.md", "| Leersessie | Q2 |", "| Leersessie | Q3 |")
    _edit(docs / "haven-stad" / ".meta.yml", "status: concept", "status: vastgesteld")
    _commit(root, FEB_28, "Na het ochtendoverleg")
    evening = _version(root, "avondoverleg", "2019-03-01", "", FEB_28)
    with pytest.raises(VersionError) as refused:
        _version(root, "Ochtendoverleg", "2019-03-01", "", FEB_28)
    result = _build(config, root / "site")
    assert result.returncode == 0, result.stderr
    return root, morning, evening, str(refused.value)


@SAME_DAY
def test_two_versions_on_one_day_get_distinct_tags(same_day):
    root, morning, evening, refused = same_day
    assert (morning.tag, evening.tag) == ("versie/2019-03-01", "versie/2019-03-01-2")
    assert [v.tag for v in read_versions(root).versions] == [evening.tag, morning.tag]
    assert (morning.label, evening.label) == ("1 maart 2019", "1 maart 2019, nr. 2")
    # A name already used is still refused, in Dutch, whatever its capitals.
    assert "De naam 'Ochtendoverleg' is al gebruikt voor de versie van 1 maart 2019" in refused
    assert "tag versie/2019-03-01" in refused
    page = _article(_html(root, "downloads"))
    assert page.index('id="versie-2019-03-01-2"') < page.index('id="versie-2019-03-01"')
    assert (
        "Versie 1 maart 2019: avondoverleg" in page
        and "Versie 1 maart 2019: ochtendoverleg" in page
    )
    change = _html(root, "wijzigingen/2019-03-01-2019-03-01-2")
    assert "Wijzigingen van versie 1 maart 2019 naar versie 1 maart 2019, nr. 2" in change


def _pdftotext(path: Path, *pages: int) -> str:
    command = ["pdftotext", "-layout"]
    if pages:
        command += ["-f", str(pages[0]), "-l", str(pages[-1])]
    done = subprocess.run([*command, str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


@SAME_DAY
def test_version_cover_shows_the_version_date_not_the_commit_date(same_day):
    root, *_ = same_day
    pdf = root / "site" / "downloads" / "versies" / "2019-03-01" / "koppelkansen-projectplannen.pdf"
    cover = _pdftotext(pdf, 1)
    assert "27 februari 2019" not in cover  # the tag's commit date
    lines = cover.splitlines()
    field = next(i for i, line in enumerate(lines) if "VERSIE" in line and "STATUS" in line)
    assert lines[field + 1].split()[:3] == ["1", "maart", "2019"]
    assert "Versie 1 maart 2019 – ochtendoverleg" in cover


@SAME_DAY
def test_old_versions_merge_the_folder_defaults(same_day):
    root, *_ = same_day
    page = _article(_html(root, "downloads"))
    morning = page[page.index('id="versie-2019-03-01"') :]
    evening = page[page.index('id="versie-2019-03-01-2"') : page.index('id="versie-2019-03-01"')]
    assert "Projectplan Haven-Stad: Concept" in morning  # status from casussen/haven-stad/.meta.yml
    assert "Projectplan Haven-Stad: Vastgesteld" in evening
    change = _article(_html(root, "wijzigingen/2019-03-01-2019-03-01-2"))
    haven = change[change.index('id="plan-casussen-haven-stad-plan"') :]
    assert "Status gewijzigd:</strong> van Concept naar Vastgesteld" in haven
    history = _html(root, "casussen/haven-stad/plan")
    assert "Versie 1 maart 2019 (ochtendoverleg): status Concept" in history


@SAME_DAY
def test_change_view_keeps_list_items_and_table_rows(same_day):
    root, *_ = same_day
    cue_in = '<span class="kk-visually-hidden">ingevoegd: </span>'
    cue_out = '<span class="kk-visually-hidden">verwijderd: </span>'
    page = _article(_html(root, "wijzigingen/2019-03-01-2019-03-01-2"))
    amstelstad = page[: page.index('id="plan-casussen-haven-stad-plan"')]
    assert (
        '<ul class="kk-diff">\n'
        f"<li>Ontwerpateliers met <del>{cue_out}de betrokken</del> <ins>{cue_in}alle</ins> "
        "afdelingen.</li>\n"
        f"<li><ins>{cue_in}Een leerronde met de directies.</ins></li>\n</ul>"
    ) in amstelstad
    assert "Lessen vastleggen" not in amstelstad  # an unchanged item is not repeated
    assert (
        '<table>\n<thead>\n<tr><th scope="col">Activiteit</th>'
        '<th scope="col">Kwartaal</th></tr>\n</thead>\n<tbody>\n<tr><td>Leersessie</td>'
        f"<td><del>{cue_out}Q2</del> <ins>{cue_in}Q3</ins></td></tr>"
    ) in amstelstad
    assert "Ontwerpatelier</td>" not in amstelstad
    pdf = root / "site" / "downloads" / "wijzigingen"
    text = _pdftotext(pdf / "koppelkansen-wijzigingen-2019-03-01-2019-03-01-2.pdf")
    lines = [line.strip() for line in text.splitlines()]
    assert "• Ontwerpateliers met de betrokken alle afdelingen." in lines
    assert "• Een leerronde met de directies." in lines
    assert "Lessen vastleggen" not in text
    assert re.search(r"^\s*Activiteit\s+Kwartaal\n\s*Leersessie\s+Q2 Q3$", text, re.M)


@SAME_DAY
def test_ci_caches_the_version_pdfs_by_tag_commits(same_day, tmp_path):
    """CI restores .cache/pdf/versions, keyed by the commits of the version tags; the release
    restores no cache at all (what it publishes is typeset from the tag alone)."""
    root, *_ = same_day
    workflows = Path(__file__).resolve().parents[1] / ".github" / "workflows"
    release = yaml.safe_load((workflows / "release.yml").read_text(encoding="utf-8"))
    for job in release["jobs"].values():
        assert not [s for s in job["steps"] if "cache" in str(s.get("uses", ""))], job["steps"]
    keys = []
    for name, job in (("ci.yml", "site"), ("ci.yml", "properdocs")):
        steps = yaml.safe_load((workflows / name).read_text(encoding="utf-8"))["jobs"][job]["steps"]
        key_step = next(s for s in steps if s.get("id") == "version-tags")
        cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
        assert (
            steps.index(key_step)
            < steps.index(cache)
            < next(i for i, s in enumerate(steps) if "make site" in str(s.get("run", "")))
        )
        assert cache["with"]["path"] == ".cache/pdf/versions"
        assert "${{ steps.version-tags.outputs.key }}" in cache["with"]["key"]
        keys.append(key_step["run"])
    assert len(set(keys)) == 1  # one script everywhere

    clone = tmp_path / "kloon"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)

    def key() -> str:
        output = tmp_path / "output"
        output.write_text("", encoding="utf-8")
        env = dict(os.environ, GITHUB_OUTPUT=str(output))
        subprocess.run(["bash", "-eo", "pipefail", "-c", keys[0]], cwd=clone, env=env, check=True)
        return output.read_text(encoding="utf-8")

    before = key()
    assert re.fullmatch(r"key=[0-9a-f]{64}\n", before)
    assert key() == before
    env = git_env(FEB_28)
    subprocess.run(
        ["git", "tag", "-a", "-m", "naam: later", "versie/2019-03-02", "HEAD~1"],
        cwd=clone,
        env=env,
        check=True,
    )
    assert key() != before  # another version, another cache key
