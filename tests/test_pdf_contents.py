"""The contents page ("Inhoud") has its final length from Typst's first layout pass on
(koppelkansen/pdf/contents.py), so a bundle whose contents fills several pages settles in two
passes and its page numbers are right."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pdfvalidation import assert_archival

from koppelkansen.pdf.bundles import Chapter, PdfSpec
from koppelkansen.pdf.contents import contents_lines, module_sections
from koppelkansen.pdf.convert import PageSource
from koppelkansen.pdf.htmltypst import convert_page_module
from koppelkansen.pdf.passes import count_passes
from koppelkansen.pdf.typeset import Typesetter
from koppelkansen.pdf.worker import typst_options

FONTS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "fonts"
SITE = "https://example.org/plannen/"


def _module(html: str) -> str:
    return convert_page_module(html, "a/", {}, SITE)[0]


def test_the_sections_of_a_page_module_are_read_in_order_with_their_markup():
    module = _module(
        '<p>Intro</p><h2 id="een">Eén *ster* [haak]</h2><p>x</p><h3 id="sub">Sub</h3>'
        '<h2>Zonder id</h2><h2 id="drie">Met <code>code</code> en <a href="../b/">link</a></h2>'
    )
    sections = module_sections(module)
    assert sections is not None and len(sections) == 3
    assert "ster" in sections[0] and r"\*" in sections[0] and r"\[" in sections[0]
    assert sections[1] == "Zonder id"
    assert "`code`" in sections[2] and "kk-link(" in sections[2]


@pytest.mark.parametrize(
    "module",
    [
        # a section title over two lines (a block inside the heading): not read whole
        "#set heading(numbering: kk-number(1))\n== Een\n#block[\nx\n]\n",
        # a numbering the reader does not know: never a guess
        "#set heading(numbering: kk-number(2))\n== Twee\n<l>\n\n",
    ],
)
def test_a_section_that_cannot_be_read_whole_gives_no_stand_in(module):
    assert module_sections(module) is None
    assert contents_lines([("a", "A")], {"a": module_sections(module)}) is None


def test_the_contents_lines_number_chapters_and_sections_and_escape_titles():
    lines = contents_lines([("a", 'Titel "met" \\ tekens'), ("b", "B")], {"a": ["S1", "S2"]})
    assert lines is not None
    assert '(1, "1", "Titel \\"met\\" \\\\ tekens"),' in lines
    assert '(2, "1.1", [S1]),' in lines and '(2, "1.2", [S2]),' in lines
    assert '(1, "2", "B"),' in lines


def _chapter(i: int) -> Chapter:
    sections = "".join(
        f'<h2 id="s{j}">Onderdeel {i}.{j} over water en energie</h2><p>Tekst {i}.{j}.</p>'
        for j in range(1, 5)
    )
    page = PageSource(
        url=f"h{i:02d}/",
        source=f"docs/h{i:02d}.md",
        title=f"Hoofdstuk {i:02d}",
        html=f"<p>Inleiding {i}.</p>{sections}",
    )
    return Chapter(page, "Projectplan", "", "vastgesteld", "Vastgesteld", "")


def test_a_contents_of_several_pages_settles_in_two_passes_with_the_right_page_numbers(tmp_path):
    """Without the stand-in this bundle took 3 passes: its contents (4 pages) was empty in the
    first pass, and every chapter moved 3 pages on in the second."""
    chapters = [_chapter(i) for i in range(1, 41)]
    spec = PdfSpec("koppelkansen-inhoud", "Inhoud", "Inhoud", "Test", ["A"], chapters, epoch=0)
    setter = Typesetter(tmp_path / "cache", FONTS, SITE)
    [result] = setter.build([spec], {}, tmp_path / "out")
    main = tmp_path / "cache" / "work" / "koppelkansen-inhoud.typ"
    assert "contents: (" in main.read_text(encoding="utf-8")
    assert count_passes(main, typst_options(FONTS, 0)) == 2
    pdf = result.path
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    contents = [n for n, page in enumerate(pages, 1) if ". . . . ." in page]
    assert len(contents) >= 3, "the contents must fill several pages for this test"
    # Every chapter line of the contents names the page its chapter starts on.
    for i in (1, 20, 40):
        listed = re.search(rf"^\s*{i}\s+Hoofdstuk {i:02d}[ .]*?(\d+)\s*$", text, re.M)
        assert listed, i
        start = next(n for n, page in enumerate(pages, 1) if f"Inleiding {i}." in page)
        assert int(listed.group(1)) == start, i
    assert_archival([pdf])
