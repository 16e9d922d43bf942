"""The link checker on hand-made sites: HTML links, srcset, CSS url(), PDF link annotations, and
the external-link fetcher against a real local HTTP server (retries, HEAD fallback, cache, rate)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfWriter
from pypdf.annotations import Link as PdfLink
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

import koppelkansen.check.links as linkcheck_module
from koppelkansen.check.links import (
    ExternalChecker,
    check_internal,
    external_links,
    main,
    scan_site,
)

SITE_URL = "https://example.org/plannen/"


def page(body: str, canonical: str | None = None) -> str:
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<!doctype html><html><head>{head}<link rel="preconnect" href="https://fonts.example">'
        f'</head><body><header><a href="./">Home</a></header><article>{body}</article></body></html>'
    )


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


@pytest.fixture
def site(tmp_path):
    return write(
        tmp_path / "site",
        {
            "index.html": page(
                '<h2 id="doel">Doel</h2><a href="over/">ok</a> <a href="over/#team">anker</a>'
                ' <a href="#doel">hier</a> <a href="mailto:a@b.nl">mail</a> <a href="#">top</a>'
                ' <a href="https://www.waternet.nl/#x">extern</a>',
                canonical=SITE_URL,
            ),
            "over/index.html": page(
                '<h2 id="team">Team</h2><a name="oud"></a>'
                '<img src="../img/a.png" srcset="../img/a.png 1x, ../img/b.png 2x" alt="">'
                ' <a href="../weg/">weg</a> <a href="../#nergens">anker weg</a>'
                ' <a href="#oud">naam</a> <a href="/plannen/over/">root ok</a>'
                ' <a href="/elders/">root fout</a>'
                f' <a href="{SITE_URL}over/#team">eigen adres</a>'
                f' <a href="{SITE_URL}niet-er/">eigen adres weg</a>'
                ' <a href="https://www.waternet.nl/">extern</a>'
            ),
            "img/a.png": b"png",
            "assets/site.css": "body { background: url('../img/a.png') } .x { background: url(data:image/png;base64,AA==) }\n"
            '.y { background: url("../img/c.png") }\n',
        },
    )


def test_internal_links_files_anchors_srcset_and_css(site, tmp_path):
    docs = write(tmp_path / "docs", {"index.md": "", "over.md": ""})
    index = scan_site(site)
    assert index.site_url == SITE_URL and index.pages == 2
    broken, checked = check_internal(index, docs)
    found = {(b.link.page, b.link.url, b.reason, b.source) for b in broken}
    src = (docs / "over.md").as_posix()
    assert found == {
        ("over/index.html", "../img/b.png", "bestand bestaat niet: img/b.png", src),
        ("over/index.html", "../weg/", "bestand bestaat niet: weg/index.html", src),
        ("over/index.html", "../#nergens", "anker '#nergens' bestaat niet in index.html", src),
        (
            "over/index.html",
            "/elders/",
            "begint met '/' maar de site staat onder '/plannen/'; gebruik een relatieve link",
            src,
        ),
        ("over/index.html", f"{SITE_URL}niet-er/", "bestand bestaat niet: niet-er/index.html", src),
        ("assets/site.css", "../img/c.png", "bestand bestaat niet: img/c.png", None),
    }
    assert checked == 18  # the canonical <link> is an internal link too
    assert list(external_links(index)) == ["https://www.waternet.nl/"]
    message = next(b for b in broken if b.link.url == "../weg/").format("site")
    assert message.startswith("site/over/index.html:1: fout: kapotte link '../weg/' (href)")
    assert message.endswith(f"; bron: {src}")


def test_theme_links_are_named_as_theme(tmp_path):
    site = write(
        tmp_path / "site", {"index.html": page("").replace('href="./"', 'href="weg.html"')}
    )
    broken, _ = check_internal(scan_site(site), tmp_path)
    assert [b.format("site") for b in broken] == [
        "site/index.html:1: fout: kapotte link 'weg.html' (href): bestand bestaat niet: weg.html; "
        "de link komt uit het thema (overrides/ of mkdocs.yml), niet uit een Markdown-bestand"
    ]


def make_pdf(path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_blank_page(200, 200)
    writer.add_named_destination("inleiding", 0)
    links = [
        f"{SITE_URL}over/#team",
        f"{SITE_URL}over/#weg",
        "https://www.alliander.com/",
        "../index.html",
    ]
    for n, url in enumerate(links):
        writer.add_annotation(1, PdfLink(rect=(10, 10 + 20 * n, 100, 25 + 20 * n), url=url))
    writer.add_annotation(0, PdfLink(rect=(10, 150, 100, 165), target_page_index=1))
    for n, name in enumerate(("inleiding", "slot")):
        annot = PdfLink(rect=(10, 100 + 20 * n, 100, 115 + 20 * n), target_page_index=0)
        annot[NameObject("/Dest")] = TextStringObject(name)
        writer.add_annotation(0, annot)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): TextStringObject("slot")}
    )
    annot = PdfLink(rect=(10, 60, 100, 75), target_page_index=0)
    del annot["/Dest"]
    annot[NameObject("/A")] = action
    writer.add_annotation(0, annot)
    with path.open("wb") as out:
        writer.write(out)


def test_broken_links_inside_pdfs_are_reported_with_their_page(site):
    (site / "downloads").mkdir()
    make_pdf(site / "downloads" / "plannen.pdf")
    index = scan_site(site)
    assert index.pdfs == 1 and index.pdf_dests["downloads/plannen.pdf"] == {"inleiding"}
    broken, _ = check_internal(index)
    pdf = sorted(b.format("site") for b in broken if b.link.page.endswith(".pdf"))
    assert pdf == [
        "site/downloads/plannen.pdf:pagina 1: fout: kapotte link '#slot' (pdf): "
        "bestemming '#slot' bestaat niet in downloads/plannen.pdf",
        "site/downloads/plannen.pdf:pagina 1: fout: kapotte link '#slot' (pdf): "
        "bestemming '#slot' bestaat niet in downloads/plannen.pdf",
        f"site/downloads/plannen.pdf:pagina 2: fout: kapotte link '{SITE_URL}over/#weg' (pdf): "
        "anker '#weg' bestaat niet in over/index.html",
    ]
    assert "https://www.alliander.com/" in external_links(index)


def test_link_check_command_exits_1_on_broken_links_and_2_outside_a_site(site, capsys):
    assert main([str(site)]) == 1
    out, err = capsys.readouterr()
    assert "extern (niet opgehaald): https://www.waternet.nl/  ← index.html en 1 meer" in out
    assert "6 kapot." in err
    assert main([str(site / "img")]) == 2


# --- external links --------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}
    times: ClassVar[list[float]] = []

    def log_message(self, format, *args):
        pass

    def _answer(self, head: bool) -> None:
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        Handler.times.append(time.monotonic())
        status = {"/ok": 200, "/weg": 404}.get(self.path, 200)
        if self.path == "/wankel" and Handler.hits[self.path] == 1:
            status = 503
        if self.path == "/geen-head" and head:
            status = 405
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(True)

    def do_GET(self):
        self._answer(False)


@pytest.fixture
def server():
    Handler.hits, Handler.times = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class FakeClock:
    """Stands in for the checker's clock: time moves only when the checker sleeps, so the rate
    limit is checked on the times it chose, not on how busy the machine was."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slots: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def test_external_retries_fallback_cache_and_rate_limit(server, tmp_path, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(linkcheck_module, "time", clock)
    original_wait = ExternalChecker._wait_for

    def wait_and_record(self, host):
        original_wait(self, host)
        clock.slots.append(self._last[host])

    monkeypatch.setattr(ExternalChecker, "_wait_for", wait_and_record)
    cache = tmp_path / "cache.json"
    urls = [f"{server}/ok", f"{server}/weg", f"{server}/wankel", f"{server}/geen-head"]
    checker = ExternalChecker(cache_file=cache, timeout=5, retries=2, min_interval=0.2, backoff=0)
    results = {r.url.rsplit("/", 1)[1]: r for r in checker.check(urls)}
    assert {k: (r.ok, r.status) for k, r in results.items()} == {
        "ok": (True, 200),
        "weg": (False, 404),
        "wankel": (True, 200),
        "geen-head": (True, 200),
    }
    assert Handler.hits["/wankel"] == 2  # retried after the 503
    # Six requests reached the server: urllib3 retried the 503 at once, the other five each
    # waited for their own slot, 0.2 s apart on the checker's clock.
    assert len(Handler.times) == 6
    assert len(clock.slots) == 5
    gaps = [b - a for a, b in zip(clock.slots, clock.slots[1:], strict=False)]
    assert all(gap >= 0.2 - 1e-9 for gap in gaps), gaps
    # Second run: good answers come from the cache, the broken one is fetched again.
    Handler.hits = {}
    again = ExternalChecker(cache_file=cache, min_interval=0, backoff=0).check(urls)
    assert [r.cached for r in again] == [True, False, True, True]
    assert Handler.hits == {"/weg": 1}


def test_unreachable_host_is_reported(tmp_path):
    checker = ExternalChecker(timeout=2, retries=0, min_interval=0)
    [result] = checker.check(["http://127.0.0.1:9/"])
    assert not result.ok and result.detail.startswith("niet bereikbaar")


@pytest.mark.parametrize(
    ("srcset", "urls"),
    [
        ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
        ("a.png 1x,https://elders.example/b.png", ["a.png", "https://elders.example/b.png"]),
        ("a,b.png 1x", ["a,b.png"]),  # a comma inside a URL is part of it
        ("a.png,, b.png", ["a.png", "b.png"]),  # trailing commas end a candidate
        (" a.png (x, y) 1x , c.png", ["a.png", "c.png"]),  # no split inside parentheses
        ("data:image/png;base64,AAA 1x", ["data:image/png;base64,AAA"]),
        ("", []),
    ],
)
def test_srcset_is_split_as_the_html_standard_splits_it(srcset, urls):
    # One parser for the page check, the link check and the converter (pages/urls.py): every URL
    # a browser would load is seen, also one after a descriptor and a comma without a space.
    from koppelkansen.pages.urls import srcset_urls

    assert srcset_urls(srcset) == urls


def test_the_page_check_sees_a_remote_image_after_a_srcset_descriptor(tmp_path):
    from koppelkansen.check.content import check_page_html

    source = tmp_path / "pagina.md"
    text = '# Pagina\n\n<img alt="x" src="a.png" srcset="a.png 1x,https://elders.example/b.png">\n'
    source.write_text(text, encoding="utf-8")
    html = '<h1>Pagina</h1><img alt="x" src="a.png" srcset="a.png 1x,https://elders.example/b.png">'
    problems = check_page_html(html, "pagina/", source, text)
    assert [p.line for p in problems] == [3]
    assert "elders.example" in problems[0].message
