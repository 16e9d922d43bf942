"""When each file last changed, from git: one ``git log`` for the whole docs folder.

Asking git once per page (as mkdocs-git-revision-date-localized-plugin does, in a process pool)
costs a process start per page; on 1,000 pages that was about 10 s of a 33 s build on 2 cores.
One ``git log -p -U0`` walks the history once and names every file of every commit, newest
first, so the first time a file appears is its last change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from koppelkansen.gitcommand import GIT_MISSING, run_git

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: Between two commits of the log: a NUL, which no line of a text diff holds (git shows a file
#: with a NUL as binary, without lines), so no page's content can fake a commit.
_RECORD = "\x00"
_HUNK = re.compile(r"^@@ -\S+ \+(\d+)")
_STATUS = re.compile(r"^status:[ \t]*['\"]?([a-z-]+)['\"]?[ \t]*$")
#: A ``status:`` line further down than this is not front matter.
_FRONT_MATTER_LINES = 40


@dataclass
class GitHistory:
    """What one walk of ``git log`` over the docs folder tells about each file."""

    #: Unix time of the last commit touching each file, by path relative to the folder.
    times: dict[str, int] = field(default_factory=dict)
    #: Front-matter ``status`` values each Markdown file had, oldest first: (commit time, status).
    statuses: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    #: False when git gave nothing (no work tree, git missing, nothing committed).
    available: bool = False


def git_history(folder: Path) -> GitHistory:
    """``git log -p -U0`` of ``folder``: last change per file and each page's status changes.

    The patch is read only for Markdown files and only for lines ``status: ...`` at the start of a
    line in the first lines of the file (the front matter), so a body line cannot fake a change.
    Uncommitted changes do not count: the date is that of the last commit.
    """
    common = (
        "log",
        "--format=%x00%ct",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--no-renames",
        "--relative",
    )
    # Two walks, each file in one of them: the pages with --text, so that an attribute ("*.md
    # binary" or "-diff" in a .gitattributes, which a contribution may add) cannot hide their
    # status lines; every other file without it, so that an image's bytes (NUL among them, the
    # record separator) never come into the text.
    results = [
        run_git(folder, *common, "--text", "--", "*.md"),
        run_git(folder, *common, "--", ".", ":(exclude)*.md"),
    ]
    if any(result.returncode == GIT_MISSING for result in results):
        log.info("git ontbreekt: geen wijzigingsdatums uit git")
        return GitHistory()
    if any(result.returncode != 0 for result in results):
        return GitHistory()
    history = GitHistory(available=True)
    found = history.times
    newest_first: dict[str, list[tuple[int, str]]] = {}
    for record in (part for result in results for part in result.stdout.split(_RECORD)[1:]):
        lines = record.split("\n")
        if not lines or not lines[0].strip().isdigit():
            continue
        when = int(lines[0])
        name = ""
        new_line = 0
        for line in lines[1:]:
            if line.startswith("diff --git a/"):
                # "diff --git a/NAME b/NAME" (renames are off, so both names are the same).
                rest = line[len("diff --git a/") :]
                name = rest[: (len(rest) - 3) // 2]
                new_line = 0
                if name and name not in found:
                    found[name] = when
            elif line.startswith("@@ "):
                hunk = _HUNK.match(line)
                new_line = int(hunk.group(1)) if hunk else 0
            elif line.startswith("+") and name.endswith(".md"):
                status = _STATUS.match(line[1:])
                if status and 0 < new_line <= _FRONT_MATTER_LINES:
                    newest_first.setdefault(name, []).append((when, status.group(1)))
                new_line += 1
    for name, changes in newest_first.items():
        history.statuses[name] = changes[::-1]
    return history


def last_changes(folder: Path) -> dict[str, int]:
    """Unix time of the last commit touching each file below ``folder``, by path relative to it.

    Empty when ``folder`` is not in a git work tree, git is missing, or nothing is committed.
    """
    return git_history(folder).times


def iso_date(timestamp: int) -> str:
    """The UTC calendar day of a Unix time, as ``JJJJ-MM-DD``."""
    return datetime.fromtimestamp(timestamp, tz=UTC).date().isoformat()
