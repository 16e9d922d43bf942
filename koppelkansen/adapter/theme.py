"""What Material's templates need from the build: text they print unescaped handed over
HTML-escaped, and their Jinja environment compiled once per machine."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from koppelkansen.templating import compiled_template_cache

#: Front-matter keys Material prints without escaping: ``title`` (<title>, header, nav, search)
#: and ``description`` (a <meta> attribute).
UNESCAPED_KEYS = ("title", "description")


def escaped_title(title: str) -> Markup:
    """A section title for the nav (the theme prints it unescaped)."""
    return escape(title)


def escaped(meta: dict[str, Any]) -> dict[str, Any]:
    """A copy of a page's front matter in which the values the theme prints unescaped are
    HTML-escaped text, so that values stay text."""
    out = dict(meta)
    for key in UNESCAPED_KEYS:
        if isinstance(out.get(key), str):
            out[key] = escape(out[key])
    return out


def compile_once(env: Environment) -> None:
    """The theme's templates are compiled once per machine instead of in every build."""
    if env.bytecode_cache is None:
        env.bytecode_cache = compiled_template_cache()
