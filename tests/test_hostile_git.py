"""Issue 31: what the build reads from git does not depend on anyone's git configuration.

Settings in the repository's own ``.git/config`` (the strongest level, so a user's
``~/.gitconfig`` is covered too) that change what git prints: the page dates, the status history,
a version's files and the fingerprint stay the same."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

from koppelkansen import inputs
from koppelkansen.gitcommand import git_argv, run_git
from koppelkansen.pages.gitdates import git_history
from koppelkansen.versions.tags import read_blobs

#: Each setting changes git's output when a call does not fix it.
HOSTILE_CONFIG = [
    ("diff.noprefix", "true"),
    ("diff.mnemonicPrefix", "true"),
    ("color.ui", "always"),
    ("color.diff", "always"),
    ("log.showRoot", "false"),
    ("log.decorate", "full"),
    ("log.abbrevCommit", "true"),
    ("diff.relative", "true"),
    ("diff.renames", "copies"),
    ("core.quotepath", "true"),
    ("core.autocrlf", "true"),
    ("i18n.logOutputEncoding", "ISO-8859-1"),
    ("status.showUntrackedFiles", "no"),
    ("log.showSignature", "true"),
    ("diff.orderFile", "/bestaat-niet"),  # git stopped: "failed to read orderfile"
    ("core.bigFileThreshold", "1"),  # every file "binary": no status lines in the patch
    ("diff.external", "/bin/false"),
    ("diff.srcPrefix", "x/"),  # git 2.45 and later
    ("diff.dstPrefix", "y/"),
]


def _git(cwd: Path, *args: str, when: str = "1700000000") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_dates_statuses_versions_and_fingerprint_ignore_the_git_configuration(tmp_path):
    repo = tmp_path
    docs = repo / "docs"
    (docs / "plannen").mkdir(parents=True)
    first = docs / "plannen" / "één plan.md"  # a name git would quote
    first.write_text("---\ntitle: Eén\nstatus: idee\n---\n\nTekst.\n", encoding="utf-8")
    (docs / "index.md").write_text("---\ntitle: Start\n---\n", encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "eerste", when="1700000000")
    first.write_text("---\ntitle: Eén\nstatus: lopend\n---\n\nTekst.\r\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "tweede", when="1710000000")
    (repo / "mkdocs.yml").write_text("site_name: Test\n", encoding="utf-8")
    clean = git_history(docs)
    assert clean.times == {"index.md": 1700000000, "plannen/één plan.md": 1710000000}
    assert clean.statuses["plannen/één plan.md"] == [(1700000000, "idee"), (1710000000, "lopend")]
    commit = run_git(repo, "rev-parse", "HEAD").stdout.strip()
    blobs = read_blobs(repo, commit, ["docs/plannen/één plan.md"])
    archive = subprocess.run(
        git_argv("archive", "--format=tar", commit), cwd=repo, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = tar.extractfile("docs/plannen/één plan.md")
        assert member is not None
        exported = member.read()
    before = inputs.fingerprint(repo / "mkdocs.yml", ["mkdocs"], environ={})
    (docs / "nieuw.md").write_text("x", encoding="utf-8")  # untracked
    status = run_git(repo, "status", "--porcelain").stdout
    for key, value in HOSTILE_CONFIG:
        _git(repo, "config", key, value)
    hostile = git_history(docs)
    assert hostile.times == clean.times
    assert hostile.statuses == clean.statuses
    assert read_blobs(repo, commit, ["docs/plannen/één plan.md"]) == blobs
    archive = subprocess.run(
        git_argv("archive", "--format=tar", commit), cwd=repo, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = tar.extractfile("docs/plannen/één plan.md")
        assert member is not None and member.read() == exported
    assert run_git(repo, "status", "--porcelain").stdout == status
    (docs / "nieuw.md").unlink()
    after = inputs.fingerprint(repo / "mkdocs.yml", ["mkdocs"], environ={})
    assert before is not None and after is not None
    assert {k: v for k, v in after.items() if k.startswith("git/")} == {
        k: v for k, v in before.items() if k.startswith("git/")
    }


def test_a_page_holding_the_old_record_separator_keeps_every_date(tmp_path):
    """The log's commits were split at \\x1e, which a page may hold: its lines then looked like
    a commit of their own and the pages after it lost their dates."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("---\ntitle: A\n---\n\nscheiding \x1e 1234\n\x1e99\n", "utf-8")
    (docs / "b.md").write_text("---\ntitle: B\nstatus: idee\n---\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "een", when="1700000000")
    history = git_history(docs)
    assert history.times == {"a.md": 1700000000, "b.md": 1700000000}
    assert history.statuses == {"b.md": [(1700000000, "idee")]}


def test_an_attribute_that_calls_pages_binary_hides_no_status(tmp_path):
    """A contribution may add a .gitattributes ("*.md binary", "-diff"): git then prints
    "Binary files differ" instead of the front matter's lines, and the status history was lost.
    An image beside the pages keeps its date and its bytes stay out of the text."""
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "plan.md"
    page.write_text("---\ntitle: Plan\nstatus: idee\n---\n", encoding="utf-8")
    (docs / "kaart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "een", when="1700000000")
    page.write_text("---\ntitle: Plan\nstatus: lopend\n---\n", encoding="utf-8")
    _git(tmp_path, "commit", "-q", "-am", "twee", when="1710000000")
    clean = git_history(docs)
    assert clean.statuses == {"plan.md": [(1700000000, "idee"), (1710000000, "lopend")]}
    assert clean.times == {"plan.md": 1710000000, "kaart.png": 1700000000}
    for where, rule in ((tmp_path, "*.md binary\n"), (docs, "*.md -diff -text\n")):
        (where / ".gitattributes").write_text(rule, encoding="utf-8")
        _git(tmp_path, "add", "-A")
        _git(tmp_path, "commit", "-q", "-m", "binair", when="1720000000")
        hostile = git_history(docs)
        assert hostile.statuses == clean.statuses
        assert hostile.times["plan.md"] == 1710000000
        assert hostile.times["kaart.png"] == 1700000000
