"""koppelkansen.inputs: every kind of input of a build, changed once, makes the build run; the
same inputs do not. (A real no-op build and a real rebuild: tests/test_site_build.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MKDOCS_YML, ROOT, make_docs

from koppelkansen import inputs

COMMAND = ["mkdocs"]


def _git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path):
    """A project with its own theme folder, package folder and installed-packages folder, in git,
    with a "built" site and the fingerprint stored beside it."""
    make_docs(tmp_path)  # the project's pages without the fonts: read ~30 times here
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    config = tmp_path / "mkdocs.yml"
    text = MKDOCS_YML.format(overrides="overrides") + "INHERIT: basis.yml\n"
    config.write_text(text, encoding="utf-8")
    (tmp_path / "basis.yml").write_text("site_author: Koppelkansen\n", encoding="utf-8")
    package = tmp_path / "pakket"
    (package / "__pycache__").mkdir(parents=True)
    (package / "build.py").write_text("X = 1\n", encoding="utf-8")
    installed = tmp_path / "site-packages"
    (installed / "mkdocs-1.6.1.dist-info").mkdir(parents=True)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>gebouwd</p>", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "docs")
    _git(tmp_path, "commit", "-q", "-m", "eerste")
    env = {"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin", "HOME": "/tmp"}

    def reason(command=COMMAND, environ=None) -> str | None:
        current = inputs.fingerprint(
            config,
            command,
            environ=env if environ is None else environ,
            package_dir=package,
            search_path=[str(installed)],
        )
        return inputs.stale_reason(inputs.read_state(site), current, site)

    current = inputs.fingerprint(
        config, COMMAND, environ=env, package_dir=package, search_path=[str(installed)]
    )
    inputs.write_state(site, current)
    assert reason() is None
    return tmp_path, reason, env


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_each_kind_of_input_changed_once_makes_the_build_run(project):
    root, reason, env = project
    docs = root / "docs"
    page = next(p for p in sorted(docs.rglob("*.md")) if "title:" in p.read_text("utf-8"))
    shown = page.relative_to(docs).as_posix()
    # (what is changed, how, the words that must be in the reason, how it is put back or None)
    cases = [
        (
            "a paragraph",
            lambda: page.write_text(page.read_text("utf-8") + "\nNieuwe zin.\n", "utf-8"),
            f"{shown} in de docs-map is gewijzigd",
        ),
        ("a new image", lambda: (docs / "kaart.png").write_bytes(b"\x89PNG"), "kaart.png in de"),
        (
            "the vocabulary",
            lambda: _edit(docs / "schema" / "vocabulary.yml", "\n", "\n# opmerking\n"),
            "schema/vocabulary.yml in de docs-map is gewijzigd",
        ),
        ("a deleted page", lambda: page.unlink(), f"{shown} in de docs-map is verwijderd"),
        (
            "a template",
            lambda: _edit(root / "overrides" / "main.html", "{%", "{# x #}{%"),
            "main.html in de thema-map (overrides) is gewijzigd",
        ),
        (
            "the configuration",
            lambda: _edit(root / "mkdocs.yml", "Testsite", "Andere site"),
            "de instellingen (mkdocs.yml) is gewijzigd",
        ),
        (
            "the inherited configuration",
            lambda: _edit(root / "basis.yml", "Koppelkansen", "Iemand"),
            "de instellingen (basis.yml) is gewijzigd",
        ),
        (
            "the package's code",
            lambda: (root / "pakket" / "build.py").write_text("X = 2\n", "utf-8"),
            "de bouwsoftware (koppelkansen/build.py) is gewijzigd",
        ),
        (
            "an installed version",
            lambda: (root / "site-packages" / "mkdocs-1.6.1.dist-info").rename(
                root / "site-packages" / "mkdocs-1.6.2.dist-info"
            ),
            "de geïnstalleerde pakketten of Python is gewijzigd",
        ),
        (
            "a commit",
            lambda: _git(root, "commit", "-q", "--allow-empty", "-m", "tweede"),
            "git (HEAD",
        ),
        ("a version tag", lambda: _git(root, "tag", "v1"), "git (tags"),
        (
            "the site changed by hand",
            lambda: (root / "site" / "index.html").write_text("weg", "utf-8"),
            "site/ is sinds de vorige build veranderd",
        ),
    ]
    for what, change, expected in cases:
        change()
        found = reason()
        assert found is not None and expected in found, (what, found)
        # The build ran: its inputs are stored with the site it made.
        inputs.write_state(root / "site", _current(root, env))
        assert reason() is None, what
    # The environment and the command line are inputs too.
    assert "omgevingsvariabele SOURCE_DATE_EPOCH" in (
        reason(environ={**env, "SOURCE_DATE_EPOCH": "1800000000"}) or ""
    )
    assert "omgevingsvariabele KOPPELKANSEN_PDF is nieuw" in (
        reason(environ={**env, "KOPPELKANSEN_PDF": "1"}) or ""
    )
    assert reason(environ={**env, "LANG": "C"}) is None  # one that changes nothing
    assert "de opdracht" in (reason(command=["properdocs"]) or "")


def _current(root: Path, env: dict[str, str]) -> dict[str, str] | None:
    return inputs.fingerprint(
        root / "mkdocs.yml",
        COMMAND,
        environ=env,
        package_dir=root / "pakket",
        search_path=[str(root / "site-packages")],
    )


def test_same_bytes_touched_or_a_pycache_do_not_make_the_build_run(project):
    root, reason, _ = project
    page = next((root / "docs").rglob("*.md"))
    os.utime(page, ns=(1, 1))  # a checkout that rewrote the file with the same content
    (root / "pakket" / "__pycache__" / "build.cpython-311.pyc").write_bytes(b"\0")
    assert reason() is None


def test_no_site_no_stored_state_or_an_unreadable_configuration_build(project):
    root, reason, env = project
    inputs.state_file(root / "site").write_text("{kapot", encoding="utf-8")
    assert "niet bekend waaruit" in (reason() or "")
    shutil.rmtree(root / "site")
    assert "er is nog geen site/" in (reason() or "")
    (root / "mkdocs.yml").write_text("docs_dir: [een, lijst]\n", encoding="utf-8")
    assert _current(root, env) is None
    (root / "mkdocs.yml").write_text("{ niet: yaml", encoding="utf-8")
    assert _current(root, env) is None
    assert "konden niet worden gelezen" in (inputs.stale_reason(None, None, root / "site") or "")


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_a_fifo_or_a_link_to_a_device_in_docs_is_never_opened(project, kind):
    """Untrusted input: a named pipe would block a reader forever, /dev/zero never ends."""
    root, reason, _ = project
    target = root / "docs" / "valstrik.md"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    # Opening either would hang the build (a pipe without a writer) or never end (/dev/zero).
    assert "valstrik.md in de docs-map is nieuw" in (reason() or "")


def test_deep_folders_and_undecodable_names_are_read(project):
    """Hostile input: folders deeper than Python's recursion limit, a name that is no UTF-8."""
    root, reason, env = project
    deep = root / "docs"
    for _ in range(300):
        deep = deep / "d"
        deep.mkdir()
    (deep / "diep.md").write_text("diep", encoding="utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(250)  # deeper than the stack may go, as 1,001 folders would be
    try:
        found = reason()
    finally:
        sys.setrecursionlimit(limit)
    assert "diep.md in de docs-map is nieuw" in (found or "")
    odd = os.fsdecode(b"docs/naam-\xff.md")
    (root / odd).write_text("x", encoding="utf-8")
    (root / "site" / os.fsdecode(b"kapot-\xfe.html")).write_text("x", encoding="utf-8")
    inputs.write_state(root / "site", _current(root, env))
    assert reason() is None


def test_every_variable_a_build_reads_is_in_the_fingerprint_and_nowhere_else_in_the_stages():
    """The environment is read once, where a build starts (pipeline.BuildEnvironment, by the
    adapter), and each variable it reads is one the fingerprint of the inputs holds: a build in
    another environment is never "nothing changed". No stage reads os.environ itself."""
    import re

    from koppelkansen import inputs
    from koppelkansen.pipeline import BuildEnvironment

    for name in BuildEnvironment.VARIABLES.values():
        assert name.startswith(inputs.VARIABLE_PREFIX) or name in inputs.OUTPUT_VARIABLES, name
        one = inputs.fingerprint(ROOT / "mkdocs.yml", [], environ={name: "1"})
        other = inputs.fingerprint(ROOT / "mkdocs.yml", [], environ={name: "2"})
        assert one is not None and other is not None and one != other, name
    package = ROOT / "koppelkansen"
    stages = ["pipeline.py", "pages", "check", "overviews", "figures", "versions/versionsite.py"]
    readers = [
        f"{path.relative_to(package)}:{number}"
        for stage in stages
        for path in ([package / stage] if stage.endswith(".py") else (package / stage).glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"os\.environ\b|os\.getenv\(", line) and "``os.environ``" not in line
    ]
    assert readers == []


def test_history_git_config_and_the_editor_are_inputs(project, tmp_path, monkeypatch):
    """Issue 31: 'git fetch --unshallow' changes the page dates without changing HEAD; an
    update of Decap's bundle in node_modules changes site/admin/; variables that choose the
    repository, Typst's fonts or a value of mkdocs.yml (!ENV) change the output."""
    root, _, env = project
    # A shallow clone of a history of two commits, then its full history.
    _git(root, "commit", "-q", "--allow-empty", "-m", "tweede")
    clone = tmp_path / "kloon"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    shutil.copytree(root / "overrides", clone / "overrides")
    shutil.copy(root / "mkdocs.yml", clone / "mkdocs.yml")
    shutil.copy(root / "basis.yml", clone / "basis.yml")

    def fingerprint(environ=env):
        return inputs.fingerprint(
            clone / "mkdocs.yml",
            COMMAND,
            environ=environ,
            package_dir=root / "pakket",
            search_path=[str(root / "site-packages")],
        )

    site = clone / "site"
    site.mkdir()
    inputs.write_state(site, fingerprint())
    assert inputs.stale_reason(inputs.read_state(site), fingerprint(), site) is None
    _git(clone, "fetch", "-q", "--unshallow")
    found = inputs.stale_reason(inputs.read_state(site), fingerprint(), site)
    assert found is not None and "git (shallow" in found, found
    inputs.write_state(site, fingerprint())
    # The editor's bundle, in the project's own node_modules.
    dist = clone / inputs.EDITOR_BUNDLE
    dist.mkdir(parents=True)
    (dist / "decap-cms.js").write_text("// versie 1\n", encoding="utf-8")
    (dist / "12.decap-cms.js").write_text("// deel\n", encoding="utf-8")
    inputs.write_state(site, fingerprint())
    (dist / "12.decap-cms.js").write_text("// deel, bijgewerkt\n", encoding="utf-8")
    found = inputs.stale_reason(inputs.read_state(site), fingerprint(), site)
    assert found is not None and "de editor (decap-cms in node_modules)" in found, found
    inputs.write_state(site, fingerprint())
    # Variables: git's repository, Typst's fonts, one named by !ENV in the configuration.
    for name in ("GIT_DIR", "TYPST_FONT_PATHS"):
        found = inputs.stale_reason(
            inputs.read_state(site), fingerprint({**env, name: "/elders"}), site
        )
        assert found is not None and f"omgevingsvariabele {name}" in found, (name, found)
    assert inputs.EDITOR_BUNDLE.as_posix() == "node_modules/decap-cms/dist"
    from koppelkansen.editor.admin import BUNDLE

    assert inputs.EDITOR_BUNDLE == BUNDLE  # where the build copies the editor from
    config = clone / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8") + "copyright: !ENV [KK_COPYRIGHT, 'Niemand']\n", "utf-8"
    )
    inputs.write_state(site, fingerprint())
    monkeypatch.setenv("KK_COPYRIGHT", "Iemand")
    found = inputs.stale_reason(
        inputs.read_state(site), fingerprint({**env, "KK_COPYRIGHT": "Iemand"}), site
    )
    assert found is not None and "omgevingsvariabele KK_COPYRIGHT" in found, found


def test_a_save_during_the_build_makes_the_next_build_run(project, monkeypatch, capsys):
    """Issue 31: the fingerprint is taken before the build reads the files; a page saved while it
    runs (even saved back to what it was) leaves no fingerprint, so the next build runs."""
    from koppelkansen import build

    root, _, _ = project
    config, site = root / "mkdocs.yml", root / "site"
    page = next(p for p in sorted((root / "docs").rglob("*.md")) if "title:" in p.read_text())
    original = page.read_text("utf-8")

    def engine(engine, config_file, scratch, in_process):
        scratch.mkdir()
        (scratch / "index.html").write_text("<p>gebouwd</p>", encoding="utf-8")
        if saves:
            page.write_text(saves.pop(0), encoding="utf-8")
        return 0

    monkeypatch.setattr(build, "run_engine", engine)
    # Changed, changed back, then saved with the same bytes (an editor that saves on every key).
    for saved in (original + "\nOpgeslagen tijdens de build.\n", original, original):
        saves = [saved]
        assert build._build(config, site, "mkdocs", None, force=True) == 0
        assert "tijdens de build is een invoerbestand gewijzigd" in capsys.readouterr().out
        assert inputs.read_state(site) is None
        assert build._build(config, site, "mkdocs", None) == 0
        assert "site/ bouwen: van site/ is niet bekend waaruit" in capsys.readouterr().out
    # Nothing saved during the build: the next one has nothing to do.
    assert build._build(config, site, "mkdocs", None) == 0
    assert "actueel; niets te doen" in capsys.readouterr().out
