"""The PDF font: the Latin subset of Inter first, the full Inter for anything else (real Typst)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import typst

from koppelkansen.pdf.pdfstreams import fix_stream_ends
from koppelkansen.pdf.typeset import TEMPLATE
from koppelkansen.pdf.typstsyntax import typst_str
from koppelkansen.pdf.worker import typst_options

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "docs" / "assets" / "fonts"
LATIN = "Waterhuishoudingsvraagstukken en energietransitiemaatregelen: één café, € 12,50 – “goed”."


def _pdf(tmp_path: Path, name: str, body: str, fonts: Path) -> Path:
    main = tmp_path / f"{name}.typ"
    main.write_text(
        f"#import {typst_str(str(TEMPLATE))}: *\n"
        '#show: report.with(title: "Lettertype", site-url: "https://example.org/")\n'
        f"{body}\n",
        encoding="utf-8",
    )
    out = tmp_path / f"{name}.pdf"
    out.write_bytes(fix_stream_ends(typst.compile(str(main), **typst_options(fonts, 0))))
    return out


def _fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_subset_fonts_are_there_beside_the_full_ones() -> None:
    for full in sorted(FONTS.glob("Inter-*.otf")):
        assert (FONTS / full.name.replace("Inter-", "InterLatin-")).is_file()


def test_a_character_outside_the_subset_falls_back_to_full_inter(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "mixed", f"{LATIN} Ω ≠ Ж", FONTS)
    fonts = _fonts(pdf)
    assert "InterLatin-Regular" in fonts  # the Latin text
    assert "Inter-Regular" in fonts  # Ω ≠ Ж come from the full Inter, not from a fallback font
    assert "Libertinus" not in fonts and "NewCM" not in fonts and "DejaVuSans " not in fonts
    text = _text(pdf)
    assert all(char in text for char in "Ω≠Ж") and LATIN.split(":")[0] in text


def test_latin_text_is_identical_with_the_subset_and_without(tmp_path: Path) -> None:
    full_only = tmp_path / "full-only"
    full_only.mkdir()
    for font in FONTS.glob("Inter-*.otf"):
        shutil.copy(font, full_only / font.name)
    body = "\n\n".join([LATIN] * 40 + ["= Kop met *vet* en _cursief_", LATIN])
    with_subset = _pdf(tmp_path, "subset", body, FONTS)
    without = _pdf(tmp_path, "full", body, full_only)
    assert "InterLatin" in _fonts(with_subset) and "InterLatin" not in _fonts(without)
    assert _text(with_subset) == _text(without)
    # Same glyphs in the same places: the rendered pages are pixel-identical.
    for pdf in (with_subset, without):
        subprocess.run(
            ["pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / pdf.stem)], check=True
        )
    pages = sorted(tmp_path.glob("subset-*.pgm"))
    assert pages
    for page in pages:
        assert page.read_bytes() == (tmp_path / page.name.replace("subset", "full")).read_bytes()
