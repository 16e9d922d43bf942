"""Make the Latin subset of Inter that the PDFs use first (docs-dev/pdf.md, "Fonts").

    .venv/bin/python scripts/subset_fonts.py      # needs the bench extra (fontTools)

For every ``docs/assets/fonts/Inter-*.otf`` it writes ``InterLatin-*.otf`` beside it: the same
outlines, kerning and OpenType features for Basic Latin, Latin-1, Latin Extended-A and the usual
punctuation and symbols (about 900 glyphs instead of 2,548), named "Inter Latin" so that Typst can
put it first and fall back to the full Inter for any other character. Run it again only when the
Inter files change; the output is committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "fonts"
FAMILY = "Inter Latin"

#: Basic Latin, Latin-1, Latin Extended-A, spacing modifiers, general punctuation (dashes, quotes,
#: bullet, ellipsis, per mille, guillemets), superscripts and subscripts, euro, trade mark,
#: numero, arrows, minus, multiplication and division are in Latin-1.
UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0100-017F,U+0192,U+0218-021B,U+02BC,U+02C6-02DD,"
    "U+2000-2044,U+2070-209F,U+20AC,U+2116,U+2122,U+2190-2195,U+2212"
)


def subset_one(source: Path) -> Path:
    style = source.stem.split("-", 1)[1]
    target = source.with_name(f"InterLatin-{style}.otf")
    subset.main(
        [
            str(source),
            f"--unicodes={UNICODES}",
            "--layout-features=*",
            "--name-IDs=*",
            "--name-languages=*",
            "--notdef-outline",
            "--glyph-names",
            f"--output-file={target}",
        ]
    )
    font = TTFont(target)
    names = font["name"]
    full = FAMILY if style == "Regular" else f"{FAMILY} {style}"
    postscript = f"InterLatin-{style}"
    for record in names.names:
        if record.nameID in (1, 16):  # family, typographic family
            record.string = (
                FAMILY if record.nameID == 16 or style in _RIBBI else f"{FAMILY} {style}"
            )
        elif record.nameID == 4:
            record.string = full
        elif record.nameID in (3, 6):
            record.string = postscript
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = full, FAMILY
    font.save(target)
    print(f"{target.name}: {len(font.getGlyphOrder())} glyphs, {target.stat().st_size:,} bytes")
    return target


_RIBBI = {"Regular", "Italic", "Bold", "BoldItalic"}


def main() -> int:
    sources = sorted(p for p in FONTS.glob("Inter-*.otf"))
    if not sources:
        print(f"{FONTS}: geen Inter-*.otf gevonden", file=sys.stderr)
        return 1
    for source in sources:
        subset_one(source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
