"""`make serve-pdf`: the live preview re-typesets the bundle after a page is saved (real Typst),
and a save with broken YAML leaves it answering, with the last good site and the Dutch error on
top of every page (issue 24, item 5; one serve process for both, to keep the suite fast)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench.corpus import make_corpus
from scripts.bench.serve import Server

BUNDLE = "downloads/koppelkansen-projectplannen.pdf"
BANNER = 'id="koppelkansen-bouwfout"'


def _pdf_text(port: int, prefix: str, tmp_path: Path) -> str:
    url = f"http://127.0.0.1:{port}{prefix}{BUNDLE}"  # mkdocs serve serves under site_url's path
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            data = response.read()
    except OSError:
        return ""
    pdf = tmp_path / "served.pdf"
    pdf.write_bytes(data)
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    return done.stdout


def _get(url: str) -> str:
    # A short limit: the preview must answer at once, not only after the error is fixed.
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(server: Server, text: str, after: int, timeout: float = 120) -> bool:
    """Whether a log line holding ``text`` comes after the first ``after`` lines."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in line for _, line in server.lines[after:]):
            return True
        if server.proc is not None and server.proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def _broken_save_keeps_answering(server: Server, page: Path, url: str) -> None:
    good = page.read_text(encoding="utf-8")
    assert BANNER not in _get(url)
    seen = len(server.lines)
    page.write_text(good.replace("type: pagina", "type: [pagina", 1), encoding="utf-8")
    assert _wait_for(server, f"{page.name}:", seen), server.lines[seen:]  # the Dutch error
    deadline = time.monotonic() + 60
    shown = _get(url)  # held only while the build runs, never until the error is fixed
    while BANNER not in shown and time.monotonic() < deadline:
        time.sleep(0.1)
        shown = _get(url)
    # The Dutch error with the page and its line, as text; below it the last good page.
    assert BANNER in shown
    assert f"{page.parent.name}/{page.name}:" in shown and "fout:" in shown, shown[:3000]
    assert "De laatste wijziging is niet gebouwd" in shown
    assert "<h1" in shown.split(BANNER, 1)[1]
    seen = len(server.lines)
    page.write_text(good.replace("\n\n# ", "\n\nKwallenwoord.\n\n# ", 1), encoding="utf-8")
    assert _wait_for(server, "Reloading browsers", seen), server.lines[seen:]
    # A rebuild the broken save started late (the watcher can see one save as two changes) may
    # still fail after this line; the next one holds the fix. The page must become fresh.
    deadline = time.monotonic() + 30
    again = _get(url)
    while (BANNER in again or "Kwallenwoord" not in again) and time.monotonic() < deadline:
        time.sleep(0.1)
        again = _get(url)
    assert BANNER not in again and "Kwallenwoord" in again, server.lines[seen:]


def test_an_edit_reaches_the_pdf_and_the_server_stops_cleanly(tmp_path: Path) -> None:
    # Parts of one chapter, which `make site` would join: the live preview typesets the bundle
    # as one document in its warm compiler (no join on every save; typeset.Typesetter._in_parts).
    corpus = make_corpus(
        tmp_path / "corpus",
        3,
        page_type="pagina",
        plugin_options={"pdf_bundle_types": ["pagina"], "pdf_part_chapters": 1},
    )
    site_url = yaml.safe_load(corpus.config_file.read_text(encoding="utf-8"))["site_url"]
    prefix = urlsplit(site_url).path
    with Server(corpus.config_file, tmp_path / "serve.log") as server:
        assert server.wait_for_pdf(0, 300) is not None, (tmp_path / "serve.log").read_text()
        assert server.wait_until_serving(300), (tmp_path / "serve.log").read_text()
        m = server.edit_and_wait(corpus.pages[1], "Zeeslangenwoord", 300)
        assert m.ok, (tmp_path / "serve.log").read_text()
        deadline = time.monotonic() + 120  # generous: only that it comes, never how fast
        text = ""
        while "Zeeslangenwoord" not in text and time.monotonic() < deadline:
            time.sleep(0.5)
            text = _pdf_text(server.port, prefix, tmp_path)
        assert "Zeeslangenwoord" in text
        assert len(server.bundle_lines()) == 2  # typeset twice, by the live compiler
        assert not [line for _, line in server.lines if " gezet" in line and "deel " in line]
        page = corpus.pages[0]
        url = f"http://127.0.0.1:{server.port}{prefix}{page.parent.name}/{page.stem}/"
        _broken_save_keeps_answering(server, page, url)
        proc = server.proc
    assert proc is not None and proc.returncode is not None  # stopped
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log


def test_the_preview_polls_docs_sooner_than_the_theme(tmp_path):
    """Against the installed MkDocs and watchdog: the docs/ watcher looks every 0.1 s, a theme
    folder keeps MkDocs' 0.5 s, also for an emitter that is already running."""
    from mkdocs.livereload import LiveReloadServer

    from koppelkansen.adapter.livepreview import DOCS_POLL, poll_docs_sooner

    docs, theme = tmp_path / "docs", tmp_path / "theme"
    docs.mkdir()
    theme.mkdir()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(docs))
    server.watch(str(theme))
    server.observer.start()
    try:
        poll_docs_sooner(server, str(docs))
        intervals = {Path(e.watch.path).name: e.timeout for e in server.observer.emitters}
        assert intervals == {"docs": DOCS_POLL, "theme": 0.5}
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()


def test_a_build_that_ends_while_a_page_is_answered_does_not_break_the_answer():
    """The build thread clears the error (a good build) while a request is being answered: the
    answer is the page with the error it started with, never a server error."""
    from koppelkansen.adapter.livepreview import LivePreview

    preview = LivePreview()
    preview.error = ["docs/a.md:1:1: fout: <kapot>"]

    def serve(environ, start_response):
        preview.error = None  # the good build ends now, on the build thread
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", "27")])
        return [b"<html><body><h1>A</h1></body></html>"]

    answered = {}
    body = preview.app(serve)({}, lambda status, headers: answered.update(status=status))
    page = b"".join(body).decode()
    assert answered["status"] == "200 OK"
    assert BANNER in page and "&lt;kapot&gt;" in page and page.index(BANNER) < page.index("<h1>")
