"""Every git call of the package, with output that does not depend on anyone's git configuration.

Git reads its configuration from the system, the user (``~/.gitconfig``) and the repository
(``.git/config``); settings there change what git prints: ``diff.noprefix`` drops the ``a/`` of
``diff --git a/…`` (every page lost its date), ``color.diff=always`` puts escape codes around
lines, ``log.showSignature`` adds lines to every commit, ``log.showRoot=false`` hides the first
commit's files, ``core.quotepath`` quotes names, ``core.autocrlf`` changes what ``git archive``
writes. A ``-c`` option beats every level of configuration (the repository's own too), so each
call names the settings whose output the package reads. ``GIT_CONFIG_GLOBAL=/dev/null`` is not
used: it would remove one level only, and with it the user's ``safe.directory`` that lets git
read a checkout owned by someone else (a container in CI). Replace refs (``git replace``) are
ignored: they are not pushed, so a build elsewhere would not see them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

#: The return code run_git gives when there is no git program.
GIT_MISSING = 127

#: The settings that shape what the package reads from git, each fixed to git's default.
CONFIG = (
    "core.quotepath=off",
    "core.autocrlf=false",
    "core.safecrlf=false",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.renames=false",
    "diff.suppressBlankEmpty=false",
    "diff.orderFile=/dev/null",  # a missing order file stops git ("failed to read orderfile")
    "diff.srcPrefix=a/",  # git 2.45 and later; older versions ignore it
    "diff.dstPrefix=b/",
    "core.bigFileThreshold=512m",  # a file above it is "binary" to diff
    "color.ui=false",
    "color.diff=false",
    "color.status=false",
    "log.showSignature=false",
    "log.showRoot=true",
    "log.decorate=false",
    "log.abbrevCommit=false",
    "log.follow=false",
    "i18n.logOutputEncoding=UTF-8",
    "status.showUntrackedFiles=normal",
    "status.renames=false",
)


def git_argv(*args: str) -> list[str]:
    """The command line of ``git <args>`` with the fixed settings (for a call that reads bytes)."""
    options = [part for setting in CONFIG for part in ("-c", setting)]
    return ["git", "--no-replace-objects", *options, *args]


def run_git(
    cwd: Path, *args: str, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``git <args>`` in ``cwd`` as text (UTF-8, paths unquoted); never raises. Every git call of
    the package that reads text goes through here."""
    try:
        return subprocess.run(
            git_argv(*args),
            cwd=cwd,
            input=input_text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except FileNotFoundError:
        return subprocess.CompletedProcess(["git", *args], GIT_MISSING, "", "git ontbreekt")
