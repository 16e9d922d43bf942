"""The search index: the last stage of a build reads the rendered pages in the site folder and
writes Pagefind's index to ``pagefind/`` beside them (docs-dev/search.md).

Which pages: those whose template printed the search fields (``overrides/partials/
kk-search-fields.html``: the page's type, status and case areas as keys). The editor
(``admin/``), the 404 page and the generated change pages of old versions (``wijzigingen/``)
have none, or are left out by their folder. What of a page: its article (Material's
``<article>``), without the status line, the concept notice, the download button, the version
history and the heading links. Each page's record gets, only in the index (the page on disk is
not changed), the labels of its fields as Pagefind filters and metadata, and the roots of its
words (:mod:`koppelkansen.search.words`) at a low weight.

Material's own search (its lunr index and worker) is not shipped: its files are removed here.
In ``make serve`` the index is written in a thread after the rebuilt pages are served
(:func:`build_index_later`); Pagefind's filter files are made byte-stable (:func:`make_stable`).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.search.words import FORMS, FORMS_FILE, MARK, roots, words
from koppelkansen.versions.changepages import FOLDER as CHANGE_FOLDER

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: The index's folder in the site.
OUTPUT = "pagefind"
#: Pagefind's language: the index is Dutch whatever a page's ``lang`` says.
LANGUAGE = "nl"
#: The element of a page that is indexed (Material's article; the title is its first heading).
ROOT_SELECTOR = "article"
#: Parts of the article that are not the page's text.
EXCLUDE_SELECTORS = (
    ".kk-page-status",
    ".kk-concept-notice",
    ".kk-download",
    ".kk-history",
    ".headerlink",
    ".md-source-file",
    ".md-content__button",
    ".kk-edit-link",
)
#: Folders of the site that are never indexed, and the 404 page.
SKIPPED_FOLDERS = ("admin", OUTPUT, CHANGE_FOLDER)
SKIPPED_FILES = ("404.html",)
#: What Material's search would have put in the site.
THEME_SEARCH = ("search", "assets/javascripts/lunr", "assets/javascripts/workers")
#: The files of Pagefind's bundle the site's own search box uses (not its ready-made UIs).
UNUSED_BUNDLE = re.compile(
    r"^pagefind-(component-|modular-)?ui\.(js|css)$|^pagefind-highlight\.js$"
)
#: The weight of the word roots against the page's own words (1).
ROOT_WEIGHT = "0.5"
#: The element the template prints (kk-search-fields.html).
FIELDS = re.compile(r"<span\b[^>]*\bdata-kk-search-fields\b[^>]*></span>")
ATTRIBUTE = re.compile(r'\bdata-kk-([a-z]+)="([^"]*)"')
#: Where the article starts, and what is written around it for Pagefind.
ARTICLE_START = re.compile(rf"<{ROOT_SELECTOR}\b")
PAGE_START = '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"></head><body>'
PAGE_END = "</body></html>"
#: Filter names readers see (Dutch), by field.
FILTER_NAMES = {"case": "Casusgebied", "type": "Soort", "status": "Status"}

#: Pagefind's own report of the pages it indexed (its output, one line).
PAGES_INDEXED = re.compile(r"Indexed (\d+) pages?")
#: At most this long for one index (1,000 pages take seconds).
TIMEOUT = 600

INDEX_FAILED = (
    "De zoekindex is niet gemaakt: {reason}. Draai 'make venv' opnieuw (Pagefind hoort bij de "
    "geïnstalleerde pakketten); meld het aan de beheerders als het daarna nog gebeurt."
)

#: ``make serve``: the index of a rebuild is written (after its pages are served).
INDEX_WRITTEN = "Zoekindex bijgewerkt: {pages} pagina's in {seconds:.2f} s."


class SearchIndexError(Exception):
    """The index could not be written; the message is Dutch, for the author."""


@dataclass(frozen=True)
class Record:
    """One page as the index takes it."""

    url: str
    html: str


@dataclass(frozen=True)
class Result:
    pages: int
    #: Records taken from the cache of this process (``make serve``), not prepared again.
    reused: int


#: Prepared records of this process, by the page's HTML and what it was prepared with: a
#: rebuild of ``make serve`` prepares only the pages that changed.
_prepared: OrderedDict[str, str] = OrderedDict()
MAX_PREPARED = 4000


def forget() -> None:
    _prepared.clear()


def page_files(site_dir: Path) -> list[Path]:
    """The HTML files that may be indexed, sorted."""
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir)
        if relative.parts[0] in SKIPPED_FOLDERS or relative.as_posix() in SKIPPED_FILES:
            continue
        found.append(path)
    return found


def page_url(site_dir: Path, path: Path) -> str:
    """The page's URL from the site root, as MkDocs makes it (``casussen/amstelstad/``)."""
    relative = path.relative_to(site_dir).as_posix()
    return relative.removesuffix("index.html") if relative.endswith("index.html") else relative


def _labels(fields: dict[str, str], vocabulary: Vocabulary | None) -> dict[str, list[str]]:
    terms = {
        "case": vocabulary.cases if vocabulary else {},
        "type": vocabulary.types if vocabulary else {},
        "status": vocabulary.statuses if vocabulary else {},
    }
    labels: dict[str, list[str]] = {}
    for field, known in terms.items():
        keys = [key for key in fields.get(field, "").split() if key]
        labels[field] = [known[key].label if key in known else key for key in keys]
    return labels


#: The classes of :data:`EXCLUDE_SELECTORS` (each is a single ``.class``).
EXCLUDED_CLASSES = frozenset(selector.removeprefix(".") for selector in EXCLUDE_SELECTORS)


def _article_text(page_html: str) -> str:
    """The text Pagefind indexes of a page: its article without :data:`EXCLUDE_SELECTORS`."""
    tree = lxml_html.document_fromstring(page_html)
    article = next(tree.iter(ROOT_SELECTOR), None)
    if not isinstance(article, lxml_html.HtmlElement):
        return ""
    for element in [
        e
        for e in article.iter()
        if isinstance(e, lxml_html.HtmlElement)
        and EXCLUDED_CLASSES & set(str(e.get("class") or "").split())
    ]:
        element.drop_tree()
    return str(article.text_content())


def prepare(page_html: str, vocabulary: Vocabulary | None) -> str | None:
    """The page's HTML as the index takes it, or None for a page without search fields."""
    match = FIELDS.search(page_html)
    if match is None:
        return None
    fields = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(match.group(0))}
    labels = _labels(fields, vocabulary)
    parts = []
    for field, name in FILTER_NAMES.items():
        for label in labels[field]:
            parts.append(f'<span data-pagefind-filter="{name}:{html.escape(label)}"></span>')
    meta = {
        "soort": ", ".join(labels["type"]),
        "status": ", ".join(labels["status"]),
        "statuskey": fields.get("status", "").split()[0] if fields.get("status") else "",
        "casusgebied": ", ".join(labels["case"]),
    }
    for key, value in meta.items():
        if value:
            parts.append(f'<span data-pagefind-meta="{key}:{html.escape(value)}"></span>')
    found = sorted({r for word in set(words(_article_text(page_html))) for r in roots(word)})
    tail = ""
    if found:  # after the page's text, so that Pagefind's content starts with the page's own
        tail = (
            f'<div data-pagefind-weight="{ROOT_WEIGHT}">{" ".join(r + MARK for r in found)}</div>'
        )
    end = page_html.rfind(f"</{ROOT_SELECTOR}>")
    if end < match.end():
        end = match.end()
    # Only the article goes to Pagefind (all it reads of a page: ROOT_SELECTOR, and its title is
    # the article's first heading); the header, navigation and footer would cost it time and a
    # record the memory of ``make serve`` for nothing.
    article = ARTICLE_START.search(page_html, 0, match.start())
    head, foot = page_html[: match.start()], page_html[end:]
    if article is not None:
        head = PAGE_START + page_html[article.start() : match.start()]
        foot = page_html[end : end + len(f"</{ROOT_SELECTOR}>")] + PAGE_END
    return head + "".join(parts) + page_html[match.end() : end] + tail + foot


def records(site_dir: Path, vocabulary: Vocabulary | None) -> tuple[list[Record], int]:
    """Every indexed page of the site, prepared; and how many came from this process' cache."""
    salt = ""
    if vocabulary is not None:  # the labels a record holds
        terms = (vocabulary.cases, vocabulary.types, vocabulary.statuses)
        salt = repr([[(key, term.label) for key, term in kind.items()] for kind in terms])
    found, reused = [], 0
    for path in page_files(site_dir):
        page_html = path.read_text(encoding="utf-8", errors="replace")
        key = hashlib.sha256((salt + "\0" + page_html).encode("utf-8", "surrogatepass")).hexdigest()
        prepared = _prepared.get(key)
        if prepared is None:
            prepared = prepare(page_html, vocabulary) or ""
            _prepared[key] = prepared
            while len(_prepared) > MAX_PREPARED:
                _prepared.popitem(last=False)
        else:
            reused += 1
            _prepared.move_to_end(key)
        if prepared:
            found.append(Record(page_url(site_dir, path), prepared))
    return found, reused


def _write(records_: list[Record], output: Path) -> int:
    """Pagefind's index of ``records_``, written to ``output``; returns the pages indexed.

    The binary of the ``pagefind-bin-extended`` wheel runs once on a scratch folder holding the
    prepared pages, with its options in a ``pagefind.json`` there. Not its Python API: that reads
    one answer per 0.1 s poll (0.1 s a page with ``add_html_file``, and 0.4 s a build at least);
    the binary indexes this site in about 0.15 s."""
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise SearchIndexError(INDEX_FAILED.format(reason="het programma Pagefind ontbreekt"))
    with tempfile.TemporaryDirectory(prefix="koppelkansen-zoeken-") as scratch:
        pages = Path(scratch, "pages")
        pages.mkdir()
        for record in records_:
            path = Path(pages, *record.url.split("/"))
            if not record.url or record.url.endswith("/"):
                path = path / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record.html, encoding="utf-8")
        config = {
            "site": str(pages),
            "output_path": str(output.resolve()),
            "force_language": LANGUAGE,
            "root_selector": ROOT_SELECTOR,
            "exclude_selectors": list(EXCLUDE_SELECTORS),
        }
        Path(scratch, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
        try:
            done = subprocess.run(
                [str(executable)],
                cwd=scratch,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            reason = f"Pagefind liep niet ({type(error).__name__}: {error})"
            raise SearchIndexError(INDEX_FAILED.format(reason=reason)) from None
    indexed = PAGES_INDEXED.search(done.stdout)
    if done.returncode != 0 or indexed is None:
        output_tail = " ".join((done.stdout + done.stderr).split())[-500:]
        reason = f"Pagefind stopte met code {done.returncode}: {output_tail}"
        raise SearchIndexError(INDEX_FAILED.format(reason=reason))
    return int(indexed.group(1))


# -- the same index from the same pages -----------------------------------------------------

#: What Pagefind writes in front of its data (after gzip).
SIGNATURE = b"pagefind_dcd"
#: The place of the filters in a language's metadata (``pagefind.<hash>.pf_meta``, a CBOR array:
#: version, pages, index chunks, filters, sorts, metadata keys).
META_FILTERS = 3

Cbor = int | str | bytes | list["Cbor"]


def _cbor_head(data: bytes, at: int) -> tuple[int, int, int]:
    """The major type, argument and end of the CBOR item head at ``at``."""
    kind, info = data[at] >> 5, data[at] & 31
    if info < 24:
        return kind, info, at + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError(f"CBOR: no definite length at {at}")
    return kind, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def _cbor_read(data: bytes, at: int) -> tuple[Cbor, int]:
    """The CBOR item at ``at`` (unsigned integers, byte and text strings, arrays) and its end."""
    kind, argument, at = _cbor_head(data, at)
    if kind == 0:
        return argument, at
    if kind in (2, 3):
        raw = data[at : at + argument]
        return (raw if kind == 2 else raw.decode("utf-8")), at + argument
    if kind == 4:
        items = []
        for _ in range(argument):
            item, at = _cbor_read(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR: type {kind} not read here")


def _cbor_write(item: Cbor) -> bytes:
    """``item`` in CBOR's shortest form (as Pagefind writes it)."""
    if isinstance(item, int):
        kind, argument, body = 0, item, b""
    elif isinstance(item, bytes):
        kind, argument, body = 2, len(item), item
    elif isinstance(item, str):
        body = item.encode("utf-8")
        kind, argument = 3, len(body)
    else:
        kind, argument, body = 4, len(item), b"".join(_cbor_write(i) for i in item)
    if argument < 24:
        head = bytes([kind << 5 | argument])
    else:
        size = next(n for n in (1, 2, 4, 8) if argument < 1 << (8 * n))
        head = bytes([kind << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[size]]) + argument.to_bytes(size)
    return head + body


def _read_checked(path: Path) -> list[Cbor] | None:
    """A Pagefind file's CBOR array, if this module writes it back to the same bytes."""
    try:
        raw = gzip.decompress(path.read_bytes())
        if not raw.startswith(SIGNATURE):
            return None
        item, end = _cbor_read(raw, len(SIGNATURE))
    except (OSError, EOFError, ValueError, IndexError, UnicodeDecodeError, gzip.BadGzipFile):
        return None
    if end != len(raw) or SIGNATURE + _cbor_write(item) != raw or not isinstance(item, list):
        return None
    return item


def _stable_file(path: Path, sort_at: int) -> bytes | None:
    """A filter file (``[name, [[value, pages], ...]]``) with its values sorted, as written."""
    item = _read_checked(path)
    if item is None or len(item) <= sort_at or not isinstance(item[sort_at], list):
        return None
    values = item[sort_at]
    assert isinstance(values, list)
    if not all(isinstance(v, list) and v and isinstance(v[0], str) for v in values):
        return None
    item[sort_at] = sorted(values, key=lambda v: str(v[0]) if isinstance(v, list) else "")
    return SIGNATURE + _cbor_write(item)


def make_stable(output: Path) -> bool:
    """Pagefind writes a language's filters (in its metadata) and each filter's values (in the
    filter's file) in any order (Pagefind/pagefind#638), so the same pages gave other files, named
    by their content, from run to run. Sorts both by name and names the files by their content
    again (``pagefind-entry.json`` names the metadata). Returns False, and changes nothing, when
    a file is not as expected (another Pagefind version): that index stays as written."""
    entry_path = output / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    renamed = []
    for language in entry.get("languages", {}).values():
        meta_path = output / f"pagefind.{language['hash']}.pf_meta"
        meta = _read_checked(meta_path)
        if meta is None:
            return False
        filters = meta[META_FILTERS] if len(meta) > META_FILTERS else None
        if not isinstance(filters, list) or not all(
            isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f)
            for f in filters
        ):
            return False
        prefix = language["hash"].split("_", 1)[0]
        for pair in filters:  # [name, file]: the file is [name, [[value, [page, ...]], ...]]
            assert isinstance(pair, list) and isinstance(pair[1], str)
            path = output / "filter" / f"{pair[1]}.pf_filter"
            values = _stable_file(path, sort_at=1)
            if values is None:
                return False
            pair[1] = f"{prefix}_{hashlib.sha256(values).hexdigest()[:7]}"
            renamed.append((path, output / "filter" / f"{pair[1]}.pf_filter", values))
        meta[META_FILTERS] = sorted(filters, key=lambda f: str(f[0]) if isinstance(f, list) else "")
        data = SIGNATURE + _cbor_write(meta)
        name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:10]}"
        renamed.append((meta_path, output / f"pagefind.{name}.pf_meta", data))
        language["hash"] = name
    for old, _, _ in renamed:
        old.unlink()
    for _, new, data in renamed:
        new.write_bytes(gzip.compress(data, mtime=0))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return True


def fragments(site_dir: Path) -> list[dict[str, Any]]:
    """Each indexed page as the index holds it (``url``, ``content``, ``meta``, ``filters``), by
    URL: Pagefind's fragments (gzip, a signature, then JSON). For checks and tests."""
    found = []
    for path in sorted((site_dir / OUTPUT / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        found.append(json.loads(raw[raw.index(b"{") :]))
    return sorted(found, key=lambda fragment: str(fragment.get("url")))


def remove_theme_search(site_dir: Path) -> None:
    """Material's lunr index and search worker are not part of the site."""
    for relative in THEME_SEARCH:
        target = site_dir / relative
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()


def build_index(site_dir: Path, vocabulary: Vocabulary | None) -> Result:
    """Writes ``site_dir/pagefind/`` from the pages in ``site_dir`` (the old index is replaced
    only by a complete new one). Raises :class:`SearchIndexError` with a Dutch message."""
    remove_theme_search(site_dir)
    prepared, reused = records(site_dir, vocabulary)
    target = site_dir / OUTPUT
    scratch = site_dir / f".{OUTPUT}.new"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        count = _write(prepared, scratch)
    except SearchIndexError:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    for path in list(scratch.iterdir()):
        if UNUSED_BUNDLE.match(path.name):
            path.unlink()
    if not make_stable(scratch):
        log.debug("Zoekindex: Pagefind's metadata not as expected; left as written")
    forms = json.dumps(FORMS, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    (scratch / FORMS_FILE).write_text(forms, encoding="utf-8")  # for search.js: words.py's table
    old = site_dir / f".{OUTPUT}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    scratch.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return Result(pages=count, reused=reused)


# -- make serve: the index after the page is served ------------------------------------------

#: The index a rebuild of ``make serve`` is writing, after the pages are served.
_running: threading.Thread | None = None
#: The last complete index of this process, outside the site folder (hard links where the file
#: system allows): MkDocs empties the site folder before each rebuild, and the rebuilt site has
#: this index until its own is written.
_kept: tempfile.TemporaryDirectory[str] | None = None
#: The site folder whose index is kept.
_kept_for: Path | None = None


def _link_or_copy(source: str, target: str) -> object:
    try:
        os.link(source, target)  # Pagefind's files are replaced whole, never written in place
    except OSError:
        shutil.copy2(source, target)
    return target


def _keep(index: Path) -> None:
    global _kept, _kept_for
    _kept_for = index.parent
    if _kept is None:
        _kept = tempfile.TemporaryDirectory(prefix="koppelkansen-zoekindex-")
    copy = Path(_kept.name, OUTPUT)
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index, copy, copy_function=_link_or_copy)


def _index_in_background(site_dir: Path, vocabulary: Vocabulary | None) -> None:
    """The thread of :func:`build_index_later`: an error is logged (the pages are served by now)."""
    start = time.perf_counter()
    try:
        result = build_index(site_dir, vocabulary)
        _keep(site_dir / OUTPUT)
        log.info(INDEX_WRITTEN.format(pages=result.pages, seconds=time.perf_counter() - start))
    except SearchIndexError as error:
        log.error(str(error))
    except OSError as error:  # the site folder went away (the server stopped)
        log.error(INDEX_FAILED.format(reason=f"{type(error).__name__}: {error}"))


def build_index_later(site_dir: Path, vocabulary: Vocabulary | None) -> None:
    """``make serve``: the index of ``site_dir`` in a thread, so that the rebuilt pages are served
    without waiting for it; until it is written the site has the last complete index of this
    process. The next rebuild waits for it first (:func:`wait`, before MkDocs empties the site)."""
    global _running
    wait()
    remove_theme_search(site_dir)
    target = site_dir / OUTPUT
    if _kept is not None and _kept_for == site_dir and not target.exists():
        shutil.copytree(Path(_kept.name, OUTPUT), target, copy_function=_link_or_copy)
    _running = threading.Thread(
        target=_index_in_background, args=(site_dir, vocabulary), name="koppelkansen-zoekindex"
    )
    _running.start()


def wait() -> None:
    """Until the index :func:`build_index_later` started is written (at once if none is)."""
    global _running
    if _running is not None:
        _running.join()
        _running = None
