"""Glue between the site and the PDF bundle, without MkDocs types: what to show for downloads."""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from koppelkansen.pages.model import Corpus
from koppelkansen.pdf.bundles import CASE_TYPES, PdfSpec, case_pdf_name
from koppelkansen.pdf.typeset import PdfResult

#: `mkdocs serve` makes PDFs only when this environment variable is "1".
SERVE_ENV = "KOPPELKANSEN_PDF"


def pdf_wanted(enabled: bool, command: str | None) -> bool:
    if not enabled:
        return False
    if command == "serve":
        return os.environ.get(SERVE_ENV, "") == "1"
    return True


#: The list of PDFs a version's own build leaves in downloads/ (koppelkansen.versions.pdfs reads it).
LISTING = "pdfs.json"

#: Where the build writes PDFs in the site: no author file may land there and be replaced by, or
#: replace, a PDF the build made (its bundle, case PDFs, versions, change PDFs).
_RESERVED = re.compile(r"downloads/(koppelkansen-[^/]*\.pdf|pdfs\.json|versies/.*|wijzigingen/.*)")


#: What an author hears about a file at such a place.
RESERVED_PLACE = (
    "dit bestand komt in de site op {dest_uri}, waar de build zijn eigen PDF's schrijft; het zou "
    "een PDF van de site vervangen (of erdoor vervangen worden). Geef het een andere naam of zet "
    "het in een andere map, bijvoorbeeld docs/bijlagen/."
)


def reserved_for_pdfs(dest_uri: str) -> bool:
    """Whether a file at ``dest_uri`` (site-relative) would collide with a PDF of the build."""
    return _RESERVED.fullmatch(dest_uri.lower()) is not None


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
        if any(r.case == case and r.type in CASE_TYPES for r in corpus.records())
    }


class PdfJob:
    """PDFs typeset in a thread while MkDocs renders the page templates (issue 11: Typst runs in a
    child process, so this thread mostly waits and the templates get the GIL).

    Until :meth:`results` the templates show :meth:`entries`: each PDF's page count and size as a
    placeholder, a token that no page can contain (random per build). :meth:`fill` puts the real
    values into a written page; the plugin calls it on every page that showed a placeholder.
    """

    def __init__(self, specs: list[PdfSpec], make: Callable[[], list[PdfResult]]) -> None:
        self.specs = specs
        self.token = f"kkpdf{secrets.token_hex(8)}"
        self._results: list[PdfResult] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(make,), name="koppelkansen-pdf")
        self._thread.start()

    def _run(self, make: Callable[[], list[PdfResult]]) -> None:
        try:
            self._results = make()
        except BaseException as exc:  # handed to the build's own thread by results()
            self._error = exc

    def entries(self) -> list[dict[str, Any]]:
        """download_entry() of every PDF, with placeholders for what only the typeset PDF knows."""
        out = []
        for number, spec in enumerate(self.specs):
            entry = download_entry(PdfResult(spec, Path(spec.filename), 0, 0, False, 0.0))
            entry["pages"] = f"{self.token}p{number}"
            entry["size"] = f"{self.token}s{number}"
            out.append(entry)
        return out

    def results(self) -> list[PdfResult]:
        """Wait for the PDFs; raises what typesetting raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._results

    def wait(self) -> None:
        """Wait for the thread, whatever it raised (a failed build must not leave it writing)."""
        self._thread.join()

    def fill(self, text: str) -> str:
        """``text`` with every placeholder replaced by the PDF's page count or size."""
        by_name = {result.spec.name: result for result in self.results()}
        values: dict[str, str] = {}
        for number, spec in enumerate(self.specs):
            entry = download_entry(by_name[spec.name])
            values[f"p{number}"] = str(entry["pages"])
            values[f"s{number}"] = str(entry["size"])
        pattern = re.compile(re.escape(self.token) + r"([ps]\d+)")
        return pattern.sub(lambda match: values[match.group(1)], text)
