"""What Material's templates need from the build: text they print unescaped handed over
HTML-escaped, their Jinja environment compiled once per machine, and the theme's static files
listed without walking its hidden folders."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection
from typing import Any

from jinja2 import Environment, FileSystemLoader
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


#: The filter with which MkDocs' ``Files.add_files_from_theme`` lists a theme's static files. It
#: refuses every name with a part that starts with a dot (its patterns ``.*`` and ``*/.*``), so a
#: listing for it may leave hidden folders out (tests/test_theme_overrides.py pins both).
MKDOCS_THEME_FILTER = "Files.add_files_from_theme.<locals>.filter"


def list_static_files_quickly(theme: Any) -> None:
    """The Jinja environment of ``theme`` (``theme.get_env()``, once per build) lists the theme's
    files for MkDocs' static-file filter without entering hidden folders: Material keeps its
    14,500 icons in ``.icons``, which the filter refuses name by name, so every build walked and
    matched them (about 0.05 CPU s, a fifth of a rebuild of ``make serve`` that renders nothing
    new). The list is the same; nothing is kept between builds. Any other listing is Jinja's."""
    get_env = theme.get_env
    if getattr(get_env, "koppelkansen_quick", False):
        return

    @functools.wraps(get_env)
    def quick_get_env() -> Environment:
        env = get_env()
        env.list_templates = functools.partial(_list_templates, env, env.list_templates)
        return env

    quick_get_env.koppelkansen_quick = True  # type: ignore[attr-defined]
    theme.get_env = quick_get_env


def _list_templates(
    env: Environment,
    jinjas: Callable[..., list[str]],
    extensions: Collection[str] | None = None,
    filter_func: Callable[[str], bool] | None = None,
) -> list[str]:
    loader = env.loader
    if (
        extensions is not None
        or getattr(filter_func, "__qualname__", None) != MKDOCS_THEME_FILTER
        or type(loader) is not FileSystemLoader
    ):
        return jinjas(extensions=extensions, filter_func=filter_func)
    assert filter_func is not None
    return [name for name in visible_templates(loader) if filter_func(name)]


def visible_templates(loader: FileSystemLoader) -> list[str]:
    """``loader.list_templates()`` without the names that have a part starting with a dot (the
    same names, made as Jinja makes them, in the same order)."""
    found: set[str] = set()
    for searchpath in loader.searchpath:
        for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=loader.followlinks):
            dirnames[:] = [name for name in dirnames if not name.startswith(".")]
            for filename in filenames:
                if filename.startswith("."):
                    continue
                template = (
                    os.path.join(dirpath, filename)[len(searchpath) :]
                    .strip(os.path.sep)
                    .replace(os.path.sep, "/")
                )
                if template[:2] == "./":
                    template = template[2:]
                found.add(template)
    return sorted(found)
