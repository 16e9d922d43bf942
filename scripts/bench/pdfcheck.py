"""What is in a PDF: its page count (pypdf) and which of the corpus's headings it contains (pdftotext)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

# The synthetic corpus's section headings: "Sectie 0001.2" (h2) and "Onderdeel 0001.2.1" (h3).
_HEADING = re.compile(r"(Sectie \d{4}\.\d+|Onderdeel \d{4}\.\d+\.\d+)")


@dataclass
class PdfFacts:
    pages: int
    found: int
    expected: int

    @property
    def completeness(self) -> float:
        return self.found / self.expected if self.expected else 0.0


def pdf_text(pdf: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8", "replace")


def headings_found(text: str, headings: list[str]) -> int:
    """How many of ``headings`` occur in ``text`` (whitespace and line breaks normalised)."""
    flat = re.sub(r"\s+", " ", text)
    present = set(_HEADING.findall(flat))
    return sum(1 for heading in headings if heading in present)


def inspect(pdf: Path, headings: list[str]) -> PdfFacts:
    pages = len(PdfReader(str(pdf)).pages)
    return PdfFacts(
        pages=pages, found=headings_found(pdf_text(pdf), headings), expected=len(headings)
    )
