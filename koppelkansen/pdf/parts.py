"""A large bundle typeset in parts and joined, so that Typst's memory is bounded by the part.

One Typst document of the 1,000-page bench bundle peaks at 5.4 GB (docs-dev/pdf.md, "Memory");
a bundle of more than :data:`PART_CHAPTERS` chapters is therefore typeset as a front part (cover,
overview, contents) and chapter parts of at most that many chapters, each its own Typst document
(:class:`~koppelkansen.pdf.partlayout.PartLayout`), and the parts are joined by :mod:`.join`.

A chapter part does not depend on where it falls in the bundle: its footer leaves the page
number out, and a third kind of document, the *page numbers* (``kk-page-numbers`` in
``report.typ``: one page per page of the chapter parts with only that number, where the footer
puts it), is laid over its pages by the join. So a chapter part is typeset once, cold or after
an edit anywhere else, and kept under the digest of its main file, its pages' Typst and media
and the tools (its *content key*), with its page count and bookmarks beside it. The front holds
the contents' page numbers: its length does not depend on them (the number column has a fixed
width), so it is typeset once to learn its length when no build before had a front of the same
content, then with the numbers. The page numbers take Typst a second for 4,000 pages. The joined
PDF depends only on the final main files, so an incremental build gives the bytes of a cold one.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from koppelkansen.pdf import join
from koppelkansen.pdf.bundles import PdfSpec
from koppelkansen.pdf.cachefile import write_atomically
from koppelkansen.pdf.htmltypst import page_media
from koppelkansen.pdf.partlayout import PartLayout
from koppelkansen.pdf.typstsyntax import typst_str

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: A bundle of more chapters than this is typeset in parts of at most this many chapters; 0: never.
#: 50 chapters of the bench corpus are about 200 PDF pages, about 1.3 s and 0.3 GB in Typst: an
#: edit re-typesets that much (docs-dev/pdf.md, "A large bundle in parts"); the project's own
#: bundle has a handful of chapters and stays one document.
PART_CHAPTERS = 50


Info = dict[str, Any]  # {"pages": int, "bookmarks": [[level, title, page index in the part]]}


def in_parts(spec: PdfSpec, size: int) -> bool:
    return size > 0 and len(spec.chapters) > size


def ranges(count: int, size: int) -> list[tuple[int, int]]:
    """The chapters of each chapter part, as even as possible, at most ``size`` each."""
    parts = math.ceil(count / size)
    bounds = [round(i * count / parts) for i in range(parts + 1)]
    return list(itertools.pairwise(bounds))


def part_info(data: bytes) -> Info:
    reader = PdfReader(io.BytesIO(data))
    bookmarks: list[list[Any]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                bookmarks.append([level, str(item.title), reader.get_destination_page_number(item)])

    walk(reader.outline, 1)
    return {"pages": len(reader.pages), "bookmarks": bookmarks}


def typeset(
    spec: PdfSpec,
    main_text: Callable[[PartLayout], str],
    numbers_text: Callable[[int, int], str],
    tools: str,
    folder: Path,
    work: Path,
    page_files: dict[str, Path],
    sections: dict[str, list[str] | None],
    media: dict[str, str],
    compile_with: Callable[[Path, Path, int | None], bytes],
    font_dir: Path,
    size: int,
) -> bytes:
    """The PDF ``spec``, typeset in parts of at most ``size`` chapters and joined.

    ``main_text``: a part's main file (``Typesetter._main_typ`` with the part's layout);
    ``numbers_text``: the main file of the page numbers from the first to the total;
    ``tools``: what else the PDF's cache key holds (tool versions, site URL); ``folder``: the
    parts' cache; ``work``: where the main files go; ``page_files``: the Typst of each page, by
    page key."""
    folder.mkdir(parents=True, exist_ok=True)
    layouts = [PartLayout("front")] + [
        PartLayout("chapters", first, last) for first, last in ranges(len(spec.chapters), size)
    ]

    def content_key(layout: PartLayout) -> str:
        h = hashlib.sha256(tools.encode())
        h.update(main_text(layout).encode())
        for chapter in spec.chapters[layout.first : layout.last]:
            page = chapter.page
            h.update(page_files[page.key].read_bytes())
            for file in page_media(page.html, page.url, media):
                h.update(file.encode())
                h.update(Path(file).read_bytes())
        return h.hexdigest()[:32]

    keys = [content_key(layout) for layout in layouts]

    def info_file(key: str) -> Path:
        return folder / f"{spec.name}-{key}.json"

    def load(key: str) -> Info | None:
        path = info_file(key)
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def typeset_part(i: int, text: str) -> tuple[Path, Info]:
        """Part ``i`` from this main file: from the cache, or typeset now."""
        path = folder / f"{spec.name}-{_digest(keys[i] + text)}.pdf"
        info = load(keys[i])
        if not path.is_file():
            main = work / f"{spec.name}.part{i}.typ"
            main.write_text(text, encoding="utf-8")
            data = compile_with(main, font_dir, spec.epoch)
            log.info("PDF %s: deel %d van %d gezet", spec.filename, i + 1, len(layouts))
            write_atomically(path, data)
            info = part_info(data)
            write_atomically(info_file(keys[i]), json.dumps(info).encode())
        return path, info if info is not None else part_info(path.read_bytes())

    finals: dict[int, Path] = {}
    infos: list[Info] = [{"pages": 0, "bookmarks": []}]
    for i, layout in enumerate(layouts[1:], start=1):
        finals[i], info = typeset_part(i, main_text(layout))
        infos.append(info)

    # The front: its length from a front of the same content (this build's or the build
    # before's, in the same slot), else from a first typesetting with the numbers still wrong.
    slots_file = folder / f"{spec.name}-slots.json"
    before: list[str] = (
        json.loads(slots_file.read_text(encoding="utf-8")) if slots_file.is_file() else []
    )
    guess = load(keys[0]) or (load(before[0]) if len(before) == len(keys) else None)
    if guess is not None:
        infos[0] = guess
    for _ in range(3):
        front = _front_layout(infos, spec, sections)
        finals[0], info = typeset_part(0, main_text(front))
        if info == infos[0]:
            break
        infos[0] = info
    else:
        raise RuntimeError(f"{spec.filename}: de inhoudsopgave van de bundel komt niet tot rust")

    first_numbered = int(infos[0]["pages"]) + 1
    total = sum(int(info["pages"]) for info in infos)
    numbers = (
        folder / f"{spec.name}-nummers-{_digest(tools + numbers_text(first_numbered, total))}.pdf"
    )
    if not numbers.is_file():
        main = work / f"{spec.name}.nummers.typ"
        main.write_text(numbers_text(first_numbered, total), encoding="utf-8")
        write_atomically(numbers, compile_with(main, font_dir, spec.epoch))
    write_atomically(slots_file, json.dumps(keys).encode())
    _prune(folder, spec.name, keys, [*finals.values(), numbers])
    joined = work / f"{spec.name}.joined.pdf"
    started = time.perf_counter()
    join.join_files(
        [finals[i] for i in range(len(layouts))], total, joined, numbers, first_numbered
    )
    log.info(
        "PDF %s: %d delen samengevoegd in %.1f s",
        spec.filename,
        len(layouts),
        time.perf_counter() - started,
    )
    data = joined.read_bytes()
    joined.unlink()
    return data


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _front_layout(
    infos: list[Info], spec: PdfSpec, sections: dict[str, list[str] | None]
) -> PartLayout:
    """The front with the page total and the contents' lines, their page numbers counted from
    the parts' lengths (``infos``: the front's first) and bookmarks."""
    offsets = [0]
    for info in infos:
        offsets.append(offsets[-1] + int(info["pages"]))
    marks = [
        (int(level), str(title), offsets[i] + int(index) + 1)
        for i, info in enumerate(infos)
        for level, title, index in info["bookmarks"]
    ]
    # The contents' lines: the stand-in's (number and title markup, as in one document) when it
    # matches the bookmarks line for line, else the bookmarks' own text.
    lines: list[tuple[int, str, str]] = []
    for number, chapter in enumerate(spec.chapters, start=1):
        lines.append((1, str(number), typst_str(chapter.page.title)))
        titles = sections.get(chapter.page.key, [])
        if titles is None:
            lines = []
            break
        lines.extend((2, f"{number}.{i}", f"[{t}]") for i, t in enumerate(titles, start=1))
    if [level for level, _, _ in lines] != [level for level, _, _ in marks]:
        lines = [(level, "", typst_str(title)) for level, title, _ in marks]
    contents = tuple(
        (level, prefix, title, page, f"{join.TOC_LINK}{n}")
        for n, ((level, prefix, title), (_, _, page)) in enumerate(zip(lines, marks, strict=True))
    )
    return PartLayout("front", total=offsets[-1], contents=contents)


def _prune(folder: Path, name: str, keys: list[str], pdfs: list[Path]) -> None:
    """Keep the part files of this build only."""
    keep = {info_name for info_name in (f"{name}-{key}.json" for key in keys)}
    keep |= {path.name for path in pdfs} | {f"{name}-slots.json"}
    for old in folder.glob(f"{name}-*"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
