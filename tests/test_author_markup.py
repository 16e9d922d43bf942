"""What authors write reaches the site and the PDF alike, or is refused at its line with advice
for that element (docs-dev/pdf.md, "Author markup in both outputs"; docs/zelf-schrijven.md).

The Markdown is rendered with the extensions of mkdocs.yml; the converter runs directly, the page
check on the rendered HTML, and one small PDF is typeset by real Typst with the report template.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

import markdown
import pytest
import typst
import yaml
from conftest import ROOT
from pdfvalidation import assert_archival

from koppelkansen.check.content import check_page_html, check_page_images
from koppelkansen.pdf.convert import ConversionError, PageSource, convert_pages
from koppelkansen.pdf.htmltypst import convert_page
from koppelkansen.pdf.pdfstreams import fix_stream_ends
from koppelkansen.pdf.typeset import TEMPLATE
from koppelkansen.pdf.typstsyntax import typst_str
from koppelkansen.pdf.worker import typst_options

SITE = "https://example.org/site/"
URL = "casussen/amstelstad/plan/"
FONTS = ROOT / "docs" / "assets" / "fonts"


@cache
def _extensions() -> tuple[list[str], dict[str, dict[str, object]]]:
    """The Markdown extensions mkdocs.yml enables, with their settings."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    names, settings = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        settings[name] = {k: v for k, v in options.items() if k != "permalink_title"}
    settings["toc"] = {"permalink": True}
    return names, settings


def render(text: str) -> str:
    names, settings = _extensions()
    return markdown.markdown(text, extensions=names, extension_configs=settings)


def _problems_at(tmp_path: Path, text: str) -> list[str]:
    """The PDF step's messages for a page with this Markdown, as the build prints them."""
    page = tmp_path / "plan.md"
    page.write_text(text, encoding="utf-8")
    source = PageSource(
        url=URL, source="docs/plan.md", title="Plan", html=render(text), path=str(page)
    )
    with pytest.raises(ConversionError) as error:
        convert_pages([source], {}, SITE)
    return [problem.format() for problem in error.value.problems]


# -- task lists and abbreviations: the PDF says what the site shows -----------------------------

TASKS = [
    # pymdownx.tasklist's output (custom_checkbox: Material's look), should it be enabled
    '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
    '<input type="checkbox" disabled checked/><span class="task-list-indicator"></span></label>'
    ' Bodemkaart klaar</li><li class="task-list-item"><label class="task-list-control">'
    '<input type="checkbox" disabled/><span class="task-list-indicator"></span></label>'
    " Warmteplan open</li></ul>",
    # written as HTML by an author
    "<p><input type=checkbox checked>Bodemkaart klaar<br><input type=checkbox> Warmteplan open</p>",
]


@pytest.mark.parametrize("html", TASKS)
def test_task_list_boxes_are_checked_and_open_in_the_pdf(html):
    text, problems = convert_page(html, URL, {}, SITE)
    assert problems == []
    assert "☑ Bodemkaart klaar" in text and "☐ Warmteplan open" in text


@pytest.mark.parametrize(
    ("source", "expected", "once"),
    [
        (
            "Een WKO bij de school. De WKO ligt diep.\n\n*[WKO]: warmte-koudeopslag\n",
            "Een WKO (warmte-koudeopslag) bij de school. De WKO ligt diep.",
            "WKO (",
        ),
        (
            'Het <abbr title="Amsterdams Rioleringsbedrijf">ARB</abbr> en de '
            '<abbr title="Amsterdams Rioleringsbedrijf">ARB</abbr>-aansluiting; <abbr>WN</abbr>.',
            "Het ARB (Amsterdams Rioleringsbedrijf) en de ARB-aansluiting; WN.",
            "ARB (",
        ),
    ],
)
def test_abbreviations_get_their_expansion_once_a_page(source, expected, once):
    text, problems = convert_page(render(source), URL, {}, SITE)
    assert problems == []
    assert expected in text and text.count(once) == 1


def test_tasks_and_abbreviations_reach_a_real_pdf(tmp_path):
    """The one PDF of this module: the boxes and the expansion in its text, and it is still
    PDF/A-2a and PDF/UA-1 (the boxes come from a font Typst embeds)."""
    body, problems = convert_page(
        "<h2>Taken</h2>" + TASKS[0] + render("De WKO werkt.\n\n*[WKO]: warmte-koudeopslag\n"),
        URL,
        {},
        SITE,
    )
    assert problems == []
    main = tmp_path / "taken.typ"
    main.write_text(
        f"#import {typst_str(str(TEMPLATE))}: *\n"
        '#show: report.with(title: "Taken", site-url: "https://example.org/")\n'
        f"= Plan\n{body}",
        encoding="utf-8",
    )
    pdf = tmp_path / "taken.pdf"
    pdf.write_bytes(fix_stream_ends(typst.compile(str(main), **typst_options(FONTS, 0))))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "☑ Bodemkaart klaar" in text and "☐ Warmteplan open" in text
    assert "De WKO (warmte-koudeopslag) werkt." in text
    assert_archival([pdf])


# -- what the PDF cannot set: refused at its line, with advice for that element ------------------


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("# Plan\n\nTekst.\n\n<style>\n.md-typeset h2 { color: red; }\n</style>\n", [5]),
        (
            "# Plan\n\n<style>h2 { color: red }</style>\n\nTekst.\n\n"
            "<style>\np { margin: 0 }\n</style>\n",
            [3, 7],
        ),
    ],
)
def test_a_style_block_is_refused_at_its_line(tmp_path, text, lines):
    found = _problems_at(tmp_path, text)
    assert [int(line.split(":")[1]) for line in found] == lines
    for line in found:
        assert "een <style>-blok maakt alleen de site op" in line
        assert "docs/assets/stylesheets/pages.css" in line
        assert "vervang het door tekst met een link" not in line


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ('# Plan\n\nTekst met <svg width="8" height="8"><rect width="8"/></svg> erin.\n', [3]),
        (
            "# Plan\n\nEen.\n\n<svg viewBox='0 0 2 2'><circle r='1'/></svg>\n\nTwee.\n\n"
            "<p>En <svg viewBox='0 0 2 2'><circle r='1'/></svg></p>\n",
            [5, 9],
        ),
    ],
)
def test_an_inline_svg_is_refused_at_its_line_with_what_to_do(tmp_path, text, lines):
    found = _problems_at(tmp_path, text)
    assert [int(line.split(":")[1]) for line in found] == lines
    for line in found:
        assert line.startswith("docs/plan.md:")
        assert "sla haar op als bestand in docs/" in line and "![korte beschrijving]" in line


@pytest.mark.parametrize(
    ("element", "advice"),
    [
        ('<input type="text" value="x">', "het formulierveld <input>"),
        ("<video></video>", "zet een link naar de video"),
        ("<marquee>x</marquee>", "het HTML-element <marquee> kan niet in de PDF"),
    ],
)
def test_other_elements_get_advice_for_that_element_at_their_line(tmp_path, element, advice):
    found = _problems_at(tmp_path, f"# Plan\n\nEen.\n\n{element}\n")
    assert len(found) == 1 and found[0].startswith("docs/plan.md:5:1: fout: ")
    assert advice in found[0]


# -- the page check: remote images with their whole URL, missing HTML images ---------------------

LONG = "https://dummyimage.com/600x400/eee/aaa?text=Een%20heel%20lange%20tekst%20voor%20een%20URL"


@pytest.mark.parametrize(
    ("text", "url", "lines"),
    [
        (f"# Plan\n\nTekst.\n\n![Plaatje]({LONG}&size=groot){{ loading=lazy }}\n", LONG, [5]),
        # the same URL twice: two messages, two lines; `&amp;` as some authors write it
        (
            f"# Plan\n\n![Een]({LONG}&amp;a=1)\n\nTekst.\n\n![Twee]({LONG}&amp;a=1)\n",
            LONG + "&a=1",
            [3, 7],
        ),
    ],
)
def test_a_remote_image_is_refused_with_its_whole_url_at_its_line(tmp_path, text, url, lines):
    page = tmp_path / "plan.md"
    problems = check_page_html(render(text), URL, page, text)
    assert [p.line for p in problems] == lines
    for problem in problems:
        assert url in problem.message and "laadt iets van een andere site" in problem.message


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "casussen" / "amstelstad").mkdir(parents=True)
    (docs / "img").mkdir()
    (docs / "img" / "kaart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return docs


@pytest.mark.parametrize(
    ("text", "lines", "shown"),
    [
        (
            "# Plan\n\nTekst.\n\n<img src='../../../img/kaartje.png' alt='Kaart'>\n",
            [5],
            "docs/img/kaartje.png",
        ),
        # the path as seen from the .md file: wrong on the site, where the page is a folder deeper
        (
            '# Plan\n\n<p><img src="../../img/kaart.png" alt="Kaart"></p>\n\n'
            '<img src="../../../img/kaart.png" alt="Kaart">\n\n<img alt="x" src="weg%20ermee.png">\n',
            [3, 7],
            "docs/casussen/img/kaart.png",
        ),
    ],
)
def test_a_missing_html_image_is_refused_by_the_page_check_at_its_line(
    tmp_path, text, lines, shown
):
    docs = _docs(tmp_path)
    page = docs / "casussen" / "amstelstad" / "plan.md"
    problems = check_page_images(render(text), URL, page, text, docs)
    assert [p.line for p in problems] == lines
    assert shown in problems[0].message and "bestaat niet" in problems[0].message


def test_images_in_markdown_and_existing_html_images_pass_the_image_check(tmp_path):
    docs = _docs(tmp_path)
    text = (
        "![Kaart](../../img/kaart.png)\n\n![Weg](../../img/weg.png)\n\n"
        "<img src='../../../img/kaart.png' alt='Kaart'>\n"
    )
    # Markdown images are MkDocs' to check (it rewrites their paths); the HTML one exists.
    page = docs / "casussen" / "amstelstad" / "plan.md"
    assert check_page_images(render(text), URL, page, text, docs) == []


# -- features mkdocs.yml does not enable: their raw forms stay text, nothing crashes -------------

RAW_FEATURES = """# Plan

- [x] taak gedaan
- [ ] taak open

:material-check: en :smile:, {++ toegevoegd ++}, ^^onder^^, ==gemarkeerd==, ~~weg~~,
++ctrl+alt+del++, $E = mc^2$

$$
\\sum_i x_i
$$

``` mermaid
graph LR
  A --> B
```

``` python
print("x")  # (1)!
```

1.  Een annotatie.

<div class="grid cards" markdown>

-   :material-clock: __Snel__

    ---

    Tekst in een kaart.

</div>

[Tooltip](https://example.org "Een titel") en [^1].

[^1]: Een voetnoot.
"""


def test_features_that_are_not_enabled_keep_their_text_and_raise_nothing():
    text, problems = convert_page(render(RAW_FEATURES), URL, {}, SITE)
    assert problems == []
    for sample in (
        "[x] taak gedaan",
        "graph LR",
        "Tekst in een kaart.",
        "Een voetnoot.",
        "toegevoegd",
        "mc",
    ):
        assert sample in text.replace("\\", ""), sample


@pytest.mark.parametrize(
    ("written", "rewritten"),
    [("../../img/kaart.png", "../../../img/kaart.png"), ("kaart.png", "../kaart.png")],
)
def test_an_image_path_mkdocs_rewrote_is_found_at_the_line_the_author_wrote(
    tmp_path, written, rewritten
):
    page = tmp_path / "plan.md"
    page.write_text(f"# Plan\n\nTekst.\n\n![]({written})\n", encoding="utf-8")
    media = {"casussen/amstelstad/kaart.png": str(page), "img/kaart.png": str(page)}
    html = f'<p><img alt="" src="{rewritten}"></p>'
    source = PageSource(url=URL, source="docs/plan.md", title="Plan", html=html, path=str(page))
    with pytest.raises(ConversionError) as error:
        convert_pages([source], media, SITE)
    [problem] = error.value.problems
    assert problem.format().startswith("docs/plan.md:5:1: fout: de afbeelding")
    assert "heeft geen alt-tekst" in problem.message


@pytest.mark.parametrize("count", [2, 500])
def test_the_same_element_many_times_is_refused_at_each_of_its_lines(tmp_path, count):
    """The n-th problem with the same snippet is at the n-th place it is written (one pass over
    the page for all of them: SourceFinder.nth_line)."""
    text = "# Plan\n\n" + "".join(
        f"Tekst {i} <svg width='1'><rect/></svg>\n\n" for i in range(count)
    )
    found = _problems_at(tmp_path, text)
    assert [int(line.split(":")[1]) for line in found] == [3 + 2 * i for i in range(count)]
