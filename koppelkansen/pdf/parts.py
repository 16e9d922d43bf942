"""A large bundle typeset in parts and joined, so that Typst's memory is bounded by the part.

One Typst document of the 1,000-page bench bundle peaks at 5.4 GB (docs-dev/pdf.md, "Memory");
a bundle of more than :data:`PART_CHAPTERS` chapters is therefore typeset as a front part (cover,
overview, contents) and chapter parts of at most that many chapters, each its own Typst document
(:class:`~koppelkansen.pdf.partlayout.PartLayout`), and the parts are joined by :mod:`.join`.

A part's page count and the pages of its bookmarks do not depend on its page-number offset, the
page total or the contents' page numbers (the footer and the contents' number column have a fixed
height and width). So a part is first known by its *content key* (its chapters, their Typst and
media, the labels of the bundle), under which its page count and bookmarks are kept; its final PDF
is kept under the digest of its final main file, which holds the offset, the total and (front) the
contents' page numbers. A build reuses every final PDF it can, and typesets a part only when that
key is new: a part never typeset before is typeset once to learn its page count (a cold build: two
compiles per part), unless the same slot's count from the build before is a good guess (an edit
that keeps the page count: one compile of the edited part, and a join). The joined PDF depends
only on the final main files, so an incremental build gives the bytes of a cold one.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from koppelkansen.pdf import join
from koppelkansen.pdf.bundles import PdfSpec
from koppelkansen.pdf.htmltypst import page_media
from koppelkansen.pdf.partlayout import PartLayout
from koppelkansen.pdf.typstsyntax import typst_str

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: A bundle of more chapters than this is typeset in parts of at most this many chapters; 0: never.
#: 250 chapters of the bench corpus are about 1,030 PDF pages and peak at 1.6 GB in Typst
#: (docs-dev/pdf.md); the project's own bundle has a few dozen chapters and stays one document.
PART_CHAPTERS = 250


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

    ``main_text``: a part's main file (``Typesetter._main_typ`` with the part's layout); ``tools``:
    what else the PDF's cache key holds (tool versions, site URL); ``folder``: the parts' cache;
    ``work``: where the main files go; ``page_files``: the Typst of each page, by page key."""
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

    slots_file = folder / f"{spec.name}-slots.json"
    before: list[str] = (
        json.loads(slots_file.read_text(encoding="utf-8")) if slots_file.is_file() else []
    )
    infos: list[Info | None] = [load(key) for key in keys]
    for i, info in enumerate(infos):  # a guess: the same slot's count in the build before
        if info is None and i < len(before) and len(before) == len(keys):
            infos[i] = load(before[i])

    def run(i: int, layout: PartLayout) -> bytes:
        main = work / f"{spec.name}.part{i}.typ"
        main.write_text(main_text(layout), encoding="utf-8")
        data = compile_with(main, font_dir, spec.epoch)
        log.info("PDF %s: deel %d van %d gezet", spec.filename, i + 1, len(layouts))
        info = part_info(data)
        info_file(keys[i]).write_text(json.dumps(info), encoding="utf-8")
        return data

    finals: dict[int, Path] = {}
    for _ in range(2 * len(layouts) + 2):
        if infos[0] is None:  # the front's length needs its contents' lines: guessed, then known
            infos[0] = {"pages": 0, "bookmarks": []}
        missing = [i for i, info in enumerate(infos) if info is None]
        for i in missing:  # typeset once for the page count (its offset and total unknown)
            infos[i] = part_info(run(i, layouts[i]))
        final = _final_layouts(layouts, [i for i in infos if i is not None], spec, sections)
        changed = False
        for i, layout in enumerate(final):
            text = main_text(layout)
            path = (
                folder
                / f"{spec.name}-{hashlib.sha256((keys[i] + text).encode()).hexdigest()[:32]}.pdf"
            )
            finals[i] = path
            if path.is_file():
                continue
            data = run(i, layout)
            path.write_bytes(data)
            info = part_info(data)
            if info != infos[i]:  # the guess was wrong: offsets and total again
                infos[i] = info
                changed = True
                break
        if not changed:
            break
    else:
        raise RuntimeError(f"{spec.filename}: de delen van de bundel komen niet tot rust")
    slots_file.write_text(json.dumps(keys), encoding="utf-8")
    _prune(folder, spec.name, keys, finals)
    total = sum(int(info["pages"]) for info in infos if info is not None)
    joined = work / f"{spec.name}.joined.pdf"
    join.join_files([finals[i] for i in range(len(layouts))], total, joined)
    data = joined.read_bytes()
    joined.unlink()
    return data


def _final_layouts(
    layouts: list[PartLayout],
    infos: list[Info],
    spec: PdfSpec,
    sections: dict[str, list[str] | None],
) -> list[PartLayout]:
    offsets = [0]
    for info in infos:
        offsets.append(offsets[-1] + int(info["pages"]))
    total = offsets[-1]
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
    return [
        PartLayout(
            layout.kind,
            layout.first,
            layout.last,
            offset=offsets[i],
            total=total,
            contents=contents if layout.kind == "front" else (),
        )
        for i, layout in enumerate(layouts)
    ]


def _prune(folder: Path, name: str, keys: list[str], finals: dict[int, Path]) -> None:
    """Keep the part files of this build only."""
    keep = {info_name for info_name in (f"{name}-{key}.json" for key in keys)}
    keep |= {path.name for path in finals.values()} | {f"{name}-slots.json"}
    for old in folder.glob(f"{name}-*"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
