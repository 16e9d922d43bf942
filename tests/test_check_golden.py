"""Golden tests of the front-matter check: one YAML file per case, input pages and expected messages.

Add a case by adding a file to tests/golden/check/; `make goldens` writes its `expected` list
(read it before you commit it).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_docs, make_site_project
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.cli import main

GOLDEN = sorted((Path(__file__).parent / "golden" / "check").glob("*.yml"))


@pytest.mark.golden_test("golden/check/*.yml")
def test_check_messages_match_the_golden_cases(golden, tmp_path):
    docs = make_docs(tmp_path, golden.get("files"), golden.get("latin1"))
    _, problems, _ = check_docs(docs)
    assert [p.format(base=docs) for p in problems] == golden.out["expected"]


@pytest.mark.golden_test("golden/check/*.yml")
def test_check_command_exit_code_and_output(golden, tmp_path, monkeypatch, capsys):
    """What `scripts/check_frontmatter.py docs` prints and returns: exit 1 and one
    `path:line:col: fout:` line per problem, or exit 0. In-process (the script only calls
    `main(["check", ...])`); test_script_runs_as_a_command runs the script itself."""
    make_docs(tmp_path, golden.get("files"), golden.get("latin1"))
    monkeypatch.chdir(tmp_path)
    returncode = main(["check", "docs"])
    out, err = capsys.readouterr()
    expected = golden.out["expected"]
    printed = [line for line in out.splitlines() if ": fout: " in line]
    assert printed == [f"docs/{line}" for line in expected]
    if expected:
        assert returncode == 1
        assert "los ze op" in err
    else:
        assert returncode == 0
        assert "geen fouten" in out


def _run_script(tmp_path, *args):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_frontmatter.py"), "docs", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )


def test_script_runs_as_a_command(tmp_path):
    make_docs(tmp_path)
    result = _run_script(tmp_path)
    assert result.returncode == 0 and "geen fouten" in result.stdout, result


def test_github_format_prints_error_annotations(tmp_path):
    make_docs(tmp_path, {"over.md": "---\ntitle: Over\ntype: pagina\nstatus: klaar\n---\n"})
    result = _run_script(tmp_path, "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith(
        "::error file=docs/over.md,line=4,col=1,title=Front matter::'status'"
    )


@pytest.mark.golden_test("golden/check/*.yml")
def test_build_agrees_with_check(golden, tmp_path, caplog):
    """A page the check rejects fails the MkDocs build with the same messages; a clean one builds."""
    config_file = make_site_project(tmp_path, golden.get("files"), golden.get("latin1"))
    docs = tmp_path / "docs"
    _, problems, _ = check_docs(docs)
    config = load_config(str(config_file), site_dir=str(tmp_path / "site"), strict=True)
    caplog.set_level(logging.ERROR, logger="mkdocs")
    if not problems:
        build(config)
        assert (tmp_path / "site" / "index.html").is_file()
        return
    with pytest.raises((PluginError, Abort)):
        build(config)
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    for problem in problems:
        assert problem.format() in logged
