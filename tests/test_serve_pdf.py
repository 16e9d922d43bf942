"""`make serve-pdf`: the live preview re-typesets the bundle after a page is saved (real Typst)."""

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


def test_an_edit_reaches_the_pdf_and_the_server_stops_cleanly(tmp_path: Path) -> None:
    corpus = make_corpus(
        tmp_path / "corpus", 3, page_type="pagina", plugin_options={"pdf_bundle_types": ["pagina"]}
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
        proc = server.proc
    assert proc is not None and proc.returncode is not None  # stopped
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log
