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
import dataclasses
import hashlib
import inspect
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from koppelkansen import inputs

#: What :meth:`Page.render` assigns, by the installed MkDocs' source (tests check it).
RENDERED_ATTRIBUTES = frozenset(
    {"content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"}
)
V = TypeVar("V")
#: At most this many entries per cache (a page is kept under each version of one session) ...
MAX_ENTRIES = 4000
#: ... and at most this much text (characters) per cache, oldest out first: the 1,000-page corpus'
#: pages fit in each with room for their edits, and a session's memory stays bounded.
MAX_CHARS = {"render": 100_000_000, "search": 50_000_000, "pages": 150_000_000}


class _Bounded(Generic[V]):
    """A least-recently-used map bounded in entries and in the text it holds."""

    def __init__(self, max_chars: int, size: Callable[[V], int]) -> None:
        self.items: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self.max_chars = max_chars
        self.size = size
        self.chars = 0

    def get(self, key: str) -> V | None:
        found = self.items.get(key)
        if found is None:
            return None
        self.items.move_to_end(key)
        return found[0]

    def put(self, key: str, value: V) -> None:
        if key in self.items:
            self.chars -= self.items.pop(key)[1]
        size = self.size(value)
        self.items[key] = (value, size)
        self.chars += size
        while self.items and (len(self.items) > MAX_ENTRIES or self.chars > self.max_chars):
            self.chars -= self.items.popitem(last=False)[1][1]

    def clear(self) -> None:
        self.items.clear()
        self.chars = 0

    def __len__(self) -> int:
        return len(self.items)


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
    #: Pages whose template output came from the cache.
    pages_hit: int = 0


log = logging.getLogger(f"mkdocs.plugins.{__name__}")
_cache: _Bounded[Rendered] = _Bounded(MAX_CHARS["render"], lambda r: len(r.content))
stats = Stats()


def forget() -> None:
    """Empties the caches (the next build renders every page, as a cold build)."""
    _cache.clear()
    _entries.clear()
    _pages.clear()
    stats.hits = stats.misses = stats.pages_hit = 0


def _stable(value: Any) -> str:
    """A value of the configuration as text that is the same in every process (a function by its
    name, not its address; a dataclass by its fields)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return f"{type(value).__qualname__}{_stable(fields)}"
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
    stats.hits = stats.misses = stats.pages_hit = 0
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
            stats.hits += 1
            _restore(page, entry, files)
            return
        stats.misses += 1
        with _recording() as recorder:
            original(config, files)
        _cache.put(key, _remember(page, recorder.records))

    page.render = render  # type: ignore[method-assign]


def assigned_by_render() -> set[str]:
    """The attributes the installed :meth:`Page.render` assigns (``self.x = ...``)."""
    source = inspect.getsource(Page.render)
    return set(re.findall(r"self\.(\w+)\s*=(?!=)", source))


def report() -> None:
    """One line in the log when pages came from the cache (a rebuild of ``make serve``)."""
    if stats.hits:
        log.info(
            "Markdown: %d pagina's uit het geheugen, %d opnieuw omgezet; sjablonen: %d pagina's "
            "uit het geheugen",
            stats.hits,
            stats.misses,
            stats.pages_hit,
        )


# -- Material's search index ------------------------------------------------------------------

#: Material's search plugin under its two names.
SEARCH_PLUGINS = ("material/search", "search")
_entries: _Bounded[list[dict[str, Any]]] = _Bounded(
    MAX_CHARS["search"], lambda found: sum(len(str(e.get("text", ""))) for e in found)
)


def _search_key(page: Page, index_config: Any) -> str:
    """What Material's ``SearchIndex.add_entry_from_context`` reads of a page."""
    meta = page.meta
    parts = [
        _stable(dict(index_config)),
        page.url,
        page.content or "",
        _stable(meta.get("search")),
        _stable(meta.get("tags")),
        _stable(meta.get("title")),
        str(page.title),
        _stable([item.url for item in _toc_items(page.toc)]),
        _stable([str(item.title) for item in _toc_items(page.toc)]),
    ]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def _toc_items(toc: Any) -> Iterator[Any]:
    for item in toc or ():
        yield item
        yield from _toc_items(item.children)


def cache_search_index(config: MkDocsConfig) -> None:
    """Makes Material's search index answer from the cache for a page whose HTML, table of
    contents, URL and search-related front matter are those of an earlier build (parsing every
    page's HTML again was about 1.3 s of 200 pages)."""
    plugin = next((config.plugins[n] for n in SEARCH_PLUGINS if n in config.plugins), None)
    index = getattr(plugin, "search_index", None)
    original = getattr(index, "add_entry_from_context", None)
    if index is None or original is None or not hasattr(index, "entries"):
        return
    index_config = getattr(index, "config", {})

    def add_entry_from_context(page: Page) -> None:
        key = _search_key(page, index_config)
        known = _entries.get(key)
        if known is not None:
            index.entries.extend(copy.deepcopy(known))
            return
        start = len(index.entries)
        original(page)
        _entries.put(key, copy.deepcopy(index.entries[start:]))

    index.add_entry_from_context = add_entry_from_context


# -- the theme's page templates -----------------------------------------------------------------

_pages: _Bounded[str] = _Bounded(MAX_CHARS["pages"], len)
#: Context keys of a page's template that are read into the key by their own rule, or not at all:
#: ``build_date_utc`` changes every build and no template of the theme prints it.
_OWN_RULE = frozenset({"nav", "page", "pages", "config", "build_date_utc"})


def _folder_digest(folder: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def _toc_signature(toc: Any) -> str:
    return _stable([(item.url, str(item.title), item.level) for item in _toc_items(toc)])


def _page_signature(page: Any) -> str:
    """What a template can read of a page: its own fields, its neighbours and its ancestors."""
    if page is None:
        return "-"
    parts = [
        type(page).__name__,
        str(page.title),
        str(page.url),
        str(getattr(page, "canonical_url", "")),
        str(getattr(page, "edit_url", "")),
        str(getattr(page, "is_homepage", "")),
        _stable(dict(page.meta)),
        page.file.src_uri,
        page.file.dest_uri,
    ]
    for neighbour in (page.previous_page, page.next_page):
        parts.append(f"{neighbour.url}\0{neighbour.title}" if neighbour is not None else "-")
    parts.extend(str(ancestor.title) for ancestor in page.ancestors)
    return "\0".join(parts)


def _nav_signature(items: Any) -> str:
    """The whole navigation as a template sees it: every item's kind, title and place, and each
    page's front matter (Material shows a page's status and icon in it)."""
    parts = []
    for item in items:
        kind = type(item).__name__
        meta = _stable(dict(item.meta)) if hasattr(item, "meta") else ""
        url = getattr(item, "url", "") or ""
        parts.append(f"{kind}\0{item.title}\0{url}\0{meta}")
        children = getattr(item, "children", None)
        if children:
            parts.append("(" + _nav_signature(children) + ")")
    return "\n".join(parts)


#: What a page kept in the cache holds instead of the build's own placeholder token (the PDFs'
#: page counts, filled in after the build): random per process, so no page can contain it.
_PLACEHOLDER = f"kkcache{secrets.token_hex(8)}"


def cache_page_templates(
    env: Any,
    config: MkDocsConfig,
    nav: Any,
    files: Files,
    token: Callable[[], str | None] = lambda: None,
) -> None:
    """Makes each page's template answer from the cache when everything it reads is as in an
    earlier build of this process: the page (content, table of contents, front matter, URL,
    neighbours), the whole navigation, the list of pages, the configuration file, the theme's
    own templates (``custom_dir``; the installed theme is the same for the life of the process)
    and every other key of the context (what our build adds: status, PDFs, versions). Rendering
    Material's navigation into every page was most of a rebuild. ``token``: the placeholder of
    this build's PDFs (random per build), kept in the cache as :data:`_PLACEHOLDER`."""
    theme = config.theme
    custom = theme.custom_dir if hasattr(theme, "custom_dir") else None
    config_path = Path(config.config_file_path or ".")
    base = hashlib.blake2b(digest_size=16)
    for part in (
        mkdocs.__version__,
        _theme_version(),
        _folder_digest(Path(custom)) if custom else "-",
        inputs.config_digest(config_path) or "-",  # mkdocs.yml, what it inherits, its hooks
        _stable(config["site_url"]),
        _nav_signature(nav.items) if nav is not None else "-",
        _stable([(f.src_uri, f.url) for f in files.documentation_pages()]),
    ):
        base.update(str(part).encode() + b"\0")
    build = base.hexdigest()
    original = env.get_template

    def get_template(name: Any, parent: Any = None, globals: Any = None) -> Any:
        template = original(name, parent, globals)
        if not getattr(template, "_kk_cached", False):
            _cache_render_of(template, str(name), build, token)
        return template

    env.get_template = get_template


def _theme_version() -> str:
    try:
        import material

        return str(getattr(material, "__version__", ""))
    except ImportError:
        return ""


def _cache_render_of(template: Any, name: str, build: str, token: Callable[[], str | None]) -> None:
    render = template.render

    def cached(*args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        page = context.get("page")
        if page is None:  # the 404 page, the sitemap: once a build, not worth a key
            return str(render(context))
        rest = _stable({k: v for k, v in context.items() if k not in _OWN_RULE})
        placeholder = token()
        if placeholder:
            rest = rest.replace(placeholder, _PLACEHOLDER)
        key = hashlib.blake2b(
            "\0".join(
                [
                    build,
                    name,
                    _page_signature(page),
                    page.content or "",
                    _toc_signature(page.toc),
                    rest,
                ]
            ).encode(),
            digest_size=16,
        ).hexdigest()
        known = _pages.get(key)
        if known is not None:
            stats.pages_hit += 1
            return known.replace(_PLACEHOLDER, placeholder) if placeholder else known
        output = str(render(context))
        if " at 0x" in rest:  # a value without a stable form (an address): never kept
            return output
        _pages.put(key, output.replace(placeholder, _PLACEHOLDER) if placeholder else output)
        return output

    template.render = cached
    template._kk_cached = True
