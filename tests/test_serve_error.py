"""`make serve` after a save with broken YAML (issue 24, item 5): the preview keeps answering, with
the last good site and the Dutch error on top of every page; a fixed page is served fresh."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench.corpus import make_corpus
from scripts.bench.serve import free_port

BANNER = 'id="koppelkansen-bouwfout"'


class _Log:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._proc = proc
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.lines.append(line.rstrip())

    def close(self) -> None:
        self._thread.join(timeout=15)
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def wait_for(self, text: str, after: int, timeout: float = 120) -> bool:
        """Whether a line holding ``text`` comes after the first ``after`` lines (in time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines[after:]):
                return True
            if self._proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False


def _get(url: str) -> str:
    # A short limit: the preview must answer at once, not after the error is fixed.
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def test_a_broken_save_leaves_the_preview_answering_with_the_error(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 1, page_type="pagina")
    page = corpus.pages[0]
    good = page.read_text(encoding="utf-8")
    prefix = urlsplit(yaml.safe_load(corpus.config_file.read_text(encoding="utf-8"))["site_url"])
    port = free_port()
    url = f"http://127.0.0.1:{port}{prefix.path}{page.parent.name}/{page.stem}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KOPPELKANSEN_PDF", None)  # make serve: no PDFs
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--config-file",
            str(corpus.config_file),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=corpus.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log = _Log(proc)
    try:
        assert log.wait_for("Serving on", 0), "\n".join(log.lines)
        first = _get(url)
        assert BANNER not in first

        time.sleep(0.6)  # the watcher's first snapshot (it polls every 0.5 s)
        seen = len(log.lines)
        page.write_text(good.replace("type: pagina", "type: [pagina", 1), encoding="utf-8")
        assert log.wait_for(f"{page.name}:", seen), "\n".join(log.lines)  # the Dutch error
        time.sleep(0.3)  # the end of the failed build
        shown = _get(url)
        assert BANNER in shown
        # The Dutch error with the page and its line, as text; below it the last good page.
        assert f"{page.parent.name}/{page.name}:" in shown and "fout:" in shown, shown[:3000]
        assert "De laatste wijziging is niet gebouwd" in shown
        assert shown.split(BANNER, 1)[1].count("<h1") >= 1

        time.sleep(0.6)
        seen = len(log.lines)
        fresh = good.replace("\n\n# ", "\n\nZeeslangenwoord.\n\n# ", 1)
        page.write_text(fresh, encoding="utf-8")
        assert log.wait_for("Reloading browsers", seen), "\n".join(log.lines)
        again = _get(url)
        assert BANNER not in again and "Zeeslangenwoord" in again
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    assert "Traceback" not in "\n".join(log.lines)
