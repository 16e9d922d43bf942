"""A proposal reviewed as track changes (issue 21): ``koppelkansen wijzigingen --sinds REF``.

One scratch git repository for the module: ``main`` holds the fixture plans; the branch
``voorstel`` holds one edit of each kind, partly committed and partly only in the working tree (a
word replaced, a paragraph inserted, a list item deleted, a section moved, a table cell changed,
a status changed, a plan added). It is built once, with the change page and its PDF; the other
tests read that build or ask the command line for its messages, which build nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from buildserver import run_cli
from conftest import ROOT
from pdfproject import COMMIT_EPOCH, PDF_DOCS, SHORT_PROGRAMME, git_env, make_pdf_project
from pdfvalidation import assert_archival
from pypdf import PdfReader

from koppelkansen.check.links import Broken, Link, annotation
from koppelkansen.cli import main as cli_main
from koppelkansen.pages.model import Page
from koppelkansen.pages.vocabulary import Labels
from koppelkansen.problems import ANNOTATIONS_ENV, Problem, github_annotation
from koppelkansen.versions.diff import PlanChange, SectionChange
from koppelkansen.versions.proposal import (
    Base,
    Proposal,
    ProposalError,
    ProposalView,
    resolve,
    summary,
)
from koppelkansen.versions.tags import format_message

PROPOSAL = pytest.mark.xdist_group("proposal-changes")
#: Not on main: the proposal adds it.
NEW_PLAN = "casussen/9-straatjes/plan.md"
CUE_IN = '<span class="kk-visually-hidden">ingevoegd: </span>'
CUE_OUT = '<span class="kk-visually-hidden">verwijderd: </span>'


def _git(root: Path, *args: str, epoch: int = COMMIT_EPOCH) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=git_env(epoch), capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def proposal(tmp_path_factory):
    root = tmp_path_factory.mktemp("voorstel")
    config = make_pdf_project(root, {"programma.md": SHORT_PROGRAMME, NEW_PLAN: None})
    _git(root, "branch", "-M", "main")
    _git(root, "switch", "-q", "-c", "voorstel")
    plans = root / "docs" / "casussen"
    amstelstad = plans / "amstelstad" / "plan.md"
    _edit(amstelstad, "beschrijft de activiteiten", "noemt de activiteiten")
    _edit(
        amstelstad,
        "[overkoepelende plan](../../programma.md#aanpak).\n",
        "[overkoepelende plan](../../programma.md#aanpak).\n\n"
        "Elke maand bespreekt het kernteam de voortgang met de gebiedsmanagers.\n",
    )
    _edit(amstelstad, "- Lessen vastleggen voor de andere gebieden.\n", "")
    haven = plans / "haven-stad" / "plan.md"
    text = haven.read_text(encoding="utf-8")
    start, end = text.index("## Werkwijze"), text.index("## Activiteiten 2019")
    haven.write_text(text[:start] + text[end:].rstrip() + "\n\n" + text[start:end], "utf-8")
    _edit(
        root / "docs" / "programma.md",
        "| Regel 2 | ja | nee | deels |",
        "| Regel 2 | ja | ja | deels |",
    )
    shutil.copy(PDF_DOCS / NEW_PLAN, root / "docs" / NEW_PLAN)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Voorstel", epoch=COMMIT_EPOCH + 86400)
    # Not committed: the working tree counts as it is.
    _edit(haven, "status: concept", "status: ter-bespreking")
    site = root / "site-wijzigingen"
    result = run_cli(
        [
            "wijzigingen",
            "--sinds",
            "main",
            "--docs",
            str(root / "docs"),
            "--config-file",
            str(config),
            "--site-dir",
            str(site),
        ],
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    return root, site, result


def _article(site: Path) -> str:
    page = (site / "wijzigingen" / "voorstel" / "index.html").read_text(encoding="utf-8")
    return page[page.index("<article") : page.index("</article>")]


@PROPOSAL
def test_the_command_says_where_the_page_and_pdf_are(proposal):
    _, site, result = proposal
    assert (
        "4 plannen en 0 andere pagina's veranderd ten opzichte van de gepubliceerde plannen.\n"
        in result.stdout
    )
    assert f"Wijzigingspagina: {site}/wijzigingen/voorstel/index.html" in result.stdout
    assert (
        f"PDF: {site}/downloads/wijzigingen/koppelkansen-wijzigingen-voorstel.pdf" in result.stdout
    )


@PROPOSAL
def test_change_page_shows_each_edit_exactly_once(proposal):
    _, site, _ = proposal
    page = _article(site)
    insertions = re.findall(r"<ins>(.*?)</ins>", page, re.S)[1:]  # after the legend's example
    deletions = re.findall(r"<del>(.*?)</del>", page, re.S)[1:]
    assert insertions == [
        f"{CUE_IN}noemt",  # the replaced word ...
        f"{CUE_IN}Elke maand bespreekt het kernteam de voortgang met de gebiedsmanagers.",
        f"{CUE_IN}ja",  # ... the table cell
    ]
    assert deletions == [
        f"{CUE_OUT}beschrijft",
        f"{CUE_OUT}Lessen vastleggen voor de andere gebieden.",
        f"{CUE_OUT}nee",
    ]
    assert page.count("(verplaatst)") == 1  # one of Haven-Stad's two sections moved
    assert page.count("Status gewijzigd:</strong> van Concept naar Ter bespreking") == 1
    assert page.count("Dit plan is nieuw (status Concept).") == 1
    assert page.count("<h2") == 4  # the three changed plans and the new one
    # The changed row under the table's header row, the cell marked in its column.
    assert '<th scope="col">Onderdeel</th>' in page
    assert (
        f"<td>Regel 2</td><td>ja</td><td><del>{CUE_OUT}nee</del> <ins>{CUE_IN}ja</ins></td>" in page
    )
    # The legend of the version change pages, and links to the pages as they are after the merge.
    assert "onderstreept</ins> is tekst die is ingevoegd" in page
    assert 'href="../../casussen/9-straatjes/plan/">Naar de pagina na het samenvoegen' in page
    # The base in words, never a branch name and a hash.
    assert "ten opzichte van de gepubliceerde plannen" in page and "commit " not in page


@PROPOSAL
def test_change_pdf_shows_each_edit_exactly_once(proposal):
    _, site, _ = proposal
    pdf = site / "downloads" / "wijzigingen" / "koppelkansen-wijzigingen-voorstel.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    body = " ".join(text.split())
    for edit in (
        "beschrijft noemt",  # struck through, then underlined
        "Elke maand bespreekt het kernteam",
        "Lessen vastleggen voor de andere gebieden.",
        "van Concept naar Ter bespreking",
        "Dit plan is nieuw",
        "(verplaatst)",
        "Regel 2 ja nee ja deels",
    ):
        assert body.count(edit) == 1, edit
    assert "ingevoegd: " not in body  # the screen-reader cues are for the web page
    catalog = PdfReader(pdf).trailer["/Root"]  # PDF/UA-1, tagged, Dutch: like the other PDFs
    assert "/StructTreeRoot" in catalog and str(catalog["/Lang"]).startswith("nl")
    assert "<pdfuaid:part>1</pdfuaid:part>" in catalog["/Metadata"].get_object().get_data().decode()
    assert_archival(list((site / "downloads").rglob("*.pdf")))  # PDF/A-2a and PDF/UA-1


@PROPOSAL
def test_a_missing_ref_is_explained_with_the_fix(proposal, capsys):
    root, *_ = proposal
    docs = str(root / "docs")
    for ref, hint in (("mian", "Bedoel je 'main'?"), ("versie/2030-01-01", "git fetch --tags")):
        assert cli_main(["wijzigingen", "--sinds", ref, "--docs", docs]) == 2
        err = capsys.readouterr().err
        assert f"koppelkansen wijzigingen: fout: '{ref}' is niet gevonden" in err
        assert f"git fetch origin {ref}" in err and hint in err
        assert "Traceback" not in err


@PROPOSAL
def test_hostile_refs_are_refused_as_text(proposal, capsys):
    root, *_ = proposal
    for ref in ("-p", "--output=/tmp/x", "$(touch x) y", "main\n::error::x", "a..."):
        assert cli_main(["wijzigingen", f"--sinds={ref}", "--docs", str(root / "docs")]) == 2
        err = capsys.readouterr().err
        assert "is geen naam van een branch, tag of commit" in err
        assert "\n::" not in err  # a newline in the value is shown escaped
    for name in ("main\n# Kop <b>x</b>", "a\x1b[31m\tb"):
        label = resolve(root, "main", name).name
        assert "\n" not in label and "\x1b" not in label and "\t" not in label
    with pytest.raises(ProposalError, match="SINDS ontbreekt"):
        resolve(root, "  ")


@PROPOSAL
def test_a_shallow_clone_and_no_changes(proposal, tmp_path, capsys):
    root, *_ = proposal
    base = _git(root, "rev-parse", "main")
    clone = tmp_path / "kopie"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "voorstel",
            f"file://{root}",
            str(clone),
        ],
        check=True,
    )
    docs = str(clone / "docs")
    assert cli_main(["wijzigingen", "--sinds", base, "--docs", docs]) == 2
    err = capsys.readouterr().err
    assert "deze kopie is een shallow clone" in err and "git fetch --unshallow origin" in err
    site = clone / "site-wijzigingen"
    code = cli_main(["wijzigingen", "--sinds", "HEAD", "--docs", docs, "--site-dir", str(site)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Geen wijzigingen: er is niets veranderd ten opzichte van de stand van " in out
    assert not site.exists()  # nothing built, nothing opened


@PROPOSAL
def test_job_summary_lists_each_plan(proposal, tmp_path):
    root, *_ = proposal
    target = tmp_path / "summary.md"
    url = "https://github.com/o/r/actions/runs/1/artifacts/2"
    code = cli_main(
        [
            *("wijzigingen", "--sinds", "main", "--docs", str(root / "docs")),
            *("--alleen-samenvatting", "--samenvatting", str(target), "--artefact", url),
        ]
    )
    assert code == 0
    text = target.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[1:] == [
        "| Projectplan 9 Straatjes | 0 | 0 | plan toegevoegd | – |",
        "| Projectplan Amstelstad | 11 | 7 | – | – |",  # noemt + a sentence; beschrijft + an item
        "| Projectplan Haven\\-Stad | 0 | 0 | verplaatst: Activiteiten 2019 | Concept → Ter bespreking |",
        "| Overkoepelend plan | 1 | 1 | – | – |",
    ]
    assert "**Pagina's toegevoegd:** `docs/casussen/9-straatjes/plan.md`" in text
    assert f"[artefact met de site]({url})" in text


def test_summary_and_annotations_keep_values_as_data():
    base = Base("main", "0" * 40, 0, "main")
    evil = PlanChange(
        "x.md", "a | b [c](javascript:x) <img src=x>", "gewijzigd", "concept", "concept"
    )
    evil.sections.append(SectionChange("## | kop", "toegevoegd"))
    view = ProposalView(base.version(), None, base)
    text = summary(Proposal(base, view, [evil]), Labels(), Labels(), "docs", "javascript:alert(1)")
    row = next(line for line in text.splitlines() if line.startswith("| a"))
    assert row.count(" | ") == 4  # five cells: the title's | is escaped
    assert "\\[c\\]\\(javascript\\:x\\)" in row and "\\<img" in row
    assert "javascript:alert" not in text  # not an https artifact address: no link
    for path, message in (("docs/a,b:c.md", "100% fout\r\n::warning::x"), ("d%.md", "a\nb")):
        line = github_annotation(path, 3, 5, "T: x", message)
        assert "\n" not in line and "\r" not in line
        props, _, data = line.removeprefix("::error ").partition("::")
        assert ":" not in props.split("=", 1)[1].replace("%3A", "")  # no : left in a property
        assert data.count("%0A") == message.count("\n") and "%25" in line
    problem = Problem(Path("docs/x.md"), 3, 5, "kapot")
    assert problem.format_github(Path.cwd(), "Paginacontrole").endswith(
        "line=3,col=5,title=Paginacontrole::kapot"
    )


def test_a_broken_link_is_annotated_on_its_markdown_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "plan.md"
    source.write_text("# Plan\n\nZie [dit](nergens.md) en meer.\n", encoding="utf-8")
    broken = Broken(
        Link("plan/index.html", "nergens/", 40, "href", True), "bestaat niet", str(source)
    )
    line = annotation(broken, "site")
    assert line.startswith("::error file=plan.md,line=3,col=1,title=Linkcontrole::")
    assert "::site/plan/index.html:40: fout: kapotte link 'nergens/'" in line
    theme = Broken(Link("index.html", "x/", 7, "href", False), "bestaat niet", None)
    assert annotation(theme, "site").startswith("::error file=site/index.html,line=7,")


def test_annotated_steps_stop_workflow_commands_in_the_log():
    done = subprocess.run(
        [
            str(ROOT / "scripts" / "annotated.sh"),
            "bash",
            "-c",
            'echo "::warning::uit een pagina"; echo "::error file=docs/a.md,line=2,col=1,title=T::ok"; exit 3',
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    assert len(token) == 32 and lines.index(f"::{token}::") == 3
    assert lines[4:] == ["::error file=docs/a.md,line=2,col=1,title=T::ok"]  # only the annotation


def test_the_pull_request_workflow(tmp_path):
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text())
    assert set(workflow[True]) == {"pull_request"}  # YAML 1.1 reads `on` as True
    assert workflow["permissions"] == {"contents": "read"}
    # The preview jobs (publishing, removing) run none of the proposal's code:
    # tests/test_pages_branch.py.
    assert set(workflow["jobs"]) == {"proposal", "preview", "remove-preview"}
    job = workflow["jobs"]["proposal"]
    assert "permissions" not in job
    steps = job["steps"]
    checkout = steps[0]
    assert (
        checkout["uses"].startswith("actions/checkout@")
        and len(checkout["uses"].split("@")[1].split()[0]) == 40
    )
    assert checkout["with"]["persist-credentials"] is False and checkout["with"]["fetch-depth"] == 0
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        assert "${{" not in step.get("run", "")  # values come through env:, never into the script
    runs = {step.get("id", ""): step.get("run", "") for step in steps}
    assert "koppelkansen check docs --format github" in runs["check"]
    assert "--annotations github" in runs["build"] and "scripts/annotated.sh" in runs["build"]
    assert job["steps"][[s.get("id") for s in steps].index("build")]["env"]["BASE_SHA"] == (
        "${{ github.event.pull_request.base.sha }}"
    )
    upload = next(s for s in steps if s.get("id") == "upload")
    assert (
        upload["uses"].startswith("actions/upload-artifact@") and upload["with"]["path"] == "site/"
    )
    last = steps[-1]
    assert '--samenvatting "$GITHUB_STEP_SUMMARY"' in last["run"]
    assert last["env"]["ARTIFACT_URL"] == "${{ steps.upload.outputs.artifact-url }}"
    assert any(
        "check.links" in s.get("run", "") and "--annotations github" in s["run"] for s in steps
    )


@pytest.mark.usefixtures("made_venv")
def test_make_passes_sinds_as_text(tmp_path):
    marker = tmp_path / "uitgevoerd"
    for value in (f"$(shell touch {marker})", f"`touch {marker}`"):
        done = subprocess.run(
            ["make", "-s", "-C", str(ROOT), "wijzigingen", f"SINDS={value}"],
            capture_output=True,
            text=True,
        )
        assert done.returncode != 0 and not marker.exists()
        assert (
            f"SINDS '{value[:20]}" in done.stderr and "is geen naam van een branch" in done.stderr
        )


def test_unchanged_pages_are_not_read_from_git(tmp_path):
    """Only files whose blob differs are read from the base; the others are the working pages."""
    from koppelkansen.versions.proposal import base_pages

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.md", "b.md"):
        (docs / name).write_text(
            f"---\ntitle: {name}\ntype: plan\n---\n\nTekst.\n", encoding="utf-8"
        )
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "basis")
    (docs / "b.md").write_text("---\ntitle: b.md\ntype: plan\n---\n\nAnders.\n", encoding="utf-8")
    working = {
        name: Page.of_version(name, {"title": name, "type": "plan"}, "x")
        for name in ("a.md", "b.md")
    }
    message = format_message("gepresenteerd aan de directies", "2018-10-31", "")
    _git(tmp_path, "tag", "-a", "versie/2018-10-31", "-m", message)
    version = resolve(tmp_path, "versie/2018-10-31")  # a version is named as the site names it
    assert version.label == "versie 31 oktober 2018"
    base = resolve(tmp_path, "HEAD")
    pages = base_pages(tmp_path, base, "docs", docs, working, lambda t, k: True)
    assert pages["a.md"] is working["a.md"]  # same blob: not read, not compared
    assert pages["b.md"] is not working["b.md"] and "Tekst." in pages["b.md"].body


def test_proposal_benchmark_edits_one_page(tmp_path):
    """`make bench`'s proposal section on a tiny corpus: exactly one page differs from ``main`` in
    the working tree, and it is the one change the measured view finds (status and words)."""
    from scripts.bench import proposal as bench

    root = bench.make_repository(tmp_path, 3)
    edited = _git(root, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert len(edited) == 1 and edited[0].startswith("M docs/"), edited  # modified, not added
    figures = bench.compute_view(root)
    assert figures["changed"] == 1, figures
    assert set(figures) >= {"wall", "cpu"}  # what make bench reports (measured there, not here)


def test_build_prints_page_check_problems_as_annotations(tmp_path, monkeypatch, capsys):
    """`koppelkansen build --annotations github`: a page-check problem is also an annotation on
    the author's line (file relative to the working folder, as GitHub wants it)."""
    import dataclasses

    from koppelkansen.pipeline import BuildEnvironment, Options, SiteBuild

    monkeypatch.chdir(tmp_path)
    source = tmp_path / "docs" / "plan.md"
    source.parent.mkdir()
    source.write_text("# Plan\n\nTekst.\n\n<script>alert(1)</script>\n", encoding="utf-8")
    options = Options(
        docs_dir=source.parent,
        config_file=tmp_path / "mkdocs.yml",
        site_dir=tmp_path / "site",
        site_url="",
        check=True,
        pdf=False,
        bundle_types=("plan",),
        cache_dir=".cache",
        live=False,
    )
    html = "<h1>Plan</h1><p>Tekst.</p><script>alert(1)</script>"
    SiteBuild(options).page_html(html, "plan/", source, "")
    assert capsys.readouterr().out == ""  # without the option: the log only
    # The environment is read once, where the build starts (the adapter): an option of the build.
    environment = BuildEnvironment.read({ANNOTATIONS_ENV: "github"})
    build = SiteBuild(dataclasses.replace(options, environment=environment))
    build.page_html(html, "plan/", source, "")
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("::error file=docs/plan.md,line=5,col=")
    assert ",title=Paginacontrole::" in line and "script" in line
    assert build.content_problems  # and the build still stops on it


def _page(uri: str, body: str = "Tekst.\n", **meta: object) -> Page:
    return Page.of_version(uri, {"status": "concept", **meta}, body)


def test_the_review_shows_every_page_a_proposal_changes(tmp_path):
    """Sessions, lessons, rounds and other pages: new, moved, deleted, changed in their text or in
    a value the overviews show; unchanged pages and plans (shown above them) are not listed."""
    from koppelkansen.versions.proposal import other_changes, other_pages_markdown, shown_keys

    session = {"title": "Werksessie", "type": "sessie", "case": "haven-stad", "date": "2019"}
    old = {
        "casussen/haven-stad/werksessie.md": _page(
            "casussen/haven-stad/werksessie.md", "## Doel\n\nWe kijken naar de kade.\n", **session
        ),
        "lessen/kade.md": _page("lessen/kade.md", title="Kade", type="les"),
        "over.md": _page("over.md", "Over ons.\n", title="Over", type="pagina"),
        "directieoverleg/oud.md": _page("directieoverleg/oud.md", title="Oud", type="sessie"),
        "leerrondes/2019.md": _page("leerrondes/2019.md", title="2019", type="leerronde"),
        "casussen/haven-stad/plan.md": _page("casussen/haven-stad/plan.md", type="plan"),
    }
    new = {
        "casussen/haven-stad/werksessie.md": _page(
            "casussen/haven-stad/werksessie.md",
            "## Doel\n\nWe kijken naar de kade en de brug.\n",
            **{**session, "date": "2019-03"},
        ),
        "lessen/kade.md": old["lessen/kade.md"],
        "over-ons.md": _page("over-ons.md", "Over ons.\n", title="Over", type="pagina"),
        "casussen/amstelstad/nieuw.md": _page(
            "casussen/amstelstad/nieuw.md", title="Nieuwe sessie", type="sessie"
        ),
        "leerrondes/2019.md": _page(
            "leerrondes/2019.md", title="2019", type="leerronde", status="vastgesteld"
        ),
        "casussen/haven-stad/plan.md": _page(
            "casussen/haven-stad/plan.md", "Anders.\n", type="plan"
        ),
    }
    keys = shown_keys(json.loads((ROOT / "docs/schema/frontmatter.schema.json").read_text("utf-8")))
    changes = other_changes(old, new, ["plan", "programma"], keys)
    assert [(c.path, c.kind, c.moved_from) for c in changes] == [
        ("casussen/amstelstad/nieuw.md", "toegevoegd", ""),
        ("casussen/haven-stad/werksessie.md", "gewijzigd", ""),
        ("leerrondes/2019.md", "gewijzigd", ""),
        ("over-ons.md", "verplaatst", "over.md"),
        ("directieoverleg/oud.md", "verwijderd", ""),
    ]
    assert changes[1].fields == [("datum", "2019", "2019-03")]
    assert changes[1].text is not None and changes[1].text.inserted == 3
    assert changes[2].fields == [("status", "concept", "vastgesteld")]
    statuses = {"concept": "Concept", "vastgesteld": "Vastgesteld"}
    types = Labels({"sessie": "Sessie", "pagina": "Pagina", "leerronde": "Leerronde"})
    markdown = "\n".join(other_pages_markdown(changes, set(new), statuses, types))
    assert "## Andere pagina's" in markdown
    assert "### Sessie: [Werksessie](../casussen/haven-stad/werksessie.md)" in markdown
    assert "- datum: 2019 → 2019\\-03" in markdown  # Markdown-escaped, as every value
    assert "- status: Concept → Vastgesteld" in markdown
    assert "Verplaatst van `over.md` naar `over-ons.md`." in markdown
    assert "### Sessie: Oud" in markdown and "Verwijderd: `directieoverleg/oud.md`." in markdown
    assert "#### Doel" in markdown and "en de brug" in markdown
    base = Base("main", "a" * 40, 0, "main")
    proposal = Proposal(base, ProposalView(base.version(), None, base), [], others=changes)
    text = summary(proposal, statuses, types, "docs")
    assert "| Werksessie | Sessie | gewijzigd, +3/−0 woorden | datum: 2019 → 2019\\-03 |" in text
    assert "| Over | Pagina | verplaatst van over\\.md | – |" in text
    assert "Dit voorstel vergeleken met de gepubliceerde plannen." in text


def test_the_base_is_named_in_words(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# a\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "basis")
    _git(tmp_path, "tag", "-a", "versie/2018-10-31", "-m", format_message("x", "2018-10-31", ""))
    _git(tmp_path, "branch", "ander-voorstel")
    commit = _git(tmp_path, "rev-parse", "HEAD").strip()
    assert resolve(tmp_path, "main").label == "de gepubliceerde plannen"
    assert resolve(tmp_path, commit, "main").label == "de gepubliceerde plannen"  # CI: base sha
    assert resolve(tmp_path, "versie/2018-10-31").label == "versie 31 oktober 2018"
    assert resolve(tmp_path, commit[:8]).label.startswith("de stand van ")
    assert resolve(tmp_path, "ander-voorstel").label == "de plannen in 'ander-voorstel'"
    for ref in ("main", commit, "versie/2018-10-31", "ander-voorstel"):
        assert commit[:7] not in resolve(tmp_path, ref).label


def test_pages_only_in_the_working_tree_count_as_added_and_removed(tmp_path, capsys):
    """`make wijzigingen` before `git add` or `git rm`: a plan only in the working tree is added,
    a plan deleted only from the working tree is removed, and so are other pages."""
    config = make_pdf_project(tmp_path, {"programma.md": SHORT_PROGRAMME, NEW_PLAN: None})
    docs = tmp_path / "docs"
    # Untracked: never `git add`ed. Its own words, so that it is no rename of the deleted plan.
    plan = (PDF_DOCS / NEW_PLAN).read_text(encoding="utf-8").split("# Projectplan")[0]
    plan += "# Projectplan 9 Straatjes\n\nGrachten, kademuren en smalle straten vragen maatwerk.\n"
    (docs / NEW_PLAN).write_text(plan, encoding="utf-8")
    (docs / "casussen" / "haven-stad" / "plan.md").unlink()  # deleted, not `git rm`ed
    (docs / "leerrondes" / "2018-plannen.md").rename(docs / "leerrondes" / "ronde-2018.md")
    assert "9-straatjes" in _git(tmp_path, "status", "--porcelain", "--untracked-files=all")
    out = tmp_path / "samenvatting.md"
    arguments = ["wijzigingen", "--sinds", "HEAD", "--docs", str(docs)]
    arguments += ["--config-file", str(config), "--samenvatting", str(out), "--alleen-samenvatting"]
    assert cli_main(arguments) == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    assert "plan toegevoegd" in rows["Projectplan 9 Straatjes"], text
    assert "plan verwijderd" in rows["Projectplan Haven\\-Stad"], text
    assert "In de plannen is niets veranderd" not in text
    assert (
        "**Pagina's toegevoegd:** `docs/casussen/9-straatjes/plan.md`, "
        "`docs/leerrondes/ronde-2018.md`" in text
    ), text
    assert (
        "**Pagina's verwijderd:** `docs/casussen/haven-stad/plan.md`, "
        "`docs/leerrondes/2018-plannen.md`" in text
    ), text


@PROPOSAL
def test_a_proposal_build_in_process_leaves_the_environment_as_it_was(proposal, tmp_path):
    """The command tells its build the base through the environment, for that build only: a
    second build in the same process (a test worker, a server) is no proposal (the leak once made
    a later test's site grow a change page)."""
    root, *_ = proposal
    before = {k: v for k, v in os.environ.items() if k.startswith("KOPPELKANSEN_")}
    arguments = ["wijzigingen", "--sinds", "main", "--docs", str(root / "docs")]
    arguments += ["--config-file", str(root / "mkdocs.yml"), "--site-dir", str(tmp_path / "s")]
    assert cli_main(arguments) == 0
    assert (tmp_path / "s" / "wijzigingen" / "voorstel" / "index.html").is_file()
    after = {k: v for k, v in os.environ.items() if k.startswith("KOPPELKANSEN_")}
    assert after == before
