"""Every PDF claims PDF/A-2a and PDF/UA-1 (koppelkansen.pdf.worker.typst_options), and the outside
validator (tests/pdfvalidation.py) tells a PDF that meets both from one that does not. The verdict
on the PDFs the test projects make is in test_pdf_bundle.py, test_versions.py and
test_quality_gates.py, beside their builds."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pdfvalidation
import pypdf
import pytest
import typst
from conftest import ROOT

from koppelkansen.pdf.pdfstreams import fix_stream_ends
from koppelkansen.pdf.worker import typst_options

FONTS = ROOT / "docs" / "assets" / "fonts"
#: A page with what the standards ask of a document: a title, a language, a heading, a figure
#: with alt text and a transparent fill (a transparency group, which PDF/A-2 wants in RGB).
DOCUMENT = """#set document(title: "Proef")
#set text(lang: "nl", font: "Inter")
= Proef
Een alinea met een #link("https://example.org")[link].
#image(bytes("<svg xmlns='http://www.w3.org/2000/svg' width='20' height='20'><rect width='20' height='20' fill='#0000ff' fill-opacity='0.5'/></svg>"), format: "svg", alt: "Een half doorzichtig vierkant")
"""


def _compile(tmp_path: Path, standards: list[str]) -> Path:
    main = tmp_path / "proef.typ"
    main.write_text(DOCUMENT, encoding="utf-8")
    options = typst_options(FONTS, 1_540_987_200) | {"pdf_standards": standards}
    out = tmp_path / f"proef-{'-'.join(standards)}.pdf"
    out.write_bytes(fix_stream_ends(typst.compile(str(main), **options)))
    return out


def test_the_options_claim_both_standards_and_a_pdf_made_with_them_meets_both(tmp_path):
    assert typst_options(FONTS, None)["pdf_standards"] == ["a-2a", "ua-1"]
    pdf = _compile(tmp_path, typst_options(FONTS, None)["pdf_standards"])
    pdfvalidation.assert_archival([pdf])
    xmp = pdf.read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in xmp and b"<pdfuaid:part>1</pdfuaid:part>" in xmp


@pytest.mark.parametrize(
    ("standards", "rules"),
    [
        # PDF/UA-1 alone: no PDF/A identification, and transparency without an RGB group.
        (["ua-1"], ("PDFA2A-ID-SCHEMA-001", "PDFA2A-TRANSPARENCY-GROUP-CS-001")),
        # PDF/A-2a alone: no PDF/UA identification.
        (["a-2a"], ("PDFUA1",)),
    ],
)
def test_a_pdf_claiming_one_standard_fails_the_other(tmp_path, standards, rules):
    found = pdfvalidation.findings(_compile(tmp_path, standards))
    for rule in rules:
        assert any(f"[{rule}" in line for line in found), found
    with pytest.raises(AssertionError, match="niet gehaald"):
        pdfvalidation.assert_archival([tmp_path / f"proef-{'-'.join(standards)}.pdf"])


def _hand_made(streams: list[tuple[bytes, bytes]]) -> bytes:
    """A PDF of the given stream objects (dictionary entries, data) as Typst lays one out: one
    object after the other, a classic cross-reference table, LF before ``endstream``."""
    out = bytearray(b"%PDF-1.7\n%\x80\x80\x80\x80\n\n")
    offsets = []
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Count 0/Kids[]>>"]
    for entries, data in streams:
        objects.append(b"<<%b/Length %d>>\nstream\n%b\nendstream" % (entries, len(data), data))
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n\r\n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF" % (len(objects) + 1, xref)
    return bytes(out)


def _ending_in_cr(prefix: bytes) -> tuple[bytes, bytes]:
    """Content whose Flate stream ends in a CR (the last byte of its Adler-32), and that stream."""
    for last in range(256):  # the sum of the bytes decides the checksum's last byte
        content = prefix + bytes([last])
        packed = zlib.compress(content)
        if packed.endswith(b"\r"):
            return content, packed
    raise AssertionError("geen")


def test_no_stream_of_a_pdf_ends_in_a_carriage_return():
    """Issue 31, item 7: a stream whose data ends in CR reads as ``…\\r\\nendstream``, which a
    reader that takes CR LF as the end of line finds one byte short. fix_stream_ends puts an
    ASCII85 filter in front (its data ends in ``~>``), keeping the decoded bytes, every other
    filter and its parameters, and writes the cross-reference table anew."""
    plain, packed = _ending_in_cr(b"BT /F1 12 Tf (Proef) Tj ET")
    predicted, packed_too = _ending_in_cr(b"\x02\x00\x01" * 20)
    streams = [
        (b"/Filter/FlateDecode", packed),
        (b"/Filter[/FlateDecode]/DecodeParms[<</Predictor 1>>]", packed_too),
        (b"/Filter /FlateDecode/DecodeParms<</Predictor 1/Columns 3>>", packed_too),
        (b"", b"BT ET\r"),  # not compressed
        (b"/Filter/FlateDecode", zlib.compress(b"BT ET")),  # needs nothing
    ]
    original = _hand_made([(b"/Subtype/X" + e, d) for e, d in streams])
    assert original.count(b"\r\nendstream") == 4
    fixed = fix_stream_ends(original)
    assert b"\r\nendstream" not in fixed
    reader = pypdf.PdfReader(io.BytesIO(fixed), strict=True)  # every offset of the new table
    decoded = [reader.get_object(n).get_data() for n in range(3, 8)]
    assert decoded == [plain, predicted, predicted, b"BT ET\r", b"BT ET"]
    for number in range(3, 8):
        raw = reader.get_object(number)._data
        assert not raw.endswith((b"\r", b"\n")), (number, raw[-5:])
    filters = [reader.get_object(n).get("/Filter") for n in range(3, 8)]
    assert filters[:4] == [
        ["/ASCII85Decode", "/FlateDecode"],
        ["/ASCII85Decode", "/FlateDecode"],
        ["/ASCII85Decode", "/FlateDecode"],
        "/ASCII85Decode",
    ]
    assert filters[4] == "/FlateDecode"  # untouched
    assert reader.get_object(5)["/DecodeParms"][1]["/Columns"] == 3
    assert fix_stream_ends(fixed) == fixed


def test_a_typst_pdf_with_such_a_stream_passes_both_standards_after_the_fix(tmp_path):
    """A real one: the first of these small documents whose PDF has a stream ending in CR fails
    PDFA2A-STREAM-LENGTH-001 as Typst writes it, and meets both standards as the build writes it
    (koppelkansen.pdf.typeset runs fix_stream_ends on every PDF)."""
    main = tmp_path / "proef.typ"
    for n in range(400):  # about one in ten has one
        main.write_text(DOCUMENT.replace("= Proef", f"= Proef {n}"), encoding="utf-8")
        data = typst.compile(str(main), **typst_options(FONTS, 1_540_987_200))
        if b"\r\nendstream" in data:
            break
    else:
        raise AssertionError("geen PDF met een stroom die op CR eindigt")
    raw = tmp_path / "typst.pdf"
    raw.write_bytes(data)
    assert any("PDFA2A-STREAM-LENGTH-001" in line for line in pdfvalidation.findings(raw))
    fixed = tmp_path / "gebouwd.pdf"
    fixed.write_bytes(fix_stream_ends(data))
    pdfvalidation.assert_archival([fixed])
