"""Every PDF claims PDF/A-2a and PDF/UA-1 (koppelkansen.pdf.worker.typst_options), and the outside
validator (tests/pdfvalidation.py) tells a PDF that meets both from one that does not. The verdict
on the PDFs the test projects make is in test_pdf_bundle.py, test_versions.py and
test_quality_gates.py, beside their builds."""

from __future__ import annotations

from pathlib import Path

import pdfvalidation
import pytest
import typst
from conftest import ROOT

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
    out.write_bytes(typst.compile(str(main), **options))
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


def _stream(data: bytes, length: int) -> bytes:
    return (
        b"%%PDF-1.7\n7 0 obj\n<</Length %d/Filter/FlateDecode>>\nstream\n%b\nendstream\nendobj\n"
        % (
            length,
            data,
        )
    )


@pytest.mark.parametrize(
    ("pdf", "excused"),
    [
        (_stream(b"abc\r", 4), True),  # CR is the data's last byte, LF the EOL: correct
        (_stream(b"x\x00y\r", 4), True),
        (_stream(b"abc\r", 3), False),  # a length that really is one short
        (_stream(b"abcd", 4), False),  # no CR: the validator's finding is a real one
        (_stream(b"abc\r", 5), False),
    ],
)
def test_only_thecr_before_lf_stream_length_finding_is_excused(pdf, excused):
    assert pdfvalidation.cr_before_lf(pdf, 7, 0) is excused
    assert pdfvalidation.cr_before_lf(pdf, 8, 0) is False
