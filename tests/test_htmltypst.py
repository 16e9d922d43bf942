"""The HTML → Typst converter (koppelkansen/pdf/htmltypst.py), on small pages compiled by real Typst."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import typst
from pypdf import PdfReader

from koppelkansen.pdf.htmltypst import convert_page
from koppelkansen.pdf.typeset import TEMPLATE, typst_str

SITE = "https://example.org/site/"
ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "docs" / "assets" / "fonts"


def convert(
    html: str, url: str = "casussen/amstelstad/plan/", media: dict[str, str] | None = None
) -> str:
    text, problems = convert_page(html, url, media or {}, SITE)
    assert problems == []
    return text


def pdf_text(tmp_path: Path, markup: str) -> str:
    """Typeset ``markup`` with the report template's helpers and return the PDF's text (one line).
    ``kk-link`` is bound as a PDF's main file binds it, to the labels the markup holds."""
    source = tmp_path / "page.typ"
    known = "".join(
        f"{typst_str(label)}: true, " for label in re.findall(r"^<(p-[^>]+)>$", markup, re.M)
    )
    source.write_text(
        f"#import {typst_str(str(TEMPLATE))}: *\n#let kk-link = kk-link-to.with(({known or ':'}))\n"
        f"{markup}",
        encoding="utf-8",
    )
    data = typst.compile(str(source), root="/", font_paths=[str(FONTS)], ignore_system_fonts=True)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_special_characters_come_out_literally(tmp_path):
    literal = "# * _ $ @ < > [ ] \\ // ~ /* `x` -- -? 'a' \"b\" https://example.org"
    html = "<p>" + literal.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
    # Markup that only counts at the start of a line: heading, lists, term, numbered list.
    starts = ["= geen kop", "- geen lijst", "+ geen lijst", "/ geen: term", "2019. geen lijst"]
    html += "".join(f"<p>{s}</p>" for s in starts)
    text = pdf_text(tmp_path, convert(html))
    assert literal in text
    for start in starts:
        assert start in text


def test_nested_lists_keep_their_structure():
    html = (
        "<ul>\n<li>Water<ul>\n<li>Riolering</li>\n<li>Regenwater</li>\n</ul>\n</li>\n<li>Energie</li>\n</ul>\n"
        '<ol start="3">\n<li>\n<p>Derde</p>\n</li>\n<li>\n<p>Vierde</p>\n<p>Nog een alinea</p>\n</li>\n</ol>'
    )
    assert convert(html) == (
        "- Water\n  - Riolering\n  - Regenwater\n- Energie\n\n"
        "3. Derde\n\n4. Vierde\n\n   Nog een alinea\n"
    )


def test_links_inside_the_site_outside_it_and_to_anchors():
    html = (
        '<p><a href="../../haven-stad/plan/#werkwijze">werkwijze</a>, <a href="#aanpak">aanpak</a>, '
        '<a href="https://www.waternet.nl/">Waternet</a>.</p>'
    )
    assert convert(html) == (
        '#kk-link("p-casussen.haven-stad.plan.:werkwijze", '
        '"https://example.org/site/casussen/haven-stad/plan/#werkwijze")[werkwijze], '
        '#kk-link("p-casussen.amstelstad.plan.:aanpak", "https://example.org/site/casussen/amstelstad/plan/#aanpak")[aanpak], '
        '#link("https://www.waternet.nl/")[Waternet]\\.\n'
    )
    _, problems = convert_page(
        '<p><a href="file:///C:/plan.docx">plan</a> <a href="../../../../x/">x</a></p>',
        "casussen/amstelstad/plan/",
        {},
        SITE,
    )
    assert problems == [
        "de link naar 'file:///C:/plan.docx' wijst naar een bestand op een computer; verwijs naar een pagina van de site of een webadres",
        "de link '../../../../x/' wijst buiten de site",
    ]


def test_first_h1_is_dropped_and_headings_get_page_labels():
    html = '<h1 id="plan">Plan<a class="headerlink" href="#plan">&para;</a></h1>\n<h2 id="aanpak">Aanpak</h2>\n<h1 id="meer">Meer</h1>'
    assert (
        convert(html)
        == "== Aanpak\n<p-casussen.amstelstad.plan.:aanpak>\n\n== Meer\n<p-casussen.amstelstad.plan.:meer>\n"
    )


def test_table_has_a_repeating_header_and_widths_from_content(tmp_path):
    html = (
        '<table>\n<thead>\n<tr>\n<th>Onderdeel</th>\n<th style="text-align: right;">Bedrag</th>\n</tr>\n</thead>\n'
        '<tbody>\n<tr>\n<td>Riolering <em>vervangen</em></td>\n<td style="text-align: right;">12</td>\n</tr>\n</tbody>\n</table>'
    )
    markup = convert(html)
    assert "columns: (76%, 24%)" in markup  # 19 and 6 characters
    assert "align: (left,right,)" in markup
    assert "table.header([Onderdeel], [Bedrag],)" in markup
    assert "[Riolering #emph[vervangen]], [12]," in markup
    assert "Onderdeel Bedrag Riolering vervangen 12" in pdf_text(tmp_path, markup)


def test_admonitions_details_and_tabs_become_typst_blocks_with_dutch_titles(tmp_path):
    html = (
        '<div class="admonition warning">\n<p class="admonition-title">Warning</p>\n<p>Nog niet bekend.</p>\n</div>\n'
        '<details class="info">\n<summary>Toelichting</summary>\n<p>Open in de PDF.</p>\n</details>\n'
        '<div class="tabbed-set tabbed-alternate" data-tabs="1:2"><input checked="checked" id="__tabbed_1_1" '
        'name="__tabbed_1" type="radio" /><input id="__tabbed_1_2" name="__tabbed_1" type="radio" />'
        '<div class="tabbed-labels"><label for="__tabbed_1_1">Water</label><label for="__tabbed_1_2">Energie</label></div>\n'
        '<div class="tabbed-content">\n<div class="tabbed-block">\n<p>Klimaat.</p>\n</div>\n'
        '<div class="tabbed-block">\n<p>Warmte.</p>\n</div>\n</div>\n</div>'
    )
    markup = convert(html)
    assert '#kk-admonition("warning", [Warning])[\nNog niet bekend.\n]' in markup
    assert '#kk-admonition("info", [Toelichting])[\nOpen in de PDF.\n]' in markup
    assert "#kk-tab([Water])[\nKlimaat.\n]\n#kk-tab([Energie])[\nWarmte.\n]" in markup
    text = pdf_text(tmp_path, markup)
    # The template gives Python-Markdown's English default title its Dutch name.
    assert "Let op Nog niet bekend." in text and "Toelichting Open in de PDF." in text
    assert "WATER Klimaat." in text and "ENERGIE Warmte." in text


def test_footnotes_become_typst_footnotes():
    html = (
        '<p>Tekst.<sup id="fnref:a"><a class="footnote-ref" href="#fn:a">1</a></sup></p>\n'
        '<div class="footnote">\n<hr />\n<ol>\n<li id="fn:a">\n<p>De noot.&#160;<a class="footnote-backref" '
        'href="#fnref:a">&#8617;</a></p>\n</li>\n</ol>\n</div>'
    )
    assert convert(html) == "Tekst.#footnote[De noot.]\n"


def test_images_come_from_the_media_map_and_need_alt_text():
    media = {"img/kaart.png": "/docs/img/kaart.png"}
    markup = convert('<p><img alt="Kaart" src="../../../img/kaart.png" /></p>', media=media)
    assert markup == '#kk-figure(image("/docs/img/kaart.png", alt: "Kaart"))\n'
    _, problems = convert_page(
        '<p>Zie <img src="../../../img/kaart.png" alt=""> en <img src="weg.png" alt="Weg"></p>',
        "casussen/amstelstad/plan/",
        media,
        SITE,
    )
    assert problems == [
        "de afbeelding '../../../img/kaart.png' heeft geen alt-tekst; schrijf ![korte beschrijving](../../../img/kaart.png)",
        "de afbeelding 'weg.png' bestaat niet; controleer de bestandsnaam en de map",
    ]


@pytest.mark.parametrize("element", ["iframe", "marquee", "script"])
def test_unknown_elements_are_problems_naming_the_element(element):
    html = f'<p>Voor.</p>\n<{element} src="https://example.org/x"></{element}>\n<p>Na <{element}></{element}>.</p>'
    text, problems = convert_page(html, "", {}, SITE)
    message = (
        f"het HTML-element <{element}> kan niet in de PDF worden gezet; haal het weg, of schrijf "
        "de inhoud als Markdown (tekst, lijst, tabel of ![afbeelding](bestand))"
    )
    assert problems == [message, message]
    assert "Voor." in text


def test_every_other_construct_compiles_and_keeps_its_text(tmp_path):
    html = (
        "<p>Regel een<br />\nregel twee, <code>x = `a`</code>, <code>y_1</code>, H<sub>2</sub>O, m<sup>2</sup>, "
        '<del>weg</del> <abbr title="Waternet">WN</abbr>.</p>\n'
        "<blockquote>\n<p>Een citaat.</p>\n</blockquote>\n<hr />\n"
        '<div class="highlight"><pre><span></span><code>print("```")\n    // geen commentaar\n</code></pre></div>\n'
        '<div class="admonition tip">\n<p class="admonition-title">Lijst</p>\n<ul>\n<li>een</li>\n<li>twee</li>\n</ul>\n</div>\n'
        "<dl>\n<dt>Term: met dubbele punt</dt>\n<dd>\n<p>Uitleg.</p>\n</dd>\n</dl>\n"
        '<table>\n<thead>\n<tr><th colspan="2">Samen</th></tr>\n</thead>\n<tbody>\n<tr><td>a</td><td>b</td></tr>\n</tbody>\n</table>'
    )
    markup = convert(html)
    text = pdf_text(tmp_path, markup)
    for sample in (
        "Regel een regel twee",
        "x = `a`",
        "y_1",
        "H2O",
        "weg WN (Waternet).",  # an abbreviation with its expansion
        "Een citaat.",
        'print("```")',
        "// geen commentaar",
        "Lijst",
        "een",
        "twee",
        "Term: met dubbele punt",
        "Uitleg.",
        "Samen",
        "a b",
    ):
        assert sample in text, sample


def test_material_class_table_matches_the_installed_extensions_and_theme():
    """Every class the converter looks for is written by the installed Markdown extensions (with
    the project's mkdocs.yml settings) and styled by the installed Material theme."""
    import markdown
    import material
    import yaml

    from koppelkansen.pdf.htmltypst import MATERIAL_CLASSES

    project = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = [], {}
    for item in project["markdown_extensions"]:
        name, config = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        configs[name] = config or {}
    source = "\n".join(
        [
            "# Kop",
            "",
            '!!! note "Let op"',
            "    Tekst.",
            "",
            '=== "Een"',
            "    Eerste.",
            '=== "Twee"',
            "    Tweede.",
            "",
            "```python",
            "x = 1",
            "```",
            "",
            '```python linenums="1"',
            "y = 2",
            "```",
            "",
            "Met een voetnoot.[^1]",
            "",
            "[^1]: De noot.",
        ]
    )
    html = markdown.Markdown(extensions=names, extension_configs=configs).convert(source)
    written = set(re.findall(r'class="([^"]+)"', html))
    written_classes = {c for group in written for c in group.split()}
    css = "".join(
        path.read_text(encoding="utf-8")
        for path in (Path(material.__file__).parent / "templates" / "assets" / "stylesheets").glob(
            "main.*.min.css"
        )
    )
    for role, css_class in MATERIAL_CLASSES.items():
        assert css_class in written_classes, f"{role}: '{css_class}' staat niet in de HTML"
        assert f".{css_class}" in css, f"{role}: '{css_class}' staat niet in Material's CSS"
