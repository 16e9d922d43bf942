"""koppelkansen.adapter.incremental: a rebuild in the same process (``make serve``) renders only the
pages whose Markdown changed, and its result is byte for byte that of a cold build.

The correctness test runs one session of rebuilds of the PDF fixture project (a fork of the warm
build server, tests/buildserver.py, as tests/incremental_builds.py says), and after each single
kind of edit a cold build of the same state in a fresh fork beside it (site and PDFs; the PDF
cache shared, whose own correctness tests/test_pdf_bundle.py proves). The caches reach into
MkDocs' and Material's internals: the tests below pin each one against the installed versions."""

from __future__ import annotations

import gzip
import inspect
import json
import re
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import buildserver
import incremental_builds
import material
import pytest
import yaml
from conftest import ROOT
from pdfproject import make_pdf_project

from koppelkansen.adapter import incremental


def test_the_installed_mkdocs_render_sets_what_the_cache_restores():
    """The cache restores what Page.render assigns; a new MkDocs (or ProperDocs) that assigns
    something else must be looked at before the cache is trusted."""
    assert incremental.assigned_by_render() == incremental.RENDERED_ATTRIBUTES


THEME_TEMPLATES = [
    *(Path(material.__file__).parent / "templates").rglob("*.html"),
    *(ROOT / "overrides").rglob("*.html"),
]
#: Material's templates of plugins this site does not use (the blog, the tags listing): they read
#: a post's content, which no page of this site is.
UNUSED_TEMPLATES = {"partials/post.html", "fragments/tags/default/listing.html"}


def test_templates_read_a_pages_rendering_only_of_the_page_they_render():
    """The template cache keys another page in the navigation without its content, Markdown and
    table of contents (incremental.OWN_ONLY): a template that read them of another page (a
    neighbour's content, a nav item's table of contents) would go stale. Checked against the
    installed Material and overrides/, so a new Material that starts doing so fails here."""
    assert len(THEME_TEMPLATES) > 50
    readers = set()
    for path in THEME_TEMPLATES:
        text = path.read_text(encoding="utf-8")
        if path.as_posix().endswith(tuple(f"/templates/{n}" for n in UNUSED_TEMPLATES)):
            continue
        for name in incremental.OWN_ONLY - {"_content"}:
            readers |= {
                (match, name)
                for match in re.findall(rf"([\w.\]\[\"']+)\.{name}\b", text)
                if match != "config.mdx_configs"
            }
    assert readers == {("page", "content"), ("page", "toc")}


def test_no_template_reads_what_the_template_cache_leaves_out_of_its_key():
    for path in THEME_TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for name in incremental.UNREAD_CONTEXT:
            assert name not in text, path


def test_mkdocs_renders_each_page_template_with_the_context_it_hands_the_cache():
    """The template cache wraps ``template.render(context)`` and leaves out what MkDocs sets per
    page (incremental.PER_RENDER): both as the installed MkDocs (or ProperDocs) does it."""
    from mkdocs.commands import build
    from mkdocs.structure.nav import Section
    from mkdocs.structure.pages import Page

    assert "template.render(context)" in inspect.getsource(build._build_page)
    assert "page.active = True" in inspect.getsource(build._build_page)
    for kind in (Page, Section):
        source = inspect.getsource(kind)
        assert "__active" in source and f"_{kind.__name__}__active" in incremental.PER_RENDER


def test_a_generator_that_differs_from_the_pinned_internals_gets_no_cache(monkeypatch):
    """make site-properdocs runs no tests: the build itself checks the internals and, where one
    differs, renders every page itself (as a cold build)."""
    assert incremental.internals_known()
    monkeypatch.setattr(incremental, "RENDERED_ATTRIBUTES", frozenset({"content"}))
    incremental.internals_known.cache_clear()
    try:
        page = type("FakePage", (), {"render": lambda self, config, files: None})()
        before = page.render
        incremental.cache_render(page, "key")
        assert page.render == before  # not wrapped
    finally:
        monkeypatch.undo()
        incremental.internals_known.cache_clear()
    assert incremental.internals_known()


def test_configuration_values_are_keyed_the_same_in_every_process():
    first = incremental.state_digest({"b": [1, (2, "x")], "a": json.dumps})
    assert first == incremental.state_digest({"a": json.dumps, "b": [1, (2, "x")]})
    assert first != incremental.state_digest({"a": json.loads, "b": [1, (2, "x")]})
    assert first != incremental.state_digest({"a": json.dumps, "b": [1, (2, "y")]})
    with pytest.raises(incremental.Unstable):  # known by its address only: never a key
        incremental.state_digest({"a": object()})


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG of one colour (8-bit RGB), as an author's image replaced by another."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: The search index (koppelkansen/search): Pagefind does not write it byte for byte the same from
#: the same pages (Pagefind/pagefind#638: its filter and metadata indexes, the entry file naming
#: them, and maps inside a page's fragment in any order). Each page's fragment (its text, metadata
#: and filter values) is compared as data instead; the rest of pagefind/ is derived from them.
INDEX = "pagefind/"


def _fragment(data: bytes) -> tuple[str, bytes]:
    """A Pagefind fragment (gzip, a signature, then JSON): its page's URL and sorted JSON."""
    raw = gzip.decompress(data)
    fragment = json.loads(raw[raw.index(b"{") :])
    return fragment["url"], json.dumps(fragment, sort_keys=True).encode("utf-8")


def _tree(site: Path) -> dict[str, bytes]:
    tree = {}
    for path in site.rglob("*"):
        name = path.relative_to(site).as_posix()
        if not path.is_file():
            continue
        if not name.startswith(INDEX):
            tree[name] = path.read_bytes()
        elif name.startswith(f"{INDEX}fragment/"):
            url, fragment = _fragment(path.read_bytes())
            tree[f"{INDEX}fragment: {url}"] = fragment
    return tree


NEW_PAGE = """---
title: Les over samenwerken
type: les
status: concept
round: 2018-plannen
---

# Les over samenwerken

Samen ontwerpen kost tijd en levert meer op.
"""

NAV = """
nav:
  - index.md
  - programma.md
  - Casussen:
      - casussen/amstelstad/index.md
      - casussen/amstelstad/plan.md
      - casussen/haven-stad/index.md
      - casussen/haven-stad/plan.md
      - casussen/9-straatjes/index.md
      - casussen/9-straatjes/plan.md
  - Leerrondes:
      - leerrondes/2018-plannen.md
      - leerrondes/les-over-samenwerken.md
  - downloads.md
"""


def _states(root: Path) -> list[tuple[str, Callable[[], None], str, str]]:
    """One kind of edit per state, each applied to the state before it: (name, edit, a file of the
    built site and a text that shows the edit there)."""
    docs = root / "docs"
    plan = docs / "casussen" / "amstelstad" / "plan.md"
    session = docs / "casussen" / "haven-stad" / "sessie.md"
    meeting = docs / "casussen" / "haven-stad" / "werksessie.md"
    round_page = docs / "leerrondes" / "2018-plannen.md"
    later_round = docs / "leerrondes" / "2019-ontwerpateliers.md"
    vocabulary = docs / "schema" / "vocabulary.yml"
    amstelstad = "casussen/amstelstad/index.html"
    meeting_html = "casussen/haven-stad/werksessie/index.html"
    lesson = docs / "leerrondes" / "les-over-samenwerken.md"
    return [
        (
            "title",
            lambda: _replace(plan, "title: Projectplan Amstelstad", "title: Plan voor Amstelstad"),
            "index.html",
            "Plan voor Amstelstad",
        ),
        (
            "status",
            lambda: _replace(plan, "status: vastgesteld", "status: ter-bespreking"),
            "casussen/amstelstad/plan/index.html",
            "Ter bespreking",
        ),
        (
            "description",
            lambda: _replace(
                docs / "programma.md", "description: Het leerproces", "description: Het leren"
            ),
            "programma/index.html",
            "Het leren tussen",
        ),
        (
            "order",
            lambda: _replace(later_round, "type: leerronde\n", "type: leerronde\norder: 1\n"),
            "index.html",
            "",
        ),
        (
            "round",
            lambda: _replace(session, "round: 2018-plannen", "round: 2019-ontwerpateliers"),
            "leerrondes/2019-ontwerpateliers/index.html",
            "Sessie Havenstad",
        ),
        (
            "organisation",
            lambda: _replace(
                session,
                "organisations: [waternet, alliander/strategie]",
                "organisations: [waternet, gemeente-amsterdam]",
            ),
            "overzichten/organisaties/gemeente-amsterdam/index.html",
            "Sessie Havenstad",
        ),
        (
            "theme",
            lambda: _replace(plan, "themes: [water, energie]", "themes: [water, circulariteit]"),
            "overzichten/koppelkansen-matrix/index.html",
            "Plan voor Amstelstad",
        ),
        (
            "paragraph",
            lambda: _replace(
                round_page, "# Leerronde 2018", "# Leerronde 2018\n\nEen nieuwe alinea."
            ),
            "leerrondes/2018-plannen/index.html",
            "Een nieuwe alinea.",
        ),
        (
            "vocabulary label",
            lambda: _replace(vocabulary, "label: 9 Straatjes", "label: Negen Straatjes"),
            "overzichten/koppelkansen-matrix/index.html",
            "Negen Straatjes",
        ),
        (
            ".meta.yml",
            lambda: (docs / "casussen" / "amstelstad" / ".meta.yml").write_text(
                "case: amstelstad\ndescription: Het gebied langs de Amstel.\n", encoding="utf-8"
            ),
            amstelstad,
            "Het gebied langs de Amstel.",
        ),
        (
            "template",
            lambda: _replace(
                root / "overrides" / "main.html",
                "{% block content %}",
                "{% block content %}<p>Sjabloonregel</p>",
            ),
            amstelstad,
            "Sjabloonregel",
        ),
        (
            "new page",
            lambda: lesson.write_text(NEW_PAGE, encoding="utf-8"),
            "index.html",
            "Les over samenwerken",
        ),
        ("renamed page", lambda: session.rename(meeting), meeting_html, "Sessie Havenstad"),
        (
            "deleted page",
            meeting.unlink,
            "index.html",
            "",
        ),
        (
            "image",
            lambda: (docs / "img" / "kaart.png").write_bytes(_png(160, 90, (200, 30, 30))),
            "img/kaart.png",
            "",
        ),
        (
            "mkdocs.yml nav",
            lambda: (root / "mkdocs.yml").write_text(
                (root / "mkdocs.yml").read_text(encoding="utf-8") + NAV, encoding="utf-8"
            ),
            "index.html",
            "Leerrondes",
        ),
    ]


def _receive(connection, process, what: str) -> dict:
    """The answer of a build in ``process`` (a fork of the build server)."""
    while not connection.poll(1):
        if not process.is_alive():
            raise AssertionError(
                f"{what}: the process ended without an answer ({process.exitcode})"
            )
    answer = connection.recv()
    assert "error" not in answer, f"{what}:\n{answer['error']}"
    return answer


#: The cold builds' own cache folder (``pdf_cache_dir``: the PDFs, their Typst, the versions): a
#: cold build never reads what the session wrote, and runs beside the session's build of the
#: same state instead of after it (two builds may not share one cache folder at a time).
COLD_CACHE = ".cache/koud"


def _cold_config(config: Path) -> Path:
    """The project's configuration as it is now, with the cold builds' own cache folder."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    plugins = [
        {"koppelkansen": {**(entry["koppelkansen"] or {}), "pdf_cache_dir": COLD_CACHE}}
        if isinstance(entry, dict) and "koppelkansen" in entry
        else entry
        for entry in data["plugins"]
    ]
    assert plugins != data["plugins"], data["plugins"]
    cold = config.with_name("mkdocs-koud.yml")
    cold.write_text(yaml.safe_dump({**data, "plugins": plugins}, sort_keys=False), "utf-8")
    return cold


@pytest.mark.xdist_group("incremental-vs-cold")
def test_incremental_builds_equal_cold_builds_after_each_single_kind_of_edit(tmp_path):
    """One project, one session of rebuilds (as ``make serve``), and after each single edit a cold
    build of the same state in a fresh process, with caches of its own (its PDFs typeset by
    itself, not taken from the session's cache): the two sites (pages, search index, PDFs) are
    the same byte for byte. One edit per state, so that no edit's effect hides another's; each
    state's cold site differs from the state before it, so every edit reached the site."""
    config = make_pdf_project(tmp_path)
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["theme"]["custom_dir"] = "overrides"
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    warm_site, cold_site = tmp_path / "site-incrementeel", tmp_path / "site-koud"
    ours, theirs = buildserver.pipe()
    session = buildserver.start(incremental_builds.session, str(config), str(warm_site), theirs)
    results: dict[str, dict] = {}
    try:
        ours.send("build")  # the session's first build: everything rendered
        _receive(ours, session, "first build")
        before = _tree(warm_site)
        for name, edit, page, shows in _states(tmp_path):
            edit()
            shutil.rmtree(cold_site, ignore_errors=True)
            cold_end, cold_theirs = buildserver.pipe()
            process = buildserver.start(
                incremental_builds.cold, str(_cold_config(config)), str(cold_site), cold_theirs
            )
            ours.send("build")  # while the cold build runs: they share no cache
            result = _receive(ours, session, f"{name}: incremental build")
            _receive(cold_end, process, f"{name}: cold build")
            process.join()
            warm, cold = _tree(warm_site), _tree(cold_site)
            differ = sorted(n for n in warm.keys() | cold.keys() if warm.get(n) != cold.get(n))
            assert differ == [], f"{name}: the rebuild differs from a cold build in {differ}"
            changed = [n for n in cold.keys() | before.keys() if cold.get(n) != before.get(n)]
            assert changed, f"{name}: the edit changed nothing in the site"
            assert shows in cold[page].decode("utf-8", "replace"), (name, page, shows)
            results[name] = {**result, "pages": sum(n.endswith(".html") for n in cold)}
            before = cold
    finally:
        ours.send(incremental_builds.STOP)
        session.join(30)
    # The caches did their work: a paragraph renders only its page (Markdown and template) ...
    paragraph = results["paragraph"]
    assert paragraph["misses"] == 1 and paragraph["hits"] > 0, paragraph
    assert 0 < paragraph["pages_hit"] < paragraph["pages"], paragraph
    # ... a status is in the navigation, so every page's template renders again ...
    assert results["status"]["hits"] > 0 and results["status"]["pages_hit"] == 0, results
    # ... and a template or a deleted page (every page's link targets) reach every page.
    assert results["template"]["pages_hit"] == 0, results["template"]
    assert results["deleted page"]["hits"] == 0, results["deleted page"]
    assert (cold_site / "downloads" / "koppelkansen-projectplannen.pdf").is_file()


def test_each_cache_is_bounded_in_entries_and_in_text(monkeypatch):
    """A long session (or a hostile page that changes on every save) cannot grow the process."""
    cache = incremental._Bounded(10, len)
    for key in "abc":
        cache.put(key, "xxxx")
    assert len(cache) == 2 and cache.get("a") is None and cache.chars == 8
    cache.get("b")  # used: "c" is now the oldest
    cache.put("d", "xxxx")
    assert cache.get("c") is None and cache.get("b") == "xxxx"
    cache.put("e", "x" * 11)  # larger than the whole bound: not kept at all
    assert cache.get("e") is None and cache.chars <= 10
    monkeypatch.setattr(incremental, "MAX_ENTRIES", 1)
    cache.put("f", "x")
    assert len(cache) == 1
