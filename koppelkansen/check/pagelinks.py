"""The generator's warnings about pages, as Dutch messages at the author's line.

The generator (MkDocs, ProperDocs) decides what a link is and warns about a link to a file that
is not there, an anchor that is not there, a link it does not recognise and an absolute link; its
words are English and name the file but not the line. The adapter reads each warning into an
:class:`EngineWarning`; :func:`explain` turns it into a :class:`~koppelkansen.problems.Problem`
at the line and column of the link in the page's file, with what is wrong, how to fix it and,
where one is near, "bedoel je ...?": the page with the same file name elsewhere in docs/ (a page
that moved), the anchor of a heading as the site's ``toc`` extension writes it (without accents),
the versions whose PDFs exist. A warning this module does not know is still one Dutch message,
with the generator's own text quoted.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from markdown.extensions.toc import slugify as toc_slugify  # type: ignore[import-untyped]

from koppelkansen.pages.urls import markdown_link
from koppelkansen.problems import Problem, shown

#: The kinds of warning the adapter tells apart.
MISSING = "missing"  # a link to a file that is not in docs/
UNRECOGNIZED = "unrecognized"  # a relative link that names no file (no extension)
ABSOLUTE = "absolute"  # a link that starts with / or \
ANCHOR = "anchor"  # a link to an anchor that the page does not have
CONFLICT = "conflict"  # two files that would get one address (README.md beside index.md)
OTHER = "other"  # any other warning of the generator

#: Where a version's PDFs are put in the site (koppelkansen.versions.versionsite.place_version_pdfs).
VERSION_PDFS = "downloads/versies/"

FIX_LINK = "Pas de link aan (een pad vanaf dit Markdown-bestand naar een ander, met / ertussen)"


@dataclass(frozen=True)
class EngineWarning:
    """One warning of the generator, as the adapter read it."""

    kind: str
    #: The page (src_uri) the warning is about; None when it names none.
    page: str | None
    #: The link as the page wrote it.
    link: str = ""
    #: For an anchor: the page (src_uri) that lacks it.
    target: str = ""
    anchor: str = ""
    #: The generator's own words.
    text: str = ""


@dataclass
class LinkSite:
    """What :func:`explain` compares a link with."""

    docs_dir: Path
    #: Every file of the site (pages and other files), by src_uri.
    files: set[str]
    #: The anchors (element ids) of each rendered page, by src_uri.
    anchors: dict[str, set[str]] = field(default_factory=dict)
    #: The headings' anchors of each rendered page, in page order, by src_uri (what a list of
    #: anchors shows; ``anchors`` also holds the ids of figures and footnotes).
    headings: dict[str, list[str]] = field(default_factory=dict)
    #: The versions, by slug: their label and the file names of their PDFs.
    versions: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    #: Where a warning that names no page is reported (the configuration file).
    config_file: Path | None = None
    #: The ``toc`` extension's slugify (``slugify(text, separator)``).
    slugify: Callable[[str, str], str] = toc_slugify

    @property
    def pages(self) -> list[str]:
        return sorted(f for f in self.files if f.endswith(".md"))


def explain(warnings: list[EngineWarning], site: LinkSite) -> list[Problem]:
    """Each warning as a Dutch message at the line and column of its link (sorted, once each)."""
    finder = _Finder(site.docs_dir)
    problems: list[Problem] = []
    for warning in warnings:
        page = warning.page
        if page is None:
            where = site.config_file or site.docs_dir
            problems.append(Problem(where, 1, 1, _other(warning)))
            continue
        path = site.docs_dir / page
        if warning.kind == CONFLICT:
            problems.append(
                Problem(
                    path,
                    1,
                    1,
                    f"deze pagina krijgt hetzelfde adres als '{_shown(warning.target)}', en de "
                    "build laat haar daarom weg; voeg de twee samen, of hernoem of verwijder er "
                    "een (README.md en index.md in één map zijn allebei de pagina van die map)",
                )
            )
            continue
        if warning.kind == OTHER:
            line, col = finder.quoted(page, warning.text)
            problems.append(Problem(path, line, col, _other(warning)))
            continue
        line, col = finder.link(page, warning.link)
        text = _message(warning, page, site)
        if finder.is_image(page, line, col) and text.startswith("de link "):
            text = "de afbeelding " + text[len("de link ") :]
        if not finder.has_source(page):
            text += " (in een pagina die de build zelf maakt: meld dit aan de beheerders)"
        problems.append(Problem(path, line, col, text))
    return sorted(set(problems))


def _message(warning: EngineWarning, page: str, site: LinkSite) -> str:
    link = warning.link
    shown = _shown(link)
    if warning.kind == ANCHOR:
        return _anchor(warning, page, site)
    if "\\" in link:
        fixed = link.replace("\\", "/")
        if fixed.startswith("/"):  # \map\x.md: also absolute; the path from this page
            path = unquote(fixed.lstrip("/").partition("#")[0].partition("?")[0])
            fixed = markdown_link(page, path) + _fragment(fixed)
        return (
            f"de link '{shown}' gebruikt \\ tussen de mappen; gebruik / in plaats van \\: "
            f"'{_shown(fixed)}'" + _target_hint(fixed, page, site, fixed)
        )
    if warning.kind == ABSOLUTE:
        inside = link.lstrip("/")
        path = unquote(inside.partition("#")[0].partition("?")[0])
        fragment = _fragment(link)
        hint = ""
        if path in site.files:
            hint = f"; bedoel je '{markdown_link(page, path)}{fragment}'?"
        return (
            f"de link '{shown}' begint met '/': dat is de hoofdmap van de webserver, niet die van "
            f"de site. Schrijf de link vanaf dit Markdown-bestand" + hint
        )
    target = _target(page, link)
    if warning.kind == UNRECOGNIZED:
        fragment = _fragment(link)
        for candidate in (f"{target}.md", f"{target}/index.md", f"{target}/README.md"):
            candidate = posixpath.normpath(candidate)
            if candidate in site.files:
                return (
                    f"de link '{shown}' wijst niet naar een bestand; link naar het "
                    f"Markdown-bestand van de pagina: bedoel je "
                    f"'{markdown_link(page, candidate)}{fragment}'?"
                )
        if "@" in link and "/" not in link:
            return (
                f"de link '{shown}' wijst niet naar een bestand; een e-mailadres schrijf je "
                f"met mailto: ervoor: bedoel je 'mailto:{shown}'?"
            )
        return (
            f"de link '{shown}' wijst niet naar een bestand in docs/; link naar het "
            "Markdown-bestand van de pagina ('map/pagina.md')" + _nearest(target, page, site, link)
        )
    if target.startswith(VERSION_PDFS) or (target.startswith("downloads/") and ".pdf" in target):
        return _pdf(link, target, page, site)
    return (
        f"de link '{shown}' wijst naar '{_shown(target)}', maar dat bestand staat niet in docs/"
        + _target_hint(link, page, site, link, found_ok=False)
    )


def _target_hint(link: str, page: str, site: LinkSite, original: str, found_ok: bool = True) -> str:
    """ "; bedoel je ...?" for the file a link points to: the file itself when it exists
    (``found_ok``), a page with the same name elsewhere (it moved), or the nearest name."""
    target = _target(page, link)
    if found_ok and target in site.files:
        return ""
    return _nearest(target, page, site, original)


def _nearest(target: str, page: str, site: LinkSite, link: str) -> str:
    fragment = _fragment(link)
    name = posixpath.basename(target)
    if name in ("index.md", "README.md"):  # a folder's page: the folder's name counts
        name = posixpath.basename(posixpath.dirname(target)) + "/" + name
    moved = sorted(f for f in site.files if f == name or f.endswith("/" + name))
    if not moved and not posixpath.splitext(target)[1]:
        moved = sorted(f for f in site.pages if posixpath.splitext(f)[0].endswith("/" + name))
    if moved and target.startswith("../"):  # above docs/: the same name inside it
        return (
            "; bedoel je "
            + " of ".join(f"'{markdown_link(page, m)}{fragment}'" for m in moved[:3])
            + "?"
        )
    if moved:
        where = " of ".join(f"'{markdown_link(page, m)}{fragment}'" for m in moved[:3])
        return (
            f". Een bestand met die naam staat nu op een andere plaats ({', '.join(moved[:3])}): "
            f"bedoel je {where}?"
        )
    candidates = site.pages if target.endswith(".md") else sorted(site.files)
    close = difflib.get_close_matches(target, candidates, n=1, cutoff=0.6)
    if close:
        return f"; bedoel je '{markdown_link(page, close[0])}{fragment}'?"
    return f". {FIX_LINK}, of maak het bestand"


def _anchor(warning: EngineWarning, page: str, site: LinkSite) -> str:
    target = warning.target or page
    anchor = warning.anchor or _fragment(warning.link).lstrip("#")
    where = "deze pagina" if target == page else f"'{target}'"
    anchors = sorted(a for a in site.anchors.get(target, set()) if not a.startswith("_"))
    base = warning.link.partition("#")[0]
    slug = site.slugify(unquote(anchor), "-")
    text = (
        f"de link '{_shown(warning.link)}' wijst naar het anker '#{_shown(anchor)}', maar "
        f"{where} heeft geen kop of anker met die naam"
    )
    if slug in anchors and slug != anchor:
        return (
            text + f". Een anker wordt geschreven zoals de kop, zonder accenten, hoofdletters en "
            f"leestekens: bedoel je '{base}#{slug}'?"
        )
    close = difflib.get_close_matches(slug or anchor, anchors, n=1, cutoff=0.5)
    if close:
        return text + f"; bedoel je '{base}#{close[0]}'?"
    listed = site.headings.get(target) or anchors
    if listed:
        more = f" (en nog {len(listed) - 8})" if len(listed) > 8 else ""
        return text + f". Koppen van {where}: " + ", ".join(f"#{a}" for a in listed[:8]) + more
    return text + f". {where[0].upper()}{where[1:]} heeft geen koppen; link naar de pagina zelf"


def _pdf(link: str, target: str, page: str, site: LinkSite) -> str:
    downloads = markdown_link(page, "downloads.md") if "downloads.md" in site.files else ""
    to_page = f" ('{downloads}')" if downloads else ""
    start = f"de link '{_shown(link)}' wijst naar een PDF die de build maakt"
    if target.startswith(VERSION_PDFS):
        slug, _, name = target[len(VERSION_PDFS) :].partition("/")
        if slug not in site.versions:
            known = ", ".join(f"{s} ({label})" for s, (label, _) in sorted(site.versions.items()))
            have = (
                f"de versies zijn: {known}" if known else "er zijn nog geen versies (make versie)"
            )
            return f"de link '{_shown(link)}' wijst naar versie '{_shown(slug)}', maar die bestaat niet; {have}"
        label, names = site.versions[slug]
        if name not in names:
            have = ", ".join(names) if names else "geen (ze konden niet gemaakt worden)"
            return (
                f"de link '{_shown(link)}' wijst naar '{_shown(name)}', maar {label} heeft geen "
                f"PDF met die naam; wel: {have}"
            )
    return (
        f"{start}; zo'n link kan de bouwsoftware niet naar de goede plaats schrijven. Link naar "
        f"de Downloads-pagina{to_page}: die toont elke versie met haar PDF's"
    )


def _other(warning: EngineWarning) -> str:
    return (
        f"de bouwsoftware waarschuwt (in het Engels): „{shown(warning.text, 300)}”. Los op wat "
        "er staat (meestal een link of een bestand van deze pagina); snap je het niet, vraag het "
        "de beheerders"
    )


def _target(page: str, link: str) -> str:
    """The src_uri a relative link points to from ``page`` (as the generator resolves it)."""
    path = unquote(link.partition("#")[0].partition("?")[0])
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path)).lstrip("/")


def _fragment(link: str) -> str:
    _, hash_, fragment = link.partition("#")
    return hash_ + fragment


def _shown(text: str) -> str:
    """A value as it may stand in a one-line message (:func:`koppelkansen.problems.shown`)."""
    return shown(text, 120)


class _Finder:
    """Lines and columns of links in the pages' files; the n-th warning about one link in one
    page is placed at its n-th place."""

    def __init__(self, docs_dir: Path) -> None:
        self.docs_dir = docs_dir
        self.texts: dict[str, str | None] = {}
        self.used: dict[tuple[str, str], int] = {}

    def text(self, page: str) -> str | None:
        if page not in self.texts:
            try:
                self.texts[page] = (self.docs_dir / page).read_text(
                    encoding="utf-8", errors="replace"
                )
            except (OSError, ValueError):
                self.texts[page] = None
        return self.texts[page]

    def has_source(self, page: str) -> bool:
        return self.text(page) is not None

    def link(self, page: str, link: str) -> tuple[int, int]:
        text = self.text(page)
        if not text or not link:
            return 1, 1
        places: list[int] = []
        for before in ("](", "](<", "]: ", "]:", "<"):
            needle = before + link
            start = 0
            while (index := text.find(needle, start)) >= 0:
                places.append(index + len(before))
                start = index + 1
        if not places:
            start = 0
            while (index := text.find(link, start)) >= 0:
                places.append(index)
                start = index + 1
        places = sorted(set(places))
        if not places:
            return 1, 1
        seen = self.used.get((page, link), 0)
        self.used[(page, link)] = seen + 1
        return _position(text, places[min(seen, len(places) - 1)])

    def is_image(self, page: str, line: int, col: int) -> bool:
        """Whether the link at ``line``, ``col`` is an image's (``![tekst](...)``)."""
        text = self.text(page)
        if not text:
            return False
        lines = text.split("\n")
        before = lines[line - 1][: col - 1] if line <= len(lines) else ""
        if not before.endswith("]("):
            return False
        opening = before.rfind("[", 0, len(before) - 2)
        return opening > 0 and before[opening - 1] == "!"

    def quoted(self, page: str, message: str) -> tuple[int, int]:
        """The place of the first quoted part of ``message`` (not the page's name) in the page."""
        text = self.text(page)
        if not text:
            return 1, 1
        parts = message.split("'")[1::2]
        for part in parts:
            if part and part != page and (index := text.find(part)) >= 0:
                return _position(text, index)
        return 1, 1


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1
