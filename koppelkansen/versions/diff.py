"""What changed between two versions of the plans: per plan, per section, word by word.

Works on :class:`~koppelkansen.pages.model.Page` (front matter + Markdown body), so it needs neither
MkDocs nor git. The word diff is :mod:`difflib` (standard library; see docs-dev/versions.md for
why, against diff-match-patch and redlines). Output is HTML with ``<ins>``/``<del>`` and a
visually hidden text cue in each, so the changes read without colour and in a screen reader.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from koppelkansen.pages.model import Page

INTRO = "Inleiding"
#: The section of a change that holds the plan's changed title.
TITLE = "Titel van het plan"
#: How alike (0..1, difflib's ratio of the words) a removed and an added plan must be to be one
#: plan that moved: git's rename detection uses 50 %.
RENAME_SIMILARITY = 0.5
#: Most pairs of removed and added plans compared for a rename (each comparison is linear to
#: quadratic in the words): beyond, only plans with the same text are paired.
RENAME_PAIRS = 2_500
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TOKEN = re.compile(r"\s+|[\w'’-]+|[^\w\s]", re.U)


@dataclass(frozen=True)
class Block:
    """One block of a section as a reader sees it: a paragraph, a list item or a table row."""

    #: "p", "li" or "tr"
    kind: str
    text: str
    #: The cells of a table row.
    cells: tuple[str, ...] = ()
    #: A table row's header row (the table's first row), shown above changed rows; not compared.
    header: tuple[str, ...] = field(default=(), compare=False)


@dataclass
class Section:
    title: str
    blocks: list[Block]


_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_RULE_ROW = re.compile(r"^\s*\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*$")


def sections(body: str) -> list[Section]:
    """The body split at its ``##`` headings; text before the first is the introduction.

    Each section is a list of blocks: paragraphs, list items (each item its own block, nested
    items too) and table rows (each row its own block; the ``|---|`` rule is left out). The ``#``
    title line is dropped (it is the page title), comments are removed and links are reduced to
    their text, so the diff compares what a reader reads.
    """
    found = [Section(INTRO, [])]
    block: list[str] = []
    kind = "p"
    fenced = False
    header: tuple[str, ...] | None = None  # of the table being read

    def flush() -> None:
        text = " ".join(line.strip() for line in block).strip()
        if text:
            found[-1].blocks.append(Block(kind, _plain(text)))
        block.clear()

    for line in _COMMENT.sub("", body).split("\n"):
        if _FENCE.match(line.strip()):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading:
            flush()
            if heading.group(1) == "##":
                found.append(Section(heading.group(2), []))
            elif len(heading.group(1)) > 2:  # a sub-heading is a paragraph of its section
                found[-1].blocks.append(Block("p", _plain(heading.group(2))))
            continue
        if not line.strip() and not fenced:
            flush()
            continue
        item = None if fenced else _ITEM.match(line)
        if not fenced and _ROW.match(line):
            flush()
            if not _RULE_ROW.match(line):
                cells = tuple(_plain(c.strip()) for c in line.strip().strip("|").split("|"))
                row = Block("tr", " | ".join(cells), cells, header if header else ())
                found[-1].blocks.append(row)
                header = cells if header is None else header
            continue
        header = None
        if item:
            flush()
            kind = "li"
            block.append(item.group(1))
            continue
        if not block:
            kind = "p"
        block.append(line)
    flush()
    return [s for s in found if s.title != INTRO or s.blocks]


def _plain(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    return re.sub(r"(\*\*|__|\*|`)", "", text)


@dataclass
class DiffBlock:
    """One block of a change page: ``kind`` as in :class:`Block`; ``cells`` holds escaped HTML
    with ``<ins>``/``<del>``, one string (a paragraph or list item) or one per cell (a table row)."""

    kind: str
    cells: list[str]
    #: A table row's header cells (escaped), or empty.
    header: list[str] = field(default_factory=list)


@dataclass
class SectionChange:
    title: str
    #: "gewijzigd", "toegevoegd", "verwijderd"
    kind: str
    moved: bool = False
    inserted: int = 0
    deleted: int = 0
    #: The changed blocks, in order.
    blocks: list[DiffBlock] = field(default_factory=list)


@dataclass
class PlanChange:
    path: str
    title: str
    #: "gewijzigd", "toegevoegd", "verwijderd"
    kind: str
    old_status: str = ""
    new_status: str = ""
    sections: list[SectionChange] = field(default_factory=list)
    #: Where the plan was before, when it moved to ``path`` (a renamed file: its text is alike).
    old_path: str = ""

    @property
    def status_changed(self) -> bool:
        return self.kind == "gewijzigd" and self.old_status != self.new_status

    @property
    def inserted(self) -> int:
        return sum(s.inserted for s in self.sections)

    @property
    def deleted(self) -> int:
        return sum(s.deleted for s in self.sections)


INS_CUE = '<span class="kk-visually-hidden">ingevoegd: </span>'
DEL_CUE = '<span class="kk-visually-hidden">verwijderd: </span>'


def _ins(text: str) -> str:
    return f"<ins>{INS_CUE}{html.escape(text)}</ins>"


def _del(text: str) -> str:
    return f"<del>{DEL_CUE}{html.escape(text)}</del>"


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def word_diff(old: str, new: str) -> tuple[str, int, int]:
    """HTML of ``new`` with the words deleted from ``old`` and inserted; and both word counts."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    inserted = deleted = 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(html.escape("".join(a[i1:i2])))
            continue
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        if not gone.strip() and not came.strip():
            out.append(html.escape(came))
            continue
        if gone.strip():
            out.append(_del(gone))
            deleted += _words(gone)
        if came.strip():
            if gone.strip():
                out.append(" ")  # "oud nieuw", not "oudnieuw", when read or printed
            out.append(_ins(came))
            inserted += _words(came)
    return "".join(out), inserted, deleted


def _whole(block: Block, mark: Callable[[str], str]) -> DiffBlock:
    """A block inserted or deleted as a whole."""
    if block.cells:
        return DiffBlock(block.kind, [mark(c) for c in block.cells], _header(block))
    return DiffBlock(block.kind, [mark(block.text)])


def _whole_section(title: str, section: Section, added: bool) -> SectionChange:
    """A section added or removed as a whole: every block marked, every word counted."""
    change = SectionChange(title, "toegevoegd" if added else "verwijderd")
    change.blocks = [_whole(block, _ins if added else _del) for block in section.blocks]
    words = sum(_words(block.text) for block in section.blocks)
    if added:
        change.inserted = words
    else:
        change.deleted = words
    return change


def _header(block: Block) -> list[str]:
    return [html.escape(cell) for cell in block.header]


def block_diff(old: Block, new: Block) -> tuple[DiffBlock, int, int]:
    """``new`` with the words deleted from ``old`` and inserted; a table row cell by cell."""
    if new.kind == "tr" and old.kind == "tr" and len(old.cells) == len(new.cells):
        cells, inserted, deleted = [], 0, 0
        for a, b in zip(old.cells, new.cells, strict=True):
            text, ins, dels = word_diff(a, b)
            cells.append(text)
            inserted, deleted = inserted + ins, deleted + dels
        return DiffBlock("tr", cells, _header(new)), inserted, deleted
    text, inserted, deleted = word_diff(old.text, new.text)
    return DiffBlock("p" if new.kind == "tr" else new.kind, [text]), inserted, deleted


def section_diff(old: Section, new: Section) -> SectionChange | None:
    change = SectionChange(new.title, "gewijzigd")
    matcher = difflib.SequenceMatcher(None, old.blocks, new.blocks, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old.blocks[i1:i2], new.blocks[j1:j2]
        if op == "replace" and len(olds) == len(news):
            for o, n in zip(olds, news, strict=True):
                diff, ins, dels = block_diff(o, n)
                change.blocks.append(diff)
                change.inserted += ins
                change.deleted += dels
            continue
        for o in olds:
            change.blocks.append(_whole(o, _del))
            change.deleted += _words(o.text)
        for n in news:
            change.blocks.append(_whole(n, _ins))
            change.inserted += _words(n.text)
    return change if change.blocks else None


def plan_diff(old: Page | None, new: Page | None) -> PlanChange | None:
    """What changed in one page; None when nothing a reader sees changed."""
    if old is None and new is None:
        return None
    if old is None:
        assert new is not None
        return PlanChange(new.src_uri, new.label, "toegevoegd", new_status=new.status)
    if new is None:
        return PlanChange(old.src_uri, old.label, "verwijderd", old_status=old.status)
    relocated = old.src_uri != new.src_uri
    if (
        old.body == new.body
        and old.status == new.status
        and old.label == new.label
        and not relocated
    ):
        return None  # the common case: most pages do not change between two versions
    change = PlanChange(new.src_uri, new.label, "gewijzigd", old.status, new.status)
    change.old_path = old.src_uri if relocated else ""
    if old.label != new.label:
        text, inserted, deleted = word_diff(old.label, new.label)
        renamed = SectionChange(TITLE, "gewijzigd", inserted=inserted, deleted=deleted)
        renamed.blocks = [DiffBlock("p", [text])]
        change.sections.append(renamed)
    before = {s.title: s for s in sections(old.body)}
    after = {s.title: s for s in sections(new.body)}
    common_old = [t for t in before if t in after]
    common_new = [t for t in after if t in before]
    in_order = set()
    for run in difflib.SequenceMatcher(None, common_old, common_new).get_matching_blocks():
        in_order.update(common_old[run.a : run.a + run.size])
    for title, section in after.items():
        if title not in before:
            change.sections.append(_whole_section(title, section, added=True))
            continue
        diff = section_diff(before[title], section)
        moved = title not in in_order
        if diff is None and moved:
            diff = SectionChange(title, "gewijzigd")
        if diff is not None:
            diff.moved = moved
            change.sections.append(diff)
    for title, section in before.items():
        if title not in after:
            change.sections.append(_whole_section(title, section, added=False))
    if not change.sections and not change.status_changed and not relocated:
        return None
    return change


#: Key of a page's comparison in a :func:`compare` memo: both paths, both titles, both statuses
#: and both texts.
DiffKey = tuple[str, str, str, str, str, str, str, str]


def _words_of(page: Page) -> list[str]:
    return re.findall(r"\w+", f"{page.label}\n{_COMMENT.sub('', page.body)}".lower())


def renames(old: dict[str, Page], new: dict[str, Page]) -> dict[str, str]:
    """Plans that moved: the new path of each to its old path. A removed and an added plan are
    one plan when their words are alike (:data:`RENAME_SIMILARITY`), best pairs first; with more
    than :data:`RENAME_PAIRS` pairs to compare, only plans with the very same words pair."""
    removed = [p for p in sorted(old) if p not in new]
    added = [p for p in sorted(new) if p not in old]
    if not removed or not added:
        return {}
    words = {("old", p): _words_of(old[p]) for p in removed}
    words.update({("new", p): _words_of(new[p]) for p in added})
    scored: list[tuple[float, str, str]] = []
    if len(removed) * len(added) > RENAME_PAIRS:
        by_words: dict[tuple[str, ...], list[str]] = {}
        for path in removed:
            by_words.setdefault(tuple(words["old", path]), []).append(path)
        for path in added:
            for before in by_words.get(tuple(words["new", path]), []):
                scored.append((1.0, before, path))
    else:
        for before in removed:
            a = words["old", before]
            for after in added:
                matcher = difflib.SequenceMatcher(None, a, words["new", after], autojunk=False)
                if (
                    matcher.real_quick_ratio() >= RENAME_SIMILARITY
                    and matcher.quick_ratio() >= RENAME_SIMILARITY
                    and (ratio := matcher.ratio()) >= RENAME_SIMILARITY
                ):
                    scored.append((ratio, before, after))
    found: dict[str, str] = {}
    taken: set[str] = set()
    for _, before, after in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if before not in taken and after not in found:
            found[after] = before
            taken.add(before)
    return found


def compare(
    old: dict[str, Page],
    new: dict[str, Page],
    types: tuple[str, ...] | list[str],
    memo: dict[DiffKey, PlanChange | None] | None = None,
) -> list[PlanChange]:
    """Changes to every page of the given types, in the order of ``new`` then removed pages.

    ``memo``: comparisons already made, shared by the views of one build. A page that did not
    change between two old versions has the same text in both, so the views against the working
    version compare it once. (The result depends only on the key; nothing changes a PlanChange.)
    """

    def wanted(pages: dict[str, Page]) -> dict[str, Page]:
        return {p: t for p, t in pages.items() if t.type in types}

    old, new = wanted(old), wanted(new)
    moved = renames(old, new)
    gone = set(moved.values())
    changes = []
    for path in [*sorted(new), *sorted(p for p in old if p not in new and p not in gone)]:
        before, after = old.get(moved.get(path, path)), new.get(path)
        if memo is not None and before is not None and after is not None:
            key = (
                before.src_uri,
                path,
                before.label,
                after.label,
                before.status,
                after.status,
                before.body,
                after.body,
            )
            if key not in memo:
                memo[key] = plan_diff(before, after)
            change = memo[key]
        else:
            change = plan_diff(before, after)
        if change is not None:
            changes.append(change)
    return changes
