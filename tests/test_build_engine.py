"""The build runs MkDocs or ProperDocs (its drop-in fork) as ``python -m <engine> build``."""

from __future__ import annotations

import subprocess
import sys

import pytest

import koppelkansen.adapter.engine as engine_api
import koppelkansen.build as build


@pytest.fixture
def commands(monkeypatch):
    ran = []

    def fake_run(command, check, env):
        # The child is told the engine too, so that builds it starts (a version's PDFs) use it.
        assert env[build.ENGINE_VARIABLE] == command[2]
        ran.append(command)
        return subprocess.CompletedProcess(command, 1)

    monkeypatch.setattr(build.subprocess, "run", fake_run)
    return ran


def test_engine_defaults_to_mkdocs_and_follows_the_variable_and_the_argument(
    commands, monkeypatch, tmp_path
):
    monkeypatch.delenv(build.ENGINE_VARIABLE, raising=False)
    build.build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    monkeypatch.setenv(build.ENGINE_VARIABLE, "properdocs")
    build.build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    build.build_site(tmp_path / "mkdocs.yml", tmp_path / "site", engine="mkdocs")
    assert [command[:4] for command in commands] == [
        [sys.executable, "-m", "mkdocs", "build"],
        [sys.executable, "-m", "properdocs", "build"],
        [sys.executable, "-m", "mkdocs", "build"],
    ]


def test_unknown_engine_is_refused(commands, monkeypatch, tmp_path):
    monkeypatch.setenv(build.ENGINE_VARIABLE, "sphinx")
    with pytest.raises(SystemExit, match="KOPPELKANSEN_ENGINE='sphinx' is onbekend"):
        build.build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert commands == []


@pytest.fixture
def in_process(monkeypatch):
    """The engine's API as `koppelkansen build` calls it in its own process: what it was given,
    and the exit code it ends with."""
    ran = []
    # The in-process run sets the variable for the engine's own builds; monkeypatch puts it back.
    monkeypatch.setenv(build.ENGINE_VARIABLE, "mkdocs")

    def fake_build_here(engine, config_file, site_dir):
        ran.append((engine, config_file, site_dir, build.os.environ[build.ENGINE_VARIABLE]))
        site_dir.mkdir()  # the scratch folder a build writes
        return ran_exit.pop(0)

    ran_exit: list = []
    monkeypatch.setattr(engine_api, "build_here", fake_build_here)
    monkeypatch.setattr(build.subprocess, "run", lambda *a, **k: pytest.fail("a child process"))
    return ran, ran_exit


def test_the_command_line_runs_the_engine_in_its_own_process(in_process, tmp_path, capsys):
    from koppelkansen.cli import main

    ran, exits = in_process
    exits.extend([2, 0])
    config, site = tmp_path / "mkdocs.yml", tmp_path / "site"
    arguments = ["build", "--config-file", str(config), "--site-dir", str(site)]
    argv = list(sys.argv)
    assert main(arguments) == 2
    assert "De site is niet gebouwd" in capsys.readouterr().err
    assert not site.exists()
    assert main([*arguments, "--engine", "properdocs"]) == 0
    assert sys.argv == argv  # never touched
    assert site.is_dir()  # the scratch folder became the site
    scratch = tmp_path / ".site.building"
    assert ran == [
        ("mkdocs", config, scratch, "mkdocs"),
        ("properdocs", config, scratch, "properdocs"),
    ]


def test_the_engines_api_builds_strict_and_ends_as_its_command_line(tmp_path, capsys, monkeypatch):
    """The real API: a warning fails the build (strict) with the engine's exit code, without
    a traceback; the same project without the warning builds."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Start\n\n[weg](nergens.md)\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Proef\n", encoding="utf-8")
    assert engine_api.build_here("mkdocs", config, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "nergens.md" in err and "Traceback" not in err
    # Into a pipe, as the command line writes there: plain lines, neither coloured nor wrapped.
    warning = next(line for line in err.splitlines() if "nergens.md" in line)
    assert warning.startswith("WARNING -  ") and "\x1b" not in err, err
    assert "not found among documentation files" in warning
    (docs / "index.md").write_text("# Start\n", encoding="utf-8")
    assert engine_api.build_here("mkdocs", config, tmp_path / "out") == 0
    assert (tmp_path / "out" / "index.html").is_file()


def test_a_crash_in_the_engine_leaves_the_site_and_says_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(build.ENGINE_VARIABLE, "mkdocs")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("oud", encoding="utf-8")

    def crash(*args, **kwargs):
        (tmp_path / ".site.building").mkdir()
        raise RuntimeError("fout in een plugin")

    assert build.build_site(tmp_path / "mkdocs.yml", tmp_path / "site", in_process=crash) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: fout in een plugin" in err and "De site is niet gebouwd" in err
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "oud"
    assert not (tmp_path / ".site.building").exists()


def test_the_properdocs_requirements_are_the_package_requirements_with_properdocs(project_root):
    """requirements-properdocs.in is written by hand: a runtime dependency added to pyproject.toml
    and not there makes `make site-properdocs` fail on a fresh machine (it did, with google-re2)."""
    import tomllib

    declared = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {
        "properdocs>=1.6.7,<2" if requirement.startswith("mkdocs>") else requirement
        for requirement in declared["project"]["dependencies"]
    }
    lines = (project_root / "requirements-properdocs.in").read_text(encoding="utf-8").splitlines()
    listed = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert listed == wanted
    lock = (project_root / "requirements-properdocs.lock").read_text(encoding="utf-8")
    for requirement in wanted:
        name = requirement.split(">")[0].split("=")[0].split("<")[0].split("[")[0]
        assert f"\n{name}==" in lock, f"{name} is not in requirements-properdocs.lock"
