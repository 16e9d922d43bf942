"""Problems found in author input, and how they are printed."""

from __future__ import annotations

import errno
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def shown(text: str, limit: int | None = None) -> str:
    """A value from input as a message may show it: on one line, every control character written
    as Python writes it in a string (``\\n``, ``\\t``, ``\\x1b``), and at most ``limit``
    characters (the last one then "…"). The one escaper for messages: nothing an author, a branch
    name or a file name holds can start a new line or move the terminal's cursor."""
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if limit is not None and len(line) > limit:
        return line[: limit - 1] + "…"
    return line


def notice(log: logging.Logger, message: str) -> None:
    """A warning an author sees (``WARNING -`` in the build's log) that does not stop a build:
    ``mkdocs.yml`` says ``strict: true``, and the generator counts every warning of its loggers
    to fail the build. The record goes to every handler of ``log`` and its parents except that
    counter (the generator's ``CountHandler``); without any handler it is printed on stderr."""
    record = log.makeRecord(log.name, logging.WARNING, __file__, 0, message, (), None)
    shown = False
    logger: logging.Logger | None = log
    while logger is not None:
        for handler in logger.handlers:
            if type(handler).__name__ != "CountHandler" and record.levelno >= handler.level:
                handler.handle(record)
                shown = True
        logger = logger.parent if logger.propagate else None
    if not shown:
        print(f"WARNING -  {message}", file=sys.stderr)


@dataclass(frozen=True, order=True)
class Problem:
    """One error in one file, with a 1-based line and column and a Dutch message."""

    path: Path
    line: int
    col: int
    message: str

    def display_path(self, base: Path | None = None) -> str:
        """The path relative to ``base`` (default: the working directory) when it lies below it."""
        base = (base or Path.cwd()).resolve()
        # The folder resolved, the name kept: a symlink is named as itself, not as its target.
        path = self.path.absolute().parent.resolve() / self.path.name
        try:
            path_text = path.relative_to(base).as_posix()
        except ValueError:
            path_text = os.path.relpath(path, base)
        # A name with a newline or tab stays on one line: ``map/plan\\n.md``.
        return shown(path_text)

    def format(self, base: Path | None = None) -> str:
        return f"{self.display_path(base)}:{self.line}:{self.col}: fout: {self.message}"

    def format_github(self, base: Path | None = None, title: str = "Front matter") -> str:
        """The problem as a GitHub Actions annotation: one line, every value escaped as data."""
        return github_annotation(self.display_path(base), self.line, self.col, title, self.message)


#: Which annotations a build prints beside its log (``koppelkansen build --annotations github``).
ANNOTATIONS_ENV = "KOPPELKANSEN_ANNOTATIONS"


def github_annotation(path: str, line: int, col: int, title: str, message: str) -> str:
    """``::error file=...,line=...,col=...,title=...::message``. GitHub's workflow commands need
    %, CR and LF escaped in the message, and also : and , in the properties; the message is then
    one line of data that GitHub shows and never reads as a command."""

    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return esc(text).replace(",", "%2C").replace(":", "%3A")

    return (
        f"::error file={prop(path)},line={max(line, 1)},col={max(col, 1)},"
        f"title={prop(title)}::{esc(message)}"
    )


def summary(problems: list[Problem], checked: int | None) -> str:
    if not problems:
        pages = "pagina" if checked == 1 else "pagina's"
        return f"Front matter in orde: {checked} {pages} gecontroleerd, geen fouten."
    files = len({p.path for p in problems})
    fouten = "fout" if len(problems) == 1 else "fouten"
    bestanden = "bestand" if files == 1 else "bestanden"
    return (
        f"{len(problems)} {fouten} in {files} {bestanden}; los ze op en draai 'make check' opnieuw."
    )


_OS_REASONS = {
    errno.ENOSPC: "de schijf is vol; maak ruimte vrij",
    errno.EDQUOT: "het schijfquotum is op; maak ruimte vrij",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.EACCES: "geen toestemming (alleen-lezen?); maak het schrijfbaar",
    errno.EPERM: "dit mag niet (vergrendeld met chattr +i?); maak het schrijfbaar",
}


def os_error_reason(exc: OSError) -> str:
    """What a failed file operation means, in Dutch (the system's text for rare cases)."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class BuildStopped(Exception):
    """The build stops with this Dutch message; the problems behind it are already reported.

    Raised by the stages for a problem an author or the machine can fix, never for a bug; the
    generator's adapter turns it into the generator's own way of stopping."""


class SourceFinder:
    """Finds the line of an offending snippet in a Markdown source (1 when it cannot), so that a
    message points at the line an author wrote: the page check's, and the PDF's for a Typst
    error."""

    def __init__(self, source_text: str) -> None:
        self.lower = source_text.lower()
        #: Per needle: its lines found so far, where to search on, the line and offset reached.
        self._scans: dict[str, list[Any]] = {}

    def find(self, *needles: str) -> int | None:
        """The line of the first needle found (case-insensitive), or None."""
        for needle in needles:
            if needle:
                index = self.lower.find(needle.lower())
                if index >= 0:
                    return self.lower.count("\n", 0, index) + 1
        return None

    def line(self, *needles: str) -> int:
        return self.find(*needles) or 1

    def nth_line(self, nth: int, *needles: str) -> int:
        """The line of the ``nth`` (0-based) occurrence of the first needle found, so that the
        same snippet twice on a page points at two lines; the last occurrence when there are
        fewer, 1 when none is found. The text is searched once per needle and only as far as
        asked, so a page with thousands of one element costs no more than one pass."""
        for needle in needles:
            if not needle:
                continue
            lower = needle.lower()
            scan = self._scans.get(lower)
            if scan is None:
                scan = self._scans[lower] = [[], 0, 1, 0]  # lines, next start, line, counted
            lines, start, line, counted = scan
            while len(lines) <= nth and start >= 0:
                index = self.lower.find(lower, start)
                if index < 0:
                    start = -1
                    break
                line += self.lower.count("\n", counted, index)
                lines.append(line)
                start, counted = index + len(lower), index
            scan[1:] = [start, line, counted]
            if lines:
                return lines[min(nth, len(lines) - 1)]
        return 1
