"""Rendered page HTML to Typst markup, with pandoc's Typst writer and our Lua filter.

All pages that need converting go through one pandoc process per worker (pandoc starts in about
0.1 s; per page that would add up). Each page is wrapped in ``<div class="kk-page">`` and comes
back after a marker line, so the output splits per page again.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

FILTER = Path(__file__).parent / "filters" / "material.lua"
_MARKER = re.compile(r"^//KKPAGE (\S+)$", re.M)


@dataclass(frozen=True)
class PageSource:
    """One site page as the PDF sees it."""

    #: URL below the site root as MkDocs gives it (``casussen/amstelstad/plan/``; ``""`` for home).
    url: str
    #: The Markdown file, for messages (``docs/casussen/amstelstad/plan.md``).
    source: str
    title: str
    #: The page's content as MkDocs rendered it (``page.content``).
    html: str
    meta: tuple[tuple[str, str], ...] = ()
    #: Absolute path of the Markdown file (for the version date from git).
    path: str = ""

    @property
    def key(self) -> str:
        return page_key(self.url)

    def get(self, name: str, default: str = "") -> str:
        return dict(self.meta).get(name, default)


@dataclass(frozen=True)
class PdfProblem:
    source: str
    message: str

    def format(self) -> str:
        return f"{self.source}: fout: {self.message}"


class ConversionError(Exception):
    def __init__(self, problems: list[PdfProblem]) -> None:
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def page_key(url: str) -> str:
    """A Typst label for a page; the Lua filter computes the same (``key_for``)."""
    return "p-" + re.sub(r"[^A-Za-z0-9_-]", ".", url)


@cache
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


@cache
def pandoc_version() -> str:
    import pypandoc

    return pypandoc.get_pandoc_version()


# Material/Python-Markdown constructs pandoc's HTML reader flattens: <details>/<summary> lose their
# structure and the tab labels run together. Their shape is fixed by pymdownx, so plain
# substitutions are enough; everything else is left to pandoc.
_SUBSTITUTIONS = [
    (re.compile(r'<details class="([^"]*)"(?: open="open")?>'), r'<div class="kk-details \1">'),
    (re.compile(r"<details(?: open)?>"), r'<div class="kk-details">'),
    (re.compile(r"</details>"), "</div>"),
    (re.compile(r"<summary>(.*?)</summary>", re.S), r'<div class="kk-summary">\1</div>'),
    (re.compile(r'<label for="__tabbed_[^"]*">(.*?)</label>', re.S), r'<div class="kk-tab-label">\1</div>'),
    (re.compile(r'<input[^>]*name="__tabbed_[^"]*"[^>]*/?>'), ""),
]


def prepare_html(text: str) -> str:
    for pattern, replacement in _SUBSTITUTIONS:
        text = pattern.sub(replacement, text)
    return text


def _wrap(pages: list[PageSource]) -> str:
    parts = ["<html><body>"]
    for page in pages:
        parts.append(
            f'<div class="kk-page" data-key="{html.escape(page.key)}" data-url="{html.escape(page.url)}">\n'
            f"{prepare_html(page.html)}\n</div>\n"
        )
    parts.append("</body></html>")
    return "".join(parts)


def _run_pandoc(pages: list[PageSource], media_file: Path, site_url: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    env = dict(os.environ, KK_PDF_MEDIA=str(media_file), KK_PDF_SITE_URL=site_url)
    result = subprocess.run(
        [pandoc_path(), "--from", "html+raw_html", "--to", "typst", "--wrap", "preserve",
         "--lua-filter", str(FILTER)],
        input=_wrap(pages), capture_output=True, text=True, encoding="utf-8", env=env, check=False,
    )
    found: list[tuple[str, str]] = []
    other: list[str] = []
    for line in result.stderr.splitlines():
        if line.startswith("KKPROBLEM\t"):
            _, key, message = line.split("\t", 2)
            found.append((key, message))
        elif line.strip():
            other.append(line)
    if result.returncode != 0:
        raise RuntimeError("pandoc faalde:\n" + "\n".join(other))
    out: dict[str, str] = {}
    matches = list(_MARKER.finditer(result.stdout))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(result.stdout)
        out[match.group(1)] = result.stdout[match.end():end].strip() + "\n"
    return out, found


def _page_digest(page: PageSource, context: str) -> str:
    return hashlib.sha256(f"{context}\0{page.key}\0{page.url}\0{page.html}".encode()).hexdigest()[:32]


def convert_pages(pages: list[PageSource], media: dict[str, str], site_url: str,
                  workers: int = 1, cache_dir: Path | None = None) -> dict[str, str]:
    """Typst markup per page key; raises ConversionError naming the Markdown pages at fault.

    With ``cache_dir``, each page's Typst is kept under a hash of its HTML, the filter, pandoc's
    version, the site URL and the media map, so only changed pages go through pandoc again.
    """
    if not pages:
        return {}
    cached: dict[str, str] = {}
    digests: dict[str, str] = {}
    if cache_dir is not None:
        context = "\0".join([
            pandoc_version(), FILTER.read_text(encoding="utf-8"), site_url,
            json.dumps(media, sort_keys=True), repr([(p.pattern, r) for p, r in _SUBSTITUTIONS]),
        ])
        cache_dir.mkdir(parents=True, exist_ok=True)
        for page in pages:
            digests[page.key] = _page_digest(page, context)
            hit = cache_dir / f"{digests[page.key]}.typ"
            if hit.is_file():
                cached[page.key] = hit.read_text(encoding="utf-8")
        used = set(digests.values())
        for old in cache_dir.glob("*.typ"):  # keep only what this build used
            if old.stem not in used:
                old.unlink(missing_ok=True)
        pages = [page for page in pages if page.key not in cached]
        log.info("pandoc: %d pagina's uit de cache, %d om te zetten", len(cached), len(pages))
        if not pages:
            return cached
    by_key = {page.key: page for page in pages}
    with tempfile.TemporaryDirectory(prefix="kk-pdf-") as tmp:
        media_file = Path(tmp) / "media.json"
        media_file.write_text(json.dumps(media), encoding="utf-8")
        chunks = [pages[i::workers] for i in range(workers)] if workers > 1 else [pages]
        chunks = [chunk for chunk in chunks if chunk]
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            results = list(pool.map(lambda chunk: _run_pandoc(chunk, media_file, site_url), chunks))
    typst: dict[str, str] = {}
    problems: list[PdfProblem] = []
    for out, found in results:
        typst.update(out)
        problems.extend(PdfProblem(by_key[key].source if key in by_key else key, msg) for key, msg in found)
    if problems:
        raise ConversionError(problems)
    if cache_dir is not None:
        for key, text in typst.items():
            target = cache_dir / f"{digests[key]}.typ"
            scratch = target.with_suffix(".tmp")
            scratch.write_text(text, encoding="utf-8")
            scratch.replace(target)
    return {**cached, **typst}
