"""The generator's own warnings, caught during a build and read as data.

During a build every warning of the generator's loggers (``mkdocs.*``, or ``properdocs.*`` when
ProperDocs runs) is held back from its handlers, its console and its ``--strict`` counter alike,
and read into a :class:`~koppelkansen.check.pagelinks.EngineWarning`; the build then reports each
in Dutch (:mod:`koppelkansen.check.pagelinks`). The plugin's own Dutch messages
(``mkdocs.plugins.koppelkansen.*``) and errors pass as they are. The English wording read here is
MkDocs 1.6's (``mkdocs/structure/pages.py``); a warning that reads otherwise stays a warning, of
kind ``other``, with its text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from mkdocs.exceptions import Abort
from mkdocs.structure.pages import Page

from koppelkansen.check.pagelinks import (
    ABSOLUTE,
    ANCHOR,
    CONFLICT,
    MISSING,
    OTHER,
    UNRECOGNIZED,
    EngineWarning,
)

#: Our own loggers (``log = logging.getLogger(f"mkdocs.plugins.{__name__}")``): never caught.
OWN = "mkdocs.plugins.koppelkansen"

_DOC = r"Doc file '(?P<page>.+?)' contains "
_PATTERNS = (
    (
        MISSING,
        re.compile(
            _DOC + r"a link '(?P<link>.*)', but the target(?: '.*')? is not found among "
            r"documentation files\.(?: Did you mean '.*'\?)?",
            re.S,
        ),
    ),
    (
        UNRECOGNIZED,
        re.compile(
            _DOC + r"an unrecognized relative link '(?P<link>.*)', it was left as is\."
            r"(?: Did you mean '.*'\?)?",
            re.S,
        ),
    ),
    (
        ABSOLUTE,
        re.compile(
            _DOC + r"an absolute link '(?P<link>.*)', it was left as is\.(?: Did you mean '.*'\?)?",
            re.S,
        ),
    ),
    (
        ANCHOR,
        re.compile(
            _DOC + r"a link '(?P<link>.*)', but (?:there is no such anchor on this page|"
            r"the doc '(?P<target>.+)' does not contain an anchor '#(?P<anchor>.*)')\..*",
            re.S,
        ),
    ),
)
_CONFLICT = re.compile(
    r"Excluding '(?P<page>.+)' from the site because it conflicts with '(?P<target>.+)'\."
)
_QUOTED = re.compile(r"'([^']+)'")


def read_warning(text: str, pages: set[str]) -> EngineWarning:
    """One warning's text as data; ``pages``: the site's files, to find the page it names."""
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            found = match.groupdict()
            return EngineWarning(
                kind=kind,
                page=found["page"],
                link=found["link"],
                target=found.get("target") or "",
                anchor=found.get("anchor") or "",
                text=text,
            )
    conflict = _CONFLICT.fullmatch(text)
    if conflict:
        return EngineWarning(CONFLICT, conflict["page"], target=conflict["target"], text=text)
    named = next((q for q in _QUOTED.findall(text) if q in pages), None)
    return EngineWarning(kind=OTHER, page=named, text=text)


def _suppress(catcher: WarningCatcher) -> logging.Filter:
    class Suppress(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return not catcher.wanted(record)

    return Suppress()


class WarningCatcher(logging.Handler):
    """Catches the generator's warnings while it is installed (:meth:`install`), and keeps every
    other handler of its loggers from seeing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        #: The generator's top logger: ``mkdocs``, or ``properdocs`` under ProperDocs (whose
        #: ``mkdocs`` modules are its own under another name).
        self.top = Page.__module__.split(".", 1)[0]
        self.records: dict[int, logging.LogRecord] = {}
        self.suppress = _suppress(self)
        self.loggers: list[logging.Logger] = []
        self.handlers: list[logging.Handler] = []

    def wanted(self, record: logging.LogRecord) -> bool:
        name = record.name
        return (
            record.levelno == logging.WARNING
            and not name.startswith(OWN)
            and any(name == top or name.startswith(top + ".") for top in (self.top, "mkdocs"))
        )

    def emit(self, record: logging.LogRecord) -> None:
        if self.wanted(record):
            self.records.setdefault(id(record), record)  # seen once per logger it reaches

    def install(self) -> None:
        """On the generator's loggers, and a filter on every handler they reach: the console's
        and ``--strict``'s counter (MkDocs adds that one to ``mkdocs`` at the start of a build)."""
        self.uninstall()
        self.records = {}
        for name in dict.fromkeys((self.top, "mkdocs")):
            logger: logging.Logger | None = logging.getLogger(name)
            assert logger is not None
            logger.addHandler(self)
            self.loggers.append(logger)
            while logger is not None:
                for handler in logger.handlers:
                    if handler is not self and handler not in self.handlers:
                        handler.addFilter(self.suppress)
                        self.handlers.append(handler)
                if not logger.propagate:
                    break
                logger = logger.parent

    def uninstall(self) -> None:
        for handler in self.handlers:
            handler.removeFilter(self.suppress)
        for logger in self.loggers:
            logger.removeHandler(self)
        self.handlers, self.loggers = [], []

    def take(self, pages: set[str]) -> list[EngineWarning]:
        """The warnings caught so far, in order, read; none are kept afterwards."""
        records, self.records = list(self.records.values()), {}
        return [read_warning(record.getMessage(), pages) for record in records]


#: What the generator's command line prints when a build fails, in English, after our Dutch
#: messages have said what failed and why (``mkdocs/commands/build.py``). Those lines add nothing
#: an author can use; every other ``Abort`` (ours carry Dutch text) is shown as it is.
ENGINE_ABORTS = re.compile(r"Aborted with (?:a BuildError!|\d+ warnings? in strict mode!)")


def quiet_engine_aborts() -> None:
    """The generator's closing English line after a failed build is left out (once per process)."""
    show = Abort.show
    if getattr(show, "koppelkansen_quiet", False):
        return

    def quiet_show(self: Abort, *args: Any, **kwargs: Any) -> None:
        if ENGINE_ABORTS.fullmatch(str(self.message).strip()):
            return
        show(self, *args, **kwargs)

    quiet_show.koppelkansen_quiet = True  # type: ignore[attr-defined]
    Abort.show = quiet_show  # type: ignore[method-assign]


def _heading_ids(items: Any) -> list[str]:
    """The anchors of a page's headings, in order (MkDocs' table of contents)."""
    found: list[str] = []
    for item in items or []:
        if getattr(item, "id", None):
            found.append(str(item.id))
        found.extend(_heading_ids(getattr(item, "children", [])))
    return found


def page_anchors(
    files: Iterable[Any] | None,
) -> tuple[set[str], dict[str, set[str]], dict[str, list[str]]]:
    """What the Dutch explanation of the warnings needs from the generator's files: every
    ``src_uri``, each rendered page's ids, and its headings' ids in order."""
    uris: set[str] = set()
    anchors: dict[str, set[str]] = {}
    headings: dict[str, list[str]] = {}
    for file in files or []:
        uris.add(file.src_uri)
        page = file.page if file.is_documentation_page() else None
        if page is not None and page.present_anchor_ids is not None:
            anchors[file.src_uri] = set(page.present_anchor_ids)
            headings[file.src_uri] = _heading_ids(page.toc)
    return uris, anchors, headings
