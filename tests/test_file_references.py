"""Files that point at files (issue 24, item 6): an SVG or a style sheet in docs/ is checked like a
page's links. Nothing outside docs/ reaches site/ or a PDF, nothing is loaded from another host."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from conftest import run_build
from pdfproject import SHORT_PROGRAMME, make_pdf_project

from koppelkansen.check.content import check_css_file, check_file_references, check_svg_file

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n{}\n</svg>\n'


def _svg_messages(tmp_path: Path, body: str, site_path: str = "assets/fig.svg") -> list[str]:
    path = tmp_path / "fig.svg"
    path.write_text(SVG.format(body), encoding="utf-8")
    found = check_svg_file(path) + check_file_references(path, site_path)
    return [f"{p.line}:{p.col}: {p.message}" for p in found]


@pytest.mark.parametrize(
    ("body", "where", "kind"),
    [
        ('<image href="/etc/hostname" width="9" height="9"/>', "2:14", "absoluut pad"),
        ('  <image xlink:href="/home/x/foto.png"/>', "2:22", "absoluut pad"),
        ('<image href="../../geheim.png"/>', "2:14", "buiten docs/"),
        ('<image xlink:href="../../../etc/x.png"/>', "2:20", "buiten docs/"),
        ('<use xlink:href="../../andere.svg#vorm"/>', "2:18", "buiten docs/"),
        ('<a href="../../../mkdocs.yml"><text>x</text></a>', "2:10", "buiten docs/"),
        ("<style>rect { fill: url(../../patroon.svg#p) }</style>", "2:25", "buiten docs/"),
        ('<rect style="fill:url(/x.svg#p)" width="1" height="1"/>', "2:23", "absoluut pad"),
        ("<style>@import url(../../x.css);</style>", "2:20", "buiten docs/"),
    ],
)
def test_an_svg_reference_out_of_docs_is_refused_at_its_column(tmp_path, body, where, kind):
    messages = _svg_messages(tmp_path, body)
    assert any(m.startswith(f"{where}: ") and kind in m for m in messages), messages
    assert all("Zet" in m or "Haal" in m for m in messages), messages  # each says what to do


@pytest.mark.parametrize(
    ("body", "names", "why"),
    [
        ('<image href="https://evil.example/x.png"/>', "https://evil.example/x.png", "andere site"),
        ('<image xlink:href="//evil.example/x.png"/>', "//evil.example/x.png", "andere site"),
        (
            '<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>',
            "data:",
            "niet toegestaan",
        ),
        (
            "<style>rect { fill: url(https://evil.example/p.svg#p) }</style>",
            "https://evil.example/p.svg#p",
            "buiten de site",
        ),
    ],
)
def test_an_svg_loading_from_another_host_or_a_data_uri_is_refused(tmp_path, body, names, why):
    """One message per reference, on its line, naming what it loads, why that is refused and
    what to do instead (put the file in docs/)."""
    messages = _svg_messages(tmp_path, body)
    assert len(messages) == 1, messages
    assert messages[0].startswith("2:"), messages
    assert names in messages[0] and why in messages[0] and "docs/" in messages[0], messages


def test_svg_references_inside_docs_are_kept(tmp_path):
    body = (
        '<image href="foto.png"/><image xlink:href="../img/kaart.png"/>'
        '<use href="#vorm"/><a href="https://example.org/"><text>x</text></a>'
        "<style>rect { fill: url(#verloop) }</style>"
    )
    assert _svg_messages(tmp_path, body) == []


def test_a_style_sheet_with_an_absolute_path_or_a_remote_import_is_refused(tmp_path):
    css = tmp_path / "extra.css"
    css.write_text(
        "body { background: url(/etc/passwd); }\n"
        'h1 { background: url("/assets/x.png"); }\n'
        '@import "https://evil.example/x.css";\n'
        "@import url(//evil.example/y.css);\n"
        "h2 { background: url(../img/tegel.png) url(data:image/png;base64,iVBORw0=); }\n",
        encoding="utf-8",
    )
    site_path = "assets/stylesheets/extra.css"
    found = check_css_file(css, site_path) + check_file_references(css, site_path)
    where = sorted((p.line, p.col) for p in found if "absoluut pad" in p.message)
    assert where == [(1, 24), (2, 23)], [p.format() for p in found]
    imports = [p for p in found if "@import" in p.message or "evil.example" in p.message]
    assert {p.line for p in imports} >= {3}, [p.format() for p in found]
    assert all(p.line != 5 for p in found)  # inside docs/, and a data: image, are kept


def test_a_pdf_build_never_takes_a_file_from_outside_docs(tmp_path):
    """Through a real PDF build: an SVG on a page that names a file outside the repository."""
    (tmp_path / "geheim.png").write_bytes(_png(7, 13))  # sizes no image in the fixture has
    project = tmp_path / "project"
    project.mkdir()
    (project / "intern.png").write_bytes(_png(11, 5))  # in the repository, not in docs/
    svg = SVG.format(
        '<image href="../../../geheim.png" width="9" height="9"/>\n'
        '<image xlink:href="../../intern.png" width="9" height="9"/>'
    )
    config = make_pdf_project(
        project,
        {
            "img/lek.svg": svg,
            "programma.md": SHORT_PROGRAMME + "\n![Lek](img/lek.svg)\n",
        },
    )
    built = run_build(config, project / "site")
    assert built.returncode != 0
    assert (
        "docs/img/lek.svg:2:14: fout: '../../../geheim.png' wijst naar een bestand buiten docs/"
        in (built.stderr)
    ), built.stderr
    assert (
        "docs/img/lek.svg:3:20: fout: '../../intern.png' wijst naar een bestand buiten docs/"
        in (built.stderr)
    )
    assert "Traceback" not in built.stderr
    assert not (project / "site").exists()
    pdfs = [p for p in project.rglob("*.pdf") if p.is_file()]
    assert [
        p for p in pdfs if b"/Width 7" in p.read_bytes() or b"/Width 11" in p.read_bytes()
    ] == []
    assert pdfs == []  # no PDF at all: the build stops at the check


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + b"\x80\x20\x10" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
