"""Issue 31, item 4: every limit holds at its line, for every format. Nesting is refused before
Markdown renders it (a list 300 levels deep ended in a RecursionError), the PDF converter's
limits name the line, a file is judged by its content (a PNG named kaart.dat), the work of every
SVG is bounded, and a long word breaks in the PDF."""

from __future__ import annotations

import re

import markdown
import pytest

from koppelkansen.check.content import (
    MAX_FILTERED,
    MAX_PIXELS,
    MAX_SVG_ELEMENTS,
    check_media_file,
    font_coverage,
    sniff,
)
from koppelkansen.check.structure import MAX_NESTING, nesting, page_structure_problems
from koppelkansen.pdf.convert import ConversionError, PageSource, convert_pages
from koppelkansen.pdf.htmltypst import LONG_RUN, LONG_RUN_STEP, convert_page

FRONT = "---\ntitle: Diep\ntype: pagina\nstatus: concept\n---\n\nTekst.\n\n"
FONTS = __import__("conftest").ROOT / "docs" / "assets" / "fonts"
EXTENSIONS = ["admonition", "def_list", "md_in_html", "tables", "pymdownx.details"]


def _page(tmp_path, body: str):
    path = tmp_path / "diep.md"
    path.write_text(FRONT + body, encoding="utf-8")
    return page_structure_problems(path, body)


@pytest.mark.parametrize(
    ("body", "line", "depth"),
    [
        # A list 300 levels deep: a RecursionError in Python-Markdown before.
        ("".join("    " * i + "- x\n" for i in range(300)), 31, MAX_NESTING + 1),
        ("> " * 120 + "diep\n", 1, 120),  # a quote 120 levels deep: refused at 1:1 before
        (">" * 40 + " zonder spaties\n", 1, 40),
        # Quotes in lists in admonitions: every kind of level counts.
        (
            "".join("    " * i + "!!! note\n\n" for i in range(20))
            + "    " * 20
            + "> " * 15
            + "x\n",
            41,
            35,
        ),
        # Tabs count as four spaces, in real nesting (40 tabs before one item are code).
        ("".join("\t" * i + "- x\n" for i in range(40)), 31, 31),
        # A list inside a quote: the levels after the '>' count too.
        ("".join("> " + "    " * i + "- x\n" for i in range(40)), 30, 31),
        # Deep nesting mixed with HTML blocks: a <div markdown> around lists, in lists.
        # (16 items, 15 <div>s open around the last one, four lines an item).
        (
            "".join(
                "    " * i + "- x\n\n" + "    " * (i + 1) + "<div markdown>\n\n" for i in range(16)
            ),
            61,
            31,
        ),
        # <div markdown> nested 1,000 deep: a RecursionError in md_in_html.
        ("<div markdown>\n" * 1000 + "x\n" + "</div>\n" * 1000, 31, 31),
        ("<div><section>" * 20 + "x" + "</section></div>" * 20 + "\n", 1, 40),
    ],
)
def test_nesting_too_deep_is_refused_at_its_line_before_rendering(tmp_path, body, line, depth):
    (problem,) = [p for p in _page(tmp_path, body) if "niveaus diep" in p.message]
    assert (problem.line, problem.col) == (FRONT.count("\n") + line, 1)
    assert (
        f"{depth} niveaus diep" in problem.message and f"hoogstens {MAX_NESTING}" in problem.message
    )


def test_nesting_within_the_limit_and_deep_code_are_kept(tmp_path):
    body = "".join("    " * i + "- x\n" for i in range(MAX_NESTING))
    assert nesting(body) is None and _page(tmp_path, body) == []
    markdown.markdown(body, extensions=EXTENSIONS)  # and it renders
    fenced = "```\n" + "".join(" " * 4 * i + "> - x\n" for i in range(60)) + "```\n"
    assert _page(tmp_path, fenced) == []
    # Many <div>s one after the other, and tags in code, are no nesting.
    siblings = (
        "<div>x</div>\n" * 200 + "`<div>` " * 100 + "\n<details><summary>a</summary>b</details>\n"
    )
    assert _page(tmp_path, siblings) == []


#: Indentation is no nesting: code at any indentation, tabs and lists with code inside are content
#: (a code block indented 120 spaces was refused as nesting).
CONTENT_NOT_NESTING = {
    "indented code, 124 spaces": "Tekst.\n\n" + " " * 124 + "print('diep')\n" + " " * 120 + "x\n",
    "indented code, 40 tabs": "Tekst.\n\n" + "\t" * 40 + "- geen lijst maar code\n",
    "a listing of a deep list in indented code": "Tekst.\n\n"
    + "".join("    " + "    " * i + "- x\n" for i in range(60)),
    "fenced code at 124 spaces in a list": "- item\n\n"
    + " " * 124
    + "```\n"
    + " " * 124
    + "code\n"
    + " " * 124
    + "```\n",
    "fenced code indented in a list item": "- x\n\n    ```text\n"
    + "".join("    " * (i + 1) + "- y\n" for i in range(60))
    + "    ```\n",
    "lists with code inside, ten deep": "".join(
        "    " * i
        + "- stap\n\n"
        + "    " * (i + 1)
        + "~~~\n"
        + "    " * (i + 40)
        + "z\n"
        + "    " * (i + 1)
        + "~~~\n\n"
        for i in range(10)
    ),
    "a <pre> with deep indentation": "<pre>\n"
    + "".join("    " * i + "- x\n" for i in range(60))
    + "</pre>\n",
    "a paragraph continued far to the right": "Tekst\n"
    + "".join(" " * 4 * i + "- nog steeds tekst\n" for i in range(1, 3)),
}


@pytest.mark.parametrize("body", CONTENT_NOT_NESTING.values(), ids=CONTENT_NOT_NESTING.keys())
def test_indentation_of_code_is_content_not_nesting(tmp_path, body):
    assert nesting(body) is None and _page(tmp_path, body) == []
    markdown.markdown(body, extensions=[*EXTENSIONS, "pymdownx.superfences"])  # and it renders


def _located(html: str, markdown_text: str, tmp_path) -> list[str]:
    source = tmp_path / "docs" / "plan.md"
    source.parent.mkdir(exist_ok=True)
    source.write_text(markdown_text, encoding="utf-8")
    page = PageSource(url="plan/", source="docs/plan.md", title="P", html=html, path=str(source))
    with pytest.raises(ConversionError) as failed:
        convert_pages([page], {}, "https://example.org/")
    return [p.format() for p in failed.value.problems]


def test_the_converters_depth_and_table_limits_name_their_line(tmp_path):
    deep = "<div>" * 150 + "Hier is het te diep" + "</div>" * 150
    text = "# P\n\nTekst.\n\n" + deep + "\n"
    (found,) = _located(deep, text, tmp_path)
    assert found.startswith("docs/plan.md:5:1: fout: de HTML van deze pagina is 150 elementen")
    header = "| Gebied | Jaar | Thema |\n|---|---|---|\n"
    table_md = "# P\n\nEen kleine tabel.\n\n" + header + "| a | b | c |\n\nEn een grote.\n\n"
    table_md += (
        "| Kolom een | Kolom twee | Kolom drie |\n|---|---|---|\n" + "| x | y | z |\n" * 3400
    )
    html = markdown.markdown(table_md, extensions=["tables"])
    (found,) = _located(html, table_md, tmp_path)
    assert found.startswith("docs/plan.md:11:1: fout: de tabellen op deze pagina hebben samen")


def test_a_long_word_gets_places_to_break_and_dutch_words_stay_whole():
    word = "a" * 10_000
    text, problems = convert_page(
        f"<p>{word}</p><p>arbeidsongeschiktheidsverzekering</p>", "p/", {}, "https://example.org/"
    )
    assert problems == []
    assert text.count("\u200b") == 10_000 // LONG_RUN_STEP - 1
    assert max(len(run) for run in re.findall("a+", text)) == LONG_RUN_STEP <= LONG_RUN
    assert "arbeidsongeschiktheidsverzekering" in text  # 33 letters: Typst hyphenates it


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _jpeg(marker: int, components: int) -> bytes:
    sof = bytes([0xFF, marker]) + (8 + 3 * components).to_bytes(2, "big") + b"\x08"
    sof += (20).to_bytes(2, "big") * 2 + bytes([components])
    sof += b"".join(bytes([n + 1, 0x11, 0]) for n in range(components))
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def _late_jpeg(width: int, height: int, metadata_kb: int) -> bytes:
    """A JPEG whose frame header comes after ``metadata_kb`` KB of metadata (EXIF segments)."""
    segments = b"".join(
        b"\xff\xe1" + (1026).to_bytes(2, "big") + bytes(1024) for _ in range(metadata_kb)
    )
    sof = b"\xff\xc0\x00\x11\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big")
    sof += b"\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    return b"\xff\xd8" + segments + sof + b"\xff\xd9"


def _gif(screen: int, frame: int, extensions: int = 0) -> bytes:
    """A GIF whose first image (after ``extensions`` comment blocks) is ``frame`` pixels square,
    on a screen ``screen`` pixels square."""
    comment = b"\x21\xfe" + b"\x03abc" * 3 + b"\x00"
    return (
        b"GIF89a"
        + screen.to_bytes(2, "little") * 2
        + b"\x00\x00\x00"
        + comment * extensions
        + b"\x2c\x00\x00\x00\x00"
        + frame.to_bytes(2, "little") * 2
        + b"\x00\x02\x02\x44\x01\x00\x3b"
    )


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("kaart.dat", _png(30_000, 30_000), "30000 × 30000 pixels"),  # by content, not name
        ("kaart", _png(20_000, 20_000), "20000 × 20000 pixels"),  # no extension at all
        ("foto.jpg", _png(10, 10), "heet .jpg maar is een PNG-bestand"),
        ("drukwerk.jpg", _jpeg(0xC0, 4), "in CMYK"),
        ("verliesvrij.jpeg", _jpeg(0xC3, 3), "op een zeldzame manier gecodeerd"),
        ("rekenkundig.jpg", _jpeg(0xC9, 3), "op een zeldzame manier gecodeerd"),
        # The frame after 300 KB of metadata (the check read 256 KB), and after 40 MB.
        ("laat.jpg", _late_jpeg(60_000, 60_000, 300), "60000 × 60000 pixels"),
        ("heel-laat.jpg", _late_jpeg(20_000, 20_000, 9_000), "20000 × 20000 pixels"),
        ("te-laat.jpg", _late_jpeg(200, 200, 10_001), "meer dan 10000 blokken metadata"),
        # A GIF's first image larger than its screen (the check read the screen only).
        ("klein-scherm.gif", _gif(1, 30_000, extensions=50), "30000 × 30000 pixels"),
        ("groot-scherm.gif", _gif(30_000, 1), "30000 × 30000 pixels"),
        (
            "figuur.txt",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">\n'
            b"<script>alert(1)</script></svg>",
            "<script>",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value else "",
)
def test_files_are_judged_by_their_content(tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    problems = check_media_file(path, name, FONTS)
    assert any(expected in p.message for p in problems), problems
    assert all(p.path == path for p in problems)


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        # Typst draws each glyph as a path: two million characters took minutes.
        ("<text>\n" + "x" * 30_000 + "</text>", 2, "meer dan 20000 tekens tekst"),
        ("<text>a</text>\n<text>" + "y" * 20_000 + "</text>", 3, "meer dan 20000 tekens tekst"),
        # lxml's English advice ("use XML_PARSE_HUGE option") is no advice for an author.
        ("<g>" * 300 + "</g>" * 300, 2, "meer dan 256 niveaus diep"),
    ],
    ids=["text", "text-in-two", "depth"],
)
def test_an_svg_with_too_much_text_or_depth_is_refused_in_dutch(tmp_path, body, line, expected):
    path = tmp_path / "figuur.svg"
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">\n{body}</svg>', encoding="utf-8")
    (problem,) = check_media_file(path, "figuur.svg", FONTS)
    assert problem.line == line and expected in problem.message, problem
    assert "XML_PARSE_HUGE" not in problem.message


def test_ordinary_files_pass(tmp_path):
    assert sniff(_png(10, 10)) == "png" and sniff(b"%PDF-1.7") is None
    for name, data in (
        ("foto.jpg", _late_jpeg(4000, 3000, 300)),
        ("plaatje.gif", _gif(600, 400, extensions=3)),
        ("kapot.gif", b"GIF89a\x10\x00\x10\x00\x80\x00\x00"),  # truncated: Typst tells it
        ("kapot.jpg", b"\xff\xd8\xff\xe1\xff\xff"),
    ):
        (tmp_path / name).write_bytes(data)
        assert check_media_file(tmp_path / name, name, FONTS) == [], name
    assert MAX_PIXELS >= 3000 * 3000


def test_files_that_are_no_image_pass(tmp_path):
    for name, data in (
        ("tabel.csv", b"a;b\n"),
        ("plan.pdf", b"%PDF-1.7\n"),
        ("x.svg.txt", b"tekst"),
    ):
        (tmp_path / name).write_bytes(data)
        assert check_media_file(tmp_path / name, name, FONTS) == []
    (tmp_path / "foto.jpg").write_bytes(_jpeg(0xC2, 3))  # progressive, RGB: fine
    assert check_media_file(tmp_path / "foto.jpg", "foto.jpg", FONTS) == []


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100">\n{}\n</svg>\n'


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        # Three 300-byte SVGs like this hung the build for more than a minute.
        (
            '<filter id="f" x="-10000%" y="-10000%" width="30000%" height="30000%">'
            '<feGaussianBlur stdDeviation="500"/></filter>\n<rect width="9" height="9" filter="url(#f)"/>',
            2,
            "300 keer zo groot",
        ),
        ('<filter id="f" width="5" height="1.2"><feOffset/></filter>', 2, "5 keer zo groot"),
        (
            '<filter id="f" filterUnits="userSpaceOnUse" x="0" y="0" width="100000" height="100">'
            "<feFlood/></filter>",
            2,
            "500 keer zo groot",
        ),
        ('<filter id="f">\n<feMorphology radius="50"/></filter>', 3, 'radius="50"'),
        (
            '<filter id="f">\n<feConvolveMatrix order="30" kernelMatrix="1"/></filter>',
            3,
            'order="30"',
        ),
        ('<filter id="f">\n<feTurbulence numOctaves="1000"/></filter>', 3, 'numOctaves="1000"'),
        (
            '<filter id="f"><feOffset/></filter>'
            + "\n<rect filter='url(#f)'/>" * (MAX_FILTERED + 5),
            MAX_FILTERED + 3,
            f"hoogstens {MAX_FILTERED}",
        ),
        # A billion laughs of <use>: each level ten times the one before.
        (
            '<g id="a0"><rect/></g>\n'
            + "".join(
                f'<g id="a{n + 1}">' + f'<use href="#a{n}"/>' * 10 + "</g>\n" for n in range(8)
            ),
            1,
            f"meer dan {MAX_SVG_ELEMENTS} elementen",
        ),
        ('<g id="g"><use xlink:href="#g"/></g>', 2, "naar zichzelf"),
        (
            '<text x="0" y="15">Hallo</text>\n<text x="0" y="40">Zon <tspan>😀</tspan></text>',
            3,
            "'😀'",
        ),
    ],
)
def test_the_work_of_every_svg_is_bounded_and_told_at_its_line(tmp_path, body, line, expected):
    path = tmp_path / "figuur.svg"
    path.write_text(SVG.format(body), encoding="utf-8")
    problems = check_media_file(path, "figuur.svg", FONTS)
    assert any(expected in p.message and p.line == line for p in problems), problems


def test_an_ordinary_figure_with_a_shadow_and_reuse_passes(tmp_path):
    body = (
        '<filter id="s" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur '
        'stdDeviation="3"/><feMorphology radius="2"/></filter>\n<g id="h"><rect width="9" '
        'height="9"/></g>'
        + '<use href="#h"/>' * 50
        + '\n<text filter="url(#s)">Café Ærø ± € – “x”</text>'
    )
    path = tmp_path / "figuur.svg"
    path.write_text(SVG.format(body), encoding="utf-8")
    assert check_media_file(path, "figuur.svg", FONTS) == []
    assert ord("é") in font_coverage(FONTS) and ord("😀") not in font_coverage(FONTS)


# -- Typst bounded in time and memory (issue 31) ----------------------------------------------
#: What the static bounds of the check refuse (a filter region 300 times its element): here it
#: reaches Typst, as a construct those bounds do not know would.
SLOW_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><filter id="f" '
    'x="-15000%" y="-15000%" width="30000%" height="30000%"><feGaussianBlur stdDeviation="400"/>'
    '</filter><rect width="300" height="300" filter="url(#f)"/></svg>'
)


def test_typst_is_stopped_at_its_time_and_memory_limits_and_the_next_pdf_builds(tmp_path):
    from koppelkansen.pdf.worker import ChildCompiler, TypstOutOfMemory, TypstTimeout

    hang = tmp_path / "hang.typ"
    hang.write_text("#for i in range(2000000000) {}\nx\n", encoding="utf-8")
    greedy = tmp_path / "greedy.typ"
    greedy.write_text("#let a = range(300000000)\n#a.len()\n", encoding="utf-8")
    good = tmp_path / "goed.typ"
    good.write_text('#set document(title: "Goed")\n= Goed\n\nTekst.\n', encoding="utf-8")
    with ChildCompiler() as child:
        with pytest.raises(TypstTimeout, match=r"na 0,5 seconden niet klaar"):
            child.compile(hang, FONTS, 0, seconds=0.5)
        with pytest.raises(TypstOutOfMemory, match="meer dan 1500 MB geheugen"):
            child.compile(greedy, FONTS, 0, memory_mb=1500)
        assert child.compile(good, FONTS, 0, seconds=60, memory_mb=1500).startswith(b"%PDF")
        assert child.started == 3  # each stopped child was replaced


def test_a_pdf_over_its_time_limit_names_the_bundle_and_the_page(tmp_path):
    from koppelkansen.pdf.bundles import Chapter, PdfSpec
    from koppelkansen.pdf.typeset import Typesetter
    from koppelkansen.pdf.worker import TypstLimits

    figure = tmp_path / "docs" / "zwaar.svg"
    figure.parent.mkdir()
    figure.write_text(SLOW_SVG, encoding="utf-8")

    def chapter(name: str, html: str) -> Chapter:
        page = PageSource(url=f"{name}/", source=f"docs/{name}.md", title=name, html=html)
        return Chapter(page, "Plan", "", "concept", "Concept", "")

    spec = PdfSpec(
        name="bundel",
        title="Bundel",
        short_title="Bundel",
        subtitle="",
        partners=[],
        chapters=[
            chapter("licht", "<p>Tekst.</p>"),
            chapter("zwaar", '<p><img alt="Zwaar" src="../zwaar.svg"></p>'),
        ],
    )
    # 1.25 s the bundle, 0.75 s a page alone: with no limit this bundle took 6.2 and 7.1 s.
    limits = TypstLimits(seconds=0.25, seconds_per_chapter=0.5)
    typesetter = Typesetter(tmp_path / "cache", FONTS, "https://example.org/", limits=limits)
    with pytest.raises(ConversionError) as failed:
        typesetter.build([spec], {"zwaar.svg": str(figure)}, tmp_path / "out")
    (problem,) = failed.value.problems
    assert problem.source == "docs/zwaar.md"
    assert problem.message.startswith(
        "Het zetten van de PDF bundel.pdf (2 hoofdstukken) duurde langer dan 1,25 seconden en is "
        "gestopt, ook als die pagina alleen in een PDF staat."
    )
    assert not (tmp_path / "out").exists()  # no PDF written


def test_pdf_limits_are_a_setting_read_strictly():
    from koppelkansen.pdf.worker import TypstLimits, dutch_seconds

    assert TypstLimits().for_chapters(1000) == (560.0, 12096)  # the bench bundle's room
    assert [dutch_seconds(s) for s in (1, 60.5, 560.0)] == [
        "1 seconde",
        "60,5 seconden",
        "560 seconden",
    ]
    assert TypstLimits.read({"seconds": 5, "memory_mb_per_chapter": 1}).for_chapters(10) == (
        10.0,
        4106,
    )
    for wrong, said in (
        ({"sekonden": 5}, "onbekende sleutel 'sekonden'"),
        ({"seconds": "lang"}, "'seconds' moet een getal zijn"),
        ({"memory_mb": 1.5}, "'memory_mb' moet een geheel getal zijn"),
        ({"seconds": 0}, "'seconds' moet groter dan 0 zijn"),
        ({"memory_mb": True}, "geheel getal"),
    ):
        with pytest.raises(ValueError, match=said):
            TypstLimits.read(wrong)


def test_a_table_wider_than_a_page_is_refused_at_its_line(tmp_path):
    """5,000 columns were a thin line in the PDF (issue 31); Markdown and HTML tables, colspan
    counted, code left alone."""
    from koppelkansen.check.structure import MAX_TABLE_COLUMNS

    wide = MAX_TABLE_COLUMNS + 1
    body = (
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"  # lines 1-3: fine
        + "|"
        + "|".join(f"k{i}" for i in range(5000))
        + "|\n"  # line 5: 5,000 columns
        + "|"
        + "---|" * 5000
        + "\n"
        + "|"
        + "x|" * 5000
        + "\n\n"
        + "```\n"
        + "|---" * 100
        + "|\n```\n\n"  # lines 9-11: code
        + "<table>\n<tr><th>a</th></tr>\n"  # line 15: the first row too wide
        + "<tr>"
        + "<td>x</td>" * wide
        + "</tr>\n<tr>"
        + "<td>y</td>" * wide
        + "</tr>\n"
        + "</table>\n\n"
        + '<table><tr><td colspan="40">breed</td></tr></table>\n'  # line 19
        + "k1 | k2\n"
        + "--|--" * 1
        + "\n"  # a table without outer pipes: 2 columns
    )
    problems = _page(tmp_path, body)
    start = FRONT.count("\n")
    assert [(p.line - start, p.message.split(" (")[0]) for p in problems] == [
        (5, "deze tabel heeft 5000 kolommen"),
        (15, f"deze tabel heeft {wide} kolommen"),
        (19, "deze tabel heeft 40 kolommen"),
    ]
    assert "Draai de tabel om" in problems[0].message
    narrow = "|" + "|".join("k" * MAX_TABLE_COLUMNS) + "|\n|" + "---|" * MAX_TABLE_COLUMNS + "\n"
    assert _page(tmp_path, narrow) == []


@pytest.mark.parametrize(
    "line",
    [
        "`" * 200_000,  # (`+).*?\1 took minutes
        "<div " * 100_000,  # a tag without '>' was scanned to the end of the line, per tag
        "<td colspan=" * 100_000,
        "<h2>" * 50_000,  # each heading's title was cut from the rest of the line
        "|---" * 100_000 + "x",
    ],
    ids=["backticks", "open-tags", "open-cells", "headings", "delimiter-row"],
)
def test_the_structure_check_is_linear_in_a_hostile_line(tmp_path, line):
    import time

    started = time.process_time()
    _page(tmp_path, "Tekst.\n\n" + line + "\n")
    assert time.process_time() - started < 5  # about 0.1-2 s; quadratic was minutes


def test_a_paragraph_too_busy_for_markdown_is_refused_at_its_line(tmp_path):
    """Python-Markdown reads a paragraph's links in time quadratic in their number: 20,000
    '[x](' took more than ten minutes of every build. Lists and tables are read per item."""
    from koppelkansen.check.structure import MAX_INLINE_MARKS

    many = MAX_INLINE_MARKS + 1
    body = (
        "Gewone tekst met een [link](a.md).\n\n"
        + "[x](" * many
        + "\n\n"  # line 3
        + "Tekst\n"
        + "<span>x</span>\n" * (many // 2 + 1)
        + "\n"  # line 5: over many lines
        + "".join(f"- [punt {n}](a.md)\n" for n in range(many))  # a list: per item
        + "\n"
        + "".join(f"| [r{n}](a.md) | x |\n" for n in range(many))  # a table: per row
        + "\n```\n"
        + "[x](" * many
        + "\n```\n"  # code
    )
    problems = [p for p in _page(tmp_path, body) if "alinea" in p.message]
    start = FRONT.count("\n")
    assert [(p.line - start, p.message.split(" links")[0]) for p in problems] == [
        (3, f"deze alinea bevat {many}"),
        (5, f"deze alinea bevat {2 * (many // 2 + 1)}"),
    ]
