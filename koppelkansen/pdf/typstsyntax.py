"""Writing values into Typst source, in one place: markup text, string literals and arrays.

Every value that reaches a ``.typ`` file (page text, titles, labels, file paths) goes through
these functions; nothing from a page is ever written into Typst code unescaped.
"""

from __future__ import annotations

import re

# Characters that are markup anywhere in Typst text; "/" covers comments ("//", "/*") and
# autolinks ("https://"), quotes keep them straight (Typst would make them smart).
_ESCAPE = re.compile(r"""([\\#*_`$<>@\[\]~/"'])|-(?=[-?])""")
#: Characters Typst reads as a line break; in text they would start a heading or list item.
_BREAKS = str.maketrans(dict.fromkeys("\v\f\x85\u2028\u2029\r\n", " "))
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def escape(text: str) -> str:
    """Text (HTML whitespace already collapsed) as literal Typst markup."""
    return _ESCAPE.sub(lambda m: "\\" + m.group(0), text.translate(_BREAKS)).replace("\xa0", "~")


def typst_str(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.translate(_STRING_ESCAPES) + '"'


def typst_array(items: list[str]) -> str:
    """A Typst array of string literals (a trailing comma keeps a one-item array an array)."""
    return "(" + "".join(typst_str(item) + ", " for item in items) + ")"
