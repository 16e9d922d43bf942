"""The PDFs of one site build: the bundle and case PDFs, and the change pages' PDFs.

The build hands over the specs (which PDF, which chapters); here they become Typst in the build's
own thread and are typeset in a child process while the generator renders the page templates
(:class:`~koppelkansen.pdf.downloads.PdfJob`). Without MkDocs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from koppelkansen.pdf.convert import ConversionError
from koppelkansen.pdf.downloads import LISTING, PdfJob
from koppelkansen.pdf.parts import PART_CHAPTERS
from koppelkansen.pdf.typeset import PdfResult, PdfSpec, Typesetter
from koppelkansen.pdf.worker import TypstLimits
from koppelkansen.problems import BuildStopped

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: What the build says when the PDFs (or the change pages' PDFs) could not be made.
PDFS_FAILED = "De PDF's zijn niet gemaakt: {count} {problems} hierboven; er is geen PDF geschreven."
CHANGE_PDFS_FAILED = "De PDF's van de wijzigingspagina's zijn niet gemaakt."


@contextmanager
def pdf_errors(failed: str) -> Iterator[None]:
    """A page that Typst or the converter refuses is logged with its file and line, and the build
    stops with ``failed`` ({count} {problems} filled in)."""
    try:
        yield
    except ConversionError as exc:
        for problem in exc.problems:
            log.error(problem.format())
        count = len(exc.problems)
        raise BuildStopped(
            failed.format(count=count, problems="probleem" if count == 1 else "problemen")
        ) from None


def typesetters(
    cache_dir: Path,
    font_dir: Path,
    site_url: str,
    live: bool,
    limits: TypstLimits | None = None,
    part_chapters: int = PART_CHAPTERS,
) -> tuple[Typesetter, Typesetter]:
    """The bundle's typesetter and the change pages' (a cache folder of their own).

    ``live`` (``make serve-pdf``): the compilers stay alive between rebuilds (koppelkansen.pdf.worker).
    ``limits``: time and memory of one PDF (the ``pdf_limits`` setting). ``part_chapters``: a PDF
    of more chapters is typeset in parts (the ``pdf_part_chapters`` setting, 0: never).
    """
    bundle = Typesetter(cache_dir, font_dir, site_url, live, limits, part_chapters)
    changes = Typesetter(cache_dir / "changes", font_dir, site_url, live, limits, part_chapters)
    return bundle, changes


def start(
    specs: list[PdfSpec],
    change_specs: list[PdfSpec],
    media: dict[str, str],
    downloads: Path,
    typesetter: Typesetter,
    changes: Typesetter,
    *,
    write_listing: bool,
) -> tuple[list[PdfResult], PdfJob | None]:
    """Start the PDFs: their results at once when every PDF is in the cache, else a job that
    typesets them beside the templates (the Downloads page then gets its figures afterwards).

    ``write_listing``: a version's build says which PDFs it made, in order (:data:`LISTING`).
    """
    # The pages become Typst here, in the build's own thread (Python and lxml: in a thread of
    # their own they would wait for the GIL while the templates render, and Typst would start
    # seconds later). Typst then runs in a child process, from a thread, beside the templates.
    with pdf_errors(PDFS_FAILED):
        sources = typesetter.prepare(specs, media)
    with pdf_errors(CHANGE_PDFS_FAILED):
        change_sources = changes.prepare(change_specs, {}) if change_specs else None

    def make() -> list[PdfResult]:
        with pdf_errors(PDFS_FAILED):
            results = typesetter.finish(sources, downloads)
        if write_listing:
            listing = [{"filename": r.spec.filename, "title": r.spec.title} for r in results]
            (downloads / LISTING).write_text(
                json.dumps(listing, ensure_ascii=False), encoding="utf-8"
            )
        if change_sources is not None:
            with pdf_errors(CHANGE_PDFS_FAILED):
                changes.finish(change_sources, downloads / "wijzigingen")
        return results

    if not sources.todo:
        return make(), None  # nothing to typeset: the templates get the real figures at once
    return [], PdfJob(specs, make)
