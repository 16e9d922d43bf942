"""Hostile HTML for the HTML-to-Typst converter: bounded work, problems instead of tracebacks."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_htmltypst import pdf_text

from koppelkansen.pdf.htmltypst import MAX_DEPTH, MAX_SPAN, MAX_TABLE_CELLS, convert_page
from koppelkansen.pdf.typstsyntax import escape

URL = "casussen/amstelstad/plan/"


def _convert(html: str) -> tuple[str, list[str]]:
    # Bounded work, measured in this thread's CPU seconds: a busy machine (other workers, other
    # builds) slows the clock on the wall, not the work done here.
    started = time.thread_time()
    result = convert_page(html, URL, {}, "https://example.org/")
    assert time.thread_time() - started < 5, "conversion used more than 5 CPU seconds"
    return result


@pytest.mark.parametrize("value", ["99999999", "abc", "-3", "0", str(MAX_SPAN + 1), "1e9"])
def test_colspan_and_rowspan_are_bounded(value):
    for attribute in ("colspan", "rowspan"):
        html = f'<table><tr><td {attribute}="{value}">a</td><td>b</td></tr></table>'
        text, problems = _convert(html)
        assert any(attribute in p and f"1 tot en met {MAX_SPAN}" in p for p in problems), problems
        assert f"{attribute}: {value}" not in text


def test_sane_spans_are_kept():
    text, problems = _convert(
        '<table><tr><td colspan="2">a</td></tr><tr><td>b</td><td>c</td></tr></table>'
    )
    assert problems == [] and "colspan: 2" in text


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 300, 20000])
def test_deep_nesting_is_a_problem_not_a_silent_cut(depth):
    html = "<div>" * depth + "x" + "</div>" * depth + "<p>daarna</p>"
    _text, problems = _convert(html)
    assert any("diep genest" in p for p in problems)


def test_nesting_within_the_bound_keeps_the_rest_of_the_page():
    html = "<div>" * 50 + "x" + "</div>" * 50 + "<p>daarna</p>"
    text, problems = _convert(html)
    assert problems == [] and "daarna" in text


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
def test_line_separators_cannot_start_a_heading_or_list(tmp_path, separator):
    html = f"<p>tekst{separator}= Kop{separator}- item{separator}+ plus{separator}1. een</p>"
    text, problems = _convert(html)
    assert problems == []
    for line in text.splitlines():
        assert not line.lstrip().startswith(("= ", "- ", "+ ", "1. "))
    assert separator not in escape(f"a{separator}b")
    assert "= Kop - item + plus 1. een" in pdf_text(tmp_path, text)


LINEAR_INPUTS = {
    "backticks in a code block": lambda n: "<pre><code>" + "`" * n + "</code></pre>",
    "backticks in a paragraph": lambda n: "<p>" + "`" * n + "</p>",
    "markup characters in words": lambda n: "<p>" + "woord *_#$ " * (n // 10) + "</p>",
    "backticks in inline code": lambda n: "<p><code>" + "`" * n + "</code></p>",
}


def _cpu(html: str) -> tuple[float, str]:
    """This thread's CPU seconds for one conversion (the least of three), and its text."""
    best, text = float("inf"), ""
    for _ in range(3):
        started = time.thread_time()
        text, problems = convert_page(html, URL, {}, "https://example.org/")
        best = min(best, time.thread_time() - started)
        assert problems == []
    return best, text


@pytest.mark.parametrize("kind", sorted(LINEAR_INPUTS))
def test_long_backtick_runs_and_paragraphs_convert_in_linear_time(kind):
    """Ten times the input costs about ten times the work, not a hundred (quadratic), in CPU
    seconds of this thread (a busy machine slows the wall clock, not the work done here); and
    every character of the input is in the output."""
    make = LINEAR_INPUTS[kind]
    small, _ = _cpu(make(20_000))
    large, text = _cpu(make(200_000))
    assert large < max(small, 0.002) * 40, (
        f"{kind}: {small:.4f} s, ten times the input {large:.4f} s"
    )
    if "backticks" in kind:
        assert text.count("`") >= 200_000, kind
    else:
        assert text.count("woord") == 20_000, kind


_html_piece = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<ul><li>",
        "</li></ul>",
        "<table><tr><td",
        ' colspan="',
        ' rowspan="',
        '">',
        "</td></tr></table>",
        "<pre><code>",
        "</code></pre>",
        "<code>",
        "</code>",
        "<h2>",
        "</h2>",
        "<em>",
        "</em>",
        "`",
        "```",
        "=",
        "- ",
        "#",
        "\u2028",
        "\x85",
        "\x0b",
        "\x0c",
        "tekst",
        "999",
        "abc",
        '<a href="../x/">',
        "</a>",
        "<blockquote>",
        "</blockquote>",
    ]
)


@settings(deadline=2000, max_examples=150)
@given(st.lists(_html_piece, max_size=60).map("".join))
def test_converter_never_raises(html):
    text, problems = convert_page(html, URL, {}, "https://example.org/")
    assert isinstance(text, str)
    assert all(isinstance(p, str) and p for p in problems)
    for line in text.splitlines():
        assert "\u2028" not in line and "\x85" not in line


def test_pdf_labels_differ_for_look_alike_paths():
    from koppelkansen.pdf.htmltypst import page_key

    urls = ["casussen/haven-stad/x/", "casussen.haven-stad/x/", "casussen_haven-stad/x/"]
    assert len({page_key(u) for u in urls}) == len(urls)
    assert page_key("casussen/amstelstad/plan/") == "p-casussen.amstelstad.plan."


@settings(deadline=1000, max_examples=200)
@given(
    st.text(st.sampled_from("ab/._-é "), max_size=12),
    st.text(st.sampled_from("ab/._-é "), max_size=12),
)
def test_pdf_label_is_one_per_url(first, second):
    from koppelkansen.pdf.htmltypst import page_key

    if first != second:
        assert page_key(first) != page_key(second)
    assert re.fullmatch(r"p-[A-Za-z0-9_.\-]*", page_key(first))


def test_headings_that_differ_only_by_punctuation_keep_their_own_labels(tmp_path):
    ids = ["A.b", "A_b", "A:b", "A-b", "Ab"]
    html = "".join(f'<h2 id="{i}">Kop {n}</h2><p>Tekst {n}.</p>' for n, i in enumerate(ids))
    html += "<p>" + " ".join(f'<a href="#{i}">naar {n}</a>' for n, i in enumerate(ids)) + "</p>"
    text, problems = _convert(html)
    assert problems == []
    labels = re.findall(r"^<(p-[^>]+)>$", text, re.M)
    assert len(labels) == len(set(labels)) == len(ids)
    # Typst refuses a link to a label that occurs twice; each link reaches its own heading.
    out = pdf_text(tmp_path, text)
    assert all(f"Kop {n}" in out and f"naar {n}" in out for n in range(len(ids)))


_label_text = st.text(st.sampled_from("aB1._-:/é #"), max_size=10)


@settings(deadline=1000, max_examples=300)
@given(_label_text, _label_text, _label_text, _label_text)
def test_heading_labels_are_one_per_page_and_id(url1, id1, url2, id2):
    from koppelkansen.pdf.htmltypst import anchor_label, page_key

    first, second = anchor_label(page_key(url1), id1), anchor_label(page_key(url2), id2)
    if (url1, id1) != (url2, id2):
        assert first != second
    assert first not in (page_key(url1), page_key(url2))  # never a page's own label
    assert re.fullmatch(r"p-[A-Za-z0-9_.\-]*:[A-Za-z0-9_\-]*", first)


# -- Typst errors are told about the Markdown page (item 9) --------------------------------------


def _typst(path):
    import typst

    return typst.compile(str(path), root="/")


def _typst_error(path):
    with pytest.raises(Exception) as caught:  # typst.TypstError
        _typst(path)
    return caught.value


def _typst_project(tmp_path, page_markup: str, main_markup: str = "", extra: str = ""):
    """A Markdown page, its generated Typst (through a template helper), and a main file."""
    from koppelkansen.pdf.convert import PageSource

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kapot.png").write_text("geen png", encoding="utf-8")
    markdown = docs / "pagina.md"
    markdown.write_text(
        "---\ntitle: P\n---\n\nTekst.\n\n![Kapot](kapot.png)\n" + extra, encoding="utf-8"
    )
    (tmp_path / "tpl.typ").write_text("#let figuur(path) = image(path)\n", encoding="utf-8")
    page_file = tmp_path / "pagina.typ"
    page_file.write_text(f'#import "tpl.typ": *\n{page_markup}\n', encoding="utf-8")
    main = tmp_path / "main.typ"
    main.write_text(
        f'#let kk-chapter(key: "") = []\n{main_markup}\n#kk-chapter(key: "p-pagina.")\n'
        '#include "pagina.typ"\n',
        encoding="utf-8",
    )
    page = PageSource(
        url="pagina/", source="docs/pagina.md", title="P", html="", path=str(markdown)
    )
    return main, page_file, page


def test_typst_error_in_a_page_names_the_markdown_line_in_dutch(tmp_path):
    from koppelkansen.pdf.typsterrors import typst_problem

    image = f'#image("{tmp_path}/docs/kapot.png", alt: "Kapot")'
    main, page_file, page = _typst_project(tmp_path, f"Tekst.\n\n{image}")
    error = _typst_error(main)
    problem = typst_problem(error, "bundel.pdf", main, {page_file: page}, _typst)
    assert problem.format() == (
        "docs/pagina.md:7:1: fout: de afbeelding 'docs/kapot.png' is beschadigd of niet het soort "
        "bestand dat haar extensie zegt; sla haar opnieuw op als PNG, JPEG, GIF of SVG (in bundel.pdf)"
    )
    assert ".typ" not in problem.format()


def test_typst_error_in_a_template_helper_is_traced_to_its_page(tmp_path):
    from koppelkansen.pdf.typsterrors import typst_problem

    main, page_file, page = _typst_project(tmp_path, f'#figuur("{tmp_path}/docs/kapot.png")')
    error = _typst_error(main)
    assert "tpl.typ" in error.diagnostic  # Typst names the template, not the page
    problem = typst_problem(
        error, "bundel.pdf", main, {page_file: page}, lambda _: _typst(page_file)
    )
    assert problem.format().startswith("docs/pagina.md: fout: de afbeelding is beschadigd")


def test_typst_error_in_the_main_file_is_told_about_its_chapter(tmp_path):
    from koppelkansen.pdf.typsterrors import typst_problem

    main, page_file, page = _typst_project(tmp_path, "Tekst.")
    main.write_text(main.read_text(encoding="utf-8") + '#(1 + "a")\n', encoding="utf-8")
    error = _typst_error(main)
    problem = typst_problem(error, "bundel.pdf", main, {page_file: page}, _typst)
    assert problem.source == "docs/pagina.md"
    assert problem.message.startswith(
        "Typst kan deze pagina niet zetten in bundel.pdf (Typst meldt:"
    )


def test_typst_error_that_no_page_causes_asks_to_report_it(tmp_path):
    from koppelkansen.pdf.typsterrors import typst_problem

    main, page_file, page = _typst_project(tmp_path, "Tekst.", main_markup='#(1 + "a")')
    error = _typst_error(main)
    problem = typst_problem(
        error, "bundel.pdf", main, {page_file: page}, lambda _: _typst(page_file)
    )
    assert problem.source == "bundel.pdf"
    assert "meld het aan de beheerders" in problem.message


def test_a_huge_table_is_a_problem_not_minutes_of_typesetting():
    row = "<tr>" + "<td>c</td>" * 20 + "</tr>"
    fits = "<table>" + row * (MAX_TABLE_CELLS // 20) + "</table>"
    assert _convert(fits)[1] == []
    text, problems = _convert(fits + "<table>" + row + "</table>" + "<table>" + row + "</table>")
    assert len(problems) == 1 and f"meer dan {MAX_TABLE_CELLS} cellen" in problems[0]
    assert text.count("#table(") == 1


@pytest.mark.parametrize("chain", [2, 3000])
def test_footnotes_citing_footnotes_in_a_cycle_or_a_long_chain_are_a_problem(chain):
    # Python-Markdown's shape: a reference is <sup><a class="footnote-ref" href="#fn:N">N</a></sup>.
    def ref(n: int) -> str:
        return f'<sup id="fnref:{n}"><a class="footnote-ref" href="#fn:{n}">{n}</a></sup>'

    notes = "".join(
        f'<li id="fn:{n}"><p>Noot {n} {ref(n % chain + 1)}</p></li>' for n in range(1, chain + 1)
    )
    html = f'<p>Tekst{ref(1)}</p><div class="footnote"><hr><ol>{notes}</ol></div>'
    _, problems = _convert(html)
    assert len(problems) == 1 and "voetnoot" in problems[0]


def test_typst_font_error_names_the_character_and_its_line(tmp_path):
    import typst
    from test_htmltypst import FONTS

    from koppelkansen.pdf.typsterrors import typst_problem

    def accessible(path):  # as the build typesets: PDF/UA-1, only the fonts in docs/
        return typst.compile(
            str(path),
            root="/",
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
            pdf_standards=["ua-1"],
        )

    main, page_file, page = _typst_project(
        tmp_path,
        '#set text(font: "Inter")\n= Kop\n\nEen vlag \U0001f3f3 hier.',
        extra="\nEen vlag \U0001f3f3 hier.\n",
    )
    with pytest.raises(Exception) as caught:
        accessible(main)
    problem = typst_problem(caught.value, "bundel.pdf", main, {page_file: page}, accessible)
    assert problem.format().startswith(
        "docs/pagina.md:9:1: fout: het teken '\U0001f3f3' staat niet in het lettertype van de PDF"
    ), problem.format()
