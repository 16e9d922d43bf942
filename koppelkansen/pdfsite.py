"""Glue between the site and the PDF bundle, without MkDocs types: what to show for downloads."""

from __future__ import annotations

import os
from typing import Any

from .model import Corpus
from .pdf import PdfResult
from .pdf.bundles import CASE_TYPES, case_pdf_name

#: `mkdocs serve` makes PDFs only when this environment variable is "1".
SERVE_ENV = "KOPPELKANSEN_PDF"


def pdf_wanted(enabled: bool, command: str | None) -> bool:
    if not enabled:
        return False
    if command == "serve":
        return os.environ.get(SERVE_ENV, "") == "1"
    return True


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} kB"


def download_entry(result: PdfResult, base: str = "downloads/") -> dict[str, Any]:
    spec = result.spec
    return {
        "filename": spec.filename,
        "url": base + spec.filename,
        "title": spec.title,
        "subtitle": spec.subtitle,
        "date": spec.date_label,
        "pages": result.pages,
        "size": human_size(result.size),
        "case": spec.case,
        "chapters": [c.page.title for c in spec.chapters],
    }


def case_downloads(corpus: Corpus, base: str = "downloads/") -> dict[str, str]:
    """Site-relative URL of each case area's PDF, for the case areas that get one (see bundle_specs)."""
    return {
        case: f"{base}{case_pdf_name(case)}.pdf"
        for case in corpus.vocabulary.cases
        if any(p.meta.get("case") == case and p.type in CASE_TYPES for p in corpus.pages.values())
    }
