"""A bundle typeset in parts and joined (koppelkansen/pdf/parts.py, join.py), on real Typst PDFs:
the fixture bundle (4 chapters) forced into parts by a tiny threshold, against the same bundle as
one document."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_build
from pdfproject import (
    SHORT_PROGRAMME,
    cold_copy_gives_the_same_pdfs,
    make_pdf_project,
    pdf_outline,
)
from pdfvalidation import assert_archival
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from koppelkansen.pdf.parts import ranges

BUNDLE = "koppelkansen-projectplannen.pdf"
GROUP = pytest.mark.xdist_group("pdf-parts")


def _build(config: Path, site: Path, size: int) -> str:
    """Build with the ``pdf_part_chapters`` option set to ``size`` in the project's mkdocs.yml."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"][0]["koppelkansen"]["pdf_part_chapters"] = size
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    result = run_build(config, site)
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    """The fixture project built with chapter parts of 1 chapter (a front and 4 chapter parts),
    and a copy of it built as one document."""
    root = tmp_path_factory.mktemp("parts") / "project"
    config = make_pdf_project(root, {"programma.md": SHORT_PROGRAMME}, git=False)
    one = tmp_path_factory.mktemp("one") / "project"
    shutil.copytree(root, one)
    log = _build(config, root / "site", 1)
    _build(one / config.name, one / "site", 0)
    return root, one, config, log


def _parts_typeset(log: str, pdf: str = BUNDLE) -> list[int]:
    return [int(n) for n in re.findall(rf"PDF {re.escape(pdf)}: deel (\d+) van \d+ gezet", log)]


def _pages_text(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def _links(reader: PdfReader) -> list[tuple[int, int | str, str]]:
    """Every link: (its page, the page it lands on or its URI, its description), 1-based."""
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    named = reader.named_destinations
    found: list[tuple[int, int | str, str]] = []
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            dest = annot.get("/Dest")
            if dest is None:
                found.append((number, str(annot["/A"]["/URI"]), str(annot.get("/Contents"))))
                continue
            if isinstance(dest, str):
                target = reader.get_destination_page_number(named[dest]) + 1
            else:
                target = pages[dest[0].idnum]
            found.append((number, target, str(annot.get("/Contents"))))
    return found


def test_ranges_are_even_and_bounded():
    assert ranges(4, 1) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert ranges(1000, 250) == [(0, 250), (250, 500), (500, 750), (750, 1000)]
    assert ranges(7, 3) == [(0, 2), (2, 5), (5, 7)]
    for count, size in ((1001, 250), (17, 4), (5, 5)):
        parts = ranges(count, size)
        assert parts[0][0] == 0 and parts[-1][1] == count
        assert all(0 < b - a <= size for a, b in parts)


@GROUP
def test_joined_bundle_reads_as_the_one_document_bundle(joined):
    """Same pages and text (footers "pagina X van Y", the contents' page numbers), same outline,
    same links landing on the same pages with the same descriptions."""
    root, one, _, log = joined
    # Cold: each chapter part once (it does not depend on where it falls), the front twice (its
    # length first, then the contents' page numbers).
    assert sorted(_parts_typeset(log)) == [1, 1, 2, 3, 4, 5]
    parts_pdf = root / "site" / "downloads" / BUNDLE
    one_pdf = one / "site" / "downloads" / BUNDLE
    assert _pages_text(parts_pdf) == _pages_text(one_pdf)
    joined_reader, one_reader = PdfReader(parts_pdf), PdfReader(one_pdf)
    total = len(joined_reader.pages)
    assert total == len(one_reader.pages)
    assert f"pagina {total} van {total}" in _pages_text(parts_pdf)[-2]
    assert pdf_outline(joined_reader) == pdf_outline(one_reader)
    assert len(pdf_outline(joined_reader)) == 12
    links = _links(joined_reader)
    assert links == _links(one_reader)
    assert any(page >= 4 and target == 4 for page, target, _ in links)  # back to chapter 1
    assert any(page == 4 and target == total for page, target, _ in links)  # chapter 1 to 4


@GROUP
def test_joined_bundle_has_one_tagged_structure_and_passes_pdf_a_and_ua(joined):
    root, _one, _, _ = joined
    path = root / "site" / "downloads" / BUNDLE
    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl-NL" and catalog["/MarkInfo"]["/Marked"]
    assert len(catalog["/OutputIntents"]) == 1
    assert f"<xmpTPg:NPages>{len(reader.pages)}<".encode() in catalog["/Metadata"].get_data()
    assert reader.metadata.title == "Projectplannen"
    tree = catalog["/StructTreeRoot"]
    (document,) = tree["/K"]
    assert document.get_object()["/S"] == "/Document"
    nums = tree["/ParentTree"]["/Nums"]
    keys = [int(k) for k in nums[::2]]
    assert keys == sorted(set(keys)) and int(tree["/ParentTreeNextKey"]) == keys[-1] + 1
    used = [int(page["/StructParents"]) for page in reader.pages if "/StructParents" in page]
    used += [
        int(annot.get_object()["/StructParent"])
        for page in reader.pages
        for annot in page.get("/Annots", [])
    ]
    assert sorted(used) == keys  # every page and link has its own entry, none dangling
    # Every element's page is a page of the joined file.
    pages = {page.indirect_reference.idnum for page in reader.pages}
    stack, seen = [document.get_object()], 0
    while stack:
        element = stack.pop()
        if "/Pg" in element:
            assert element.raw_get("/Pg").idnum in pages
            seen += 1
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object()
            if (
                isinstance(kid, DictionaryObject)
                and kid.get("/Type", "/StructElem") == "/StructElem"
            ):
                stack.append(kid)
    assert seen > 50
    case_pdfs = sorted((root / "site" / "downloads").glob("*.pdf"))
    assert len(case_pdfs) == 4  # the case PDFs (2-3 chapters) are in parts too
    assert_archival(case_pdfs)


EDITS = (  # (page, its part, paragraphs added, a new section heading)
    ("programma.md", 2, 1, False),  # the first chapter part
    # A middle one, with a new section: the contents change, so the front is typeset again, but
    # no other chapter part (a chapter part's main file holds no contents and only the labels
    # its own chapters link to).
    ("casussen/amstelstad/plan.md", 4, 1, True),
    ("casussen/haven-stad/plan.md", 5, 1, False),  # the last
    ("casussen/9-straatjes/plan.md", 3, 40, False),  # pages more: the front again, no later part
)


@GROUP
def test_an_edit_retypesets_its_part_only_and_gives_the_bytes_of_a_cold_build(joined, tmp_path):
    """Four edits, one after the other, each in another part: each build typesets that part only
    (and the front, for its contents, when the edit adds pages or a section).
    One cold build of the last state then holds every part an edit typeset (each edited part is
    in use until the end, the other edits are elsewhere) and the joins of them all: the bytes of
    every PDF must be its bytes. A cold build after each edit would compare the same parts again.
    """
    root, _, config, _ = joined
    for number, (relative, part, paragraphs, section) in enumerate(EDITS):
        page = root / "docs" / relative
        pages_before = len(PdfReader(root / "site" / "downloads" / BUNDLE).pages)
        page.write_text(
            page.read_text(encoding="utf-8")
            + (f"\n## Nieuwe sectie {number}\n" if section else "")
            + f"\nBewerking {number} in een deel.\n"
            + "\nEen alinea die de bundel langer maakt, met genoeg woorden voor een paar regels"
            " tekst op een pagina van het plan.\n" * (paragraphs - 1),
            encoding="utf-8",
        )
        log = _build(config, root / "site", 1)
        pages_after = len(PdfReader(root / "site" / "downloads" / BUNDLE).pages)
        # The edited part; and the front when the contents' lines or page numbers changed.
        front = section or pages_after != pages_before
        assert _parts_typeset(log) == [part] + ([1] if front else []), log
        if paragraphs > 1:
            assert pages_after > pages_before
        assert f"Bewerking {number} in een deel." in "".join(
            _pages_text(root / "site" / "downloads" / BUNDLE)
        )
    cold_copy_gives_the_same_pdfs(
        root, config, tmp_path / "cold", lambda config, site: _build(config, site, 1)
    )
    assert_archival([root / "site" / "downloads" / BUNDLE])


def test_a_link_to_a_label_no_part_holds_is_refused_in_dutch(tmp_path):
    """The join never writes a link to nowhere: a ``kk-part:`` link whose label no part holds, or
    a label in two parts, stops the bundle with a message naming the label (the build shows it;
    no traceback), and writes nothing."""
    import typst

    from koppelkansen.pdf.join import JoinError, join_files
    from koppelkansen.pdf.worker import typst_options

    fonts = Path(__file__).resolve().parents[1] / "docs" / "assets" / "fonts"
    main = tmp_path / "deel.typ"
    main.write_text(
        '#set document(title: "Deel")\n#set text(lang: "nl")\n= Een <een>\n'
        '#link("kk-part:nergens")[naar nergens]\n',
        encoding="utf-8",
    )
    part = tmp_path / "deel.pdf"
    part.write_bytes(typst.compile(str(main), **typst_options(fonts, 0)))
    with pytest.raises(JoinError, match="geen deel van de bundel heeft het label nergens"):
        join_files([part], 1, tmp_path / "samen.pdf")
    with pytest.raises(JoinError, match="het label een staat in twee delen van de bundel"):
        join_files([part, part], 2, tmp_path / "samen.pdf")
    fine = tmp_path / "goed.pdf"
    main.write_text('#set document(title: "Deel")\n#set text(lang: "nl")\n= Een\n')
    fine.write_bytes(typst.compile(str(main), **typst_options(fonts, 0)))
    with pytest.raises(
        JoinError, match=r"de paginanummers \(1 vanaf pagina 2\) passen niet op de 1"
    ):
        join_files([fine], 1, tmp_path / "samen.pdf", numbers=fine, first=2)
    assert not (tmp_path / "samen.pdf").exists()


def test_a_cache_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """A build stopped while a part's PDF is written (Ctrl+C) leaves the old file, never a
    truncated one under a key a later build trusts, and no temporary file."""
    import os

    from koppelkansen.pdf.cachefile import write_atomically

    target = tmp_path / "deel.pdf"
    write_atomically(target, b"%PDF-oud")

    def stopped(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", stopped)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"%PDF-nieuw, maar half")
    assert target.read_bytes() == b"%PDF-oud"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deel.pdf"]
