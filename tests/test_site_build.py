"""Real MkDocs builds of a small site in tmp_path."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT, make_site_project, run_build

from koppelkansen.check.schema import dump_schema, render_schema
from koppelkansen.overviews.render import TEMPLATES
from koppelkansen.pages.vocabulary import load_vocabulary

# The two tests of the module's one build run in one worker (a module fixture is built once per
# worker that runs its tests).
BUILT = pytest.mark.xdist_group("site-build-small")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The small test project, built once; returns its folder (docs/, mkdocs.yml, site/, .cache/)."""
    target = tmp_path_factory.mktemp("klein")
    built = run_build(make_site_project(target), target / "site")
    assert built.returncode == 0, built.stderr
    return target


@BUILT
def test_build_produces_dutch_site_without_third_parties(built):
    site = built / "site"
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl"' in html
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    assert "Testsite" in html
    # Pages from folders appear, with titles from their front matter.
    session = (site / "casussen" / "haven-stad" / "sessie" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "<h1" in session and "Sessie Havenstad" in session
    # Dutch search index and the self-hosted font.
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["nl"] and not (site / "search").exists()
    assert (site / "assets" / "fonts" / "Inter-Regular.woff2").is_file()
    css = (site / "assets" / "stylesheets" / "koppelkansen.css").read_text(encoding="utf-8")
    assert re.search(r"@font-face\s*{[^}]*Inter-Regular\.woff2", css)


@BUILT
def test_failed_build_keeps_previous_site(built, tmp_path):
    # A copy of the built project: its site/ is the previous, good build.
    project = tmp_path / "kopie"
    shutil.copytree(built, project, symlinks=True)
    config = project / "mkdocs.yml"
    site = project / "site"
    before = (site / "index.html").read_bytes()
    (project / "docs" / "over.md").write_text(
        "---\ntitle: Over\ntype: pagina\nstatus: no\n---\n", encoding="utf-8"
    )
    built = run_build(config, site)
    assert built.returncode != 0
    err = built.stderr
    assert "over.md:4:9: fout: 'status: no'" in err
    assert "ongewijzigd" in err
    assert (site / "index.html").read_bytes() == before
    assert not (site / "over").exists()
    # .cache/ holds the PDF cache from the first, successful build (koppelkansen/pdf).
    assert sorted(p.name for p in project.iterdir() if p.name != ".cache") == [
        "docs",
        "mkdocs.yml",
        "site",
    ]


def _stamps(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*")}


@BUILT
def test_a_build_with_nothing_to_do_does_nothing_and_an_edit_builds(built, tmp_path):
    """koppelkansen.inputs, for real: a copy of the built project (same files, same times) is
    current, so its site/ stays untouched; a changed paragraph builds it again."""
    project = tmp_path / "kopie"
    shutil.copytree(built, project, symlinks=True)
    config, site = project / "mkdocs.yml", project / "site"
    before = _stamps(site)
    again = run_build(config, site)
    assert again.returncode == 0, again.stderr
    assert "site/ is actueel; niets te doen." in again.stdout
    assert "INFO" not in again.stderr  # MkDocs did not run
    assert _stamps(site) == before
    page = project / "docs" / "programma.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEen nieuwe alinea.\n", encoding="utf-8")
    edited = run_build(config, site)
    assert edited.returncode == 0, edited.stderr
    assert "site/ bouwen: programma.md in de docs-map is gewijzigd." in edited.stdout
    assert "Een nieuwe alinea." in (site / "programma" / "index.html").read_text(encoding="utf-8")


def test_theme_templates_are_compiled_once_into_a_private_cache(tmp_path, monkeypatch):
    """Jinja's bytecode cache (templating.compiled_template_cache) for the theme's templates and the
    overview templates: in the temporary folder, private to the user; a second build reads it
    and renders the same pages."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    config = make_site_project(tmp_path / "project")
    first, second = tmp_path / "site1", tmp_path / "site2"
    assert run_build(config, first).returncode == 0
    folder = tmp_path / "tmp" / f"_jinja2-cache-{os.getuid()}"
    entries = sorted(folder.glob("__jinja2_*.cache"))
    assert len(entries) > 20 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    overview = TEMPLATES / "casus.md.j2"  # the renderer's own environment, not the theme's
    key = jinja2.BytecodeCache().get_cache_key("casus.md.j2", str(overview))
    assert folder / f"__jinja2_{key}.cache" in entries
    stamps = [e.stat().st_mtime_ns for e in entries]
    assert run_build(config, second).returncode == 0
    assert [e.stat().st_mtime_ns for e in entries] == stamps  # read, not written again
    page = "casussen/haven-stad/sessie/index.html"
    assert (first / page).read_text(encoding="utf-8") == (second / page).read_text(encoding="utf-8")


def _hidden(path: str) -> bool:
    return any(part.startswith(".") and part != "." for part in path.split("/"))


def _theme_files(config, files) -> list[tuple[str, str]]:
    from mkdocs.structure.files import Files

    listed = Files(list(files))
    listed.add_files_from_theme(config.theme.get_env(), config)
    return [(f.src_uri, f.abs_src_path) for f in listed]


def test_the_quick_theme_listing_gives_mkdocs_own_files_and_skips_hidden_folders(monkeypatch):
    """adapter.theme.list_static_files_quickly, against the installed MkDocs (or ProperDocs) and
    Material: the theme's static files are the ones MkDocs' own listing finds (with the project's
    overrides/ and a docs file that shadows a theme file), its filter is the one named and refuses
    every hidden name, and the quick listing never enters Material's .icons."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    from koppelkansen.adapter import theme

    config = load_config(str(ROOT / "mkdocs.yml"))
    shadow = File("assets/images/favicon.png", config.docs_dir, config.site_dir, True)
    own = _theme_files(config, [shadow])
    assert len(own) > 20 and not [uri for uri, _ in own if _hidden(uri)]
    # The docs file shadows the theme's: listed once, from docs/.
    assert [path for uri, path in own if uri == shadow.src_uri] == [shadow.abs_src_path]
    filters = []

    class Listing:  # catches the filter MkDocs hands the environment
        def list_templates(self, extensions=None, filter_func=None):
            filters.append(filter_func)
            return []

    Files([]).add_files_from_theme(Listing(), config)  # type: ignore[arg-type]
    (mkdocs_filter,) = filters
    assert mkdocs_filter.__qualname__ == theme.MKDOCS_THEME_FILTER
    for hidden in (".icons/a.svg", ".hidden.css", "assets/.x.css", "a/.b/c.css", ".a/.b"):
        assert not mkdocs_filter(hidden), hidden
    assert mkdocs_filter("assets/stylesheets/main.css")

    walked = []
    walk = os.walk

    def recording_walk(top, *args, **kwargs):
        for entry in walk(top, *args, **kwargs):
            walked.append(entry[0])
            yield entry

    theme.list_static_files_quickly(config.theme)
    theme.list_static_files_quickly(config.theme)  # once is enough: not wrapped twice
    assert not getattr(config.theme.get_env.__wrapped__, "koppelkansen_quick", False)
    monkeypatch.setattr(os, "walk", recording_walk)
    assert _theme_files(config, [shadow]) == own
    inside = [
        os.path.relpath(path, folder)
        for path in walked
        for folder in config.theme.dirs
        if path.startswith(folder)
    ]
    assert inside and not [path for path in inside if _hidden(path)]
    # Any other listing is Jinja's own, hidden names included.
    assert ".icons/fontawesome/LICENSE.txt" in config.theme.get_env().list_templates()


def test_broken_link_fails_strict_build(tmp_path):
    config = make_site_project(
        tmp_path,
        {
            "over.md": "---\ntitle: Over\ntype: pagina\nstatus: concept\n---\n\n[weg](bestaat-niet.md)\n"
        },
    )
    built = run_build(config, tmp_path / "site")
    assert built.returncode != 0
    # Which page and which link (the wording is the link check's own).
    assert "over.md" in built.stderr and "bestaat-niet.md" in built.stderr, built.stderr
    assert "Traceback" not in built.stderr
    assert not (tmp_path / "site").exists()


def test_published_schema_matches_vocabulary():
    schema_file = ROOT / "docs" / "schema" / "frontmatter.schema.json"
    vocabulary, problems = load_vocabulary(ROOT / "docs" / "schema" / "vocabulary.yml")
    assert not problems
    template = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema_file.read_text(encoding="utf-8") == dump_schema(
        render_schema(template, vocabulary)
    )
    assert template["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_editor_is_wired_to_the_schema():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert "docs/schema/frontmatter.schema.json" in json.dumps(settings)


def test_project_docs_pass_the_check():
    from koppelkansen.check.frontmatter import check_docs

    _, problems, checked = check_docs(ROOT / "docs")
    assert [p.format() for p in problems] == []
    assert checked >= 1
