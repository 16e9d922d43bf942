"""Work that is the same as last time is not done again: a page's rendered Markdown, kept between
the builds of one process (every rebuild of ``make serve``, which reads its configuration and
makes its plugins anew each time).

MkDocs' :meth:`~mkdocs.structure.pages.Page.render` is a function of the page's Markdown (after
every ``on_page_markdown``: the overviews and figures our build put in), the Markdown
configuration, the page's own place and every file's place and inclusion (links are resolved and
checked against them), and the validation settings. The cache is keyed by exactly these; on a hit
it sets what ``render`` sets (the HTML, the table of contents, the title from the first heading,
the anchors present and the links to anchors elsewhere) and logs again the warnings that rendering
logged, so ``--strict`` fails as before. This reaches into MkDocs' page internals, so it lives here
in the adapter; ``tests/test_incremental.py`` checks the attributes against the installed MkDocs
(or ProperDocs) and that a cached page equals a fresh one.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

#: What :meth:`Page.render` assigns, by the installed MkDocs' source (tests check it).
RENDERED_ATTRIBUTES = frozenset(
    {"content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"}
)
#: At most this many rendered pages are kept (about 5 times the 1,000-page corpus' pages of one
#: build would be generous: a page is kept under each of its versions of one session).
MAX_ENTRIES = 4000


@dataclass
class Rendered:
    content: str
    toc: TableOfContents
    title: str | None
    present_anchor_ids: set[str]
    #: Linked file's src_uri to {anchor: original link}; None when MkDocs did not collect them.
    links_to_anchors: dict[str, dict[str, str]] | None
    #: (logger, level, message) of what rendering logged.
    logged: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0


log = logging.getLogger(f"mkdocs.plugins.{__name__}")
_cache: OrderedDict[str, Rendered] = OrderedDict()
stats = Stats()


def forget() -> None:
    """Empties the cache (the next build renders every page, as a cold build)."""
    _cache.clear()
    stats.hits = stats.misses = 0


def _stable(value: Any) -> str:
    """A value of the configuration as text that is the same in every process (a function by its
    name, not its address)."""
    if callable(value) and hasattr(value, "__qualname__"):
        return f"<{getattr(value, '__module__', '')}.{value.__qualname__}>"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_stable(k)}:{_stable(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_stable(v) for v in value) + "]"
    return repr(value)


def build_key(config: MkDocsConfig, files: Files) -> str:
    """What every page's rendering depends on beside its own Markdown: computed once a build
    (which also starts this build's count of hits and misses)."""
    stats.hits = stats.misses = 0
    digest = hashlib.blake2b(digest_size=16)
    parts = [
        mkdocs.__version__,
        _stable(config["markdown_extensions"]),
        _stable(config["mdx_configs"] or {}),
        _stable(config["use_directory_urls"]),
        _stable(dict(config["validation"])),
        str(config["docs_dir"]),
    ]
    digest.update("\0".join(parts).encode())
    for file in files:
        digest.update(f"{file.src_uri}\0{file.dest_uri}\0{file.url}\0{file.inclusion}\n".encode())
    return digest.hexdigest()


def _page_key(page: Page, base: str) -> str:
    file = page.file
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{base}\0{file.src_uri}\0{file.dest_uri}\0{file.url}\0".encode())
    digest.update((page.markdown or "").encode())
    return digest.hexdigest()


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def _recording() -> Iterator[_Recorder]:
    """What MkDocs and the Markdown extensions log while one page renders."""
    recorder = _Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)


def _remember(page: Page, logged: list[tuple[str, int, str]]) -> Rendered:
    links = getattr(page, "links_to_anchors", None)
    return Rendered(
        content=page.content or "",
        toc=copy.deepcopy(page.toc),
        title=getattr(page, "_title_from_render", None),
        present_anchor_ids=set(page.present_anchor_ids or ()),
        links_to_anchors=(
            {target.src_uri: dict(anchors) for target, anchors in links.items()}
            if links is not None
            else None
        ),
        logged=logged,
    )


def _restore(page: Page, entry: Rendered, files: Files) -> None:
    page.content = entry.content
    page.toc = copy.deepcopy(entry.toc)
    page._title_from_render = entry.title
    page.present_anchor_ids = set(entry.present_anchor_ids)
    if entry.links_to_anchors is not None:
        found = {uri: files.get_file_from_path(uri) for uri in entry.links_to_anchors}
        page.links_to_anchors = {
            target: dict(entry.links_to_anchors[uri])
            for uri, target in found.items()
            if target is not None
        }
    for name, level, message in entry.logged:
        logging.getLogger(name).log(level, "%s", message)


def cache_render(page: Page, base: str) -> None:
    """Makes ``page.render`` answer from the cache when this page's rendering is known. ``base``:
    :func:`build_key` of this build."""
    original: Callable[[MkDocsConfig, Files], None] = page.render

    def render(config: MkDocsConfig, files: Files) -> None:
        key = _page_key(page, base)
        entry = _cache.get(key)
        if entry is not None:
            _cache.move_to_end(key)
            stats.hits += 1
            _restore(page, entry, files)
            return
        stats.misses += 1
        with _recording() as recorder:
            original(config, files)
        _cache[key] = _remember(page, recorder.records)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)

    page.render = render  # type: ignore[method-assign]


def assigned_by_render() -> set[str]:
    """The attributes the installed :meth:`Page.render` assigns (``self.x = ...``)."""
    source = inspect.getsource(Page.render)
    return set(re.findall(r"self\.(\w+)\s*=(?!=)", source))


def report() -> None:
    """One line in the log when pages came from the cache (a rebuild of ``make serve``)."""
    if stats.hits:
        log.info(
            "Markdown: %d pagina's uit het geheugen, %d opnieuw omgezet", stats.hits, stats.misses
        )
