"""The outside validator's verdict on a PDF: PDF/A-2a and PDF/UA-1 (PyPI ``page-validation``).

Every test module that builds PDFs calls :func:`assert_archival` on them, so the verdict costs no
build of its own (docs-dev/pdf.md, "Archival PDFs").
"""

from __future__ import annotations

from pathlib import Path

import page

#: The two standards every PDF claims (koppelkansen.pdf.worker.typst_options) and is checked for.
PROFILES = (page.ValidationProfile.PDF_A_2A, page.ValidationProfile.PDF_UA_1)


def findings(path: Path) -> list[str]:
    """The validator's findings on one PDF, per profile, as lines (empty: both standards met)."""
    data = path.read_bytes()
    out = []
    for profile in PROFILES:
        report = page.validate_pdf_bytes(data, profile=profile)
        for failure in report.failures:
            obj = failure.object_id
            at = f" (object {obj.object_number})" if obj is not None else ""
            out.append(f"{path.name} {profile.value}: [{failure.rule_id}]{at} {failure.message}")
    return out


def assert_archival(paths: list[Path]) -> None:
    """Every PDF passes PDF/A-2a and PDF/UA-1; else fail with every finding."""
    assert paths, "geen PDF's om te controleren"
    found = [line for path in sorted(paths) for line in findings(path)]
    assert not found, "PDF/A-2a of PDF/UA-1 niet gehaald:\n" + "\n".join(found)
