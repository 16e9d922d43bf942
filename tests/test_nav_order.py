"""The adapter's navigation (koppelkansen.adapter.nav): index pages first, then siblings by `order:`, then as MkDocs found them;
section titles from the folder's index page; previous/next links follow the new order."""

from __future__ import annotations

from conftest import ROOT
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from koppelkansen.adapter import nav as adapter_nav
from koppelkansen.pages.model import Page as PageModel
from koppelkansen.pages.model import PageRecord
from koppelkansen.pages.vocabulary import load_vocabulary


def _page(src_uri: str, config: MkDocsConfig) -> Page:
    file = File(src_uri, "/docs", "/site", use_directory_urls=True)
    return Page(None, file, config)


def test_on_nav_orders_index_first_then_by_order_and_titles_sections_from_their_index():
    config = MkDocsConfig()
    meta = {
        "index.md": {"title": "Start"},
        "b.md": {"title": "B", "order": 2},
        "a.md": {"title": "A", "order": 1},
        "z.md": {"title": "Z"},
        "casussen/index.md": {"title": "Casusgebieden", "order": 0},
        "casussen/twee.md": {"title": "Twee", "order": 2},
        "casussen/een.md": {"title": "Een", "order": 1},
    }
    pages = {uri: _page(uri, config) for uri in meta}
    section = Section(
        "casussen",
        [pages["casussen/twee.md"], pages["casussen/index.md"], pages["casussen/een.md"]],
    )
    items = [pages["z.md"], pages["b.md"], section, pages["index.md"], pages["a.md"]]
    nav = Navigation(items, list(pages.values()))
    vocabulary, _ = load_vocabulary(ROOT / "docs" / "schema" / "vocabulary.yml")
    assert vocabulary is not None
    records = {
        uri: PageRecord.of(PageModel.of_version(uri, {"type": "pagina", **m}, ""), vocabulary)
        for uri, m in meta.items()
    }
    result = adapter_nav.arrange(nav, records.get, lambda uri: False)

    def shape(items):
        return [
            (i.title, shape(i.children)) if isinstance(i, Section) else i.file.src_uri
            for i in items
        ]

    assert shape(result.items) == [
        "index.md",
        ("Casusgebieden", ["casussen/index.md", "casussen/een.md", "casussen/twee.md"]),
        "a.md",
        "b.md",
        "z.md",
    ]
    order = [p.file.src_uri for p in result.pages]
    assert order == [
        "index.md",
        "casussen/index.md",
        "casussen/een.md",
        "casussen/twee.md",
        "a.md",
        "b.md",
        "z.md",
    ]
    assert result.pages[1].previous_page is result.pages[0]
    assert result.pages[-1].next_page is None and result.pages[0].previous_page is None
