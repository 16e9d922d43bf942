"""Join the parts of a bundle typeset in parts (:mod:`.parts`) into one tagged PDF/A-2a, PDF/UA-1 file.

qpdf, pikepdf and pypdf's own ``append`` join pages and outlines but not structure trees (qpdf#490),
so this joins at the object level with pypdf (already a dependency): every part's pages are
copied in order (pypdf keeps one map of copied objects per source file, so the part's structure
elements, outline items and destinations copied afterwards point at the copied pages), and then:

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
- the catalog of the first part (language, ``/MarkInfo``, viewer preferences, the output intent
  once), its document information and its XMP packet with ``xmpTPg:NPages`` set to the total.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

PART_LINK = "kk-part:"
TOC_LINK = "kk-toc:"


class JoinError(ValueError):
    """The parts cannot be joined (a link to a label no part holds, a part without tags)."""


def _tree(node: Any, leaves: str) -> Iterator[tuple[Any, Any]]:
    """The (key, value) pairs of a PDF number tree (``leaves`` "/Nums") or name tree ("/Names"),
    in order, from its leaves and its kids."""
    node = node.get_object()
    assert isinstance(node, DictionaryObject)
    if leaves in node:
        pairs: Any = node[leaves]
        for i in range(0, len(pairs), 2):
            yield pairs[i], pairs[i + 1]
    for kid in node.get("/Kids", []):
        yield from _tree(kid, leaves)


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    return ((int(key), value) for key, value in _tree(node, "/Nums"))


def _name_tree(node: Any) -> Iterator[tuple[str, Any]]:
    return ((str(key), value) for key, value in _tree(node, "/Names"))


def _chain(first: Any) -> Iterator[Any]:
    item = first
    while item is not None:
        obj = item.get_object()
        assert isinstance(obj, DictionaryObject)
        yield obj
        item = obj.get("/Next")


def _ref(obj: PdfObject) -> IndirectObject:
    ref = obj.indirect_reference
    assert ref is not None
    return ref


def join(parts: list[bytes], total: int) -> bytes:
    """The parts (Typst PDFs, in order) as one PDF of ``total`` pages."""
    # One part read at a time, and let go once copied: the copies are what the joined file needs.
    first = PdfReader(io.BytesIO(parts[0]))
    writer = PdfWriter()
    root0: Any = first.trailer["/Root"]
    writer.pdf_header = first.pdf_header

    struct_root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    struct_ref = writer._add_object(struct_root)
    document: Any = None
    nums: list[tuple[int, Any]] = []
    role_map = DictionaryObject()
    class_map = DictionaryObject()
    ids: dict[str, Any] = {}
    dests: dict[str, Any] = {}
    bookmarks: list[Any] = []  # the top-level outline items, in order
    key_offset = 0
    for number in range(len(parts)):
        reader = first if number == 0 else PdfReader(io.BytesIO(parts[number]))
        catalog: Any = reader.trailer["/Root"]
        tree: Any = catalog.get("/StructTreeRoot")
        if tree is None:
            raise JoinError("een deel van de bundel heeft geen tags (StructTreeRoot)")
        tree = tree.get_object()
        for page in reader.pages:
            copy = writer.add_page(page)
            if "/StructParents" in page:
                copy[NameObject("/StructParents")] = NumberObject(
                    int(str(page["/StructParents"])) + key_offset
                )
            annots: Any = copy.get("/Annots", [])
            for annot in annots:
                annot = annot.get_object()
                if "/StructParent" in annot:
                    annot[NameObject("/StructParent")] = NumberObject(
                        int(annot["/StructParent"]) + key_offset
                    )
        # The structure tree, copied after the pages: its /Pg and /Obj entries map onto the copies.
        # Before copying, the /P of what is copied is cut (the part's own root, or its Document
        # element, whose children move under the first part's): else copying would copy those
        # too, as objects nothing refers to.
        for kid in tree.get("/K", []):
            element = kid.get_object()
            if not isinstance(element, DictionaryObject) or element.get("/S") != "/Document":
                raise JoinError("een deel van de bundel heeft geen Document-element bovenaan")
            if document is None:
                element[NameObject("/P")] = NullObject()
                document = kid.clone(writer).get_object()
                document[NameObject("/P")] = struct_ref
                continue
            for grandchild in element.get("/K", []):
                child = grandchild.get_object()
                structural = isinstance(child, DictionaryObject) and "/S" in child
                if structural:
                    child[NameObject("/P")] = NullObject()
                copy = grandchild.clone(writer)
                if structural:
                    copy.get_object()[NameObject("/P")] = _ref(document)
                document["/K"].append(copy)
        if "/ParentTree" in tree:
            for key, value in _number_tree(tree["/ParentTree"]):
                nums.append((key + key_offset, value.clone(writer)))
        for name, value in tree.get("/RoleMap", {}).items():
            role_map.setdefault(NameObject(name), value.clone(writer))
        for name, value in tree.get("/ClassMap", {}).items():
            class_map.setdefault(NameObject(name), value.clone(writer))
        if "/IDTree" in tree:
            for name, value in _name_tree(tree["/IDTree"]):
                ids.setdefault(name, value.clone(writer))
        next_key = tree.get("/ParentTreeNextKey")
        key_offset += (
            int(next_key)
            if next_key is not None
            else 1 + max((k for k, _ in nums), default=-1) - key_offset
        )
        if "/Names" in catalog and "/Dests" in catalog["/Names"]:
            for name, value in _name_tree(catalog["/Names"]["/Dests"]):
                if name in dests:
                    raise JoinError(f"het label {name} staat in twee delen van de bundel")
                dests[name] = value.clone(writer)
        if "/Outlines" in catalog:
            # Likewise the top items' /Parent (the part's outline root).
            top = list(_chain(catalog["/Outlines"].get_object().get("/First")))
            for item in top:
                item[NameObject("/Parent")] = NullObject()
            if top:
                copied = top[0].indirect_reference.clone(writer)
                bookmarks.extend(_chain(copied))
        if number:
            del reader

    assert document is not None
    struct_root[NameObject("/K")] = ArrayObject([_ref(document)])
    flat = ArrayObject()
    for key, value in sorted(nums, key=lambda kv: kv[0]):
        flat.extend([NumberObject(key), value])
    struct_root[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): flat})
    )
    struct_root[NameObject("/ParentTreeNextKey")] = NumberObject(key_offset)
    if role_map:
        struct_root[NameObject("/RoleMap")] = role_map
    if class_map:
        struct_root[NameObject("/ClassMap")] = class_map
    if ids:
        struct_root[NameObject("/IDTree")] = writer._add_object(
            DictionaryObject({NameObject("/Names"): _flat_names(ids)})
        )

    catalog = writer._root_object  # the joined file's
    for entry in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents"):
        if entry in root0:
            catalog[NameObject(entry)] = root0.raw_get(entry).clone(writer)
    catalog[NameObject("/StructTreeRoot")] = struct_ref
    if dests:
        catalog[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/Dests"): writer._add_object(
                    DictionaryObject({NameObject("/Names"): _flat_names(dests)})
                )
            }
        )
    if bookmarks:
        outline_root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
        outline_ref = writer._add_object(outline_root)
        count = 0
        for i, item in enumerate(bookmarks):
            item[NameObject("/Parent")] = outline_ref
            if i:
                item[NameObject("/Prev")] = _ref(bookmarks[i - 1])
            elif "/Prev" in item:
                del item["/Prev"]
            if i + 1 < len(bookmarks):
                item[NameObject("/Next")] = _ref(bookmarks[i + 1])
            elif "/Next" in item:
                del item["/Next"]
            count += 1 + max(int(item.get("/Count", 0)), 0)
        outline_root[NameObject("/First")] = _ref(bookmarks[0])
        outline_root[NameObject("/Last")] = _ref(bookmarks[-1])
        outline_root[NameObject("/Count")] = NumberObject(count)
        catalog[NameObject("/Outlines")] = outline_ref
    if "/Metadata" in root0:
        xmp = root0["/Metadata"].get_object().get_data().decode("utf-8")
        xmp = re.sub(r"<xmpTPg:NPages>\d+<", f"<xmpTPg:NPages>{total}<", xmp)
        stream = StreamObject()
        stream.set_data(xmp.encode("utf-8"))
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        catalog[NameObject("/Metadata")] = writer._add_object(stream)

    _resolve_links(writer, dests, _all_bookmarks(bookmarks))
    writer.metadata = first.metadata
    if "/ID" in first.trailer:
        writer._ID = cast(ArrayObject, first.trailer["/ID"].clone(writer))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _flat_names(entries: dict[str, Any]) -> ArrayObject:
    flat = ArrayObject()
    for name in sorted(entries, key=lambda n: n.encode("utf-8")):
        flat.extend([TextStringObject(name), entries[name]])
    return flat


def _all_bookmarks(top: list[Any]) -> list[Any]:
    """Every outline item, in reading order (the order of the contents' lines)."""
    out: list[Any] = []
    for item in top:
        out.append(item)
        out.extend(_all_bookmarks(list(_chain(item.get("/First")))))
    return out


def _resolve_links(writer: PdfWriter, dests: dict[str, Any], bookmarks: list[Any]) -> None:
    pages = {_ref(page).idnum: number for number, page in enumerate(writer.pages, start=1)}

    def page_of(dest: Any) -> int:
        target: Any = dest.get_object()
        if isinstance(target, DictionaryObject):
            target = target["/D"].get_object()
        assert isinstance(target, ArrayObject)
        return pages[target[0].idnum]

    # What Typst writes for a link to a heading ("Hoofdstuk 3.1", its number), by destination.
    described: dict[int, str] = {}
    for item in bookmarks:
        dest = item.raw_get("/Dest") if "/Dest" in item else None
        if isinstance(dest, IndirectObject):
            number = str(item.get("/Title", "")).split(" ", 1)[0]
            if number[:1].isdigit():
                described[dest.idnum] = f"Hoofdstuk {number}"

    for page in writer.pages:
        annots: Any = page.get("/Annots", [])
        for annot in annots:
            annot = annot.get_object()
            action: Any = annot.get("/A")
            if annot.get("/Subtype") != "/Link" or action is None:
                continue
            action = action.get_object()
            uri = str(action.get("/URI", "")) if action.get("/S") == "/URI" else ""
            if uri.startswith(PART_LINK):
                name = uri[len(PART_LINK) :]
                if name not in dests:
                    raise JoinError(f"geen deel van de bundel heeft het label {name}")
                dest = dests[name]
                annot[NameObject("/Dest")] = TextStringObject(name)
            elif uri.startswith(TOC_LINK):
                dest = bookmarks[int(uri[len(TOC_LINK) :])].raw_get("/Dest")
                annot[NameObject("/Dest")] = dest
            else:
                continue
            del annot["/A"]
            # Typst describes a link by its target ("Hoofdstuk 3.1"); a URI by itself.
            text = described.get(dest.idnum) if isinstance(dest, IndirectObject) else None
            annot[NameObject("/Contents")] = TextStringObject(text or f"Pagina {page_of(dest)}")


def join_files(parts: list[Path], total: int, target: Path) -> None:
    """:func:`join` in a child process of its own, which hands its memory back when done: pypdf
    holds every object of the joined file (1.8 GB at 4,124 pages), and in the build's own process
    that came on top of the site's (2.4 GB peak). This file imports only pypdf, so the child runs
    it as a script."""
    result = subprocess.run(
        [sys.executable, "-I", __file__, str(target), str(total), *map(str, parts)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise JoinError(lines[-1] if lines else f"samenvoegen gestopt ({result.returncode})")


def _main(argv: list[str]) -> int:
    target, total, *parts = argv
    try:
        data = join([Path(part).read_bytes() for part in parts], int(total))
    except JoinError as exc:
        print(exc, file=sys.stderr)
        return 2
    Path(target).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
