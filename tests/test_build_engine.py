"""The build runs MkDocs or ProperDocs (its drop-in fork) as ``python -m <engine> build``."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
