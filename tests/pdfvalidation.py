"""The outside validator's verdict on a PDF: PDF/A-2a and PDF/UA-1 (PyPI ``page-validation``).

Every test module that builds PDFs calls :func:`assert_archival` on them, so the verdict costs no
build of its own (docs-dev/pdf.md, "Archival PDFs").
"""

from __future__ import annotations

import re
from pathlib import Path

import page

#: The two standards every PDF claims (koppelkansen.pdf.worker.typst_options) and is checked for.
PROFILES = (page.ValidationProfile.PDF_A_2A, page.ValidationProfile.PDF_UA_1)

#: The one finding page-validation 0.11 makes in error: a compressed stream whose last data byte
#: is a carriage return, followed by the line feed that ends the data. ISO 32000-1 7.3.8.1 counts
#: that CR as data (the /Length is exact, the EOL before ``endstream`` is the LF alone); the
#: validator reads CR LF as the EOL and finds the length one byte off. :func:`cr_before_lf` checks
#: the stream's bytes ourselves, so any other length error still fails.
_STREAM_LENGTH = "PDFA2A-STREAM-LENGTH-001"


def cr_before_lf(data: bytes, number: int, generation: int) -> bool:
    """True when object ``number`` is a stream whose /Length is exactly its data up to the LF
    before ``endstream``, and that data ends with a CR."""
    start = re.search(rb"(?:^|[\r\n])%d %d obj\b" % (number, generation), data)
    if start is None:
        return False
    head = data.find(b"stream", start.end())
    end = data.find(b"endstream", head)
    length = re.search(rb"/Length (\d+)\b", data[start.end() : head])
    if head < 0 or end < 0 or length is None or data[head + 6 : head + 7] != b"\n":
        return False
    body = data[head + 7 : end]
    return body.endswith(b"\r\n") and len(body) - 1 == int(length.group(1))


def findings(path: Path) -> list[str]:
    """The validator's findings on one PDF, per profile, as lines (empty: both standards met)."""
    data = path.read_bytes()
    out = []
    for profile in PROFILES:
        report = page.validate_pdf_bytes(data, profile=profile)
        failures = []
        for failure in report.failures:
            where = failure.object_id
            if (
                failure.rule_id == _STREAM_LENGTH
                and where is not None
                and cr_before_lf(data, where.object_number, where.generation)
            ):
                continue
            failures.append(failure)
        for failure in failures:
            obj = failure.object_id
            at = f" (object {obj.object_number})" if obj is not None else ""
            out.append(f"{path.name} {profile.value}: [{failure.rule_id}]{at} {failure.message}")
    return out


def assert_archival(paths: list[Path]) -> None:
    """Every PDF passes PDF/A-2a and PDF/UA-1; else fail with every finding."""
    assert paths, "geen PDF's om te controleren"
    found = [line for path in sorted(paths) for line in findings(path)]
    assert not found, "PDF/A-2a of PDF/UA-1 niet gehaald:\n" + "\n".join(found)
