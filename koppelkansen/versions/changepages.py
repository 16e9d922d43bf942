"""The change pages: each version against the working version and against the version before it.

Builds the Markdown of generated pages below ``wijzigingen/`` from :mod:`koppelkansen.versions.diff`.
Titles and text from old commits are untrusted: everything is HTML-escaped, and Markdown
punctuation in titles is backslash-escaped, so a title cannot become a link or markup.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby, pairwise

from koppelkansen.pages.model import Page
from koppelkansen.pages.vocabulary import Labels
from koppelkansen.versions.diff import DiffBlock, DiffKey, PlanChange, compare
from koppelkansen.versions.tags import Version

FOLDER = "wijzigingen"
WORKING = "werkversie"
#: The characters Python-Markdown lets a backslash escape.
_MD_ESCAPABLE = frozenset("\\`*_{}[]()#+-.!")
#: The other ASCII punctuation some Markdown extension reads (``~~``, ``==``, ``^^``, ``:x:``,
#: ``$``, ``|``, ``@``) or HTML does (``<``, ``>``, ``&``); ``,;'"/?%`` start nothing.
_MD_ACTIVE = frozenset("$&:<=>@^|~")


def md_text(text: str) -> str:
    """Untrusted text for inline Markdown (Python-Markdown): every Markdown-active character
    inert, whatever extension reads it (``~~`` strike-through, ``==`` mark, ``^^``, ``:emoji:``,
    ``$`` math, ``|`` table cell, ``<`` HTML, ``&`` entity): backslash-escaped where
    Python-Markdown allows it, otherwise written as a numeric character reference."""
    out = []
    for char in text:
        if char in _MD_ESCAPABLE:
            out.append("\\" + char)
        elif char in _MD_ACTIVE:
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class ChangeView:
    """One change page: from ``old`` to ``new`` (``new`` None: the working version)."""

    old: Version
    new: Version | None

    @property
    def src_uri(self) -> str:
        return f"{FOLDER}/{self.old.slug}-{self.new.slug if self.new else WORKING}.md"

    @property
    def title(self) -> str:
        if self.new is None:
            return f"Wijzigingen sinds versie {self.old.label}"
        return f"Wijzigingen van versie {self.old.label} naar versie {self.new.label}"

    @property
    def intro(self) -> str:
        """The page's first paragraph (Markdown, values escaped)."""
        new_label = (
            f"versie {self.new.label}"
            if self.new
            else "de werkversie (de huidige stand van de site)"
        )
        return (
            f"Wat er in de plannen is veranderd van versie {md_text(self.old.label)}"
            f" ({md_text(self.old.name)}) naar {md_text(new_label)}"
            + (f" ({md_text(self.new.name)})" if self.new else "")
            + ". Per plan staan de hoofdstukken waarin iets is veranderd."
        )

    #: The text of a plan's link to its page on the site.
    page_link = "Naar de huidige pagina"


def views(versions: list[Version]) -> list[ChangeView]:
    """Every version against the working version, and against the version before it."""
    found = [ChangeView(v, None) for v in versions]
    for newer, older in pairwise(versions):
        found.append(ChangeView(older, newer))
    return found


def _anchor(path: str) -> str:
    return "plan-" + re.sub(r"[^a-z0-9]+", "-", path.lower().removesuffix(".md")).strip("-")


def plan_anchor(path: str) -> str:
    """The id of a plan's heading on a change page."""
    return _anchor(path)


def render(
    view: ChangeView,
    changes: list[PlanChange],
    current: set[str],
    statuses: Labels,
    pdf_url: str = "",
) -> str:
    """Markdown of one change page.

    ``current``: paths (below docs) of pages in the working version, which get a link; ``statuses``:
    status key to its Dutch label.
    """

    def link(path: str) -> str:
        here = posixpath.dirname(view.src_uri)
        return posixpath.relpath(path, here)

    def label(status: str) -> str:
        return md_text(statuses[status] or "geen status")

    lines = [
        "---",
        f"title: {json.dumps(view.title, ensure_ascii=False)}",
        "search:",
        "  exclude: true",
        "---",
        "",
        f"# {md_text(view.title)}",
        "",
        view.intro,
        "",
        '<div class="kk-diff-legend" markdown>',
        "",
        "**Zo lees je deze pagina:** <ins>onderstreept</ins> is tekst die is ingevoegd, "
        "<del>doorgestreept</del> is tekst die is verwijderd. Een voorleesprogramma zegt "
        "'ingevoegd' en 'verwijderd' erbij.",
        "",
        "</div>",
        "",
    ]
    if pdf_url:
        lines += [
            f'<p class="kk-change-pdf"><a href="{html.escape(pdf_url)}" download>Deze wijzigingen als PDF</a></p>',
            "",
        ]
    if not changes:
        lines += ["Er is in de plannen niets veranderd.", ""]
    for change in changes:
        lines += [f"## {md_text(change.title)} {{#{plan_anchor(change.path)}}}", ""]
        facts: list[str] = []
        if change.kind == "toegevoegd":
            facts.append(f"Dit plan is nieuw (status {label(change.new_status)}).")
        elif change.kind == "verwijderd":
            facts.append(f"Dit plan is verwijderd (het had status {label(change.old_status)}).")
        if change.old_path:
            facts.append(f"Dit plan is verplaatst of hernoemd; het was {md_text(change.old_path)}.")
        if change.kind == "gewijzigd" and (change.inserted or change.deleted):
            facts.append(
                f"{change.inserted} {'woord' if change.inserted == 1 else 'woorden'} ingevoegd, "
                f"{change.deleted} {'woord' if change.deleted == 1 else 'woorden'} verwijderd."
            )
        if change.status_changed:
            facts.append(
                f"**Status gewijzigd:** van {label(change.old_status)} naar {label(change.new_status)}."
            )
        if change.path in current:
            facts.append(f"[{view.page_link}]({link(change.path)})")
        lines += [" ".join(facts), ""]
        for section in change.sections:
            what = {
                "toegevoegd": "hoofdstuk toegevoegd",
                "verwijderd": "hoofdstuk verwijderd",
                "gewijzigd": "gewijzigd",
            }[section.kind]
            if section.moved:
                what = f"{what}, verplaatst" if section.blocks else "verplaatst"
            lines += [
                f"### {md_text(section.title)} <small>({what})</small>",
                "",
            ]
            lines += render_blocks(section.blocks)
    return "\n".join(lines) + "\n"


def render_blocks(blocks: list[DiffBlock]) -> list[str]:
    """HTML lines of a section's changed blocks: paragraphs as paragraphs, the changed items of a
    list as one list (each item its own ``<li>``), the changed rows of a table as one table under
    the table's header row."""
    lines: list[str] = []
    for kind, group in groupby(blocks, key=lambda block: block.kind):
        if kind == "li":
            lines += ['<ul class="kk-diff">']
            lines += [f"<li>{block.cells[0]}</li>" for block in group]
            lines += ["</ul>", ""]
        elif kind == "tr":
            rows = list(group)
            lines += ["<table>"]  # no class: Material styles only tables without one
            if rows[0].header:  # the table's header row, for what the columns mean
                cells = "".join(f'<th scope="col">{cell}</th>' for cell in rows[0].header)
                lines += ["<thead>", f"<tr>{cells}</tr>", "</thead>"]
            lines += ["<tbody>"]
            lines += [
                "<tr>" + "".join(f"<td>{cell}</td>" for cell in block.cells) + "</tr>"
                for block in rows
            ]
            lines += ["</tbody>", "</table>", ""]
        else:
            lines += [
                line for block in group for line in (f'<p class="kk-diff">{block.cells[0]}</p>', "")
            ]
    return lines


def build_pages(
    versions: list[Version],
    trees: dict[str, dict[str, Page]],
    working: dict[str, Page],
    types: list[str],
    statuses: Labels,
    pdf_name: Callable[[str], str] | None = None,
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Markdown of every change page by src_uri; ``trees``: the pages of each version by commit.

    ``pdf_name``: file name (without .pdf) of a page's PDF in ``downloads/wijzigingen/``, when
    PDFs are made. Also returns, per change page, the paths of the pages that changed on it.
    (The build goes through :class:`koppelkansen.versions.cache.VersionCache`, which calls
    :func:`build_page` only for the views it does not have.)
    """
    pages: dict[str, str] = {}
    changed: dict[str, set[str]] = {}
    current = set(working)
    memo: dict[DiffKey, PlanChange | None] = {}
    for view in views(versions):
        old = trees.get(view.old.commit, {})
        new = trees.get(view.new.commit, {}) if view.new else working
        pages[view.src_uri], changed[view.src_uri] = build_page(
            view, old, new, current, types, statuses, pdf_name, memo
        )
    return pages, changed


def build_page(
    view: ChangeView,
    old: dict[str, Page],
    new: dict[str, Page],
    current: set[str],
    types: list[str],
    statuses: Labels,
    pdf_name: Callable[[str], str] | None = None,
    memo: dict[DiffKey, PlanChange | None] | None = None,
) -> tuple[str, set[str]]:
    """The Markdown of one change page, and the paths of the pages that changed on it
    (``memo``: see :func:`koppelkansen.versions.diff.compare`)."""
    pdf = f"../../downloads/{FOLDER}/{pdf_name(view.src_uri)}.pdf" if pdf_name else ""
    changes = compare(old, new, types, memo)
    return render(view, changes, current, statuses, pdf), {change.path for change in changes}
