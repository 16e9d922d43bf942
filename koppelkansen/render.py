"""Rendering overviews as Markdown with the Jinja2 templates in ``templates/overviews/*.md.j2``.

The templates write Markdown (with a little HTML), so MkDocs resolves and validates every link,
the headings join the table of contents and the search index, and ``--strict`` fails on a link to
a page that is gone. Values are escaped for HTML and Markdown on output; links are relative paths
to the target's Markdown file. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from koppelkansen.figures import FIGURES, relative_url, site_html
from koppelkansen.overviews import compute, generated_specs, overview_for
from koppelkansen.pages.model import Corpus
from koppelkansen.pages.vocabulary import Vocabulary

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: Where an author wants the overview; without it the overview goes at the end of the page.
MARKER = "<!-- koppelkansen:overzicht -->"
#: Where an author wants a figure (``tijdlijn``, ``programma``, ``matrix``; see figures.py).
FIGURE_MARKER = re.compile(r"<!-- koppelkansen:figuur ([a-z-]+) -->")
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


def _finalize(value: Any) -> Any:
    """Escape every printed value for HTML and Markdown, except what a template marked safe."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return markdown_text(value)


def relative_link(from_uri: str, to_uri: str) -> Markup:
    """Path from one page's Markdown file to another's, as a Markdown link target."""
    start = posixpath.dirname(from_uri) or "."
    return Markup(posixpath.relpath(to_uri, start))


#: The Markdown-writing templates, one per overview (``<name>.md.j2``).
TEMPLATES = Path(__file__).parent / "templates" / "overviews"


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


class OverviewRenderer:
    def __init__(self, template_dirs: Sequence[str | Path] = (TEMPLATES,)) -> None:
        self.env = jinja2.Environment(
            bytecode_cache=compiled_template_cache(),
            loader=jinja2.FileSystemLoader(list(template_dirs)),
            autoescape=True,
            finalize=_finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        #: Site-relative URL of each case area's PDF, when the build makes PDFs.
        self.downloads: dict[str, str] = {}

    def render(
        self, corpus: Corpus, page_uri: str, name: str, page_url: str = "", **arguments: Any
    ) -> str:
        """One overview as Markdown, with links relative to the page at ``page_uri``.

        ``page_url`` is the built page's URL (``casussen/``), for links to files that are not
        Markdown pages, such as the PDFs.
        """
        data = compute(corpus, name, **arguments)
        template = self.env.get_template(f"{name}.md.j2")

        def pdf(case: str) -> Markup | None:
            target = self.downloads.get(case)
            return (
                Markup(posixpath.relpath(target, posixpath.dirname(page_url) or "."))
                if target
                else None
            )

        return template.render(
            data=data,
            link=lambda target: relative_link(page_uri, target),
            pdf=pdf,
            figure=lambda figure_name: self.figure(corpus, figure_name, page_url),
            vocabulary=corpus.vocabulary,
        )

    @staticmethod
    def figure(corpus: Corpus, name: str, page_url: str) -> Markup:
        """A figure as an HTML block for the page at ``page_url`` (links relative to it)."""
        built = FIGURES[name](corpus)
        html = site_html(built, lambda src_uri: relative_url(page_url, src_uri))
        return Markup(f"\n\n{html}\n\n")

    def apply(
        self, corpus: Corpus, src_uri: str, meta: dict[str, Any], markdown: str, page_url: str = ""
    ) -> str:
        """The page's Markdown with its figures and its overview at the markers (overview: or at the end)."""

        def figure(match: re.Match[str]) -> str:
            if match.group(1) not in FIGURES:
                log.warning(
                    "%s: onbekende figuur '%s'; kies uit %s",
                    src_uri,
                    match.group(1),
                    ", ".join(FIGURES),
                )
                return match.group(0)
            return str(self.figure(corpus, match.group(1), page_url))

        markdown = FIGURE_MARKER.sub(figure, markdown)
        wanted = overview_for(meta)
        if wanted is None:
            return markdown
        name, arguments = wanted
        if name == "mapinhoud":
            arguments = {"src_uri": src_uri}
        rendered = self.render(corpus, src_uri, name, page_url=page_url, **arguments)
        if MARKER in markdown:
            return markdown.replace(MARKER, rendered, 1)
        return f"{markdown.rstrip()}\n\n{rendered}"


# -- generated pages --------------------------------------------------------------------------


def _front(meta: dict[str, Any]) -> str:
    lines = [
        "---",
        *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()),
        "---",
    ]
    return "\n".join(lines) + "\n"


def generated_pages(vocabulary: Vocabulary) -> dict[str, str]:
    """``src_uri -> Markdown`` of every generated overview page (front matter, title, description)."""
    return {
        src_uri: _front(meta)
        + f"\n# {markdown_text(meta['title'])}\n\n{markdown_text(meta['description'])}\n"
        for src_uri, meta in generated_specs(vocabulary).items()
    }
