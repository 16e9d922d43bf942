"""Work that is the same as last time is not done again: a page's rendered Markdown, kept between
the builds of one process (every rebuild of ``make serve``, which reads its configuration and
makes its plugins anew each time).

Every cache here is keyed on the whole state of what its work is handed, written into one digest
by :class:`StateKey`, never on a list of the fields someone knew it to read (a list goes stale
the day a template reads one more field): MkDocs' :meth:`~mkdocs.structure.pages.Page.render` on
the whole configuration, every file and the page's Markdown (after every ``on_page_markdown``:
the overviews and figures our build put in); a page's template on its whole context (the page, the navigation with every page's front matter, the
configuration, the theme's templates, what our build adds). Two things are left out by name, each
pinned by a test against the installed MkDocs and Material: another page's rendering
(:data:`OWN_ONLY`: no template reads it) and what MkDocs sets per rendered page
(:data:`PER_RENDER`). On a hit of ``render`` the cache sets what ``render`` sets (the HTML, the
table of contents, the title from the first heading, the anchors present and the links to anchors
elsewhere) and logs again the warnings that rendering logged, so ``--strict`` fails as before.
This reaches into MkDocs' page internals, so it lives here in the adapter;
``tests/test_incremental.py`` checks them against the installed MkDocs (or ProperDocs) and that
an incremental build equals a cold one after each kind of edit.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import functools
import hashlib
import inspect
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

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
MAX_CHARS = {"render": 100_000_000, "pages": 150_000_000}


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
    #: The pages rendered anew in this build (what a test shows when a count is off).
    missed: list[str] = field(default_factory=list)


log = logging.getLogger(f"mkdocs.plugins.{__name__}")
_cache: _Bounded[Rendered] = _Bounded(MAX_CHARS["render"], lambda r: len(r.content))
stats = Stats()


def forget() -> None:
    """Empties the caches (the next build renders every page, as a cold build)."""
    _cache.clear()
    _pages.clear()
    stats.hits = stats.misses = stats.pages_hit = 0


class Unstable(Exception):
    """A value without a stable form (an object known only by its address): no key can be made of
    it, so what depends on it is not kept."""


#: MkDocs' objects that a key takes attribute by attribute (``vars``): pages, sections, links, the
#: navigation, files and the table of contents. Whatever attribute a new MkDocs (or ProperDocs)
#: adds is in the key at once; only the two sets below are left out, by name.
_OBJECTS: tuple[type, ...] = (StructureItem, Navigation, File, TableOfContents, AnchorLink)
#: A page's rendering: a template reads it of the page it renders (``page.content``,
#: ``page.toc``), never of another page in the navigation (tests/test_incremental.py checks this
#: against the installed theme and ``overrides/``). Another page's part of a key leaves it out, so
#: that a new paragraph renders one page's template again, not every page's.
OWN_ONLY = frozenset(
    {"content", "markdown", "toc", "present_anchor_ids", "links_to_anchors", "_content"}
)
#: Set by MkDocs on the page it is rendering and the sections above it, and reset after: part of
#: that page's place in the navigation, which its own key holds.
PER_RENDER = frozenset({"active", "_Page__active", "_Section__active"})
_SCALARS = (str, int, float, bool, bytes, type(None), datetime.date, datetime.timedelta)


class StateKey:
    """The whole state of values (what a template or a renderer is handed) as
    one digest: mappings by their items, sequences by their elements, dataclasses by their
    fields, a plugin by its configuration, MkDocs' page and navigation objects by every attribute
    (:data:`_OBJECTS`), a function by its name, anything else by its ``repr``. A value known only by
    its address raises :class:`Unstable`.

    ``names``: objects already written into another key (the navigation, once a build), written
    here as a reference; ``own``: the objects of the page being rendered, written whole even when
    ``names`` holds them.
    ``placeholder``: a text written as :data:`_PLACEHOLDER` wherever it occurs (the PDFs' token)."""

    def __init__(
        self,
        names: dict[int, str] | None = None,
        own: tuple[Any, ...] = (),
        placeholder: str | None = None,
    ) -> None:
        self.digest = hashlib.blake2b(digest_size=16)
        self.names = names or {}
        self.own = frozenset(id(value) for value in own)
        self.placeholder = placeholder
        #: Objects written into this key so far, in order: a second sight is a reference.
        self.written: dict[int, str] = {}

    def hexdigest(self) -> str:
        return self.digest.hexdigest()

    def add(self, value: Any, depth: int = 0) -> StateKey:
        write = self.digest.update
        if depth > 80:
            raise Unstable("nested too deep")
        if isinstance(value, _SCALARS):
            if self.placeholder and isinstance(value, str):
                value = value.replace(self.placeholder, _PLACEHOLDER)
            write(f"{type(value).__name__}:{value!r}\0".encode("utf-8", "surrogateescape"))
            return self
        ident = id(value)
        if ident in self.written:
            write(f"&{self.written[ident]}\0".encode())
        elif ident in self.names and ident not in self.own:
            write(f"^{self.names[ident]}\0".encode())
        elif isinstance(value, _OBJECTS):
            self._add_object(value, depth)
        elif isinstance(value, BasePlugin):
            write(f"plugin:{type(value).__qualname__}\0".encode())
            self.add(value.config, depth + 1)
        elif isinstance(value, Mapping):
            write(f"{{{type(value).__qualname__}\0".encode())
            for key in sorted(value, key=repr):
                self.add(key, depth + 1)
                self.add(value[key], depth + 1)
            write(b"}")
        elif isinstance(value, list | tuple):
            write(f"[{type(value).__qualname__}\0".encode())
            for item in value:
                self.add(item, depth + 1)
            write(b"]")
        elif isinstance(value, set | frozenset):
            write(b"(")
            for item in sorted(value, key=repr):
                self.add(item, depth + 1)
            write(b")")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            write(f"{type(value).__qualname__}(\0".encode())
            for item in dataclasses.fields(value):
                self.add(item.name, depth + 1)
                self.add(getattr(value, item.name), depth + 1)
            write(b")")
        elif callable(value) and hasattr(value, "__qualname__"):
            write(f"<{getattr(value, '__module__', '')}.{value.__qualname__}>\0".encode())
        else:
            text = repr(value)
            if " at 0x" in text:
                raise Unstable(text)
            write(f"{type(value).__qualname__}:{text}\0".encode("utf-8", "surrogateescape"))
        return self

    def _add_object(self, value: Any, depth: int) -> None:
        write = self.digest.update
        ident = id(value)
        own = ident in self.own
        self.written[ident] = str(len(self.written))
        skip = PER_RENDER if own else PER_RENDER | OWN_ONLY
        write(f"<{type(value).__qualname__}\0".encode())
        attributes = vars(value)
        for name in sorted(attributes):
            if name not in skip:
                write(f"{name}=".encode())
                self.add(attributes[name], depth + 1)
        write(b">")


def state_digest(*values: Any) -> str:
    """:class:`StateKey` of ``values``, as one digest."""
    key = StateKey()
    for value in values:
        key.add(value)
    return key.hexdigest()


def build_key(config: MkDocsConfig, files: Files) -> str:
    """What every page's rendering reads beside its own Markdown and file: the whole configuration
    (the Markdown extensions and their options, the validation levels, the URL style, ...) and
    every file (link targets and their inclusion), computed once a build (which also starts this
    build's count of hits and misses). An unstable configuration keeps nothing: ``""``."""
    stats.hits = stats.misses = stats.pages_hit = 0
    stats.missed = []
    try:
        return state_digest(mkdocs.__version__, config, [_file_state(f) for f in files])
    except Unstable:
        return ""


def _file_state(file: File) -> dict[str, Any]:
    """A file as another page's links see it (its content and page are not read for that)."""
    return {k: v for k, v in vars(file).items() if k not in OWN_ONLY and k != "page"} | {
        "url": file.url
    }


def _page_key(page: Page, base: str) -> str:
    """``base`` and what rendering reads of the page itself: its Markdown (after every
    ``on_page_markdown``) and its file."""
    return state_digest(base, page.markdown or "", _file_state(page.file))


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
    if not internals_known():
        return
    original: Callable[[MkDocsConfig, Files], None] = page.render

    def render(config: MkDocsConfig, files: Files) -> None:
        if not base:
            original(config, files)
            return
        key = _page_key(page, base)
        entry = _cache.get(key)
        if entry is not None:
            stats.hits += 1
            _restore(page, entry, files)
            return
        stats.misses += 1
        stats.missed.append(page.file.src_uri)
        with _recording() as recorder:
            original(config, files)
        _cache.put(key, _remember(page, recorder.records))

    page.render = render  # type: ignore[method-assign]


@functools.cache
def internals_known() -> bool:
    """Whether the installed MkDocs (or ProperDocs) does what these caches rely on: what
    ``Page.render`` assigns, ``template.render(context)`` per page, the per-page ``active`` flags.
    tests/test_incremental.py pins them for the MkDocs of the lock file; a build with another
    generator (``make site-properdocs``) checks the same here, and where one differs every page is
    rendered as in a cold build (nothing is cached, nothing can go stale)."""
    from mkdocs.commands import build
    from mkdocs.structure.nav import Section

    try:
        page_build = inspect.getsource(build._build_page)
        sources = [inspect.getsource(kind) for kind in (Page, Section)]
        assigned = assigned_by_render()
    except (AttributeError, OSError, TypeError):
        return False
    return (
        assigned == RENDERED_ATTRIBUTES
        and "template.render(context)" in page_build
        and "page.active = True" in page_build
        and all("__active" in source for source in sources)
    )


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


# -- the theme's page templates -----------------------------------------------------------------

_pages: _Bounded[str] = _Bounded(MAX_CHARS["pages"], len)
#: Context keys left out of a page template's key: ``build_date_utc`` changes every build and no
#: template prints it (tests/test_incremental.py checks the installed theme and ``overrides/``).
UNREAD_CONTEXT = frozenset({"build_date_utc"})


def _folder_digest(folder: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes())
    return digest.hexdigest()


#: What a page kept in the cache holds instead of the build's own placeholder token (the PDFs'
#: page counts, filled in after the build): random per process, so no page can contain it.
_PLACEHOLDER = f"kkcache{secrets.token_hex(8)}"


@dataclass
class _BuildState:
    """What every page template of one build reads alike, keyed once (at its first page)."""

    digest: str
    #: The navigation's objects, by id, to their names in ``digest``.
    names: dict[int, str]


def _build_state(templates: str, context: Mapping[str, Any]) -> _BuildState:
    """The installed generator and theme, the theme's own templates (``custom_dir``), the
    configuration (as read, and its files: ``mkdocs.yml``, what it inherits, its hooks) and the navigation and page list, whole (every page's front matter, title and
    place; of another page's rendering nothing, :data:`OWN_ONLY`)."""
    key = StateKey()
    key.add(mkdocs.__version__).add(_theme_version()).add(templates)
    config_file = getattr(context.get("config"), "config_file_path", None)
    key.add(inputs.config_digest(Path(config_file)) if config_file else "-")
    for name in ("config", "nav", "pages"):
        key.add(name).add(context.get(name))
    return _BuildState(key.hexdigest(), dict(key.written))


def cache_page_templates(
    env: Any,
    config: MkDocsConfig,
    nav: Any,
    files: Files,
    token: Callable[[], str | None] = lambda: None,
) -> None:
    """Makes each page's template answer from the cache when the whole context it is handed is as
    in an earlier build of this process: the page (its front matter, content, table of contents,
    file and place), the navigation and every page in it, the configuration, the theme's own
    templates (``custom_dir``; the installed theme is the same for the life of the process) and
    every other key (what our build adds: status, PDFs, versions), each by :class:`StateKey`, so a
    template that starts reading one more thing of them is keyed on it already. Rendering
    Material's navigation into every page was most of a rebuild. ``token``: the placeholder of
    this build's PDFs (random per build), kept in the cache as :data:`_PLACEHOLDER`."""
    if not internals_known():
        return
    theme = config.theme
    custom = theme.custom_dir if hasattr(theme, "custom_dir") else None
    templates = _folder_digest(Path(custom)) if custom else "-"
    once: list[_BuildState | None] = []
    original = env.get_template

    def build_state(context: Mapping[str, Any]) -> _BuildState | None:
        if not once:
            try:
                once.append(_build_state(templates, context))
            except Unstable:
                once.append(None)
        return once[0]

    def get_template(name: Any, parent: Any = None, globals: Any = None) -> Any:
        template = original(name, parent, globals)
        if not getattr(template, "_kk_cached", False):
            _cache_render_of(template, str(name), build_state, token)
        return template

    env.get_template = get_template


def _theme_version() -> str:
    try:
        import material

        return str(getattr(material, "__version__", ""))
    except ImportError:
        return ""


def _template_key(
    name: str, context: dict[str, Any], build: _BuildState, placeholder: str | None
) -> str | None:
    page = context["page"]
    key = StateKey(build.names, own=(page, page.file, page.toc), placeholder=placeholder)
    key.add(build.digest).add(name).add(page)
    rest = StateKey(build.names, placeholder=placeholder)
    for item in sorted(context):
        if item not in UNREAD_CONTEXT and item not in ("config", "nav", "pages", "page"):
            rest.add(item).add(context[item])
    try:
        key.add(rest.hexdigest())
    except Unstable:
        return None
    return key.hexdigest()


def _cache_render_of(
    template: Any,
    name: str,
    build_state: Callable[[Mapping[str, Any]], _BuildState | None],
    token: Callable[[], str | None],
) -> None:
    render = template.render

    def cached(*args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        page = context.get("page")
        build = build_state(context) if page is not None else None
        if build is None:  # the 404 page, the sitemap: once a build, not worth a key
            return str(render(context))
        placeholder = token()
        try:
            key = _template_key(name, context, build, placeholder)
        except Unstable:
            key = None
        if key is None:  # a value without a stable form (an address): never kept
            return str(render(context))
        known = _pages.get(key)
        if known is not None:
            stats.pages_hit += 1
            return known.replace(_PLACEHOLDER, placeholder) if placeholder else known
        output = str(render(context))
        _pages.put(key, output.replace(placeholder, _PLACEHOLDER) if placeholder else output)
        return output

    template.render = cached
    template._kk_cached = True
