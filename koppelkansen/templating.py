"""The package's own Jinja templates: where they are compiled once, and how a value enters
Markdown.

The overview templates (:mod:`koppelkansen.overviews.render`), the page scaffold
(:mod:`koppelkansen.scaffold`) and the theme's templates (the adapter) share these two rules.
"""

from __future__ import annotations

import re

import jinja2
from markupsafe import Markup, escape

#: Every character Python-Markdown (with tables and attr_list) lets a backslash escape.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
#: Line breaks of every kind, and other control characters: a value is one line of text.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def markdown_text(value: object) -> Markup:
    """``value`` as inline Markdown text: HTML-escaped, on one line, unable to start any markup.

    The one place where a front-matter value or vocabulary label is put into Markdown.
    """
    text = _MD_SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", str(value)))
    return escape(text)  # after the backslashes, so an entity such as &#34; stays whole


def compiled_template_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own bytecode cache, so that templates are compiled once per machine instead of in
    every build: in Jinja's private folder (``<temp>/_jinja2-cache-<uid>``, mode 0700; Jinja
    refuses it when another user owns it or may write to it), not in the repository's ``.cache/``,
    where a pull request could put files (an entry is a code object that Python loads). An entry
    holds its template's checksum, so an edited template is compiled again. None where there is
    no private temporary folder: then templates are compiled as before."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None
