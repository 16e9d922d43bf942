"""``make serve-pdf`` under the benchmark (and the live-preview test): start ``mkdocs serve`` with
the PDFs, save an edit, and wait until the plugin logs that the bundle was typeset again.

The refresh is timed from the save to that log line; CPU is the serve process's user + sys over
the same span (the compile runs in it: the live compiler is kept alive there).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import psutil

from scripts.bench.measure import Measurement, load_average

BUNDLE_LINE = re.compile(r"PDF koppelkansen-projectplannen\.pdf gezet in")
#: ``make serve`` writes the search index after the rebuilt pages are served, and says so
#: (koppelkansen.search.index.INDEX_WRITTEN); each build ends with "Documentation built".
INDEX_LINE = re.compile(r"Zoekindex bijgewerkt: ")
BUILT_LINE = re.compile(r"Documentation built in ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``KOPPELKANSEN_PDF=1 mkdocs serve`` (what ``make serve-pdf`` runs) on a free port; with
    ``pdf=False`` what ``make serve`` runs."""

    def __init__(self, config_file: Path, logfile: Path, *, pdf: bool = True) -> None:
        self.config_file = config_file
        self.pdf = pdf
        self.logfile = logfile
        self.port = free_port()
        self.lines: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self.proc: subprocess.Popen[str] | None = None
        self._index_seen = 0  # index lines before the last edit, and when it was saved
        self._saved = 0.0

    def __enter__(self) -> Server:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        env.pop("KOPPELKANSEN_PDF", None)
        if self.pdf:
            env["KOPPELKANSEN_PDF"] = "1"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--config-file",
                str(self.config_file),
                "--dev-addr",
                f"127.0.0.1:{self.port}",
            ],
            cwd=self.config_file.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        with self.logfile.open("w", encoding="utf-8") as log:
            for line in self.proc.stdout:
                log.write(line)
                log.flush()
                with self._lock:
                    self.lines.append((time.perf_counter(), line.rstrip()))

    def bundle_lines(self) -> list[tuple[float, str]]:
        with self._lock:
            return [(t, line) for t, line in self.lines if BUNDLE_LINE.search(line)]

    def wait_until_serving(self, timeout: float) -> bool:
        """Wait for MkDocs' "Serving on" line: only then does its file watcher (a polling observer
        whose first snapshot is taken when it starts, after the first build) see a save. A save
        made earlier, while the first build still writes pages after the PDF, is never noticed."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                if any("Serving on" in line for _, line in self.lines):
                    return True
            if self.proc is not None and self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def wait_for_pdf(self, seen: int, timeout: float) -> tuple[float, str] | None:
        """The first bundle line after the first ``seen`` ones, or None after ``timeout``."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            found = self.bundle_lines()
            if len(found) > seen:
                return found[seen]
            if self.proc is not None and self.proc.poll() is not None:
                return None
            time.sleep(0.02)
        return None

    def _count(self, pattern: re.Pattern[str]) -> list[float]:
        with self._lock:
            return [t for t, line in self.lines if pattern.search(line)]

    def settle(self, timeout: float) -> None:
        """Until the search index of every build so far is written (it follows the served pages)."""
        deadline = time.perf_counter() + timeout
        while len(self._count(INDEX_LINE)) < len(self._count(BUILT_LINE)):
            if time.perf_counter() > deadline or (self.proc and self.proc.poll() is not None):
                return
            time.sleep(0.02)

    def wait_for_index(self, page: Measurement, timeout: float) -> Measurement:
        """After :meth:`edit_and_wait_page`: from its save until the log says that the rebuild's
        search index is written (the edited page findable by its new words)."""
        deadline = time.perf_counter() + timeout
        while len(self._count(INDEX_LINE)) <= self._index_seen:
            if time.perf_counter() > deadline or (self.proc and self.proc.poll() is not None):
                return replace(page, seconds=timeout, returncode=None, timed_out=True)
            time.sleep(0.02)
        seconds = self._count(INDEX_LINE)[self._index_seen] - self._saved
        return replace(page, seconds=seconds)

    def fetch(self, path: str) -> str:
        """The page the server serves at ``path`` now ("" while it cannot)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=5) as r:
                return str(r.read().decode("utf-8", "replace"))
        except (OSError, urllib.error.URLError):
            return ""

    def edit_and_wait_page(self, page: Path, path: str, word: str, timeout: float) -> Measurement:
        """Put ``word`` into ``page`` (served at ``path``); time until the server serves it."""
        assert self.proc is not None
        time.sleep(1.0)  # let the watcher settle after the previous build
        self.settle(timeout)  # and the previous build's search index
        load = load_average()
        process = psutil.Process(self.proc.pid)
        before = process.cpu_times()
        self._index_seen = len(self._count(INDEX_LINE))
        start = self._saved = time.perf_counter()
        _replace_first_word(page, word)
        deadline = start + timeout
        found = False
        while time.perf_counter() < deadline and self.proc.poll() is None:
            if word in self.fetch(path):
                found = True
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        after = process.cpu_times()
        rss = process.memory_info().rss if self.proc.poll() is None else 0
        return Measurement(
            seconds=seconds if found else timeout,
            peak_bytes=rss,
            returncode=0 if found else None,
            timed_out=not found,
            output="",
            cpu_seconds=(after.user + after.system) - (before.user + before.system),
            max_process_bytes=rss,
            load=load,
        )

    def edit_and_wait(self, page: Path, word: str, timeout: float) -> Measurement:
        """Replace the page's first word after its title with ``word``; time until the bundle is new."""
        assert self.proc is not None
        seen = len(self.bundle_lines())
        time.sleep(1.0)  # let the watcher settle after the previous build
        load = load_average()
        process = psutil.Process(self.proc.pid)
        before = process.cpu_times()
        start = time.perf_counter()
        _replace_first_word(page, word)
        found = self.wait_for_pdf(seen, timeout)
        after = process.cpu_times()
        cpu = (after.user + after.system) - (before.user + before.system)
        rss = process.memory_info().rss
        return Measurement(
            seconds=(found[0] - start) if found else timeout,
            peak_bytes=rss,
            returncode=0 if found else None,
            timed_out=found is None,
            output=found[1] if found else "",
            cpu_seconds=cpu,
            max_process_bytes=rss,
            load=load,
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGINT)  # what Ctrl-C does
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._reader.join(timeout=15)  # the log is read to its end
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _replace_first_word(page: Path, word: str) -> None:
    """The page's first word after its title becomes ``word`` (a one-word edit)."""
    text = page.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n# ")
    title, _, rest = body.partition("\n\n")
    words = rest.split(" ", 1)
    page.write_text(f"{head}\n\n# {title}\n\n{word} {words[1]}", encoding="utf-8")
