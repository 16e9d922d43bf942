"""The PDF plan bundle: rendered page HTML → Typst markup (htmltypst.py, lxml) → Typst → PDF.

MkDocs-independent: :mod:`.bundles` chooses the PDFs and their pages, :mod:`.convert` turns page HTML
into Typst markup, :mod:`.typeset` typesets, caches and writes the PDFs. ``plugin.py`` only feeds
it the pages MkDocs rendered.
"""

from __future__ import annotations

from koppelkansen.pdf.bundles import BUNDLE_NAME, PdfSpec, bundle_specs
from koppelkansen.pdf.convert import ConversionError, PageSource, PdfProblem
from koppelkansen.pdf.typeset import PdfResult, Typesetter

__all__ = [
    "BUNDLE_NAME",
    "ConversionError",
    "PageSource",
    "PdfProblem",
    "PdfResult",
    "PdfSpec",
    "Typesetter",
    "bundle_specs",
]
