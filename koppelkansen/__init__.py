"""Koppelkansen: Markdown plans with validated front matter, rendered as a Dutch site and PDF bundle.

The package is usable without MkDocs: :mod:`koppelkansen.pages.loader`, :mod:`koppelkansen.check.frontmatter`
and :mod:`koppelkansen.pages.model` only need the docs folder. :mod:`koppelkansen.adapter.plugin` is the thin
MkDocs adapter.
"""

from __future__ import annotations

__version__ = "0.1.0"
