"""The PDF plan bundle: rendered page HTML → pandoc (Typst writer + Lua filter) → Typst → PDF.

MkDocs-independent: :mod:`.plan` chooses the PDFs and their pages, :mod:`.convert` turns page HTML
into Typst markup, :mod:`.typeset` typesets, caches and writes the PDFs. ``plugin.py`` only feeds
it the pages MkDocs rendered.
"""

from __future__ import annotations

from .convert import ConversionError, PageSource, PdfProblem
from .plan import BUNDLE_NAME, PdfSpec, plan_pdfs
from .typeset import PdfResult, Typesetter

__all__ = [
    "BUNDLE_NAME", "ConversionError", "PageSource", "PdfProblem", "PdfResult", "PdfSpec",
    "Typesetter", "plan_pdfs",
]
