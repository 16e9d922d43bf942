"""Koppelkansen: Markdown plans with validated front matter, rendered as a Dutch site and PDF bundle.

The subpackages are the stages the pages pass through, in this order: :mod:`.pages` (read),
:mod:`.check`, :mod:`.overviews` and :mod:`.figures` (computed from the whole set), :mod:`.pdf`,
:mod:`.versions`; :mod:`.pipeline` runs them for one build and :mod:`.adapter` is the only part
that knows MkDocs. No module imports one of a later stage (tests/test_layout.py). The map of every
module is ``docs-dev/README.md``.
"""

from __future__ import annotations

__version__ = "0.1.0"
