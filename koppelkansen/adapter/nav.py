"""The navigation, arranged on MkDocs' own tree: siblings in the order the pages ask for, section
titles from each folder's index page, the change pages left out.

The order itself is :func:`koppelkansen.overviews.compute.nav_key`; this module only walks
MkDocs' ``Navigation``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from koppelkansen.adapter.theme import escaped_title
from koppelkansen.overviews.compute import nav_key
from koppelkansen.pages.model import PageRecord

#: The record of a page by its ``src_uri`` (a generated page's too), None for another file.
Records = Callable[[str], PageRecord | None]


def _index_of(section: Section) -> Page | None:
    return next(
        (c for c in section.children if isinstance(c, Page) and c.file.name == "index"), None
    )


def _arranged(items: list, records: Records) -> list:
    keyed: list[tuple[tuple[int, int, int], Any]] = []
    for position, item in enumerate(items):
        if isinstance(item, Section):
            item.children = _arranged(item.children, records)
            index = _index_of(item)
            index_record = records(index.file.src_uri) if index else None
            if index_record is not None and index_record.title:
                item.title = escaped_title(index_record.title)
            keyed.append((nav_key(index_record, position, first=False), item))
        elif isinstance(item, Page):
            first = item.file.name == "index"
            keyed.append((nav_key(records(item.file.src_uri), position, first=first), item))
        else:
            keyed.append((nav_key(None, position, first=False), item))
    return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]


def _without(items: list, hidden: Callable[[str], bool]) -> list:
    """The nav without the hidden pages (the change pages: docs-dev/versions.md, they are reached
    from Downloads, the plan pages' history and the version list, not from the sidebar), and
    without a section that held only those."""
    kept = []
    for item in items:
        if isinstance(item, Page) and hidden(item.file.src_uri):
            item.parent = None
            continue
        if isinstance(item, Section):
            item.children = _without(item.children, hidden)
            if not item.children:
                continue
        kept.append(item)
    return kept


def arrange(nav: Navigation, records: Records, hidden: Callable[[str], bool]) -> Navigation:
    """``nav`` arranged in place: order, section titles, hidden pages; previous and next links
    follow the new order."""
    nav.items = _arranged(_without(nav.items, hidden), records)
    pages: list[Page] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, Page):
                pages.append(item)
            if item.children:
                walk(item.children)

    walk(nav.items)
    for before, page, after in zip([None, *pages[:-1]], pages, [*pages[1:], None], strict=False):
        page.previous_page, page.next_page = before, after
    nav.pages = pages
    return nav
