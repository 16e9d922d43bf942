"""Options of the ``koppelkansen`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class KoppelkansenConfig(base.Config):
    #: Check every page's front matter before the build; a rejected page stops the build.
    check = c.Type(bool, default=True)
