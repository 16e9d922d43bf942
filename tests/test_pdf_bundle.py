"""The PDF plan bundle, on real PDFs from real builds of the fixture site (tests/fixtures/pdf-docs)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import run_build
from mkdocs.exceptions import PluginError
from pdfproject import (
    PDF_DOCS,
    SHORT_PROGRAMME,
    cold_copy_gives_the_same_pdfs,
    make_pdf_project,
    pdf_outline,
)
from pdfvalidation import assert_archival
from pypdf import PdfReader

from koppelkansen.build import build_site
from koppelkansen.pdf.bundles import PdfSpec
from koppelkansen.pdf.downloads import PdfJob, human_size, pdf_wanted
from koppelkansen.pdf.passes import count_passes
from koppelkansen.pdf.typeset import PdfResult
from koppelkansen.pdf.worker import typst_options

BUNDLE = "koppelkansen-projectplannen.pdf"
FONTS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "fonts"
CASES = ("amstelstad", "9-straatjes", "haven-stad")
LABELS = {"amstelstad": "Amstelstad", "9-straatjes": "9 Straatjes", "haven-stad": "Haven-Stad"}


# The tests sharing this module-scoped build run in one worker, one after another: otherwise
# xdist interleaves other modules and each worker (or each return to the module) builds it again.
BUILT = pytest.mark.xdist_group("pdf-bundle-built")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One fixture project built twice: the second build (forced: nothing changed) must come
    from the cache."""
    root = tmp_path_factory.mktemp("pdfsite")
    config = make_pdf_project(root)
    logs = []
    for again in (False, True):
        result = run_build(config, root / "site", force=again)
        assert result.returncode == 0, result.stderr
        logs.append(result.stderr)
        if not (root / "site-cold").exists():  # the first build typeset every PDF
            shutil.copytree(root / "site", root / "site-cold")
    return root, logs


def _reader(root: Path, name: str) -> PdfReader:
    return PdfReader(root / "site" / "downloads" / name)


def _text(path: Path, first: int | None = None, last: int | None = None) -> str:
    command = ["pdftotext", "-layout"]
    if first:
        command += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(
        [*command, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@BUILT
def test_bundle_and_case_pdfs_are_written(built):
    root, _ = built
    names = sorted(p.name for p in (root / "site" / "downloads").glob("*.pdf"))
    assert names == sorted([BUNDLE, *(f"koppelkansen-{c}.pdf" for c in CASES)])
    bundle = _reader(root, BUNDLE)
    # Cover, the programme figure, contents, the programme (3 pages with its long table), three
    # plans of one page each.
    assert len(bundle.pages) == 9
    haven = _reader(root, "koppelkansen-haven-stad.pdf")
    assert [t for d, t, _ in pdf_outline(haven) if d == 1] == [
        "1 Haven-Stad",
        "2 Projectplan Haven-Stad",
        "3 Sessie Havenstad",
    ]


@BUILT
def test_outline_is_chapters_and_sections(built):
    root, _ = built
    outline = pdf_outline(_reader(root, BUNDLE))
    # Nav order (folders alphabetical): the programme, then the plans of 9 Straatjes, Amstelstad, Haven-Stad.
    chapters = [t for d, t, _ in outline if d == 1]
    assert chapters == [
        "1 Overkoepelend plan",
        "2 Projectplan 9 Straatjes",
        "3 Projectplan Amstelstad",
        "4 Projectplan Haven-Stad",
    ]
    sections = [t for d, t, _ in outline if d == 2]
    assert sections == ["1.1 Aanpak", "1.2 Overzicht"] + [
        f"{n}.{i} {s}" for n in (2, 3, 4) for i, s in ((1, "Werkwijze"), (2, "Activiteiten 2019"))
    ]
    assert all(d <= 2 for d, _, _ in outline), "level-3 headings stay out of the outline"
    pages = {t: p for d, t, p in outline}
    assert pages["1 Overkoepelend plan"] == 3 and pages["4 Projectplan Haven-Stad"] == 8


@BUILT
def test_cover_contents_and_every_heading_and_text(built):
    root, _ = built
    path = root / "site" / "downloads" / BUNDLE
    cover = re.sub(r"\s+", " ", _text(path, 1))
    for text in (
        "KOPPELKANSEN",
        "Projectplannen",
        "Waternet",
        "Alliander",
        "Gemeente Amsterdam",
        "31 oktober 2018",
        "3× concept, 1× vastgesteld",
        "Amstelstad, 9 Straatjes en Haven-Stad",
    ):
        assert text in cover, text
    assert "Koppelkansen in één beeld" in _text(path, 2)  # koppelkansen/figures/scenes.py
    contents = _text(path, 3)
    assert "Inhoud" in contents
    assert re.search(r"3\s+Projectplan Amstelstad[\s.\u2060]*8\n", contents)
    assert "pagina 3 van 9" in contents
    everything = re.sub(r"\s+", " ", _text(path))
    for sample in (
        "Koppelkansen brengt water, energie en circulariteit samen",  # body text
        "Grote opgaven kosten minder wanneer de organisaties ze samen plannen",  # admonition
        "Let op",  # untitled warning, Dutch title
        "Toelichting bij de planning",
        "staat in de PDF open",  # details, open
        "WATER",
        "Klimaatadaptatie in de openbare ruimte",
        "ENERGIE",
        "De energietransitie in de wijk",  # tabs
        "Regel 1 ",
        "Regel 60 ",  # the whole long table
        "def koppel(water: str, energie: str) -> str:",  # code
        "De directies van Waternet, Alliander en de Gemeente Amsterdam.",  # footnote
        "Woordenlijst",
        "Een koppelkans is een kans om opgaven te combineren",  # definition list
        "Het projectplan voor Haven-Stad beschrijft de activiteiten voor 2019",
        "Leren in de praktijk",
    ):
        assert sample in everything, sample
    # The table's header row is repeated on the page the table continues on.
    assert "Onderdeel Water Energie Circulariteit" in re.sub(r"\s+", " ", _text(path, 5))
    # Concept chapters are marked, settled ones are not.
    assert "CONCEPT" in _text(path, 4) and "Opzet of werkversie" in _text(path, 4)
    amstelstad = _text(path, 8)
    assert "VASTGESTELD" in amstelstad and "Opzet of werkversie" not in amstelstad


@BUILT
def test_images_including_svg_are_embedded(built):
    root, _ = built
    reader = _reader(root, BUNDLE)
    images = []
    vector_fill = False
    for page in reader.pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            if ref.get_object()["/Subtype"] == "/Image":
                images.append(ref.get_object())
        # The SVG's first box (#1f4e8c) is drawn as vector paths in the page itself.
        vector_fill |= b"0.12156" in page.get_contents().get_data()
    assert [(int(i["/Width"]), int(i["/Height"])) for i in images] == [(160, 90)]  # the PNG, once
    assert vector_fill


@BUILT
def test_links_land_on_the_right_page_and_never_on_files(built):
    root, _ = built
    reader = _reader(root, BUNDLE)
    named = {
        name: reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }
    internal: list[tuple[int, int]] = []
    uris: list[str] = []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if annot["/Subtype"] != "/Link":
                continue
            if "/A" in annot and annot["/A"].get("/S") == "/URI":
                uris.append(str(annot["/A"]["/URI"]))
            elif "/Dest" in annot:
                dest = annot["/Dest"]
                target = (
                    named[str(dest)]
                    if isinstance(dest, str)
                    else reader.get_page_number(dest[0].get_object())
                )
                internal.append((number, target))
    assert not [u for u in uris if not u.startswith(("https://", "http://", "mailto:"))]
    assert "https://example.org/test/leerrondes/2018-plannen/" in uris  # a page outside the bundle
    assert "https://www.waternet.nl/" in uris
    # From the programme (page index 3) to the Amstelstad plan (index 7) and Haven-Stad's section (index 8).
    assert (3, 7) in internal and (3, 8) in internal
    # From each plan back to the programme's section "Aanpak" (index 3).
    assert {(6, 3), (7, 3), (8, 3)} <= set(internal)
    # The contents page (index 2, after the programme figure) links every entry.
    assert len([1 for source, _ in internal if source == 2]) == 12
    for name in (p.name for p in (root / "site" / "downloads").glob("*.pdf")):
        assert b"file:" not in (root / "site" / "downloads" / name).read_bytes()


@BUILT
def test_case_pdf_links_outside_it_go_to_the_site(built):
    root, _ = built
    reader = _reader(root, "koppelkansen-amstelstad.pdf")
    uris = [
        str(a.get_object()["/A"]["/URI"])
        for page in reader.pages
        for a in page.get("/Annots", []) or []
        if "/A" in a.get_object()
    ]
    assert "https://example.org/test/programma/#aanpak" in uris


@BUILT
def test_pdfs_are_tagged_pdf_ua_with_language_and_metadata(built):
    root, _ = built
    for name in (BUNDLE, "koppelkansen-amstelstad.pdf"):
        reader = _reader(root, name)
        catalog = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog
        assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
        assert str(catalog["/Lang"]).startswith("nl")
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
        meta = reader.metadata
        assert meta["/Author"] == "Waternet, Alliander, Gemeente Amsterdam"
        assert meta["/Subject"] and meta["/Title"]
        xmp = catalog["/Metadata"].get_object().get_data().decode()
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>A<" in xmp
        assert "2018-10-31T12:00:00Z" in xmp  # the commit date, not the clock
    assert (
        _reader(root, "koppelkansen-amstelstad.pdf").metadata["/Title"] == "Casusgebied Amstelstad"
    )
    fonts = _text_fonts(root / "site" / "downloads" / BUNDLE)
    assert any("Inter" in f for f in fonts)


@BUILT
def test_every_pdf_passes_pdf_a_2a_and_pdf_ua_1(built):
    """The outside validator's verdict on the bundle and every case PDF (tests/pdfvalidation.py)."""
    root, _ = built
    assert_archival(list((root / "site" / "downloads").glob("*.pdf")))


def _text_fonts(path: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in out.splitlines()[2:] if line.strip()]
    # Every font is embedded (column "emb" is "yes").
    assert all(" yes " in row for row in rows), out
    return rows


@BUILT
def test_the_fixture_bundle_settles_in_two_layout_passes(built):
    """Typst lays the bundle out twice: once to learn the page numbers, once with them. Labels,
    chapters and section numbers come from Python (docs-dev/pdf.md, "Layout passes"); a query or
    counter that moves the layout again makes this 3 (counted under gdb: passes.py)."""
    root, _ = built
    main = root / ".cache" / "pdf" / "work" / "koppelkansen-projectplannen.typ"
    assert count_passes(main, typst_options(FONTS, None)) == 2


@BUILT
def test_second_build_is_a_cache_hit_with_the_same_bytes(built, tmp_path):
    root, logs = built
    first, second = logs
    assert re.search(
        r"PDF koppelkansen-projectplannen\.pdf gezet in [\d.]+ s \(9 pagina's\)", first
    )
    assert "PDF koppelkansen" in first and not re.search(r"PDF \S+ uit de cache", first)
    assert len(re.findall(r"PDF \S+ uit de cache", second)) == 4 and "gezet in" not in second
    # A fresh copy in another folder, without the cache, typesets the same bytes.
    copy = tmp_path / "kopie"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", ".cache"))
    # In a fresh interpreter, not a fork of the tests' warmed-up build server like the first two
    # builds: the bytes depend on neither the cache nor the state of the process.
    assert build_site(copy / "mkdocs.yml", copy / "site") == 0
    for name in (BUNDLE, *(f"koppelkansen-{c}.pdf" for c in CASES)):
        assert (copy / "site" / "downloads" / name).read_bytes() == (
            root / "site" / "downloads" / name
        ).read_bytes(), name


@BUILT
def test_plan_pages_link_their_pdf_and_downloads_lists_every_pdf(built):
    root, _ = built
    plan = (root / "site" / "casussen" / "amstelstad" / "plan" / "index.html").read_text(
        encoding="utf-8"
    )
    assert re.search(
        r'class="md-button kk-download" href="\.\./\.\./\.\./downloads/koppelkansen-amstelstad\.pdf"',
        plan,
    )
    case_page = (root / "site" / "casussen" / "haven-stad" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "downloads/koppelkansen-haven-stad.pdf" in case_page
    programme = (root / "site" / "programma" / "index.html").read_text(encoding="utf-8")
    assert "kk-download" not in programme
    downloads = (root / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td><a href=\"\.\./downloads/([^\"]+)\".*?</tr>", downloads, re.S)
    assert sorted(rows) == sorted([BUNDLE, *(f"koppelkansen-{c}.pdf" for c in CASES)])
    assert re.search(
        r"Projectplannen</strong>.*?<td>31 oktober 2018</td>\s*<td>9</td>\s*<td>\d+ kB</td>",
        downloads,
        re.S,
    )


@BUILT
@pytest.mark.parametrize("build", ["site-cold", "site"])
def test_pages_show_the_page_count_and_size_of_the_pdfs_they_offer(built, build):
    """The cold build typesets the PDFs while the templates render (koppelkansen.pdf.downloads.PdfJob)
    and fills their figures in afterwards; the second build takes them from the cache at once.
    Either way every page shows the figures of the PDF it offers, and no placeholder is left."""
    root, _ = built
    site = root / build
    figures = {}
    for pdf in (site / "downloads").glob("*.pdf"):
        figures[pdf.name] = (len(PdfReader(pdf).pages), human_size(pdf.stat().st_size))
    assert len(figures) == 4
    downloads = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(
        r'<td><a href="\.\./downloads/([^"]+)".*?<td>(\d+)</td>\s*<td>([^<]+)</td>', downloads, re.S
    )
    assert {name: (int(pages), size) for name, pages, size in rows} == figures
    for case in CASES:
        page = (site / "casussen" / case / "index.html").read_text(encoding="utf-8")
        pages, size = figures[f"koppelkansen-{case}.pdf"]
        assert f"kk-download__meta\">{pages} pagina's · {size}</span>" in page, case
    leftovers = [p for p in site.rglob("*") if p.is_file() and b"kkpdf" in p.read_bytes()]
    assert leftovers == []


def test_pdf_job_fills_only_its_own_placeholders_and_hands_over_the_error():
    spec = PdfSpec("koppelkansen-a", "A", "A", "", [], [])
    result = PdfResult(spec, Path("a.pdf"), pages=12, size=3 * 1024 * 1024, cached=False, seconds=1)
    job, other = PdfJob([spec], lambda: [result]), PdfJob([spec], lambda: [result])
    assert job.token != other.token  # random per build: no page can carry a valid one
    entry = job.entries()[0]
    page = f"{entry['pages']} pagina's · {entry['size']} | {other.entries()[0]['pages']}"
    assert job.fill(page) == f"12 pagina's · 3,0 MB | {other.token}p0"

    def fails() -> list[PdfResult]:
        raise PluginError("De PDF's zijn niet gemaakt")

    failed = PdfJob([spec], fails)
    failed.wait()  # waits without raising: the build is failing already
    with pytest.raises(PluginError, match="niet gemaakt"):
        failed.results()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                # <iframe> and the like are refused before, by koppelkansen/check/content.py
                # (a missing image in raw HTML too: tests/test_author_markup.py)
                "casussen/amstelstad/plan.md": "+\n<video controls></video>\n",
                "casussen/haven-stad/plan.md": "+\n![](../../img/kaart.png)\n",
            },
            [
                "docs/casussen/amstelstad/plan.md:29:1: fout: een <video> kan niet in de PDF",
                # the path as MkDocs rewrote it, found at the line the author wrote it on
                "docs/casussen/haven-stad/plan.md:29:1: fout: de afbeelding '../../../img/kaart.png' "
                "heeft geen alt-tekst",
            ],
        ),
        (
            {
                "casussen/9-straatjes/plan.md": "+\n![Kapot](../../img/kapot.png)\n",
                "img/kapot.png": "geen png",
            },
            # Typst's error, in Dutch, at the page and line that caused it.
            [
                "docs/casussen/9-straatjes/plan.md:29:1: fout: de afbeelding 'docs/img/kapot.png' "
                "is beschadigd of niet het soort bestand dat haar extensie zegt"
            ],
        ),
    ],
    # The converter reports every page it cannot convert in one build, so its two cases share one;
    # Typst only runs when the conversion succeeded, so its error needs a build of its own.
    ids=["element-and-missing-image", "typst-error"],
)
def test_bad_input_fails_naming_the_page_and_writes_no_pdf(tmp_path, files, expected):
    config = make_pdf_project(tmp_path, {"programma.md": SHORT_PROGRAMME}, git=False)
    for relative, content in files.items():
        path = tmp_path / "docs" / relative
        if content.startswith("+"):
            path.write_text(path.read_text(encoding="utf-8") + content[1:], encoding="utf-8")
        else:
            path.write_text(content, encoding="utf-8")
    result = run_build(config, tmp_path / "site")
    assert result.returncode != 0
    err = result.stderr
    for message in expected:
        assert message in err, message
    if len(expected) > 1:  # each bad input is a problem of its own that stops every PDF
        assert f"De PDF's zijn niet gemaakt: {len(expected)} problemen hierboven" in err, err
    assert "er is geen PDF geschreven" in err
    assert ".typ" not in err  # the message names the Markdown page, not the generated Typst
    assert not (tmp_path / "site").exists()
    assert not list((tmp_path / ".cache" / "pdf").glob("*.pdf"))


REFUSED = (
    "downloads/koppelkansen-projectplannen.pdf",
    "downloads/Koppelkansen-Haven-Stad.PDF",
    "downloads/versies/2018-10-31/koppelkansen-projectplannen.pdf",
    "downloads/wijzigingen/index.html",
    "downloads/pdfs.json",
)


def test_every_file_where_the_build_writes_its_pdfs_is_refused_in_one_run(tmp_path):
    """An author's file there would replace a PDF of the site, or be replaced by one. All five are
    named by one build (one build instead of five: its time is mostly the build's fixed cost)."""
    config = make_pdf_project(tmp_path, git=False)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "oud.txt").write_text("vorige site", encoding="utf-8")
    for name in REFUSED:
        target = tmp_path / "docs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.4 nagemaakt")
    # In the same run, by the page check: an image in raw HTML whose file is missing (the path as
    # seen from the .md file, one folder short on the site).
    plan = tmp_path / "docs" / "casussen" / "haven-stad" / "plan.md"
    plan.write_text(
        plan.read_text(encoding="utf-8") + '\n<img src="../../img/kaart.png" alt="Kaart">\n',
        encoding="utf-8",
    )
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 1
    err = result.stderr
    assert (
        "docs/casussen/haven-stad/plan.md:29:1: fout: de afbeelding '../../img/kaart.png' bestaat "
        "niet: vanaf deze pagina (/casussen/haven-stad/plan/) wijst dat naar docs/casussen/img/"
        "kaart.png"
    ) in err, err
    for name in REFUSED:
        assert f"docs/{name}:1:1: fout: dit bestand komt in de site op {name}," in err, name
    assert err.count("Geef het een andere naam of zet het in een andere map") == len(REFUSED)
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["oud.txt"]


def test_pdf_false_and_serve_make_no_pdfs(tmp_path, monkeypatch):
    config = make_pdf_project(tmp_path, git=False, plugin_options={"pdf": False})
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "downloads" / BUNDLE).exists()
    downloads = (tmp_path / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "KOPPELKANSEN_PDF=1" in downloads
    monkeypatch.delenv("KOPPELKANSEN_PDF", raising=False)
    assert (
        pdf_wanted(True, "build")
        and not pdf_wanted(True, "serve")
        and not pdf_wanted(False, "build")
    )
    monkeypatch.setenv("KOPPELKANSEN_PDF", "1")
    assert pdf_wanted(True, "serve")


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain one-colour PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# One project, built three times in its own place (the conversion cache misses in a copy): cold,
# after an edit to one plan, after a changed image in another. The tests of what an edit typesets
# again and of an author's own PDF read these builds.
EDITED = pytest.mark.xdist_group("pdf-bundle-edited")
EDITED_PLAN = "casussen/9-straatjes/plan.md"
RAW_IMAGE_PLAN = "casussen/haven-stad/plan.md"


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """The fixture project with two additions: Haven-Stad's plan shows an image in raw HTML with
    single quotes, and the authors put a PDF of their own beside the generated ones. Built cold,
    then after a paragraph is added to the 9 Straatjes plan (Haven-Stad's inputs unchanged), then
    after the image in Haven-Stad's plan changes; returns the project and the three build logs."""
    root = tmp_path_factory.mktemp("pdfsite-bewerkt")
    original = (PDF_DOCS / RAW_IMAGE_PLAN).read_text(encoding="utf-8")
    raw = "\n<img src='../../../img/kaart.png' alt='Kaart van Haven-Stad'>\n"
    config = make_pdf_project(
        root, {RAW_IMAGE_PLAN: original + raw, "programma.md": SHORT_PROGRAMME}, git=False
    )
    (root / "docs" / "downloads").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "downloads" / "bijlage.pdf").write_bytes(b"%PDF-1.4 eigen")
    logs = []

    def build() -> None:
        result = run_build(config, root / "site")
        assert result.returncode == 0, result.stderr
        logs.append(result.stderr)

    build()
    plan = root / "docs" / EDITED_PLAN
    plan.write_text(
        plan.read_text(encoding="utf-8") + "\nEen extra alinea voor de test.\n", encoding="utf-8"
    )
    build()
    (root / "docs" / "img" / "kaart.png").write_bytes(_png(40, 20, (200, 30, 30)))
    build()
    return root, logs


@EDITED
def test_one_changed_page_is_converted_again_and_only_its_pdfs_are_typeset(edited):
    root, (first, second, _) = edited
    assert re.search(r"HTML naar Typst: 0 pagina's uit de cache, \d+ om te zetten", first)
    assert re.search(r"HTML naar Typst: \d+ pagina's uit de cache, 1 om te zetten", second), second
    assert re.search(r"PDF koppelkansen-projectplannen\.pdf gezet in", second)
    assert re.search(r"PDF koppelkansen-9-straatjes\.pdf gezet in", second)
    assert "PDF koppelkansen-amstelstad.pdf uit de cache" in second
    assert "PDF koppelkansen-haven-stad.pdf uit de cache" in second
    assert "Een extra alinea voor de test." in _text(root / "site" / "downloads" / BUNDLE)


@EDITED
def test_changed_image_in_raw_html_with_single_quotes_typesets_the_pdfs_again(edited):
    """The cache key finds images with the converter's own parse, whatever the quotes: Haven-Stad's
    PDF comes from the cache while its inputs are unchanged, and is typeset again when the image
    changes."""
    _, (_, unchanged, again) = edited
    assert "PDF koppelkansen-haven-stad.pdf uit de cache" in unchanged
    assert re.search(r"PDF koppelkansen-haven-stad\.pdf gezet in", again), again
    assert "PDF koppelkansen-amstelstad.pdf uit de cache" in again


@EDITED
def test_an_authors_own_pdf_beside_the_generated_ones_is_published(edited):
    """Beside the PDFs is fine: an attachment of the authors' own (in a project built anyway, not
    a build for each refused name above)."""
    root, _ = edited
    assert (root / "site" / "downloads" / "bijlage.pdf").read_bytes() == b"%PDF-1.4 eigen"
    assert (root / "site" / "downloads" / BUNDLE).is_file()


#: An edit in the first, a middle and the last chapter of the bundle (nav order).
EDITS = ("programma.md", "casussen/amstelstad/plan.md", "casussen/haven-stad/plan.md")


@pytest.mark.xdist_group("pdf-bundle-incremental")
def test_incremental_pdfs_after_edits_in_three_chapters_are_the_bytes_of_a_cold_build(tmp_path):
    """After an edit in the first, a middle and the last chapter (one after the other, each build
    typesetting the bundle again), the PDFs of the incremental build (page conversions and the
    unchanged PDFs from the cache) are the bytes of a cold build of the last state, and every PDF
    of every build passes PDF/A-2a and PDF/UA-1. One cold build suffices: each edit lands in
    another page and stays, so every conversion and case PDF an edit made is still in use then;
    a cold build after each edit compared the same pieces again."""
    root = tmp_path / "project"
    config = make_pdf_project(root, {"programma.md": SHORT_PROGRAMME}, git=False)
    assert run_build(config, root / "site").returncode == 0
    for number, relative in enumerate(EDITS):
        page = root / "docs" / relative
        page.write_text(
            page.read_text(encoding="utf-8") + f"\nBewerking {number} van deze pagina.\n",
            encoding="utf-8",
        )
        incremental = run_build(config, root / "site")
        assert incremental.returncode == 0, incremental.stderr
        assert "PDF koppelkansen-projectplannen.pdf gezet in" in incremental.stderr
        assert f"Bewerking {number} van deze pagina." in _text(root / "site" / "downloads" / BUNDLE)
        shutil.copytree(root / "site" / "downloads", tmp_path / f"pdfs-{number}")

    def build(config: Path, site: Path) -> None:
        result = run_build(config, site)
        assert result.returncode == 0, result.stderr

    cold = cold_copy_gives_the_same_pdfs(root, config, tmp_path / "cold", build)
    for number in range(len(EDITS)):  # every edit is in the last state's bundle
        assert f"Bewerking {number} van deze pagina." in _text(cold / "site" / "downloads" / BUNDLE)
    assert_archival(
        [path for n in range(len(EDITS)) for path in sorted((tmp_path / f"pdfs-{n}").glob("*.pdf"))]
    )
