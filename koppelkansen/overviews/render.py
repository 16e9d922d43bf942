"""Rendering overviews as Markdown with the Jinja2 templates in ``overviews/templates/*.md.j2``.

The templates write Markdown (with a little HTML), so MkDocs resolves and validates every link,
the headings join the table of contents and the search index, and ``--strict`` fails on a link to
a page that is gone. Values are escaped for HTML and Markdown on output; links are relative paths
to the target's Markdown file. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from koppelkansen.figures.scenes import FIGURES
from koppelkansen.figures.svg import site_html
from koppelkansen.overviews.compute import compute, generated_specs, page_overview
from koppelkansen.pages.model import Corpus
from koppelkansen.pages.urls import markdown_link, relative_file, relative_url
from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.templating import compiled_template_cache, markdown_text

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: Where an author wants the overview; without it the overview goes at the end of the page.
MARKER = "<!-- koppelkansen:overzicht -->"
#: Where an author wants a figure (``tijdlijn``, ``programma``, ``matrix``; see figures.py).
FIGURE_MARKER = re.compile(r"<!-- koppelkansen:figuur ([a-z-]+) -->")


def _finalize(value: Any) -> Any:
    """Escape every printed value for HTML and Markdown, except what a template marked safe."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return markdown_text(value)


#: The Markdown-writing templates, one per overview (``<name>.md.j2``).
TEMPLATES = Path(__file__).parent / "templates"


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
            return Markup(relative_file(page_url, target)) if target else None

        return template.render(
            data=data,
            link=lambda target: Markup(markdown_link(page_uri, target)),
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

    def apply(self, corpus: Corpus, src_uri: str, markdown: str, page_url: str = "") -> str:
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
        wanted = page_overview(corpus, src_uri)
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
