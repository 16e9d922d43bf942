"""Join the parts of a bundle typeset in parts (:mod:`.parts`) into one tagged PDF/A-2a, PDF/UA-1 file.

qpdf, pikepdf and pypdf's own ``append`` join pages and outlines but not structure trees (qpdf#490),
so this joins at the object level with pikepdf (qpdf): every part's pages are copied in order
(qpdf keeps one map of copied objects per source file, so the part's structure elements, outline
items and destinations copied afterwards point at the copied pages), and then:

- the structure tree: one ``/StructTreeRoot`` whose ``/K`` is the first part's ``Document``
  element, with the other parts' top-level elements moved under it; the ``/ParentTree`` number
  tree of all parts with every key moved by the keys of the parts before it, and every page's
  ``/StructParents`` and annotation's ``/StructParent`` moved by the same amount; ``/RoleMap``,
  ``/ClassMap`` and ``/IDTree`` (IDs are labels, unique in the bundle) merged;
- the outline (bookmarks): the parts' top-level items chained in order under one root;
- named destinations (Typst writes one per labelled heading): one flat, sorted name tree;
- links across parts: a part writes a link to a label in another part as ``kk-part:<label>`` (a
  URI, see ``kk-link-to`` in ``report.typ``) and a line of the front's contents as
  ``kk-toc:<n>`` (the n-th bookmark); both become ``/Dest`` links here. Every internal link's
  ``/Contents`` (Typst writes "..., pagina N", N counted in its own part) names the joined page;
- the page numbers: page *i* of the page-numbers document (``kk-page-numbers``: the footer's
  number alone, where the footer puts it) is laid over the bundle's page ``first + i`` as a form
  XObject, drawn as an artifact (pagination, as Typst marks a footer), after the page's own
  content;
- the catalog of the first part (language, ``/MarkInfo``, viewer preferences, the output intent
  once), its document information and its XMP packet with ``xmpTPg:NPages`` set to the total.

Why pikepdf and not pypdf (which the tests read PDFs with): the same join in pypdf parsed and
cloned every object in Python, 50 CPU seconds and 1.8 GB for the 4,124 pages of the 1,000-page
bench bundle (docs-dev/pdf.md); qpdf copies them in C++ and passes the streams through untouched.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# pikepdf (0.1 s to import) is imported where a join runs, in its child: the build's process
# imports this module only for join_files and the link prefixes.

PART_LINK = "kk-part:"
TOC_LINK = "kk-toc:"


class JoinError(ValueError):
    """The parts cannot be joined (a link to a label no part holds, a part without tags)."""


def _chain(first: Any) -> Iterator[Any]:
    from pikepdf import Name

    item = first
    while item is not None:
        yield item
        item = item.get(Name.Next)


def _copy(out: Any, obj: Any) -> Any:
    """``obj`` of another file as an object of ``out``: an indirect object through qpdf's map of
    copied objects (one per source file), a direct container entry by entry."""
    import pikepdf
    from pikepdf import Array, Dictionary

    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    if isinstance(obj, Array):
        return Array([_copy(out, value) for value in obj])
    return obj


def join(
    parts: list[bytes],
    total: int,
    numbers: bytes | None = None,
    numbered_from: int = 1,
    keep: list[Any] | None = None,
) -> bytes:
    """The parts (Typst PDFs, in order) as one PDF of ``total`` pages; ``numbers``: the page
    numbers laid over the pages from ``numbered_from`` (1-based) to the last. ``keep``: where
    the opened files go instead of being closed (a process about to end need not free them)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, Pdf

    # Every part stays open until the joined file is written: qpdf copies stream data then.
    sources = [Pdf.open(io.BytesIO(data)) for data in parts]
    first = sources[0]
    out = Pdf.new()
    struct_root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document: Any = None
    children: list[Any] = []  # the Document element's, set once at the end
    nums: list[tuple[int, Any]] = []
    role_map = Dictionary()
    class_map = Dictionary()
    ids: dict[str, Any] = {}
    dests: dict[str, Any] = {}
    bookmarks: list[Any] = []  # the top-level outline items, in order
    key_offset = 0
    for source in sources:
        catalog = source.Root
        tree = catalog.get(Name.StructTreeRoot)
        if tree is None:
            raise JoinError("een deel van de bundel heeft geen tags (StructTreeRoot)")
        for page in source.pages:
            out.pages.append(page)
            copied: Any = out.pages[-1].obj
            if Name.StructParents in copied:
                copied[Name.StructParents] = int(copied[Name.StructParents]) + key_offset
            for annot in copied.get(Name.Annots, Array()):
                if Name.StructParent in annot:
                    annot[Name.StructParent] = int(annot[Name.StructParent]) + key_offset
        # The structure tree, copied after the pages: its /Pg and /Obj entries map onto the copies
        # (qpdf keeps one map of copied objects per source file). Before copying, the /P of what
        # is copied is cut (the part's own root, or its Document element, whose children move
        # under the first part's): else copying would copy those too, as objects nothing refers to.
        kids = tree.get(Name.K, Array())
        elements = list(kids) if isinstance(kids, Array) else [kids]
        element = elements[0] if len(elements) == 1 else None
        if not isinstance(element, Dictionary) or element.get(Name.S) != Name.Document:
            raise JoinError("een deel van de bundel heeft niet één Document-element bovenaan")
        if Name.P in element:
            del element[Name.P]
        if document is None:
            document = _copy(out, element)
            document[Name.P] = struct_root
            own = document.get(Name.K, Array())
            children.extend(own if isinstance(own, Array) else [own])
        else:
            grandchildren = element.get(Name.K, Array())
            for child in grandchildren if isinstance(grandchildren, Array) else [grandchildren]:
                structural = isinstance(child, Dictionary) and Name.S in child
                if structural and Name.P in child:
                    del child[Name.P]
                copy = _copy(out, child)
                if structural:
                    copy[Name.P] = document
                children.append(copy)
        if Name.ParentTree in tree:
            for key, value in NumberTree(tree.ParentTree).items():
                nums.append((int(key) + key_offset, _copy(out, value)))
        for name, value in tree.get(Name.RoleMap, Dictionary()).items():
            if name not in role_map:
                role_map[name] = _copy(out, value)
        for name, value in tree.get(Name.ClassMap, Dictionary()).items():
            if name not in class_map:
                class_map[name] = _copy(out, value)
        if Name.IDTree in tree:
            for name, value in NameTree(tree.IDTree).items():
                ids.setdefault(str(name), _copy(out, value))
        names = catalog.get(Name.Names)
        if names is not None and Name.Dests in names:
            for name, value in NameTree(names.Dests).items():
                if name in dests:
                    raise JoinError(f"het label {name} staat in twee delen van de bundel")
                dests[str(name)] = _copy(out, value)
        if Name.Outlines in catalog:
            # Likewise the top items' /Parent (the part's outline root).
            top = list(_chain(catalog.Outlines.get(Name.First)))
            for item in top:
                if Name.Parent in item:
                    del item[Name.Parent]
            if top:
                bookmarks.extend(_chain(_copy(out, top[0])))
        next_key = tree.get(Name.ParentTreeNextKey)
        key_offset += (
            int(next_key)
            if next_key is not None
            else 1 + max((k for k, _ in nums), default=-1) - key_offset
        )

    assert document is not None
    document[Name.K] = Array(children)
    struct_root[Name.K] = Array([document])
    # Arrays are made from whole lists: a pikepdf Array grows by copying itself.
    flat = [item for key, value in sorted(nums, key=lambda kv: kv[0]) for item in (key, value)]
    struct_root[Name.ParentTree] = out.make_indirect(Dictionary(Nums=Array(flat)))
    struct_root[Name.ParentTreeNextKey] = key_offset
    if role_map:
        struct_root[Name.RoleMap] = role_map
    if class_map:
        struct_root[Name.ClassMap] = class_map
    if ids:
        struct_root[Name.IDTree] = out.make_indirect(Dictionary(Names=_flat_names(ids)))

    catalog = out.Root  # the joined file's
    for entry in (Name.Lang, Name.MarkInfo, Name.ViewerPreferences, Name.OutputIntents):
        if entry in first.Root:
            catalog[entry] = _copy(out, first.Root[entry])
    catalog[Name.StructTreeRoot] = struct_root
    if dests:
        catalog[Name.Names] = Dictionary(
            Dests=out.make_indirect(Dictionary(Names=_flat_names(dests)))
        )
    if bookmarks:
        outline_root = out.make_indirect(Dictionary(Type=Name.Outlines))
        count = 0
        for i, item in enumerate(bookmarks):
            item[Name.Parent] = outline_root
            if i:
                item[Name.Prev] = bookmarks[i - 1]
            elif Name.Prev in item:
                del item[Name.Prev]
            if i + 1 < len(bookmarks):
                item[Name.Next] = bookmarks[i + 1]
            elif Name.Next in item:
                del item[Name.Next]
            count += 1 + max(int(item.get(Name.Count, 0)), 0)
        outline_root[Name.First] = bookmarks[0]
        outline_root[Name.Last] = bookmarks[-1]
        outline_root[Name.Count] = count
        catalog[Name.Outlines] = outline_root
    if Name.Metadata in first.Root:
        xmp = first.Root.Metadata.read_bytes().decode("utf-8")
        xmp = re.sub(r"<xmpTPg:NPages>\d+<", f"<xmpTPg:NPages>{total}<", xmp)
        catalog[Name.Metadata] = out.make_stream(
            xmp.encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML
        )

    _resolve_links(out, dests, _all_bookmarks(bookmarks))
    if numbers is not None:
        sources.append(Pdf.open(io.BytesIO(numbers)))  # open until written, as the parts
        _lay_numbers(out, sources[-1], numbered_from)
    if Name.Info in first.trailer:
        out.trailer[Name.Info] = _copy(out, first.trailer.Info)
    if Name.ID in first.trailer:
        out.trailer[Name.ID] = _copy(out, first.trailer.ID)
    buffer = io.BytesIO()
    out.save(
        buffer,
        # The parts' streams as Typst wrote them (no decoding and compressing again), the
        # part's version, the XMP packet as it is (pikepdf must not rewrite it), the first
        # part's /ID (the joined bytes depend only on the parts).
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        compress_streams=False,
        force_version=first.pdf_version,
        fix_metadata_version=False,
        static_id=True,
    )
    if keep is not None:
        keep.extend([out, *sources])
    else:
        for source in sources:
            source.close()
    return buffer.getvalue()


def _lay_numbers(out: Any, numbers: Any, first: int) -> None:
    from pikepdf import Array, Dictionary, Name

    if first - 1 + len(numbers.pages) != len(out.pages):
        raise JoinError(
            f"de paginanummers ({len(numbers.pages)} vanaf pagina {first}) passen niet op de "
            f"{len(out.pages)} pagina's van de bundel"
        )
    forms = numbers.make_indirect(Array([page.as_form_xobject() for page in numbers.pages]))
    draw = out.make_stream(b"q /Artifact BMC /KkPaginanummer Do EMC Q")
    for i, form in enumerate(out.copy_foreign(forms)):
        page = out.pages[first - 1 + i]
        # The page's own resources and XObjects (direct copies): pages may share them.
        resources = Dictionary(dict(page.obj.get(Name.Resources, Dictionary()).items()))
        xobjects = Dictionary(dict(resources.get(Name.XObject, Dictionary()).items()))
        xobjects[Name("/KkPaginanummer")] = form
        resources[Name.XObject] = xobjects
        page.obj[Name.Resources] = resources
        page.contents_add(draw, prepend=False)


def _flat_names(entries: dict[str, Any]) -> Any:
    from pikepdf import Array, String

    names = sorted(entries, key=lambda n: n.encode("utf-8"))
    return Array([item for name in names for item in (String(name), entries[name])])


def _all_bookmarks(top: list[Any]) -> list[Any]:
    """Every outline item, in reading order (the order of the contents' lines)."""
    from pikepdf import Name

    out: list[Any] = []
    for item in top:
        out.append(item)
        out.extend(_all_bookmarks(list(_chain(item.get(Name.First)))))
    return out


def _resolve_links(out: Any, dests: dict[str, Any], bookmarks: list[Any]) -> None:
    from pikepdf import Array, Dictionary, Name, String

    pages = {page.obj.objgen: number for number, page in enumerate(out.pages, start=1)}

    def page_of(dest: Any) -> int:
        target = dest
        if isinstance(target, Dictionary):
            target = target.D
        return pages[target[0].objgen]

    # What Typst writes for a link to a heading ("Hoofdstuk 3.1", its number), by destination.
    described: dict[tuple[int, int], str] = {}
    for item in bookmarks:
        dest = item.get(Name.Dest)
        if dest is not None and dest.is_indirect:
            number = str(item.get(Name.Title, "")).split(" ", 1)[0]
            if number[:1].isdigit():
                described[dest.objgen] = f"Hoofdstuk {number}"

    for page in out.pages:
        for annot in page.obj.get(Name.Annots, Array()):
            action = annot.get(Name.A)
            if annot.get(Name.Subtype) != Name.Link or action is None:
                continue
            uri = str(action.get(Name.URI, "")) if action.get(Name.S) == Name.URI else ""
            if uri.startswith(PART_LINK):
                name = uri[len(PART_LINK) :]
                if name not in dests:
                    raise JoinError(f"geen deel van de bundel heeft het label {name}")
                dest = dests[name]
                annot[Name.Dest] = String(name)
            elif uri.startswith(TOC_LINK):
                dest = bookmarks[int(uri[len(TOC_LINK) :])].get(Name.Dest)
                annot[Name.Dest] = dest
            else:
                continue
            del annot[Name.A]
            # Typst describes a link by its target ("Hoofdstuk 3.1"); a URI by itself.
            text = described.get(dest.objgen) if dest.is_indirect else None
            annot[Name.Contents] = String(text or f"Pagina {page_of(dest)}")


def join_files(
    parts: list[Path], total: int, target: Path, numbers: Path | None = None, first: int = 1
) -> None:
    """:func:`join` in a child process of its own, which hands its memory back when done (qpdf holds
    every part until the joined file is written; in the build's own process that would come on
    top of the site's). This file imports only pikepdf, so the child runs it as a script."""
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            __file__,
            str(target),
            str(total),
            str(numbers or ""),
            str(first),
            *map(str, parts),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise JoinError(lines[-1] if lines else f"samenvoegen gestopt ({result.returncode})")


def _main(argv: list[str], keep: list[Any]) -> int:
    target, total, numbers, first, *parts = argv
    try:
        data = join(
            [Path(part).read_bytes() for part in parts],
            int(total),
            Path(numbers).read_bytes() if numbers else None,
            int(first),
            keep,
        )
    except JoinError as exc:
        print(exc, file=sys.stderr)
        return 2
    Path(target).write_bytes(data)
    return 0


if __name__ == "__main__":
    # Once the file is written and closed, the child ends without freeing qpdf's objects one
    # by one (seconds for a large bundle): the system takes its memory back whole.
    kept: list[Any] = []
    code = _main(sys.argv[1:], kept)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
