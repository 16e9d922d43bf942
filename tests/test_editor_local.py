"""The local editor (`make schrijven`, issues 29 and 31): the guarded editor server, the live
preview's editor page, what the form refuses, what may be published from docs/, and the editor
itself driven in Chromium against a real `koppelkansen.editor.local` (guard + decap-server's git
mode + mkdocs serve) in a scratch checkout."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import make_site_project, run_build

from koppelkansen.check.content import check_page_html
from koppelkansen.cli import main as cli_main
from koppelkansen.editor import local
from koppelkansen.editor.config import CALENDAR_DATE, ROUND_TRIP
from koppelkansen.pages import yamlstrict
from koppelkansen.pages.activefiles import active_document

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cr3t-" + "x" * 40
GIT_ID = {
    "GIT_AUTHOR_NAME": "Auteur",
    "GIT_AUTHOR_EMAIL": "auteur@example.org",
    "GIT_COMMITTER_NAME": "Auteur",
    "GIT_COMMITTER_EMAIL": "auteur@example.org",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ID},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _checkout(target: Path, *, site: bool = False) -> Path:
    """A git checkout with its own docs/ (committed), node_modules beside it as `make node`
    leaves it, and a hostile `.env` that decap-server would read (ORIGIN=*, MODE=fs)."""
    target.mkdir(parents=True)
    if site:
        shutil.copytree(ROOT / "docs", target / "docs")
        shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
        (target / "overrides").symlink_to(ROOT / "overrides", target_is_directory=True)
    else:
        (target / "docs" / "assets" / "afbeeldingen").mkdir(parents=True)
        (target / "docs" / "index.md").write_text("# Start\n", encoding="utf-8")
    (target / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    (target / "Makefile").write_text("help:\n\t@echo help\n", encoding="utf-8")
    (target / ".gitignore").write_text("/node_modules\n/site/\n/.cache/\n", encoding="utf-8")
    (target / ".env").write_text("ORIGIN=*\nMODE=fs\nPORT=1\n", encoding="utf-8")
    _git(target, "init", "-q", "-b", "main")
    _git(target, "config", "user.name", "Auteur")
    _git(target, "config", "user.email", "auteur@example.org")
    _git(target, "add", "-A")
    _git(target, "commit", "-qm", "start")
    return target


def _wait_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gestopt met code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"niets op poort {port}")


# --- the guard ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guard(tmp_path_factory):
    """The editor server as `make schrijven` starts it (clean environment, empty working folder),
    against a scratch checkout; yields (port, checkout)."""
    checkout = _checkout(tmp_path_factory.mktemp("guard") / "kopie")
    outside = tmp_path_factory.mktemp("buiten")
    (checkout / "docs" / "link").symlink_to(checkout / ".git", target_is_directory=True)
    (checkout / "docs" / "naar-buiten").symlink_to(outside, target_is_directory=True)
    _git(checkout, "add", "-A")  # links from a pull request: committed
    _git(checkout, "commit", "-qm", "links")
    port = _free_port()
    os.environ["ORIGIN"] = "*"  # from the author's shell: must not reach the guard either
    try:
        process = local.start_guard(
            checkout,
            port=port,
            secret=SECRET,
            origins=["http://127.0.0.1:8000"],
            workdir=tmp_path_factory.mktemp("werk"),
        )
    finally:
        del os.environ["ORIGIN"]
    try:
        _wait_port(port, process)
        yield port, checkout, outside
    finally:
        process.terminate()
        process.wait(timeout=10)


def _post(port: int, body: dict, *, path: str | None = None, host: str | None = None,
          origin: str | None = "http://127.0.0.1:8000") -> tuple[int, dict]:  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Content-Type": "application/json", "Host": host or f"127.0.0.1:{port}"}
    if origin is not None:
        headers["Origin"] = origin
    conn.request("POST", path or f"/api/v1/{SECRET}", json.dumps(body), headers)
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer.status, json.loads(data or b"{}")


def _persist(path: str, raw: str = "---\ntitle: x\n---\n", slug: str = "x") -> dict:
    return {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"slug": slug, "path": path, "raw": raw}],
            "assets": [],
            "options": {
                "collectionName": "pagina",
                "commitMessage": "x",
                "useWorkflow": True,
                "status": "draft",
            },
        },
    }


def _media(path: str) -> dict:
    return {
        "action": "persistMedia",
        "params": {
            "branch": "main",
            "asset": {
                "path": path,
                "content": "IyEvYmluL3NoCmVjaG8gcHduZWQK",
                "encoding": "base64",
            },
            "options": {"commitMessage": "x"},
        },
    }


def test_the_editor_server_answers_the_editor_page_in_git_mode(guard):
    port, checkout, _ = guard
    status, info = _post(port, {"action": "info"})
    assert status == 200
    assert info["type"] == "local_git" and "editorial_workflow" in info["publish_modes"]
    # A draft is a commit on a cms/... branch with exactly that file; main is untouched.
    status, _ = _post(port, _persist("docs/nieuw.md", slug="nieuw"))
    assert status == 200
    assert "cms/pagina/nieuw" in _git(checkout, "branch", "--list", "cms/*")
    changed = _git(checkout, "diff", "--name-only", "main", "cms/pagina/nieuw").split()
    assert changed == ["docs/nieuw.md"]
    assert not (checkout / "docs" / "nieuw.md").exists()


@pytest.mark.parametrize(
    "kind,request_",
    [
        ("foreign Host (DNS rebinding)", {"host": "aanvaller.example:{port}"}),
        ("Host on another port", {"host": "127.0.0.1:1"}),
        ("foreign Origin", {"origin": "http://127.0.0.1:9999"}),
        ("another site's Origin", {"origin": "https://aanvaller.example"}),
        ("opaque Origin", {"origin": "null"}),
        ("no Origin", {"origin": None}),
        ("no secret", {"path": "/api/v1"}),
        ("wrong secret", {"path": "/api/v1/" + "y" * 47}),
        ("secret prefix", {"path": f"/api/v1/{SECRET[:-1]}"}),
        # Fresh spellings (issue 31 item 1, second pass).
        ("Host in capitals", {"host": "LOCALHOST:{port}"}),
        ("Host with a trailing dot", {"host": "127.0.0.1.:{port}"}),
        ("IPv6 loopback Host", {"host": "[::1]:{port}"}),
        ("Host without port", {"host": "127.0.0.1"}),
        ("short loopback Host", {"host": "127.1:{port}"}),
        ("numeric loopback Host", {"host": "2130706433:{port}"}),
        ("Host with user part", {"host": "127.0.0.1:{port}@aanvaller.example"}),
        ("Host port with a zero", {"host": "127.0.0.1:0{port}"}),
        ("Origin with a slash", {"origin": "http://127.0.0.1:8000/"}),
        ("Origin in capitals", {"origin": "HTTP://127.0.0.1:8000"}),
        ("Origin as a subdomain", {"origin": "http://127.0.0.1:8000.aanvaller.example"}),
        ("IPv6 Origin", {"origin": "http://[::1]:8000"}),
        ("secret with a slash", {"path": f"/api/v1/{SECRET}/"}),
        ("double slash", {"path": f"/api/v1//{SECRET}"}),
        ("path in capitals", {"path": f"/API/v1/{SECRET}"}),
        ("encoded dots", {"path": f"/api/v1/%2e%2e/api/v1/{SECRET}"}),
        ("encoded slash", {"path": f"/api/v1/{SECRET}%2F.."}),
        ("dot segment", {"path": f"/api/v1/./{SECRET}"}),
    ],
)
def test_the_guard_refuses_requests_not_from_the_editor_page(guard, kind, request_):
    port, checkout, _ = guard
    options = {k: (v.format(port=port) if isinstance(v, str) else v) for k, v in request_.items()}
    before = _git(checkout, "rev-parse", "HEAD")
    status, answer = _post(port, _media("docs/assets/afbeeldingen/x.png"), **options)
    assert status in (403, 421), (kind, status)
    assert "error" in answer
    assert not (checkout / "docs" / "assets" / "afbeeldingen" / "x.png").exists()
    assert _git(checkout, "rev-parse", "HEAD") == before


@pytest.mark.parametrize(
    "path",
    [
        "GNUmakefile",
        "Makefile",
        ".git/hooks/post-checkout",
        ".github/workflows/pwn.yml",
        ".env",
        "docs/../Makefile",
        "docs/../.git/hooks/pre-commit",
        "docs/link/hooks/post-checkout.md",  # a link inside docs/ to .git/
        "docs/naar-buiten/x.md",  # a link inside docs/ to a folder outside the checkout
        "docs/.verborgen/x.md",
        "docs/hulp.html",
        "docs/assets/afbeeldingen/x.sh",
        "/etc/x.md",
        "docs\\..\\GNUmakefile",
        "docs/%2e%2e/../Makefile",
        "docs/x.md\u0000.png",
        "DOCS/../Makefile",
        "docs/assets/afbeeldingen/x.svg.html",
        "docs/hulp.xhtml",
    ],
)
def test_the_guard_writes_only_pages_and_media_below_docs(guard, path):
    port, checkout, outside = guard
    before = _git(checkout, "rev-parse", "HEAD")
    for body in (_persist(path), _media(path)):
        status, answer = _post(port, body)
        assert status == 403, (path, body["action"], answer)
        assert answer["error"].startswith("geweigerd: ")
    status, _ = _post(
        port,
        {
            "action": "deleteFile",
            "params": {"branch": "main", "path": path, "options": {"commitMessage": "x"}},
        },
    )
    assert status == 403
    assert (checkout / "Makefile").read_text(encoding="utf-8") == "help:\n\t@echo help\n"
    assert not (checkout / "GNUmakefile").exists()
    assert not (checkout / ".git" / "hooks" / "post-checkout").exists()
    assert not (checkout / ".git" / "hooks" / "post-checkout.md").exists()
    assert list(outside.iterdir()) == []
    assert _git(checkout, "rev-parse", "HEAD") == before


def _upload(name: str, data: bytes) -> dict:
    import base64

    body = _media(f"docs/assets/afbeeldingen/{name}")
    body["params"]["asset"]["content"] = base64.b64encode(data).decode()
    return body


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
SVG = b"<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'>"


@pytest.mark.parametrize(
    "name,data",
    [
        ("kaart.svg", SVG + b"<script>fetch('/admin/config.yml')</script></svg>"),
        ("kaart.svg", SVG.replace(b">", b" onload='alert(1)'>", 1) + b"</svg>"),
        ("kaart.svg", SVG + b"<foreignObject><p>x</p></foreignObject></svg>"),
        ("kaart.svg", SVG + b"<a href='javascript:alert(1)'><text>x</text></a></svg>"),
        ("kaart.svg", SVG + b"<image href='data:image/svg+xml;base64,PHN2Zz4='/></svg>"),
        (
            "kaart.svg",
            b"<!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>" + SVG + b"</svg>",
        ),
        ("kaart.svg", b"<html><script>1</script></html>"),
        ("kaart.png", b"<html><script>alert(1)</script></html>"),
        ("foto.jpg", PNG),
        ("stuk.pdf", b"<script>1</script>"),
    ],
)
def test_the_guard_judges_an_upload_by_its_content(guard, name, data):
    """An image with script in it (or that is not the image its name says) is refused at the
    upload, with the reason in Dutch; the build would refuse it later, the editor says it now."""
    port, checkout, _ = guard
    before = _git(checkout, "rev-parse", "HEAD")
    status, answer = _post(port, _upload(name, data))
    assert status == 403 and answer["error"].startswith("geweigerd: "), answer
    assert _git(checkout, "rev-parse", "HEAD") == before


def test_the_guard_accepts_real_images_and_only_the_editors_actions(guard):
    port, checkout, _ = guard
    for name, data in (("punt.png", PNG), ("punt.svg", SVG + b"<rect width='1'/></svg>")):
        status, answer = _post(port, _upload(name, data))
        assert status == 200, answer
        assert f"docs/assets/afbeeldingen/{name}" in _git(checkout, "ls-tree", "-r", "main")
    for body in ({"action": "getConfig"}, {"action": "deleteBranch", "params": {}}, {}):
        status, answer = _post(port, body)
        assert status == 403 and "onbekende actie" in answer["error"], (body, answer)


def test_the_guard_answers_a_huge_or_broken_body_briefly(guard):
    port, _, _ = guard
    for payload, expected in ((b"{" + b" " * (51 * 1024 * 1024) + b"}", 413), (b"{kapot", 400)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json", "Host": f"127.0.0.1:{port}",
                   "Origin": "http://127.0.0.1:8000"}  # fmt: skip
        conn.request("POST", f"/api/v1/{SECRET}", payload, headers)
        answer = conn.getresponse()
        text = answer.read().decode()
        conn.close()
        assert answer.status == expected, (answer.status, text)
        assert "error" in json.loads(text) and "at " not in text and "node_modules" not in text


def test_nothing_in_the_checkout_or_the_shell_configures_the_editor_server(tmp_path, monkeypatch):
    """The guard's environment is made here: not the author's NODE_OPTIONS, ORIGIN or MODE,
    and its working folder is not the checkout (decap-server's dotenv reads `.env` from there)."""
    monkeypatch.setenv("NODE_OPTIONS", "--require /tmp/pwn.js")
    monkeypatch.setenv("ORIGIN", "*")
    monkeypatch.setenv("MODE", "fs")
    checkout = _checkout(tmp_path / "kopie")
    env = local.guard_env(checkout, port=1, secret=SECRET, origins=["http://127.0.0.1:8000"])
    assert {"NODE_OPTIONS", "ORIGIN", "MODE", "PORT"}.isdisjoint(env)
    assert env["KK_SECRET"] == SECRET and env["GIT_REPO_DIRECTORY"] == str(checkout)


def test_make_schrijven_refuses_a_checkout_with_changes_that_git_does_not_hold(tmp_path):
    checkout = _checkout(tmp_path / "kopie")
    (checkout / "docs" / "half.md").write_text("# Half af\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "koppelkansen.editor.local", "--site-port", "1"],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "docs/half.md" in result.stderr and "git stash" in result.stderr
    assert "Traceback" not in result.stderr


# --- the live preview's editor page ---------------------------------------------------------------


def test_the_live_preview_leaves_the_editor_alone_and_answers_its_own_host(tmp_path):
    from mkdocs.livereload import LiveReloadServer

    from koppelkansen.adapter.livepreview import LivePreview, keep_answering, loopback_hosts

    editor = b'<html><head><meta name="kk-editor" content="1"></head><body>E</body></html>'
    site = b"<html><body>S</body></html>"
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    keep_answering(server)
    try:
        # No live-reload script in the editor's page: a rebuild reloads no editor tab.
        assert server._inject_js_into_html(editor, 1) == editor
        assert b"livereload" in server._inject_js_into_html(site, 1)
        server.server_bind()
        port = server.server_address[1]
        assert loopback_hosts(server) == {f"127.0.0.1:{port}", f"localhost:{port}"}
    finally:
        server.server_close()

    def serve(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [editor if "/admin/" in environ["PATH_INFO"] else site]

    preview = LivePreview()
    preview.error = ["docs/a.md:3:1: fout: <kapot>"]
    app = preview.app(serve, "/plannen/", lambda: loopback_hosts(server))

    def get(path: str, host: str | None = None) -> tuple[str, bytes]:
        answer: dict = {}
        environ = {"PATH_INFO": path, "HTTP_HOST": f"127.0.0.1:{port}" if host is None else host}
        body = b"".join(app(environ, lambda s, h, e=None: answer.update(status=s)))
        return answer["status"], body

    # A failed build: the banner in the site's pages, never in the editor's.
    status, page = get("/plannen/")
    assert status == "200 OK" and b"koppelkansen-bouwfout" in page
    status, page = get("/plannen/admin/")
    assert status == "200 OK" and page == editor
    status, body = get("/plannen/admin/bouwstatus.json")
    assert json.loads(body) == {"fouten": ["docs/a.md:3:1: fout: <kapot>"]}
    preview.error = None
    assert json.loads(get("/plannen/admin/bouwstatus.json")[1]) == {"fouten": []}
    # Only its own address: another name for 127.0.0.1 cannot read the editor's configuration.
    assert get("/plannen/admin/", host=f"localhost:{port}")[0] == "200 OK"
    assert get("/plannen/admin/", host=f"aanvaller.example:{port}")[0].startswith("421")
    assert get("/plannen/admin/", host="127.0.0.1:1")[0].startswith("421")
    assert get("/plannen/", host="")[0].startswith("421")


# --- what the form refuses ------------------------------------------------------------------------


def _js_matches(pattern: str, values: list[str]) -> list[bool]:
    """The pattern as Decap runs it: ``RegExp(pattern).test(value)`` in Node."""
    script = "const [p, v] = JSON.parse(process.argv[1]); console.log(JSON.stringify(v.map(x => new RegExp(p).test(x))))"
    out = subprocess.run(
        ["node", "-e", script, json.dumps([pattern, values])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def test_the_date_field_accepts_exactly_the_dates_of_the_calendar():
    import datetime

    values, real = [], []
    for year in (1900, 2000, 2018, 2019, 2020, 2100):
        for month in range(0, 14):
            values.append(f"{year}-{month:02d}")
            real.append(1 <= month <= 12)
            for day in range(0, 33):
                values.append(f"{year}-{month:02d}-{day:02d}")
                try:
                    datetime.date(year, month, day)
                    real.append(True)
                except ValueError:
                    real.append(False)
    values += ["2018", "18", "2018-1-5", "2018-31-10", "2018-10-31 ", "zomer 2018"]
    real += [True, False, False, False, False, False]
    assert _js_matches(CALENDAR_DATE, values) == real


#: Values an author may type, and whether the strict reader reads them back as the same text when
#: they are written without quotes, as Decap's YAML writer writes them.
ROUND_TRIP_CASES = [
    "Off",
    "off",
    "ON",
    "Yes",
    "no",
    "y",
    "N",
    "12:30",
    "1:02:03",
    "1_000",
    "0b101",
    "0x1F",
    "0o17",
    "017",
    "+12:30",
    "Titel\u0085met NEL",
    "Regel\u2028einde",
    "Alinea\u2029einde",
    "tab\tin",
    "Ontwerpatelier Zuidas één",
    "Off-sessie",
    "om 12:30",
    "Sessie 1",
    "R&D – Waternet",
    "2019",
]


def _reads_back(value: str) -> bool:
    result = yamlstrict.load(f"title: {value}\n")
    if result.errors or result.data is None:
        return False
    return result.data.get("title") == value


def test_the_form_refuses_exactly_the_text_that_would_not_read_back():
    accepted = _js_matches(ROUND_TRIP, ROUND_TRIP_CASES)
    for value, ok in zip(ROUND_TRIP_CASES, accepted, strict=True):
        if ok:
            # What the form lets through, written plain, reads back as the same text (numbers
            # such as 2019 are quoted by Decap's writer, which knows YAML 1.2's numbers).
            assert _reads_back(value) or re.fullmatch(r"[0-9]+", value), value
        else:
            assert not _reads_back(value), f"{value!r} is onnodig geweigerd"
    assert accepted.count(False) >= 15


# --- what may be published from docs/ -------------------------------------------------------------

ACTIVE = {
    "hulp.html": b"<p>Hulp</p><script>fetch('/admin/')</script>",
    "hulp.htm": b"<script>1</script>",
    "hulp.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>1</script></html>',
    "data.xml": b"<?xml version='1.0'?><x/>",
    "stijl.xsl": b"<xsl:stylesheet/>",
    "kaart.svgz": b"\x1f\x8b\x08\x00",
    "notities.txt": b"\n  <!DOCTYPE html><script>1</script>",
    "export.dat": b"\xef\xbb\xbf<HTML><BODY onload=x()>",
    "zonder-extensie": b"<script>alert(1)</script>",
    "utf16.txt": "<html><script>1</script>".encode("utf-16"),
    "kaart.png": b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>",
}
PASSIVE = {
    "notities.txt": b"Een tekst met <b> erin, niet aan het begin.",
    "data.json": b'{"a": "<script>"}',
    "tabel.csv": b"naam,waarde\n<a>,1\n",
    "figuur.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1'/></svg>",
    "foto.png": b"\x89PNG\r\n\x1a\n",
}


@pytest.mark.parametrize("name", sorted(ACTIVE))
def test_a_document_that_would_run_on_the_site_is_refused(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(ACTIVE[name])
    message = active_document(path)
    assert message is not None and "niet gepubliceerd" in message


@pytest.mark.parametrize("name", sorted(PASSIVE))
def test_passive_files_are_published_as_they_are(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(PASSIVE[name])
    assert active_document(path) is None


def test_an_html_file_in_docs_stops_the_check_and_the_build(tmp_path, capsys):
    """`make check` and the build name the file, in Dutch, with the fix; nothing is published."""
    docs = tmp_path / "kopie" / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "hulp.html").write_bytes(ACTIVE["hulp.html"])
    (docs / "assets" / "export.dat").write_bytes(ACTIVE["export.dat"])
    (docs / ".verborgen.html").write_bytes(ACTIVE["hulp.html"])  # not published: not refused
    assert cli_main(["check", str(docs)]) == 1
    shown = capsys.readouterr().out.splitlines()
    assert [line.split(":", 1)[0].rsplit("/", 1)[-1] for line in shown] == [
        "export.dat",
        "hulp.html",
    ], shown
    assert shown[1].endswith(
        "hulp.html:1:1: fout: een .html-bestand zou op de site een eigen webpagina worden, die "
        "script kan uitvoeren naast de editor (/admin/); zulke bestanden worden niet "
        "gepubliceerd. Schrijf de inhoud als pagina (een .md-bestand in docs/), of haal het "
        "bestand weg; een voorbeeld van HTML of XML zet je in een pagina in een codeblok (```html)"
    )
    assert "export.dat:1:1: fout: dit bestand begint als HTML of XML ('<HTML')" in shown[0]
    config = make_site_project(tmp_path / "site-project", {"hulp.htm": ACTIVE["hulp.htm"].decode()})
    result = run_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/hulp.htm:1:1: fout: een .htm-bestand zou op de site" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "url,line",
    [
        ("http://127.0.0.1:8000/plannen/casussen/", 3),
        ("HTTPS://LOCALHOST/x", 3),
        ("//127.1/x", 3),
        ("http://[::1]:8000/", 3),
        ("http://2130706433/", 3),
        ("http://0.0.0.0:8000/", 3),
        ("http://editor.localhost/", 3),
        ("docs/casussen/haven-stad/index.md", 3),
        ("./docs/assets/afbeeldingen/kaart.png", 3),
    ],
)
def test_links_to_the_own_computer_and_to_docs_paths_are_refused_at_their_line(url, line, tmp_path):
    source = f"# Titel\n\nZie [de sessie]({url}).\n"
    html = f'<h1>Titel</h1>\n<p>Zie <a href="{url}">de sessie</a>.</p>'
    problems = check_page_html(html, "casussen/x/", tmp_path / "x.md", source)
    assert [(p.line, "eigen computer" in p.message or "begint met docs/" in p.message)
            for p in problems] == [(line, True)]  # fmt: skip
    image = f'<p><img alt="kaart" src="{url}"></p>'
    problems = check_page_html(image, "casussen/x/", tmp_path / "x.md", f"![kaart]({url})\n")
    assert len(problems) == 1 and problems[0].line == 1


def test_ordinary_links_stay_allowed(tmp_path):
    html = (
        '<p><a href="https://www.waternet.nl/">W</a> <a href="../sessie/">S</a> '
        '<a href="https://example.org/docs/x">D</a> <img alt="k" src="../assets/k.png"></p>'
    )
    assert check_page_html(html, "casussen/x/", tmp_path / "x.md", "") == []


# --- the editor itself, in Chromium ---------------------------------------------------------------

EDITOR = pytest.mark.xdist_group("editor")


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    # Decap's list, not the options of the "Invoegen" bar's lists (page titles).
    page.get_by_text(option, exact=True).and_(page.locator(":not(option)")).last.click()


def _retype(page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


@EDITOR
def test_the_local_editor_keeps_work_and_agrees_with_the_build(browser, tmp_path):
    """`koppelkansen.editor.local` in a scratch checkout, as `make schrijven` runs it; one editor
    load per tab. The promises of issue 29 item 4 and issue 31 items 1 and 5, each asserted."""
    checkout = _checkout(tmp_path / "kopie", site=True)
    site_port, editor_port = _free_port(), _free_port()
    log = (tmp_path / "schrijven.log").open("w", encoding="utf-8")  # mkdocs' lines: no full pipe
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "koppelkansen.editor.local",
            "--site-port",
            str(site_port),
            "--editor-port",
            str(editor_port),
        ],
        cwd=checkout,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    shots = os.environ.get("KOPPELKANSEN_SCREENSHOTS")
    try:
        # The address is the last thing printed, in Dutch, once both servers answer.
        assert process.stdout is not None
        printed = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and printed[-1:] != ["Stoppen: Ctrl+C.\n"]:
            printed.append(process.stdout.readline())
        base = f"http://127.0.0.1:{site_port}/plannen/admin/"
        assert printed[-3:] == [
            f"De editor staat klaar: {base}\n",
            f"De site ernaast: http://127.0.0.1:{site_port}/plannen/\n",
            "Stoppen: Ctrl+C.\n",
        ], printed
        config = yaml.safe_load(
            http_get(f"{base}config.yml", f"127.0.0.1:{site_port}")
        )  # fmt: skip
        assert config["publish_mode"] == "editorial_workflow"
        secret_url = config["local_backend"]["url"]
        assert secret_url.startswith(f"http://127.0.0.1:{editor_port}/api/v1/")
        assert len(secret_url.rsplit("/", 1)[1]) >= 40

        context = browser.new_context(
            viewport={"width": 1280, "height": 800},
            permissions=["clipboard-read", "clipboard-write"],
        )
        other = context.new_page()  # another tab with unsaved text
        other.set_default_timeout(15_000)
        other.goto(base + "#/collections/plan/entries/haven-stad")
        other.get_by_role("button", name="Inloggen").click()
        other.get_by_label(re.compile(r"^Samenvatting")).click()
        other.keyboard.press("End")
        other.keyboard.insert_text(" Nog niet bewaard.")
        other.evaluate("window.kkZelfdeTab = 1")

        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(base + "#/collections/sessie/new", wait_until="load")  # signed in: same browser
        page.get_by_label("Titel", exact=True).wait_for()
        form_violations = _axe(page)  # the new-page form
        # An empty new form says nothing about saved changes.
        assert not page.get_by_text("Wijzigingen opgeslagen", exact=True).is_visible()
        if shots:
            page.screenshot(path=f"{shots}/editor-lokaal-nieuwe-sessie-1280.png")
        # The form refuses what the build refuses: a title that YAML reads as "off", a date
        # that is not in the calendar.
        _retype(page, "Titel", "Off")
        _choose(page, "Casusgebied", "Haven-Stad")
        _choose(page, "Soort sessie", "Ontwerpatelier")
        _choose(page, "Leerronde", "Leerronde 2019: ontwerpateliers")
        _retype(page, "Datum", "2018-31-10")
        page.get_by_role("button", name="Opslaan").click()
        page.get_by_text("de site leest dit niet als tekst", exact=False).wait_for()
        page.get_by_text("schrijf een bestaande datum", exact=False).wait_for()
        assert _git(checkout, "branch", "--list", "cms/*") == ""
        _retype(page, "Titel", "Ontwerpatelier Zuidas één")
        _retype(page, "Datum", "2019-03")
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_url("**/entries/haven-stad/ontwerpatelier-zuidas-een")
        # A draft: a cms/... branch with exactly the new page, main untouched.
        branch = "cms/sessie/haven-stad/ontwerpatelier-zuidas-een"
        assert _git(checkout, "diff", "--name-only", "main", branch).split() == [
            "docs/casussen/haven-stad/ontwerpatelier-zuidas-een.md"
        ]
        text = _git(
            checkout, "show", f"{branch}:docs/casussen/haven-stad/ontwerpatelier-zuidas-een.md"
        )
        assert text.startswith("---\ntitle: Ontwerpatelier Zuidas één\ntype: sessie\n"), text
        # A build problem: a notice with the file and line, above the editor, covering nothing.
        broken = checkout / "docs" / "programma.md"
        original = broken.read_text(encoding="utf-8")
        broken.write_text(original.replace("status:", "status: [kapot", 1), encoding="utf-8")
        # The page's title comes from the last good build's list; while a rebuild is writing it
        # the notice names the file only and asks again at the next poll (preview.js).
        notice = page.locator(
            "#kk-bouwstatus:not([hidden])", has_text="Pagina \u2018Overkoepelend plan\u2019"
        )
        notice.wait_for(timeout=60_000)
        # In the editor's terms: the page by its title, the line, the fix; no terminal command.
        assert notice.locator("li").all_inner_texts() == [
            "Pagina \u2018Overkoepelend plan\u2019 (docs/programma.md), regel 5: een lijst of "
            "object tussen [ ] of { } wordt niet goed gesloten; controleer haakjes en komma's"
        ]
        assert "make" not in notice.inner_text()
        box = notice.bounding_box()
        toolbar = page.locator('[class*="-ToolbarContainer"]').first.bounding_box()
        assert box is not None and toolbar is not None
        assert box["y"] + box["height"] <= toolbar["y"] + 0.5  # nothing of Decap under it
        assert page.get_by_role("button", name="Opslaan").is_visible()
        assert page.locator("#koppelkansen-bouwfout").count() == 0  # no banner in /admin/
        if shots:
            page.screenshot(path=f"{shots}/editor-lokaal-bouwfout-1280.png")
        broken.write_text(original, encoding="utf-8")
        page.locator("#kk-bouwstatus[hidden]").wait_for(state="attached", timeout=60_000)
        # The other tab was not reloaded by the saves and rebuilds: its text is still there.
        assert other.evaluate("window.kkZelfdeTab") == 1
        assert "Nog niet bewaard." in other.get_by_label(re.compile(r"^Samenvatting")).input_value()
        # A link to another page and an image, chosen from lists, with paths from the page's
        # own folder: the build resolves them (docs/...), the preview shows the image.
        other.locator("[data-slate-editor]").get_by_text("afgesproken").first.click()
        other.get_by_label("Link naar een pagina invoegen").select_option(label="Sessie Havenstad")
        other.locator("[data-slate-editor]").get_by_text(
            "(../../casussen/haven-stad/sessie.md)", exact=False
        ).wait_for()
        other.get_by_label("Afbeelding invoegen").select_option(label="editor-bewerk-link.png")
        other.locator("[data-slate-editor]").get_by_text("Beschrijf hier", exact=False).wait_for()
        raw = other.locator("[data-slate-editor]").inner_text()
        link = "[Sessie Havenstad](../../casussen/haven-stad/sessie.md)"
        image = (
            "![Beschrijf hier wat de afbeelding laat zien]"
            "(../../assets/afbeeldingen/editor-bewerk-link.png)"
        )
        assert link in raw and image in raw, raw
        plan_folder = checkout / "docs" / "casussen" / "haven-stad"
        for path in ("../../casussen/haven-stad/sessie.md", image.split("(")[1].rstrip(")")):
            assert (plan_folder / path).resolve().is_file(), path
        preview_image = other.frame_locator("iframe").locator("img").first
        preview_image.wait_for()
        deadline = time.monotonic() + 10
        while preview_image.evaluate("i => i.naturalWidth") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert preview_image.evaluate("i => i.naturalWidth") > 0
        if shots:
            other.locator("#kk-invoegen").scroll_into_view_if_needed()
            other.screenshot(path=f"{shots}/editor-lokaal-invoegen-1280.png")
        # Ready, then published: the draft's branch is merged into main and removed.
        page.get_by_role("button", name="Status: Concept").click()
        page.get_by_text("Klaar", exact=True).last.click()
        page.get_by_role("button", name="Status: Klaar").wait_for()
        assert _git(checkout, "config", f"branch.{branch}.description").strip() == (
            "decap-cms/pending_publish"
        )
        page.on("dialog", lambda dialog: dialog.accept())  # "Weet u zeker dat u ... publiceren?"
        page.get_by_role("button", name="Publiceer", exact=True).click()
        page.get_by_text("Publiceer nu", exact=True).click()
        published = checkout / "docs" / "casussen" / "haven-stad" / "ontwerpatelier-zuidas-een.md"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (
            not published.exists() or _git(checkout, "branch", "--list", "cms/*")
        ):
            time.sleep(0.1)
        assert published.read_text(encoding="utf-8") == text
        assert _git(checkout, "branch", "--list", "cms/*") == ""
        # A one-word edit of a real page changes that one line in git, nothing in its front
        # matter (a description longer than 80 characters, lists: Decap's own writer folded and
        # rewrote them, +11/-4).
        # Through the list of plans, as an author goes (one load of Decap for the whole tab):
        # Decap keeps an entry's form when the address changes straight to another entry.
        page.goto(base + "#/collections/plan")
        page.get_by_role("link", name="Amstelstad", exact=True).click()
        page.wait_for_url("**/collections/plan/entries/amstelstad")
        words = "Amstelstad is een van die gebieden."
        line = page.locator("[data-slate-editor]").get_by_text(words, exact=False)
        line.click()
        # The cursor at the end of that line (a key such as End is not reliable in Slate).
        line.evaluate(
            "el => { const t = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);"
            " let n, last; while ((n = t.nextNode())) last = n;"
            " getSelection().collapse(last, last.length); }"
        )
        page.wait_for_function("() => getSelection().anchorOffset > 0")
        page.keyboard.press("Backspace")
        page.keyboard.insert_text(" in de stad.")
        page.get_by_role("button", name="Opslaan").click()
        page.get_by_role("button", name="Status: Concept").wait_for()
        numstat = _git(checkout, "diff", "--numstat", "main", "cms/plan/amstelstad")
        assert numstat == "1\t1\tdocs/casussen/amstelstad/projectplan.md\n", numstat
        diff = _git(checkout, "diff", "main", "cms/plan/amstelstad")
        assert "\n+te leren. Amstelstad is een van die gebieden in de stad.\n" in diff, diff
        # Decap's "Kopieer pad" copies the repository path (docs/assets/...); pasted into a
        # page it becomes the path from the page's folder, which the build accepts.
        page.goto(base + "#/collections/sessie")
        page.get_by_role("button", name="Media").click()
        page.get_by_text("editor-bewerk-link.png", exact=True).first.click()
        page.get_by_role("button", name="Kopieer pad").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == "docs/assets/afbeeldingen/editor-bewerk-link.png"
        other.bring_to_front()
        # Not "afgesproken" again: the link and the image went into that word (a click lands in
        # the middle of its line), so the word is no longer whole.
        other.locator("[data-slate-editor]").get_by_text(
            "Het plan beschrijft de activiteiten", exact=False
        ).first.click()
        other.keyboard.press("Control+V")
        pasted = "../../assets/afbeeldingen/editor-bewerk-link.png"
        box = other.locator("[data-slate-editor]")
        deadline = time.monotonic() + 10
        while box.inner_text().count(pasted) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert box.inner_text().count(pasted) == 2 and "docs/assets" not in box.inner_text()
        # The published session is on its case page and the timeline of the live preview.
        for path in ("casussen/haven-stad/", "overzichten/tijdlijn/"):
            deadline = time.monotonic() + 60
            shown = ""
            while "Ontwerpatelier Zuidas één" not in shown and time.monotonic() < deadline:
                shown = http_get(
                    f"http://127.0.0.1:{site_port}/plannen/{path}", f"127.0.0.1:{site_port}"
                )
            assert "Ontwerpatelier Zuidas één" in shown, path
        # "Bewerk deze pagina" opens the page in this editor.
        plan_page = http_get(
            f"http://127.0.0.1:{site_port}/plannen/casussen/haven-stad/projectplan/",
            f"127.0.0.1:{site_port}",
        )
        assert re.search(
            r'href="[./]*admin/#/collections/plan/entries/haven-stad" class="kk-edit-link"',
            plan_page,
        ), plan_page[:200]
        context.close()
    finally:
        process.terminate()
        process.communicate(timeout=15)  # also closes the pipe
        log.close()
    assert form_violations == [], form_violations
    assert process.returncode in (0, -15, 1)
    assert "Traceback" not in (tmp_path / "schrijven.log").read_text(encoding="utf-8")
    assert not list(checkout.glob("docs/**/*.html"))


def _axe(page) -> list[str]:
    """WCAG 2.1 A and AA violations (rule ids), once Decap's label transitions are done."""
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    return sorted(
        page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
            "'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}).then(r => r.violations"
            ".map(v => v.id + ' ' + JSON.stringify(v.nodes.map(n => n.target))))"
        )
    )


def http_get(url: str, host: str) -> str:
    scheme_less = url.split("://", 1)[1]
    address, path = scheme_less.split("/", 1)
    name, port = address.split(":")
    conn = http.client.HTTPConnection(name, int(port), timeout=20)
    conn.request("GET", "/" + path, headers={"Host": host})
    answer = conn.getresponse()
    body = answer.read().decode("utf-8")
    conn.close()
    assert answer.status == 200, (answer.status, body)
    return body
