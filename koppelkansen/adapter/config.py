"""Options of the ``koppelkansen`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


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
