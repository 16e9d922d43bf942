"""Material templates that overrides/ replaces by a copy must still be the files they were copied
from: after a Material upgrade this fails until each copy is redone (docs-dev/theme-overrides.md)."""

from __future__ import annotations

import hashlib
import re
from importlib.metadata import version
from pathlib import Path

import material

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "overrides"
MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
GUIDE = ROOT / "docs-dev" / "theme-overrides.md"
HEADER = re.compile(
    r"Koppelkansen override: a copy of Material for MkDocs (?P<version>\S+)\s+"
    r"templates/(?P<name>\S+)\s+\(sha256 (?P<sha>[0-9a-f]{64})\)"
)


def _copies() -> dict[str, re.Match[str]]:
    copies = {}
    for path in sorted(OVERRIDES.rglob("*.html")):
        match = HEADER.search(path.read_text(encoding="utf-8"))
        if match:
            assert match["name"] == path.relative_to(OVERRIDES).as_posix(), path
            copies[match["name"]] = match
    return copies


def test_copied_material_templates_match_the_installed_material():
    copies = _copies()
    assert set(copies) == {
        "base.html",
        "partials/header.html",
        "partials/nav-item.html",
        "partials/toc.html",
    }
    installed = version("mkdocs-material")
    for name, match in copies.items():
        original = MATERIAL_TEMPLATES / name
        digest = hashlib.sha256(original.read_bytes()).hexdigest()
        assert (match["version"], match["sha"]) == (installed, digest), (
            f"overrides/{name} is gekopieerd uit Material {match['version']}, maar Material "
            f"{installed} is geïnstalleerd en zijn {name} is anders: kopieer het opnieuw en breng "
            "de wijzigingen met 'Koppelkansen:' erin opnieuw aan (docs-dev/theme-overrides.md)"
        )


def test_every_copied_template_is_explained_in_the_maintainers_guide():
    guide = GUIDE.read_text(encoding="utf-8")
    for name in _copies():
        assert f"`overrides/{name}`" in guide, name


def test_the_pdfs_get_a_title_as_text_not_as_the_escaped_html_the_theme_gets(tmp_path):
    """``page.meta`` holds the title HTML-escaped for Material's templates; a change page's title
    holds a branch or version name ("de plannen in 'r&d'"), which the PDF printed as "r&amp;d"."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from koppelkansen.adapter import theme
    from koppelkansen.adapter.plugin import _rendered

    file = File("wijzigingen/voorstel.md", str(tmp_path), str(tmp_path / "site"), False)
    page = Page(None, file, MkDocsConfig())
    title = "Wijzigingen ten opzichte van de plannen in 'r&d' <b>"
    page.meta = theme.escaped({"title": title})
    assert page.meta["title"] != title  # what the theme prints, escaped
    assert _rendered(page, {file.src_uri: title}).title == title
