"""Overviews generated from front matter: exact entries and order, from the model and in real builds."""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_docs, make_site_project, run_build

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.cli import main as cli_main
from koppelkansen.overviews import compute as overviews

#: Added to the base fixture corpus: plans, sessions, a lesson and pages that ask for overviews.
FILES = {
    "casussen/index.md": "---\ntitle: Casusgebieden\ntype: pagina\nstatus: concept\norder: 2\noverview: casussen\n---\n\n# Casusgebieden\n",
    "casussen/amstelstad/plan.md": (
        "---\ntitle: Plan Amstelstad\ntype: plan\nstatus: ter-bespreking\nowners: [gemeente-amsterdam/ib]\n"
        "themes: [water, circulariteit]\nround: 2018-plannen\n---\n\n# Plan Amstelstad\n"
    ),
    "casussen/haven-stad/plan.md": (
        "---\ntitle: Plan Haven-Stad\ntype: plan\nstatus: concept\nowners: [alliander]\n"
        "themes: [energie]\nround: 2018-plannen\nupdated: 2019-01-15\n---\n\n# Plan Haven-Stad\n"
    ),
    "casussen/haven-stad/atelier.md": (
        "---\ntitle: Atelier Haven-Stad\ntype: sessie\nstatus: concept\nkind: ontwerpatelier\ndate: 2019-03\n"
        "round: 2019-ontwerpateliers\norganisations: [gemeente-amsterdam/vor]\n---\n\n# Atelier Haven-Stad\n"
    ),
    "overleg/zomer.md": (
        "---\ntitle: Directieoverleg zomer\ntype: sessie\nstatus: vastgesteld\nkind: directieoverleg\n"
        'date: "2018"\ndate_label: zomer 2018\nround: 2018-plannen\norder: 1\n'
        "organisations: [waternet, alliander, gemeente-amsterdam]\n---\n\n# Directieoverleg zomer\n"
    ),
    "overleg/oktober.md": (
        "---\ntitle: Directieoverleg oktober\ntype: sessie\nstatus: concept\nkind: directieoverleg\n"
        "date: 2018-10-31\nround: 2018-plannen\norganisations: [waternet]\n---\n\n# Directieoverleg oktober\n"
    ),
    "lessen/samen-plannen.md": (
        "---\ntitle: Samen plannen loont\ntype: les\nstatus: concept\nround: 2018-plannen\n"
        "cases: [haven-stad, amstelstad]\n---\n\n# Samen plannen loont\n"
    ),
}

NEW_SESSION = (
    "---\ntitle: Tweede sessie Haven-Stad\ntype: sessie\nstatus: concept\nkind: co-creatiesessie\n"
    "date: 2018-09-12\nround: 2018-plannen\norganisations: [waternet, gemeente-amsterdam/geo]\n---\n\n"
    "# Tweede sessie Haven-Stad\n"
)


def site_project(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """The fixture corpus with the project's real mkdocs.yml (plugins, extensions, strict validation)."""
    config = make_site_project(tmp_path, {**FILES, **(files or {})})
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(
        text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}"), encoding="utf-8"
    )
    return config


def article(path: Path) -> str:
    """The page's main text: links as ``[text](href)``, one block a line, tags removed."""
    text = path.read_text(encoding="utf-8")
    body = re.search(r"<article[^>]*>(.*?)</article>", text, re.S).group(1)
    body = re.sub(r"\s+<(/?t[dhr])\b", r"<\1", body)
    body = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", body, flags=re.S)
    body = re.sub(r'<a [^>]*class="kk-edit-link"[^>]*>.*?</a>', "", body, flags=re.S)  # page action
    body = re.sub(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', r"[\2](\1)", body, flags=re.S)
    body = re.sub(r"<(h\d|li|tr|p|div)\b[^>]*>", "\n", body)
    body = re.sub(r"</t[dh]>", " | ", body)
    body = re.sub(r"<[^>]+>", "", body)
    return "\n".join(line.strip() for line in html.unescape(body).splitlines() if line.strip())


def section(text: str, heading: str) -> list[str]:
    """The lines after ``heading`` up to the next known overview heading."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    out = []
    for line in lines[start:]:
        if line in (
            "Projectplan",
            "Sessies",
            "Leerrondes",
            "Lessen",
            "Betrokken casusgebieden",
            "Plannen uit deze leerronde",
            "Sessies in deze leerronde",
            "2018",
            "2019",
        ):
            break
        out.append(line)
    return out


def nav_titles(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    primary = re.search(r'<nav class="md-nav md-nav--primary.*', text, re.S).group(0)
    titles = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', primary, re.S)
    return [html.unescape(re.sub(r"<[^>]+>|\s+", " ", t)).strip() for t in titles]


# -- the model, without MkDocs ----------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path):
    corpus, problems, _ = check_docs(make_docs(tmp_path, FILES))
    assert problems == []
    return corpus


def test_case_overview_lists_plans_sessions_rounds_and_lessons(corpus):
    haven = overviews.case_overview(corpus, "haven-stad")
    assert [e.title for e in haven.plans] == ["Plan Haven-Stad"]
    assert [(e.title, e.when) for e in haven.sessions] == [
        ("Sessie Havenstad", "2018"),
        ("Atelier Haven-Stad", "maart 2019"),
    ]
    assert [e.title for e in haven.rounds] == ["Leerronde 2018", "Leerronde 2019"]
    assert [e.title for e in haven.lessons] == ["Samen plannen loont"]
    assert overviews.case_overview(corpus, "9-straatjes") == overviews.CaseOverview([], [], [], [])


def test_round_overview_lists_sessions_cases_plans_and_lessons(corpus):
    r2018 = overviews.round_overview(corpus, "2018-plannen")
    assert [e.title for e in r2018.sessions] == [
        "Directieoverleg zomer",
        "Sessie Havenstad",
        "Directieoverleg oktober",
    ]
    assert [c.label for c in r2018.cases] == ["Amstelstad", "Haven-Stad"]
    assert [e.title for e in r2018.plans] == ["Plan Amstelstad", "Plan Haven-Stad"]
    assert [e.title for e in r2018.lessons] == ["Samen plannen loont"]


def test_timeline_matrix_and_organisations_model(corpus):
    years = overviews.timeline(corpus)
    assert [(y.year, [e.title for e in y.items]) for y in years] == [
        (
            "2018",
            [
                "Leerronde 2018",
                "Directieoverleg zomer",
                "Sessie Havenstad",
                "Directieoverleg oktober",
            ],
        ),
        ("2019", ["Leerronde 2019", "Atelier Haven-Stad"]),
    ]
    grid = overviews.matrix(corpus)
    assert grid.themes == ["Water", "Energie", "Circulariteit"]
    assert [(r.label, [[e.title for e in c] for c in r.cells]) for r in grid.rows] == [
        ("Amstelstad", [["Plan Amstelstad"], [], ["Plan Amstelstad"]]),
        ("9 Straatjes", [[], [], []]),
        ("Haven-Stad", [[], ["Plan Haven-Stad"], []]),
    ]
    gemeente = overviews.organisation_overview(corpus, "gemeente-amsterdam")
    assert [(p.page.title, p.role, p.units) for p in gemeente.participations] == [
        ("Overkoepelend plan", "eigenaar", []),
        ("Amstelstad", "doet mee", []),
        ("9 Straatjes", "doet mee", []),
        ("Haven-Stad", "doet mee", []),
        ("Plan Amstelstad", "eigenaar", ["Ingenieursbureau (IB)"]),
        ("Directieoverleg zomer", "doet mee", []),
        ("Atelier Haven-Stad", "doet mee", ["Verkeer & Openbare Ruimte (V&OR)"]),
    ]
    assert [c.label for c in overviews.case_cards(corpus)] == [
        "Amstelstad",
        "9 Straatjes",
        "Haven-Stad",
    ]


def test_dates_are_written_in_dutch_to_their_precision():
    from koppelkansen.pages.dates import dutch_date

    assert [dutch_date(d) for d in ("2018-10-31", "2019-03", "2018")] == [
        "31 oktober 2018",
        "maart 2019",
        "2018",
    ]


# -- real builds ------------------------------------------------------------------------------


# The tests sharing the module's one build run in one worker, one after another.
BUILT = pytest.mark.xdist_group("overviews-built")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture corpus built once with the real mkdocs.yml; returns site/."""
    target = tmp_path_factory.mktemp("overzichten")
    result = run_build(site_project(target), target / "site")
    assert result.returncode == 0, result.stderr
    return target / "site"


@BUILT
def test_built_overviews_exact_entries_and_order(built):
    site = built

    haven = article(site / "casussen" / "haven-stad" / "index.html")
    assert section(haven, "Projectplan") == ["[Plan Haven-Stad](plan/) Concept"]
    assert section(haven, "Sessies") == [
        "[Sessie Havenstad](sessie/) Concept · 2018 · Co-creatiesessie",
        "[Atelier Haven-Stad](atelier/) Concept · maart 2019 · Ontwerpatelier",
    ]
    assert section(haven, "Leerrondes") == [
        "[Leerronde 2018](../../leerrondes/2018-plannen/) Vastgesteld · 2018 – 31 oktober 2018",
        "[Leerronde 2019](../../leerrondes/2019-ontwerpateliers/) Concept · vanaf 2019",
    ]
    assert section(haven, "Lessen") == [
        "[Samen plannen loont](../../lessen/samen-plannen/) Concept"
    ]
    assert section(article(site / "casussen" / "9-straatjes" / "index.html"), "Sessies") == [
        "Nog geen sessies."
    ]

    round_2018 = article(site / "leerrondes" / "2018-plannen" / "index.html")
    assert section(round_2018, "Sessies in deze leerronde") == [
        "[Directieoverleg zomer](../../overleg/zomer/) Vastgesteld · zomer 2018 · Directieoverleg",
        "[Sessie Havenstad](../../casussen/haven-stad/sessie/) Concept · 2018 · Co-creatiesessie · Haven-Stad",
        "[Directieoverleg oktober](../../overleg/oktober/) Concept · 31 oktober 2018 · Directieoverleg",
    ]
    assert section(round_2018, "Betrokken casusgebieden") == [
        "[Amstelstad](../../casussen/amstelstad/)",
        "[Haven-Stad](../../casussen/haven-stad/)",
    ]

    timeline = article(site / "overzichten" / "tijdlijn" / "index.html")
    assert section(timeline, "2018") == [
        "2018 – 31 oktober 2018 – [Leerronde 2018](../../leerrondes/2018-plannen/) · Leerronde Vastgesteld",
        "zomer 2018 – [Directieoverleg zomer](../../overleg/zomer/) · Directieoverleg Vastgesteld",
        "2018 – [Sessie Havenstad](../../casussen/haven-stad/sessie/) · Co-creatiesessie · Haven-Stad Concept",
        "31 oktober 2018 – [Directieoverleg oktober](../../overleg/oktober/) · Directieoverleg Concept",
    ]
    assert section(timeline, "2019") == [
        "vanaf 2019 – [Leerronde 2019](../../leerrondes/2019-ontwerpateliers/) · Leerronde Concept",
        "maart 2019 – [Atelier Haven-Stad](../../casussen/haven-stad/atelier/) · Ontwerpatelier · Haven-Stad Concept",
    ]

    grid = article(site / "overzichten" / "koppelkansen-matrix" / "index.html")
    rows = [line for line in grid.splitlines() if line.endswith("|")]
    assert rows == [
        "Casusgebied | Water | Energie | Circulariteit |",
        "[Amstelstad](../../casussen/amstelstad/) | [Plan Amstelstad](../../casussen/amstelstad/plan/) | – | "
        "[Plan Amstelstad](../../casussen/amstelstad/plan/) |",
        "[9 Straatjes](../../casussen/9-straatjes/) | – | – | – |",
        "[Haven-Stad](../../casussen/haven-stad/) | – | [Plan Haven-Stad](../../casussen/haven-stad/plan/) | – |",
    ]

    waternet = article(site / "overzichten" / "organisaties" / "waternet" / "index.html")
    assert section(waternet, "Waar Waternet aan meedoet") == [
        "Programma: [Overkoepelend plan](../../../programma/) Concept · eigenaar",
        "Casusgebied: [Amstelstad](../../../casussen/amstelstad/) Concept · Amstelstad · doet mee",
        "Casusgebied: [9 Straatjes](../../../casussen/9-straatjes/) Concept · 9 Straatjes · doet mee",
        "Casusgebied: [Haven-Stad](../../../casussen/haven-stad/) Concept · Haven-Stad · doet mee",
        "Sessie: [Directieoverleg zomer](../../../overleg/zomer/) Vastgesteld · zomer 2018 · Directieoverleg · doet mee",
        "Sessie: [Sessie Havenstad](../../../casussen/haven-stad/sessie/) Concept · 2018 · Co-creatiesessie · "
        "Haven-Stad · doet mee",
        "Sessie: [Directieoverleg oktober](../../../overleg/oktober/) Concept · 31 oktober 2018 · "
        "Directieoverleg · doet mee",
    ]
    organisations = article(site / "overzichten" / "organisaties" / "index.html")
    assert [line.split("]")[0] for line in organisations.splitlines() if line.startswith("[")] == [
        "[Waternet",
        "[Alliander",
        "[Gemeente Amsterdam",
    ]

    cards = article(site / "casussen" / "index.html")
    assert [line for line in cards.splitlines() if line.startswith("[")] == [
        "[Amstelstad](amstelstad/) Concept",
        "[PDF van Amstelstad](../downloads/koppelkansen-amstelstad.pdf)",
        "[9 Straatjes](9-straatjes/) Concept",
        "[PDF van 9 Straatjes](../downloads/koppelkansen-9-straatjes.pdf)",
        "[Haven-Stad](haven-stad/) Concept",
        "[PDF van Haven-Stad](../downloads/koppelkansen-haven-stad.pdf)",
    ]
    assert (
        "Thema's: Water, Energie" in cards
        and "Partners: Waternet, Alliander, Gemeente Amsterdam" in cards
    )
    assert "Projectplan: [Plan Haven-Stad](haven-stad/plan/) Concept" in cards

    # Navigation follows folders; section titles from index pages, siblings by `order`.
    # (`order` first, then the rest by file name; "Casusgebieden" is the title of casussen/index.md.)
    assert nav_titles(site / "index.html") == [
        "Testsite",
        "Casusgebieden",
        "Overzichten",
        "Overkoepelend plan",
        "Leerrondes",
        "Lessen",
        "Overleg",
    ]
    assert nav_titles(site / "overzichten" / "tijdlijn" / "index.html")[2:12] == [
        "Overzichten",
        "Tijdlijn",
        "Tijdlijn",
        "2018",
        "2019",
        "Koppelkansen-matrix",
        "Organisaties",
        "Waternet",
        "Alliander",
        "Gemeente Amsterdam",
    ]

    # Status on every page, a notice on concept pages, the last change from `updated` without git.
    plan = (site / "casussen" / "haven-stad" / "plan" / "index.html").read_text(encoding="utf-8")
    assert "Status: Concept" in plan and "Dit is een concept" in plan
    assert 'Laatst gewijzigd: <time datetime="2019-01-15">15 januari 2019</time>' in plan
    summer = (site / "overleg" / "zomer" / "index.html").read_text(encoding="utf-8")
    assert "Status: Vastgesteld" in summer and "Dit is een concept" not in summer
    assert "Laatst gewijzigd" not in summer  # no git, no `updated`: no made-up date
    for page in site.rglob("index.html"):
        if page.parent.name not in ("search", "admin") and page.parent != site / "assets":
            text = page.read_text(encoding="utf-8")
            assert 'class="kk-page-status"' in text, page


@pytest.mark.parametrize("how", ["file", "scaffold"])
def test_new_haven_stad_session_appears_everywhere(tmp_path, how):
    """Done when: one new Markdown file, nothing else edited, shows up on every overview it belongs to."""
    config = site_project(tmp_path)
    docs = tmp_path / "docs"
    if how == "file":
        (docs / "casussen" / "haven-stad" / "tweede-sessie-haven-stad.md").write_text(
            NEW_SESSION, encoding="utf-8"
        )
    else:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "koppelkansen",
                "nieuw",
                "sessie",
                "--casus",
                "haven-stad",
                "--titel",
                "Tweede sessie Haven-Stad",
                "--soort",
                "co-creatiesessie",
                "--ronde",
                "2018-plannen",
                "--datum",
                "2018-09-12",
                "--organisaties",
                "waternet,gemeente-amsterdam/geo",
                "--docs",
                str(docs),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "Nieuwe pagina:" in result.stdout
        written = (docs / "casussen" / "haven-stad" / "tweede-sessie-haven-stad.md").read_text(
            encoding="utf-8"
        )
        assert [h for h in written.splitlines() if h.startswith("## ")] == [
            "## Doel van de sessie",
            "## Deelnemers",
            "## Wat er besproken is",
            "## Uitkomsten",
            "## Vervolg",
        ]
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_frontmatter.py"), str(docs)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    built = run_build(config, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    link = "Tweede sessie Haven-Stad"
    assert section(article(site / "casussen" / "haven-stad" / "index.html"), "Sessies") == [
        "[Sessie Havenstad](sessie/) Concept · 2018 · Co-creatiesessie",
        f"[{link}](tweede-sessie-haven-stad/) Concept · 12 september 2018 · Co-creatiesessie",
        "[Atelier Haven-Stad](atelier/) Concept · maart 2019 · Ontwerpatelier",
    ]
    round_sessions = section(
        article(site / "leerrondes" / "2018-plannen" / "index.html"), "Sessies in deze leerronde"
    )
    assert [s.split("]")[0] for s in round_sessions] == [
        "[Directieoverleg zomer",
        "[Sessie Havenstad",
        f"[{link}",
        "[Directieoverleg oktober",
    ]
    timeline = section(article(site / "overzichten" / "tijdlijn" / "index.html"), "2018")
    assert (
        timeline[2]
        == "2018 – [Sessie Havenstad](../../casussen/haven-stad/sessie/) · Co-creatiesessie · Haven-Stad Concept"
    )
    assert timeline[3].startswith(
        f"12 september 2018 – [{link}](../../casussen/haven-stad/tweede-sessie-haven-stad/)"
    )
    for org, shown in (("waternet", True), ("gemeente-amsterdam", True), ("alliander", False)):
        text = article(site / "overzichten" / "organisaties" / org / "index.html")
        assert (link in text) is shown, org
    assert "(Grond & Ontwikkeling (G&O))" in article(
        site / "overzichten" / "organisaties" / "gemeente-amsterdam" / "index.html"
    )
    assert link in nav_titles(site / "casussen" / "haven-stad" / "index.html")


def test_last_change_comes_from_git(tmp_path):
    config = site_project(tmp_path)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2019-02-03T12:00:00",
        "GIT_COMMITTER_DATE": "2019-02-03T12:00:00",
        "GIT_AUTHOR_NAME": "Kernteam",
        "GIT_AUTHOR_EMAIL": "kernteam@example.org",
        "GIT_COMMITTER_NAME": "Kernteam",
        "GIT_COMMITTER_EMAIL": "kernteam@example.org",
    }
    for command in (["init", "-q"], ["add", "docs"], ["commit", "-q", "-m", "Eerste versie"]):
        subprocess.run(["git", *command], cwd=tmp_path, env=env, check=True)
    built = run_build(config, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    summer = (tmp_path / "site" / "overleg" / "zomer" / "index.html").read_text(encoding="utf-8")
    assert 'Laatst gewijzigd: <time datetime="2019-02-03">3 februari 2019</time>' in summer
    # git wins over `updated:` where there is history.
    plan = (tmp_path / "site" / "casussen" / "haven-stad" / "plan" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "3 februari 2019" in plan and "15 januari 2019" not in plan


# -- the scaffold's refusals ------------------------------------------------------------------


def _new(docs: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`koppelkansen nieuw ...` as its command line runs it (``main``, argparse's exits included), in
    this process: a child Python would spend most of its time importing. The command itself runs
    as a child in test_new_haven_stad_session_appears_everywhere and test_hostile_scaffold.py."""
    argv = ["nieuw", *args, "--docs", str(docs)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(argv)
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def test_scaffold_explains_wrong_arguments_in_dutch_and_never_overwrites(tmp_path):
    docs = make_docs(tmp_path, FILES)
    cases = {
        (): "geef het paginatype",
        ("sesie", "--titel", "x"): "bedoel je 'sessie'?",
        (
            "sessie",
            "--titel",
            "x",
            "--casus",
            "havenstad",
        ): "--casus 'havenstad' is niet toegestaan. Bedoel je 'haven-stad'?",
        ("sessie", "--casus", "haven-stad"): "geef een titel met --titel",
        ("sessie", "--titel", "x", "--casus", "haven-stad"): "geef --soort",
        (
            "sessie",
            "--titel",
            "x",
            "--soort",
            "ontwerpatelier",
            "--ronde",
            "2019-ontwerpateliers",
            "--datum",
            "2019-02-30",
        ): "'2019-02-30' is geen bestaande datum",
        (
            "plan",
            "--casus",
            "haven-stad",
            "--titel",
            "Nog een plan",
        ): "het projectplan van 'haven-stad' bestaat al",
    }
    for args, message in cases.items():
        result = _new(docs, *args)
        assert result.returncode == 2, args
        assert message.lower() in result.stderr.lower(), (args, result.stderr)
    before = (docs / "casussen" / "haven-stad" / "sessie.md").read_text(encoding="utf-8")
    again = _new(
        docs,
        "sessie",
        "--casus",
        "haven-stad",
        "--titel",
        "Sessie",
        "--soort",
        "co-creatiesessie",
        "--ronde",
        "2018-plannen",
        "--datum",
        "2018",
    )
    assert again.returncode == 2 and "bestaat al; ik overschrijf niets" in again.stderr
    assert (docs / "casussen" / "haven-stad" / "sessie.md").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "args, path, headings",
    [
        (
            ("les", "--ronde", "2018-plannen", "--casus", "amstelstad", "--titel", "Eén les"),
            "lessen/een-les.md",
            [
                "## De les",
                "## Waar de les vandaan komt",
                "## Wat dit betekent voor de volgende ronde",
            ],
        ),
        (("casus", "--casus", "9-straatjes", "--titel", "9 Straatjes"), None, None),
        (("pagina", "--titel", "Over de site"), "over-de-site.md", []),
    ],
)
def test_scaffold_writes_pages_that_pass_the_check(tmp_path, args, path, headings):
    docs = make_docs(tmp_path, FILES)
    result = _new(docs, *args)
    if path is None:  # a second case page for the same area is refused
        assert result.returncode == 2 and "bestaat al" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    text = (docs / path).read_text(encoding="utf-8")
    assert "status: concept" in text
    assert [h for h in text.splitlines() if h.startswith("## ")] == headings
    _, problems, _ = check_docs(docs)
    assert problems == []


def test_authors_page_explains_every_front_matter_key():
    schema = json.loads(
        (ROOT / "docs" / "schema" / "frontmatter.schema.json").read_text(encoding="utf-8")
    )
    keys = set(schema["properties"])
    for definition in schema["$defs"].values():
        keys |= (
            set(definition.get("properties", {}))
            if "properties" in definition and "type" not in definition
            else set()
        )
    page = (ROOT / "docs" / "zelf-schrijven.md").read_text(encoding="utf-8")
    assert sorted(k for k in keys if f"| `{k}` |" not in page) == []


def test_project_content_builds_with_every_overview(tmp_path):
    """The real docs/: every case has its plan and session, and the generated pages exist."""
    corpus, problems, _ = check_docs(ROOT / "docs")
    assert problems == []
    for card in overviews.case_cards(corpus):
        assert card.page is not None and card.plan is not None, card.case
        assert [e.kind_label for e in overviews.case_overview(corpus, card.case).sessions] == [
            "Co-creatiesessie"
        ]
    titles = [e.title for y in overviews.timeline(corpus) for e in y.items]
    assert titles.index("Directieoverleg zomer 2018") < titles.index(
        "Directieoverleg 31 oktober 2018"
    )
    assert shutil.which("git")


def test_navigation_status_labels_cover_every_status():
    """Material's navigation icon for `status:` needs a label per status, or it has no text at all."""
    import yaml

    from koppelkansen.pages.vocabulary import load_vocabulary

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    extra = yaml.safe_load(config[config.index("extra:") : config.index("extra_css:")])["extra"]
    vocabulary, _ = load_vocabulary(ROOT / "docs" / "schema" / "vocabulary.yml")
    assert extra["status"] == {k: f"Status: {t.label}" for k, t in vocabulary.statuses.items()}


@BUILT
def test_case_cards_link_their_pdf(built):
    """The case cards link each case area's PDF, and every linked PDF was made."""
    site = built
    found = {}
    for page in site.rglob("index.html"):
        for href, label in re.findall(
            r'<a href="([^"]+\.pdf)" download>PDF van ([^<]+)</a>', page.read_text(encoding="utf-8")
        ):
            found[label] = (page.parent / href).resolve()
    assert set(found) == {"Amstelstad", "9 Straatjes", "Haven-Stad"}
    for label, pdf in found.items():
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), label
