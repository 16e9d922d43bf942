"""Every warning about a page is ours (issue 24): the generator's warnings as Dutch messages at
the link's line and column; ``template:`` names a page template; history never blocks a build.

The rules are checked as functions (cheap); one real build with every kind of broken link, and
one with a refused history, prove that the build says them and nothing else."""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, make_docs, make_site_project, run_build
from pdfproject import COMMIT_EPOCH, git_env

from koppelkansen.adapter.enginelog import read_warning
from koppelkansen.check.frontmatter import check_docs, page_templates
from koppelkansen.check.pagelinks import (
    ABSOLUTE,
    ANCHOR,
    CONFLICT,
    MISSING,
    OTHER,
    UNRECOGNIZED,
    EngineWarning,
    LinkSite,
    explain,
)
from koppelkansen.pipeline import INTERNAL_ERROR, failure_message
from koppelkansen.versions.pdfs import (
    REFUSED_SUFFIX,
    VersionBuildError,
    cache_folder,
    refusals,
    rules_key,
    version_pdfs,
)
from koppelkansen.versions.tags import Version
from koppelkansen.versions.versionsite import version_notice

PAGE = """\
---
title: Overkoepelend plan
type: programma
status: concept
owners: [waternet]
---

# Overkoepelend plan

## Één stap verder

Zie [sessie](casussen/sessie.md) en [anker](#één-stap-verder).
Terug naar [de sessie](casussen\\haven-stad\\sessie.md) of [ronde](..\\leerrondes\\2018-plannen.md).
De [pdf](downloads/versies/2018-10-31/plan.pdf) en [andere](downloads/versies/2019-01-01/x.pdf).
Weer [sessie](casussen/sessie.md) en [amstel](oud/amstelstad/index.md#kop).
"""

CASE = """\
---
title: Amstelstad
type: casus
status: concept
case: amstelstad
themes: [water, energie]
organisations: [waternet, alliander, gemeente-amsterdam]
---

# Amstelstad

## Ëerste ronde

Zie [kop](../../programma.md#Één-stap-verder) en [ronde](#eerste-rond).
"""

FILES = {
    "index.md",
    "programma.md",
    "downloads.md",
    "casussen/amstelstad/index.md",
    "casussen/haven-stad/index.md",
    "casussen/haven-stad/sessie.md",
    "leerrondes/2018-plannen.md",
}
ANCHORS = {
    "programma.md": {"overkoepelend-plan", "een-stap-verder", "__tabbed_1"},
    "casussen/amstelstad/index.md": {"amstelstad", "eerste-ronde"},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> LinkSite:
    docs = tmp_path_factory.mktemp("links") / "docs"
    for name, text in {"programma.md": PAGE, "casussen/amstelstad/index.md": CASE}.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return LinkSite(
        docs_dir=docs,
        files=FILES,
        anchors=ANCHORS,
        versions={"2018-10-31": ("31 oktober 2018", ["koppelkansen-projectplannen.pdf"])},
        config_file=docs.parent / "mkdocs.yml",
    )


def _one(site: LinkSite, warning: EngineWarning) -> tuple[str, int, int, str]:
    [problem] = explain([warning], site)
    return (
        problem.path.relative_to(site.docs_dir.parent).as_posix(),
        problem.line,
        problem.col,
        (problem.message),
    )


# -- the generator's words, read -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Doc file 'programma.md' contains a link 'casussen/sessie.md', but the target is not "
            "found among documentation files.",
            EngineWarning(MISSING, "programma.md", "casussen/sessie.md"),
        ),
        (
            "Doc file 'a/b.md' contains a link '../x.md', but the target 'x.md' is not found among "
            "documentation files. Did you mean 'y.md'?",
            EngineWarning(MISSING, "a/b.md", "../x.md"),
        ),
        (
            "Doc file 'programma.md' contains an unrecognized relative link 'casussen/haven-stad', "
            "it was left as is. Did you mean 'casussen/haven-stad/index.md'?",
            EngineWarning(UNRECOGNIZED, "programma.md", "casussen/haven-stad"),
        ),
        (
            "Doc file 'x.md' contains an absolute link '/index.md', it was left as is.",
            EngineWarning(ABSOLUTE, "x.md", "/index.md"),
        ),
        (
            "Doc file 'programma.md' contains a link '#één', but there is no such anchor on this "
            "page.",
            EngineWarning(ANCHOR, "programma.md", "#één"),
        ),
        (
            "Doc file 'c/a.md' contains a link '../p.md#een-stap', but the doc 'p.md' does not "
            "contain an anchor '#een-stap'.",
            EngineWarning(ANCHOR, "c/a.md", "../p.md#een-stap", "p.md", "een-stap"),
        ),
        (
            "Excluding 'leerrondes/README.md' from the site because it conflicts with "
            "'leerrondes/index.md'.",
            EngineWarning(CONFLICT, "leerrondes/README.md", target="leerrondes/index.md"),
        ),
        (
            "Something about 'leerrondes/index.md' that is new.",
            EngineWarning(OTHER, "leerrondes/index.md"),
        ),
        ("Something new happened.", EngineWarning(OTHER, None)),
    ],
)
def test_the_generators_warnings_are_read_as_data(text, expected):
    found = read_warning(text, {"leerrondes/index.md", "programma.md"})
    assert (found.kind, found.page, found.link, found.target, found.anchor) == (
        expected.kind,
        expected.page,
        expected.link,
        expected.target,
        expected.anchor,
    )
    assert found.text == text


# -- each kind, in Dutch, at its line ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("warning", "expected"),
    [
        (  # a page that moved: the page with the same name elsewhere
            EngineWarning(MISSING, "programma.md", "casussen/sessie.md"),
            (
                "docs/programma.md",
                12,
                14,
                "de link 'casussen/sessie.md' wijst naar 'casussen/sessie.md', maar dat bestand "
                "staat niet in docs/. Een bestand met die naam staat nu op een andere plaats "
                "(casussen/haven-stad/sessie.md): bedoel je 'casussen/haven-stad/sessie.md'?",
            ),
        ),
        (  # a folder's page that moved, with its anchor kept
            EngineWarning(MISSING, "programma.md", "oud/amstelstad/index.md#kop"),
            (
                "docs/programma.md",
                15,
                47,
                "de link 'oud/amstelstad/index.md#kop' wijst naar 'oud/amstelstad/index.md', maar "
                "dat bestand staat niet in docs/. Een bestand met die naam staat nu op een andere "
                "plaats (casussen/amstelstad/index.md): bedoel je "
                "'casussen/amstelstad/index.md#kop'?",
            ),
        ),
        (  # an anchor written with the heading's accents, on the page itself
            EngineWarning(ANCHOR, "programma.md", "#één-stap-verder"),
            (
                "docs/programma.md",
                12,
                45,
                "de link '#één-stap-verder' wijst naar het anker '#één-stap-verder', maar deze "
                "pagina heeft geen kop of anker met die naam. Een anker wordt geschreven zoals de "
                "kop, zonder accenten, hoofdletters en leestekens: bedoel je '#een-stap-verder'?",
            ),
        ),
        (  # and on another page, with capitals
            EngineWarning(
                ANCHOR,
                "casussen/amstelstad/index.md",
                "../../programma.md#Één-stap-verder",
                "programma.md",
                "Één-stap-verder",
            ),
            (
                "docs/casussen/amstelstad/index.md",
                14,
                11,
                "de link '../../programma.md#Één-stap-verder' wijst naar het anker "
                "'#Één-stap-verder', maar 'programma.md' heeft geen kop of anker met die naam. Een "
                "anker wordt geschreven zoals de kop, zonder accenten, hoofdletters en leestekens: "
                "bedoel je '../../programma.md#een-stap-verder'?",
            ),
        ),
        (  # a typo in an anchor: the nearest one
            EngineWarning(ANCHOR, "casussen/amstelstad/index.md", "#eerste-rond"),
            (
                "docs/casussen/amstelstad/index.md",
                14,
                58,
                "de link '#eerste-rond' wijst naar het anker '#eerste-rond', maar deze pagina "
                "heeft geen kop of anker met die naam; bedoel je '#eerste-ronde'?",
            ),
        ),
        (  # backslashes, to a file that exists
            EngineWarning(MISSING, "programma.md", "casussen\\haven-stad\\sessie.md"),
            (
                "docs/programma.md",
                13,
                24,
                "de link 'casussen\\haven-stad\\sessie.md' gebruikt \\ tussen de mappen; gebruik / "
                "in plaats van \\: 'casussen/haven-stad/sessie.md'",
            ),
        ),
        (  # backslashes, also wrong otherwise
            EngineWarning(MISSING, "programma.md", "..\\leerrondes\\2018-plannen.md"),
            (
                "docs/programma.md",
                13,
                66,
                "de link '..\\leerrondes\\2018-plannen.md' gebruikt \\ tussen de mappen; gebruik / "
                "in plaats van \\: '../leerrondes/2018-plannen.md'; bedoel je "
                "'leerrondes/2018-plannen.md'?",
            ),
        ),
        (  # backslashes from the top: the path from this page
            EngineWarning(
                ABSOLUTE, "casussen/amstelstad/index.md", "\\programma.md#een-stap-verder"
            ),
            (
                "docs/casussen/amstelstad/index.md",
                1,
                1,
                "de link '\\programma.md#een-stap-verder' gebruikt \\ tussen de mappen; gebruik / "
                "in plaats van \\: '../../programma.md#een-stap-verder'",
            ),
        ),
        (  # two pages with one address
            EngineWarning(CONFLICT, "leerrondes/README.md", target="leerrondes/index.md"),
            (
                "docs/leerrondes/README.md",
                1,
                1,
                "deze pagina krijgt hetzelfde adres als 'leerrondes/index.md', en de build laat haar "
                "daarom weg; voeg de twee samen, of hernoem of verwijder er een (README.md en "
                "index.md in één map zijn allebei de pagina van die map)",
            ),
        ),
        (  # a version that does not exist: the versions that do
            EngineWarning(MISSING, "programma.md", "downloads/versies/2019-01-01/x.pdf"),
            (
                "docs/programma.md",
                14,
                61,
                "de link 'downloads/versies/2019-01-01/x.pdf' wijst naar versie '2019-01-01', maar "
                "die bestaat niet; de versies zijn: 2018-10-31 (31 oktober 2018)",
            ),
        ),
        (  # a PDF the version does not have: the ones it has
            EngineWarning(MISSING, "programma.md", "downloads/versies/2018-10-31/plan.pdf"),
            (
                "docs/programma.md",
                14,
                10,
                "de link 'downloads/versies/2018-10-31/plan.pdf' wijst naar 'plan.pdf', maar 31 "
                "oktober 2018 heeft geen PDF met die naam; wel: koppelkansen-projectplannen.pdf",
            ),
        ),
        (  # a warning the module does not know: quoted, at the page
            EngineWarning(OTHER, "programma.md", text="Something about 'casussen/sessie.md'."),
            (
                "docs/programma.md",
                12,
                14,
                "de bouwsoftware waarschuwt (in het Engels): „Something about "
                "'casussen/sessie.md'.”. Los op wat er staat (meestal een link of een bestand van "
                "deze pagina); snap je het niet, vraag het de beheerders",
            ),
        ),
        (  # one that names no page: at the configuration file
            EngineWarning(OTHER, None, text="Unknown thing\nwith a second line"),
            (
                "mkdocs.yml",
                1,
                1,
                "de bouwsoftware waarschuwt (in het Engels): „Unknown thing\\nwith a second "
                "line”. Los op wat er staat (meestal een link of een bestand van deze pagina); "
                "snap je het niet, vraag het de beheerders",
            ),
        ),
    ],
)
def test_each_warning_is_a_dutch_message_at_the_link(site, warning, expected):
    assert _one(site, warning) == expected


def test_the_same_broken_link_twice_is_reported_at_both_places(site):
    warning = EngineWarning(MISSING, "programma.md", "casussen/sessie.md")
    places = [(p.line, p.col) for p in explain([warning, warning], site)]
    assert places == [(12, 14), (15, 15)]


def test_an_anchor_with_nothing_near_lists_the_headings(site):
    site.headings = {"programma.md": ["overkoepelend-plan", "een-stap-verder"]}
    warning = EngineWarning(ANCHOR, "programma.md", "#xyz")
    assert _one(site, warning)[3] == (
        "de link '#xyz' wijst naar het anker '#xyz', maar deze pagina heeft geen kop of anker "
        "met die naam. Koppen van deze pagina: #overkoepelend-plan, #een-stap-verder"
    )
    site.headings = {}


def test_a_missing_image_is_called_an_image(site):
    page = site.docs_dir / "beeld.md"
    page.write_text("# Beeld\n\nKaart: ![de kaart](img/kaart.png) en [kaart](img/kaart.png)\n")
    warning = EngineWarning(MISSING, "beeld.md", "img/kaart.png")
    problems = explain([warning, warning], site)
    assert [(p.line, p.col, p.message.split(" wijst")[0]) for p in problems] == [
        (3, 20, "de afbeelding 'img/kaart.png'"),
        (3, 46, "de link 'img/kaart.png'"),
    ]


def test_unrecognised_and_absolute_links_name_the_markdown_file(site):
    unrecognised = EngineWarning(UNRECOGNIZED, "programma.md", "casussen/haven-stad")
    absolute = EngineWarning(ABSOLUTE, "programma.md", "/leerrondes/2018-plannen.md#x")
    assert _one(site, unrecognised)[3] == (
        "de link 'casussen/haven-stad' wijst niet naar een bestand; link naar het "
        "Markdown-bestand van de pagina: bedoel je 'casussen/haven-stad/index.md'?"
    )
    mail = EngineWarning(UNRECOGNIZED, "programma.md", "info@example.org")
    assert _one(site, mail)[3] == (
        "de link 'info@example.org' wijst niet naar een bestand; een e-mailadres schrijf je met "
        "mailto: ervoor: bedoel je 'mailto:info@example.org'?"
    )
    assert _one(site, absolute)[3] == (
        "de link '/leerrondes/2018-plannen.md#x' begint met '/': dat is de hoofdmap van de "
        "webserver, niet die van de site. Schrijf de link vanaf dit Markdown-bestand; bedoel je "
        "'leerrondes/2018-plannen.md#x'?"
    )


def test_an_internal_error_shows_the_text_it_promises(caplog):
    with caplog.at_level(logging.ERROR):
        assert failure_message(KeyError("kapot"), reported=False) is None
    assert [r.getMessage() for r in caplog.records] == [INTERNAL_ERROR, "  KeyError: 'kapot'"]


# -- template: ---------------------------------------------------------------------------------------
TEMPLATE_PAGE = "---\ntitle: T\ntype: pagina\nstatus: concept\ntemplate: {value}\n---\n\n# T\n"


def test_the_page_templates_are_main_and_what_extends_it():
    assert page_templates(ROOT / "overrides") == ["downloads.html", "main.html"]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("x.html", "; bedoel je 'main.html'?"),
        ('"../../etc/passwd"', ""),
        ("partials/toc.html", ""),
        ("base.html", "; bedoel je 'main.html'?"),
        ("download.html", "; bedoel je 'downloads.html'?"),
    ],
)
def test_a_template_that_is_no_page_template_is_refused_at_its_line(tmp_path, value, hint):
    docs = make_docs(tmp_path, {"t.md": TEMPLATE_PAGE.format(value=value)})
    _, problems, _ = check_docs(docs, ROOT / "overrides")
    shown = value.strip('"')
    assert [(p.path.name, p.line, p.col, p.message) for p in problems] == [
        (
            "t.md",
            5,
            1,
            f"'template' heeft de tekst '{shown}', maar dat is geen paginasjabloon van deze site. "
            f"Toegestaan: downloads.html, main.html{hint} (of laat 'template' weg voor een "
            "gewone pagina)",
        )
    ]


def test_without_the_themes_folder_template_is_not_judged(tmp_path):
    docs = make_docs(tmp_path, {"t.md": TEMPLATE_PAGE.format(value="downloads.html")})
    assert check_docs(docs)[1] == []  # no overrides/ beside this docs folder
    assert len(check_docs(docs, ROOT / "overrides")[1]) == 0
    (tmp_path / "overrides").mkdir()
    assert [p.line for p in check_docs(docs)[1]] == [5]  # its own overrides/: main.html only


@pytest.mark.parametrize("value", ["downloads.html", "main.html"])
def test_a_page_template_passes(tmp_path, value):
    docs = make_docs(tmp_path, {"t.md": TEMPLATE_PAGE.format(value=value)})
    assert check_docs(docs, ROOT / "overrides")[1] == []


# -- history -----------------------------------------------------------------------------------------
BUILD_OUTPUT = """\
INFO    -  Cleaning site directory
\x1b[31mERROR   -  docs/programma.md:4:1: fout: 'status' heeft de tekst 'oud'\x1b[0m
ERROR   -  docs/casussen/a.md:12:5: fout: de link 'weg.md' wijst naar 'weg.md'
ERROR   -  1 fout in 1 bestand; los ze op en draai 'make check' opnieuw.
"""


def test_a_refused_version_is_a_notice_with_its_own_lines():
    assert refusals(BUILD_OUTPUT) == [
        "docs/programma.md:4:1: fout: 'status' heeft de tekst 'oud'",
        "docs/casussen/a.md:12:5: fout: de link 'weg.md' wijst naar 'weg.md'",
    ]
    notice = version_notice("31 oktober 2018", "versie/2018-10-31", BUILD_OUTPUT)
    assert notice.startswith(
        "Let op: de PDF's van versie 31 oktober 2018 (tag versie/2018-10-31) zijn niet gemaakt: "
        "de tekst van die versie voldoet niet aan de regels van nu. De build gaat door;"
    )
    assert notice.endswith(
        "(regels in de tekst van die versie, niet in de werkmap):\n"
        "    docs/programma.md:4:1: fout: 'status' heeft de tekst 'oud'\n"
        "    docs/casussen/a.md:12:5: fout: de link 'weg.md' wijst naar 'weg.md'"
    )
    other = version_notice("1 mei 2019", "versie/2019-05-01", "typst: not found\n")
    assert other == (
        "Let op: de PDF's van versie 1 mei 2019 (tag versie/2019-05-01) konden niet gemaakt "
        "worden uit de tag; de build gaat door en de Downloads-pagina toont ze als niet "
        "beschikbaar. Laatste regel van die build: typst: not found"
    )


# -- real builds -------------------------------------------------------------------------------------
README = "---\ntitle: Lees mij\ntype: pagina\nstatus: concept\n---\n\n# Lees mij\n"
INDEX = "---\ntitle: Rondes\ntype: pagina\nstatus: concept\n---\n\n# Rondes\n"


def test_a_build_with_broken_links_says_each_in_dutch_and_nothing_else(tmp_path):
    config = make_site_project(
        tmp_path,
        {
            "programma.md": PAGE,
            "casussen/amstelstad/index.md": CASE,
            "leerrondes/README.md": README,  # conflicts with index.md: a warning of its own kind
            "leerrondes/index.md": INDEX,
        },
    )
    result = run_build(config, tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": fout: " in line]
    assert [line.split(": fout: ")[0].split()[-1] for line in errors] == [
        "docs/casussen/amstelstad/index.md:14:11",
        "docs/casussen/amstelstad/index.md:14:58",
        "docs/leerrondes/README.md:1:1",
        "docs/programma.md:12:14",
        "docs/programma.md:12:45",
        "docs/programma.md:13:24",
        "docs/programma.md:13:66",
        "docs/programma.md:14:10",
        "docs/programma.md:14:61",
        "docs/programma.md:15:15",
        "docs/programma.md:15:47",
    ]
    assert (
        "docs/casussen/amstelstad/index.md:14:11: fout: de link "
        "'../../programma.md#Één-stap-verder' wijst naar het anker '#Één-stap-verder', maar "
        "'programma.md' heeft geen kop of anker met die naam. Een anker wordt geschreven zoals de "
        "kop, zonder accenten, hoofdletters en leestekens: bedoel je "
        "'../../programma.md#een-stap-verder'?"
    ) in result.stderr
    assert (
        "docs/programma.md:14:10: fout: de link 'downloads/versies/2018-10-31/plan.pdf' wijst "
        "naar versie '2018-10-31', maar die bestaat niet; er zijn nog geen versies (make versie)"
    ) in result.stderr
    assert "De site is niet gebouwd: 11 problemen met links of bestanden" in result.stderr
    for english in ("Interne fout", "Doc file", "WARNING", "strict mode"):
        assert english not in result.stderr
    assert not (tmp_path / "site").exists()


REFUSED_FRONT_MATTER = {  # a status no longer in the vocabulary, raw script, a page that is gone
    "programma.md": lambda text: (
        text.replace("status: concept", "status: verouderd", 1)
        + "\n<script>alert('oud')</script>\n\nZie [weg](weg.md).\n"
    ),
}
REFUSED_CONTENT = {  # an embedded page from another site, an anchor that is gone
    "programma.md": lambda text: (
        text + '\n<iframe src="https://example.com/x"></iframe>\n\n[kop](#bestaat-niet)\n'
    ),
}
DOWNLOADS = "---\ntitle: Downloads\ntype: pagina\nstatus: vastgesteld\ntemplate: downloads.html\n---\n\n# Downloads\n"


def _tag(project: Path, changes: dict, tag: str, day: str, epoch: int) -> None:
    docs = project / "docs"
    kept = {}
    for name, change in changes.items():
        kept[name] = (docs / name).read_text(encoding="utf-8")
        (docs / name).write_text(change(kept[name]), encoding="utf-8")
    env = git_env(epoch)
    for command in (
        ["add", "-A"],
        ["commit", "-qm", f"tekst van {day}"],
        ["tag", "-a", tag, "-m", f"Versie {day}\n\nnaam: oud\ndatum: {day}\n"],
    ):
        subprocess.run(["git", *command], cwd=project, env=env, check=True)
    for name, text in kept.items():  # today's text passes
        (docs / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "commit", "-qam", "hersteld"], cwd=project, env=env, check=True)


def test_history_that_todays_rules_refuse_never_blocks_a_build(tmp_path):
    config = make_site_project(tmp_path, {"downloads.md": DOWNLOADS})
    env = git_env(COMMIT_EPOCH)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Plannen"]):
        subprocess.run(["git", *command], cwd=tmp_path, env=env, check=True)
    _tag(tmp_path, REFUSED_FRONT_MATTER, "versie/2018-11-01", "2018-11-01", COMMIT_EPOCH + 86400)
    _tag(tmp_path, REFUSED_CONTENT, "versie/2018-12-01", "2018-12-01", COMMIT_EPOCH + 2 * 86400)
    result = run_build(config, tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Interne fout" not in result.stderr
    for label, tag, refused in (
        (
            "1 november 2018",
            "versie/2018-11-01",
            "    docs/programma.md:4:1: fout: 'status' heeft de tekst 'verouderd'",
        ),
        (
            "1 december 2018",
            "versie/2018-12-01",
            "    docs/programma.md:11:1: fout: <iframe",
        ),
    ):
        assert (
            f"Let op: de PDF's van versie {label} (tag {tag}) zijn niet gemaakt: de tekst van die "
            "versie voldoet niet aan de regels van nu."
        ) in result.stderr
        assert refused in result.stderr
        # A visible warning (issue 31) that --strict does not count: the build went on.
        assert f"WARNING -  Let op: de PDF's van versie {label} (tag {tag})" in result.stderr
        assert "de PDF's die de directies van deze versie kregen" in result.stderr
    downloads = (tmp_path / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert downloads.count("Niet beschikbaar in deze build.") == 2
    changes = "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "site" / "wijzigingen").rglob("*.html")
    )
    assert "&lt;script&gt;alert" in changes and "<script>alert" not in changes
    assert "&lt;iframe" in changes and "<iframe" not in changes
    assert len(list((tmp_path / ".cache").rglob("*.geweigerd.json"))) == 2


def test_a_refusal_is_kept_until_the_rules_change(tmp_path):
    """A tag today's rules refused is not built again by every build: its reason is kept beside
    the cache folder with a hash of the rules; other rules build it again."""
    version = Version("versie/2018-11-01", "2018-11-01", "oud", "2018-11-01", "", "0" * 40, 1)
    folder = cache_folder(tmp_path, version)
    folder.parent.mkdir(parents=True)
    (tmp_path / "geen-repo").mkdir()
    marker = folder.with_name(folder.name + REFUSED_SUFFIX)
    marker.write_text(json.dumps({"code": rules_key(), "reason": BUILD_OUTPUT}), encoding="utf-8")
    with pytest.raises(VersionBuildError) as kept:
        version_pdfs(version, tmp_path / "geen-repo", "mkdocs.yml", tmp_path)
    assert str(kept.value) == BUILD_OUTPUT
    marker.write_text(json.dumps({"code": "andere regels", "reason": "x"}), encoding="utf-8")
    with pytest.raises(VersionBuildError) as built:  # built again: git finds no repository
        version_pdfs(version, tmp_path / "geen-repo", "mkdocs.yml", tmp_path)
    assert str(built.value) != "x"


def test_the_generators_closing_english_line_is_left_out_and_other_aborts_shown(capsys):
    """After a failed build MkDocs' command line adds 'Aborted with a BuildError!' (or '... in
    strict mode!') below our Dutch messages; that line is left out, every other Abort is shown."""
    from mkdocs.exceptions import Abort

    from koppelkansen.adapter.enginelog import quiet_engine_aborts

    quiet_engine_aborts()
    quiet_engine_aborts()  # once per process, however often a build starts
    for english in ("Aborted with a BuildError!", "Aborted with 3 warnings in strict mode!"):
        Abort(english).show()
    assert capsys.readouterr().out.strip() == ""
    Abort("De site is niet gebouwd: schijf vol.").show()
    assert capsys.readouterr().out.strip() == "De site is niet gebouwd: schijf vol."
