"""Options of the ``koppelkansen`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from koppelkansen.pdf.parts import PART_CHAPTERS
from koppelkansen.pdf.worker import TypstLimits


class _Limits(c.Type[dict]):
    """The ``pdf_limits`` mapping, its keys and values checked when mkdocs.yml is read."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict:
        checked = super().run_validation(value)
        try:
            TypstLimits.read(checked)
        except ValueError as exc:
            raise c.ValidationError(str(exc)) from None
        return checked


class KoppelkansenConfig(base.Config):
    #: Check every page's front matter before the build; a rejected page stops the build.
    check = c.Type(bool, default=True)
    #: How an author signs in to the editor on the published site: the Git host and its settings
    #: (koppelkansen/editor/signin.py, docs-dev/editor.md "Sign-in"); checked by the build.
    editor_sign_in = c.Type(dict, default={})

    # -- PDF bundle (see koppelkansen/pdf/) ------------------------------------------------------
    #: Make the PDFs during `mkdocs build`; during `mkdocs serve` only when KOPPELKANSEN_PDF=1.
    pdf = c.Type(bool, default=True)
    #: Page types (front matter `type`) that go into downloads/koppelkansen-projectplannen.pdf.
    pdf_bundle_types = c.ListOfItems(c.Type(str), default=["programma", "plan"])
    #: Cache of typeset PDFs, relative to the folder of mkdocs.yml.
    pdf_cache_dir = c.Type(str, default=".cache/pdf")
    #: Time and memory one PDF may take in Typst: ``seconds``, ``seconds_per_chapter``,
    #: ``memory_mb``, ``memory_mb_per_chapter`` (koppelkansen.pdf.worker.TypstLimits, whose
    #: defaults hold the 1,000-page bench bundle; docs-dev/threat-model.md).
    pdf_limits = _Limits()
    #: A PDF of more chapters than this is typeset in parts and joined, so that its memory is
    #: bounded by the part (koppelkansen.pdf.parts, docs-dev/pdf.md); 0: always one document.
    pdf_part_chapters = c.Type(int, default=PART_CHAPTERS)
