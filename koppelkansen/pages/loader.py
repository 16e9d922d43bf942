"""Reading the docs folder: Markdown pages, their front matter and folder defaults (``.meta.yml``)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from koppelkansen.pages import yamlstrict
from koppelkansen.pages.model import Page, Source
from koppelkansen.problems import Problem, shown

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

DEFAULTS_FILE = ".meta.yml"
_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass
class RawFile:
    """A decoded file, or the problem that stopped it from being read."""

    text: str | None
    problem: Problem | None = None


def read_text(path: Path) -> RawFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RawFile(
            None,
            Problem(
                path,
                1,
                1,
                f"dit bestand kan niet worden gelezen ({exc.strerror}); controleer of het bestaat "
                "en of je het mag lezen",
            ),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start : exc.start + 1].hex()
        return RawFile(
            None,
            Problem(
                path,
                line,
                col,
                f"dit bestand is geen UTF-8 (byte 0x{byte} hoort daar niet); open het in je editor "
                "en sla het op met codering UTF-8",
            ),
        )
    return RawFile(text.removeprefix("\ufeff"))


def split_front_matter(path: Path, text: str) -> tuple[str | None, str, int, list[Problem]]:
    """``(front matter, body, line of the body, problems)`` for one page."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        return (
            None,
            text,
            1,
            [
                Problem(
                    path,
                    1,
                    1,
                    "deze pagina heeft geen front matter; begin het bestand met een regel '---', dan "
                    "title, type en status, en sluit af met '---' (zie de pagina 'Zelf schrijven')",
                )
            ],
        )
    for index in range(1, len(lines)):
        if _END.match(lines[index].rstrip("\r\n")):
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            return front, body, index + 2, []
    return (
        None,
        text,
        1,
        [
            Problem(
                path,
                1,
                1,
                "de front matter wordt niet afgesloten; zet na de laatste sleutel een regel met "
                "alleen '---'",
            )
        ],
    )


#: Names Windows reserves for devices, also with an extension (``con.md``) and in any case.
_RESERVED = frozenset(
    [
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(1, 10)),
        *(f"lpt{i}" for i in range(1, 10)),
    ]
)
#: Characters Windows does not allow in a file name (``/`` cannot occur in one at all).
_FORBIDDEN = ':*?"<>|\\'


def _unportable(name: str) -> str | None:
    """Why ``name`` cannot be checked out on Windows or macOS, in Dutch; None when it can."""
    if any(not c.isprintable() for c in name):
        return "bevat een onzichtbaar teken (zoals een nieuwe regel of tab)"
    bad = sorted({c for c in name if c in _FORBIDDEN})
    if bad:
        return "bevat " + ", ".join(f"'{c}'" for c in bad) + ", dat kan niet op Windows"
    if name.endswith((".", " ")):
        return "eindigt op een punt of spatie, dat kan niet op Windows"
    if name.split(".", 1)[0].rstrip(" ").lower() in _RESERVED:
        return f"'{name.split('.', 1)[0]}' is op Windows een gereserveerde naam (een apparaat)"
    return None


def portable_name(name: str) -> str:
    """A name like ``name`` that every system can check out (the suggestion of :func:`scan`)."""
    cleaned = "".join("-" if not c.isprintable() or c in _FORBIDDEN else c for c in name)
    cleaned = cleaned.rstrip(". ") or "bestand"
    stem, dot, rest = cleaned.partition(".")
    if stem.rstrip(" ").lower() in _RESERVED:
        stem = f"{stem.rstrip(' ')}-1"
    return stem + dot + rest


def scan(docs_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Every Markdown page MkDocs would build (no dot-files or dot-folders), and what is wrong.

    The one place that decides which files of ``docs/`` may be published: a symlink that leads
    outside ``docs/`` (or nowhere), a folder named like a page and a page whose extension is not
    lower-case ``.md`` are problems, so nothing from outside the repository reaches ``site/``.
    So is a name that cannot be checked out on Windows or macOS (a reserved name, a forbidden or
    invisible character, a trailing dot or space, two names in one folder that differ only in case):
    that file or folder is left out, with a suggested name.
    """
    docs_dir = docs_dir.resolve()
    pages: list[Path] = []
    problems: list[Problem] = []

    def refuse(path: Path, message: str) -> None:
        problems.append(Problem(path, 1, 1, message))

    def unportable(base: Path, name: str, seen: dict[str, str]) -> bool:
        """Refuse ``name`` in ``base`` when another system cannot check it out."""
        what = "deze map" if (base / name).is_dir() else "dit bestand"
        why = _unportable(name)
        if why:
            refuse(
                base / name,
                f"de naam van {what}, '{shown(name)}', {why}: op Windows of macOS is de "
                f"repository dan niet op te halen. Noem het bijvoorbeeld '{portable_name(name)}'",
            )
            return True
        other = seen.setdefault(name.casefold(), name)
        if other != name:
            stem, dot, rest = name.partition(".")
            refuse(
                base / name,
                f"'{shown(name)}' en '{shown(other)}' in deze map verschillen alleen in "
                "hoofdletters; op Windows en macOS zijn dat hetzelfde bestand. Voeg ze samen of "
                f"geef er een een andere naam, bijvoorbeeld '{stem}-2{dot}{rest}'",
            )
            return True
        return False

    for folder, dirnames, filenames in os.walk(docs_dir, followlinks=False):
        base = Path(folder)
        seen: dict[str, str] = {}
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        dirnames[:] = [d for d in dirnames if not unportable(base, d, seen)]
        for name in list(dirnames):
            path = base / name
            if path.is_symlink():
                dirnames.remove(name)  # never walk a link: it may loop or leave docs/
                refuse(
                    path,
                    f"deze map is een snelkoppeling (symlink) naar {path.resolve()}; zet de "
                    "bestanden zelf in docs/, zodat niets van buiten docs/ wordt gepubliceerd",
                )
            elif name.lower().endswith((".md", ".markdown")):
                refuse(
                    path,
                    f"'{name}' is een map, maar heet als een pagina; geef de map een naam zonder "
                    "'.md', of maak er een bestand van",
                )
        for name in sorted(filenames):
            if name.startswith(".") or unportable(base, name, seen):
                continue
            path = base / name
            if path.is_symlink():
                target = path.resolve()
                if not path.exists():
                    refuse(
                        path,
                        "deze snelkoppeling (symlink) wijst naar een bestand dat niet bestaat; "
                        "verwijder haar of zet het bestand zelf hier",
                    )
                    continue
                if not target.is_relative_to(docs_dir):
                    refuse(
                        path,
                        "deze snelkoppeling (symlink) wijst naar een bestand buiten docs/; zo'n "
                        "bestand wordt niet gepubliceerd. Zet een kopie van het bestand in docs/",
                    )
                    continue
            elif not path.is_file():
                refuse(path, "dit is geen gewoon bestand (een apparaat of pijp); haal het weg")
                continue
            stem, dot, extension = name.rpartition(".")
            if dot and extension.lower() in ("md", "markdown") and extension != "md":
                refuse(
                    path,
                    f"de extensie '.{extension}' wordt niet als pagina gebouwd; noem het bestand "
                    f"'{stem}.md' (kleine letters)",
                )
                continue
            if extension == "md" and dot:
                index = next(
                    (
                        base / stem / name
                        for name in ("index.md", "README.md")
                        if stem not in ("index", "README") and (base / stem / name).is_file()
                    ),
                    None,
                )
                if index is not None:  # both would be built to <stem>/index.html
                    refuse(
                        path,
                        f"'{name}' en '{stem}/{index.name}' worden allebei de pagina {stem}/, en "
                        "de een overschrijft de ander. Voeg ze samen, of geef een van beide een "
                        "andere naam",
                    )
                    continue
                pages.append(path)
    return sorted(pages), problems


def _load_mapping(
    path: Path, text: str, line_offset: int
) -> tuple[dict[str, Any], Source, list[Problem]]:
    parsed = yamlstrict.load(text, line_offset=line_offset)
    problems = [Problem(path, line, col, msg) for line, col, msg in parsed.errors]
    data = parsed.data
    if data is None:
        data = {}
    if not isinstance(data, dict) and not problems:
        problems.append(
            Problem(
                path,
                1 + line_offset,
                1,
                "de front matter moet uit regels 'sleutel: waarde' bestaan",
            )
        )
        data = {}
    return (data if isinstance(data, dict) else {}), (path, parsed.positions), problems


#: Reads a file for the loader; None when there is no such file.
Reader = Callable[[Path], RawFile | None]


def read_if_file(path: Path) -> RawFile | None:
    """The file on disk, or None when there is no file at ``path``."""
    return read_text(path) if path.is_file() else None


class DefaultsCache:
    """Folder defaults, read once per folder (from disk, or through ``read``: an old commit)."""

    def __init__(self, docs_dir: Path, read: Reader = read_if_file) -> None:
        self.docs_dir = docs_dir
        self.read = read
        self._cache: dict[Path, tuple[dict[str, Any], Source | None, list[Problem]]] = {}

    def _read(self, folder: Path) -> tuple[dict[str, Any], Source | None, list[Problem]]:
        if folder not in self._cache:
            path = folder / DEFAULTS_FILE
            raw = self.read(path)
            if raw is None:
                self._cache[folder] = ({}, None, [])
            elif raw.problem:
                self._cache[folder] = ({}, None, [raw.problem])
            else:
                self._cache[folder] = _load_mapping(path, raw.text or "", 0)
        return self._cache[folder]

    def for_page(self, page_path: Path) -> tuple[dict[str, Any], dict[str, Source]]:
        """Merged defaults from the docs folder down to the page's folder, nearest winning."""
        merged: dict[str, Any] = {}
        sources: dict[str, Source] = {}
        folders = [self.docs_dir, *self._between(page_path.parent)]
        for folder in folders:
            data, source, _ = self._read(folder)
            for key, value in data.items():
                merged[key] = value
                if source is not None:
                    sources[key] = source
        return merged, sources

    def _between(self, folder: Path) -> list[Path]:
        relative = folder.relative_to(self.docs_dir)
        return [
            self.docs_dir.joinpath(*relative.parts[: i + 1]) for i in range(len(relative.parts))
        ]

    def problems(self) -> list[Problem]:
        return [p for _, _, problems in self._cache.values() for p in problems]

    def files(self) -> list[tuple[dict[str, Any], Source]]:
        """Every defaults file read so far that could be parsed: its values and where they are."""
        return sorted(
            ((data, source) for data, source, _ in self._cache.values() if source is not None),
            key=lambda found: found[1][0],
        )


#: Whether a folder default ``key`` applies to a page of type ``page_type`` (None: unknown type).
Applies = Callable[[str | None, str], bool]


def _always(page_type: str | None, key: str) -> bool:
    return True


def load_page(
    path: Path, docs_dir: Path, defaults: DefaultsCache, applies: Applies = _always
) -> tuple[Page | None, list[Problem]]:
    """One page: folder defaults (nearest folder winning, and only those that ``applies`` lets
    through for the page's type), then the page's own front matter. This is the one place where
    defaults are merged; the check, the build, the scaffold and old versions (:func:`load_texts`)
    all read pages through it. The page is read through ``defaults.read``."""
    raw = defaults.read(path) or read_text(path)
    if raw.problem:
        return None, [raw.problem]
    front, body, _body_line, problems = split_front_matter(path, raw.text or "")
    if front is None:
        return None, problems
    own, own_source, problems = _load_mapping(path, front, line_offset=1)
    inherited, inherited_sources = defaults.for_page(path)
    page_type = own.get("type", inherited.get("type"))
    page_type = page_type if isinstance(page_type, str) else None
    meta = {k: v for k, v in inherited.items() if applies(page_type, k)}
    sources = {k: v for k, v in inherited_sources.items() if k in meta}
    for key, value in own.items():
        meta[key] = value
        sources[key] = own_source
    page = Page(
        path=path,
        src_uri=path.relative_to(docs_dir).as_posix(),
        meta=meta,
        body=body,
        sources=sources,
        parsed=not problems,
    )
    return page, problems


def load_pages(
    docs_dir: Path, applies: Applies = _always, defaults: DefaultsCache | None = None
) -> tuple[dict[str, Page], list[Problem]]:
    """Every page below ``docs_dir``, and every problem found while reading them.

    ``defaults``: the cache the folder defaults are read into (the check validates its files)."""
    docs_dir = docs_dir.resolve()
    defaults = defaults if defaults is not None else DefaultsCache(docs_dir)
    pages: dict[str, Page] = {}
    paths, problems = scan(docs_dir)
    for path in paths:
        page, found = load_page(path, docs_dir, defaults, applies)
        problems.extend(found)
        if page is not None:
            pages[page.src_uri] = page
    problems.extend(defaults.problems())
    return pages, problems


def load_texts(
    files: dict[str, str], applies: Applies = _always, root: Path = Path("/versie")
) -> dict[str, Page]:
    """Pages from texts instead of a folder (the files of an old commit, by path below docs).

    ``files`` holds the Markdown pages and the ``.meta.yml`` files; the pages go through
    :func:`load_page`, so folder defaults are merged exactly as in the build. Files in dot-folders
    are left out, as :func:`scan` does. Pages that cannot be read are left out; nothing is reported
    (an old version is history, not something to fix). ``root`` only names the paths.
    """

    def read(path: Path) -> RawFile | None:
        text = files.get(path.relative_to(root).as_posix())
        return None if text is None else RawFile(text.removeprefix("\ufeff"))

    defaults = DefaultsCache(root, read)
    pages: dict[str, Page] = {}
    for rel in sorted(files):
        parts = rel.split("/")
        if not rel.endswith(".md") or any(part.startswith(".") for part in parts):
            continue
        page, _ = load_page(root / rel, root, defaults, applies)
        if page is not None:
            pages[page.src_uri] = page
    return pages
