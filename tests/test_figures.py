"""Figures from the page model (koppelkansen/figures/scenes.py): well-formed, accessible, safe, and the
same on the site and in the PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, make_docs, run_build
from lxml import etree
from pdfproject import make_pdf_project

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.figures.scenes import FIGURES
from koppelkansen.figures.svg import SVG_NS, for_print, site_html, to_svg
from koppelkansen.pages.urls import relative_url
from koppelkansen.pdf.htmltypst import convert_page

NS = {"s": SVG_NS}

NEW_SESSION = """\
---
title: Ontwerpatelier Haven-Stad
type: sessie
status: concept
kind: ontwerpatelier
date: 2019-03-12
round: 2019-ontwerpateliers
---

# Ontwerpatelier Haven-Stad
"""


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w&]+", " ", text.casefold()).split())


def _corpus(docs: Path):
    corpus, problems, _ = check_docs(docs)
    assert corpus is not None and not problems, [p.format() for p in problems]
    return corpus


def _check_svg(markup: str) -> etree._Element:
    svg = etree.fromstring(markup)  # well-formed, or this raises
    assert svg.tag == f"{{{SVG_NS}}}svg"
    assert svg.find("s:title", NS) is not None and svg.find("s:title", NS).text
    assert svg.find("s:desc", NS) is not None and svg.find("s:desc", NS).text
    assert svg.get("width", "").endswith("em") and svg.get("height", "").endswith("em")
    links = svg.findall(".//s:a", NS)
    assert links
    for a in links:
        assert a.get("href"), etree.tostring(a)
        assert a.get("aria-label"), etree.tostring(a)
        assert a.find("s:title", NS).text == a.get("aria-label")
        # The accessible name contains the visible text (WCAG 2.5.3, axe label-content-name-mismatch).
        visible = " ".join(t.text.rstrip("…") for t in a.iter(f"{{{SVG_NS}}}text"))
        assert _words(visible) in _words(a.get("aria-label")), (visible, a.get("aria-label"))
    return svg


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_well_formed_and_every_mark_has_a_link_and_a_name(name):
    corpus = _corpus(ROOT / "docs")
    figure = FIGURES[name](corpus)
    svg = _check_svg(to_svg(figure, lambda uri: relative_url("overzichten/tijdlijn/", uri)))
    # Links point at built pages, relative to the page that shows the figure.
    hrefs = {a.get("href") for a in svg.findall(".//s:a", NS)}
    assert all(h.endswith("/") and not h.endswith(".md/") for h in hrefs), hrefs
    # The print version: still well-formed, fixed colours and Inter, no links left.
    printed = etree.fromstring(for_print(to_svg(figure, lambda uri: uri)))
    assert printed.findall(".//s:a", NS) == []
    assert "font-family: Inter" in printed.find("s:style", NS).text


def test_timeline_marks_sessions_by_lane_and_approximate_dates_as_ranges():
    corpus = _corpus(ROOT / "docs")
    svg = _check_svg(to_svg(FIGURES["tijdlijn"](corpus), lambda uri: uri))
    marks = {a.get("href"): a for a in svg.findall(".//s:a", NS)}
    # "zomer 2018" is a range (a bar), 31 October 2018 a point (a round dot).
    summer = marks["directieoverleg/2018-zomer.md"].find("s:rect", NS)
    day = marks["directieoverleg/2018-10-31.md"].find("s:rect", NS)
    assert float(summer.get("width")) > float(day.get("width")) == 12
    assert "zomer 2018" in marks["directieoverleg/2018-zomer.md"].get("aria-label")
    # One lane per case area and one for the programme.
    lanes = [
        a.get("aria-label") for a in svg.findall(".//s:a[@class='kk-fig-a kk-fig-a--lane']", NS)
    ]
    assert lanes == ["Programma: Overkoepelend plan", "Amstelstad", "9 Straatjes", "Haven-Stad"]


def test_a_new_organisation_unit_and_case_area_appear_in_the_programme_figure(tmp_path):
    docs = make_docs(tmp_path)
    vocabulary = docs / "schema" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    text = text.replace(
        "  haven-stad:\n    label: Haven-Stad\n",
        "  haven-stad:\n    label: Haven-Stad\n  zuidoost:\n    label: Zuidoost\n",
    )
    text = text.replace(
        "      cto:\n        label: CTO-office\n",
        "      cto:\n        label: CTO-office\n      wonen:\n        label: Wonen\n",
    )
    vocabulary.write_text(text, encoding="utf-8")
    corpus, _, _ = check_docs(docs)
    assert corpus is not None
    markup = to_svg(FIGURES["programma"](corpus), lambda uri: uri)
    svg = _check_svg(markup)
    texts = [t.text for t in svg.iter(f"{{{SVG_NS}}}text")]
    assert "Zuidoost" in texts and "Wonen" in texts


def test_front_matter_values_never_become_markup(tmp_path):
    hostile = '<script>alert(1)</script> & "x" </svg><a href="https://evil.example">'
    docs = make_docs(
        tmp_path,
        {
            "casussen/haven-stad/sessie.md": NEW_SESSION.replace(
                "Ontwerpatelier Haven-Stad", hostile.replace('"', "'")
            )
        },
    )
    corpus = _corpus(docs)
    html = site_html(FIGURES["tijdlijn"](corpus), lambda uri: uri)
    figure = etree.fromstring(html)
    assert not figure.findall(".//{*}script")
    assert not [a for a in figure.iter(f"{{{SVG_NS}}}a") if "evil" in (a.get("href") or "")]
    assert any("<script>" in (t.text or "") for t in figure.iter(f"{{{SVG_NS}}}text"))
    # The PDF side takes the same SVG: it is passed to Typst as an escaped string.
    typst, problems = convert_page(html, "overzichten/tijdlijn/", {}, "")
    assert problems == []
    assert typst.startswith("#block(breakable: false") and 'format: "svg"' in typst


def test_a_new_session_gains_its_mark_on_the_site_and_in_the_pdf(tmp_path):
    programme = (ROOT / "tests" / "fixtures" / "pdf-docs" / "programma.md").read_text(
        encoding="utf-8"
    )
    config = make_pdf_project(
        tmp_path,
        {
            "casussen/haven-stad/atelier.md": NEW_SESSION,
            "programma.md": programme + "\n## Tijdlijn\n\n<!-- koppelkansen:figuur tijdlijn -->\n",
        },
    )
    site = tmp_path / "site"
    built = run_build(config, site)
    assert built.returncode == 0, built.stderr
    page = (site / "overzichten" / "tijdlijn" / "index.html").read_text(encoding="utf-8")
    start = page.index('<figure class="kk-figure')
    figure = etree.fromstring(page[start : page.index("</figure>", start) + len("</figure>")])
    marks = {a.get("href"): a.get("aria-label") for a in figure.iter(f"{{{SVG_NS}}}a")}
    assert marks["../../casussen/haven-stad/atelier/"] == (
        "Ontwerpatelier Haven-Stad, Ontwerpatelier, 12 maart 2019"
    )
    assert (site / "casussen" / "haven-stad" / "atelier" / "index.html").is_file()
    text = subprocess.run(
        ["pdftotext", str(site / "downloads" / "koppelkansen-projectplannen.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Ontwerpatelier Haven-Stad" in text
    assert "Koppelkansen in één beeld" in text
