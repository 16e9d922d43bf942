"""The PDF plan bundle: rendered page HTML → Typst markup (htmltypst.py, lxml) → Typst → PDF.

MkDocs-independent: :mod:`.plan` chooses the PDFs and their pages, :mod:`.convert` turns page HTML
into Typst markup, :mod:`.typeset` typesets, caches and writes the PDFs. ``plugin.py`` only feeds
it the pages MkDocs rendered.
"""

from __future__ import annotations

from .convert import ConversionError, PageSource, PdfProblem
from .plan import BUNDLE_NAME, PdfSpec, plan_pdfs
from .typeset import PdfResult, Typesetter

__all__ = [
    "BUNDLE_NAME",
    "ConversionError",
    "PageSource",
    "PdfProblem",
    "PdfResult",
    "PdfSpec",
    "Typesetter",
    "plan_pdfs",
]
