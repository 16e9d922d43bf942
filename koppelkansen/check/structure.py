"""The structure of a page's Markdown, read from its source: every problem at its line.

**Nesting deeper than** :data:`MAX_NESTING` (lists in lists, quotes in quotes, admonitions, tabs
and details): Python-Markdown renders it recursively (a list nested 300 levels ended in a
RecursionError and "Interne fout"), the PDF's converter and Typst stop far sooner, and nobody reads
it. Refused at the first line that is too deep, before anything is rendered.

**Headings that skip a level** (``##`` then ``####``): an author's mistake, at the heading's line.

The site shows such a page, but its outline is broken for a screen reader, and the PDF cannot
keep it (PDF/UA-1 requires every heading level below the one above it to exist; Typst refuses
it). So the check refuses it where the page is checked (``make check``, every build, ``make
serve`` and the editor's notice), in Dutch, with the fix; docs-dev/content.md says why this
instead of renumbering the headings in the PDF.

The page title is level 1 (Material writes it as the page's ``<h1>``), so the first heading of
the body may be ``#`` or ``##``. Read from the Markdown source as Python-Markdown reads it:
ATX headings (``##`` with or without a space), setext headings (a one-line paragraph underlined
with ``===`` or ``---``), raw HTML ``<h1>``..``<h6>``, also inside admonitions, details, tabs
and list items (indented by four spaces a level); not inside fenced or indented code or an
HTML comment. Linear in the length of the page, without recursion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from koppelkansen.problems import Problem

_FENCE = re.compile(r"(`{3,}|~{3,})")
_ATX = re.compile(r"(#{1,6})(?!#)(.*)")
_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_HTML_HEADING = re.compile(r"<h([1-6])(?=[\s/>])", re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")
_INLINE_COMMENT = re.compile(r"<!--.*?-->")
#: A line that opens a block whose content is indented by four more spaces: an admonition,
#: details, a tab, a list item, a footnote's definition, a definition list's definition.
_OPENER = re.compile(
    r"(?:!!!|\?\?\?\+?|===|[-*+][ \t]|\d{1,9}[.)][ \t]|\[\^[^\]\s]+\]:(?:[ \t]|$)|:[ \t])"
)
#: Openers whose line may hold content itself (``- #### Kop``), after the marker.
_CONTENT_OPENER = re.compile(r"[-*+][ \t]|\d{1,9}[.)][ \t]|\[\^[^\]\s]+\]:(?:[ \t]|$)|:[ \t]")
#: Longest heading text shown in a message.
_SHOWN = 60
#: Deepest nesting of blocks a page may have: lists, quotes, admonitions, tabs and details, each
#: level one. Real pages use up to about six; the PDF's converter allows 100 HTML elements (a
#: list level is two), and Python-Markdown's recursion gave out at about 300 list levels.
MAX_NESTING = 30
_QUOTE = re.compile(r"(?: {0,3}>)+")
#: Raw HTML elements that nest blocks (Python-Markdown's md_in_html renders a <div markdown>
#: recursively: 1,000 of them ended in a RecursionError) and that always have an end tag.
_HTML_TAG = re.compile(
    r"<(/?)(div|section|article|aside|details|figure|blockquote|ul|ol|dl|table|span|nav|header"
    r"|footer|main)\b[^<>]*?(/?)>",  # [^<>]: a tag without its '>' is not scanned to the end
    re.IGNORECASE,
)


def _blank_code_spans(text: str) -> str:
    """``text`` with every code span (a run of backticks up to the next run of the same length)
    blanked out, in time linear in the line: the regular expression ``(`+).*?\\1`` took minutes
    on a line of 200,000 backticks."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    if len(runs) < 2:
        return text
    following: list[int | None] = [None] * len(runs)  # the next run of the same length
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last.get(length)
        last[length] = index
    parts = []
    done = index = 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1
            continue
        start, end = runs[index][0], runs[closing][1]
        parts += [text[done:start], " " * (end - start)]
        done, index = end, closing + 1
    return "".join(parts) + text[done:]


def _indent(line: str) -> tuple[int, str]:
    """The indentation (a tab is four spaces, as Python-Markdown counts) and the rest."""
    width = 0
    for at, char in enumerate(line):
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            return width, line[at:]
    return width, ""


def _shown(text: str) -> str:
    text = " ".join(text.strip().strip("#").split())
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def headings(body: str) -> list[tuple[int, int, int, str, bool]]:
    """Every heading of a Markdown body: (line in the body, column, level, its text, whether it
    is written in HTML)."""
    found: list[tuple[int, int, int, str, bool]] = []
    fence: tuple[str, int] | None = None
    in_comment = False
    openers: list[int] = []  # indentation of the open admonitions, tabs and list items
    previous_blank = True
    paragraph: tuple[int, int, str] | None = None  # a one-line paragraph: (line, column, text)
    for number, raw in enumerate(body.splitlines(), start=1):
        width, text = _indent(raw)
        column = width  # where the text starts, for messages
        quote = _QUOTE.match(text)
        if quote:  # a quote's content is read as any other: its headings count too
            inner, text = _indent(text[quote.end() :].removeprefix(" "))
            width, column = width + inner, len(raw) - len(text)
        if fence is not None:
            close = _FENCE.match(text)
            if (
                close
                and close.group(1)[0] == fence[0]
                and len(close.group(1)) >= fence[1]
                and not text[len(close.group(1)) :].strip()
            ):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in text
            continue
        if not text:
            previous_blank, paragraph = True, None
            continue
        while openers and width <= openers[-1]:
            openers.pop()
        base = openers[-1] + 4 if openers else 0
        if width - base >= 4 and previous_blank:
            continue  # indented code
        opened = _FENCE.match(text)
        if opened:
            fence = (opened.group(1)[0], len(opened.group(1)))
            previous_blank, paragraph = False, None
            continue
        if text.startswith("<!--"):
            in_comment = "-->" not in text[4:]
            previous_blank, paragraph = False, None
            continue
        underline = _SETEXT.match(text)
        if underline and paragraph is not None and width - base < 4:
            line, at, title = paragraph
            found.append((line, at, 1 if underline.group(1)[0] == "=" else 2, title, False))
            previous_blank, paragraph = False, None
            continue
        atx = _ATX.match(text) if width - base < 4 else None
        if atx:
            found.append((number, column + 1, len(atx.group(1)), _shown(atx.group(2)), False))
            previous_blank, paragraph = False, None
            continue
        marker = _CONTENT_OPENER.match(text)
        if marker:  # a list item, footnote or definition that starts with a heading
            offset, rest = _indent(text[marker.end() :])
            atx = _ATX.match(rest) if offset < 4 else None
            if atx:
                at = column + marker.end() + (len(text) - marker.end() - len(rest)) + 1
                found.append((number, at, len(atx.group(1)), _shown(atx.group(2)), False))
        blanked = _INLINE_COMMENT.sub(lambda m: " " * len(m[0]), text)
        for match in _HTML_HEADING.finditer(_blank_code_spans(blanked)):
            rest = text[match.end() : match.end() + 200]  # not the whole line per heading
            title = re.sub(r"<[^>]*>", "", rest.partition(">")[2].split("</")[0])
            level = int(match.group(1))
            found.append((number, column + match.start() + 1, level, _shown(title), True))
        if _OPENER.match(text):
            openers.append(width)
            paragraph = None
        else:
            paragraph = (number, column + 1, _shown(text)) if previous_blank else None
        previous_blank = False
    return found


def nesting(body: str) -> tuple[int, int, int] | None:
    """The first line of a Markdown body nested deeper than :data:`MAX_NESTING`: (line, column,
    depth), or None.

    A level is a ``>`` of a quote, a list item, admonition, tab or details block that holds the
    line (the blocks still open, read from their indentation as in :func:`headings`), or a raw
    HTML block element still open (``<div>``, ``<details>``, ...). Indentation alone is no level:
    indented code (four spaces or a tab more than its block, after a blank line) and fenced code
    at any indentation are content, and so is the text of a ``<pre>``; a code block indented 120
    spaces was refused as nesting before."""
    fence: tuple[str, int] | None = None
    html = 0  # raw HTML elements open at the start of the line
    openers: list[int] = []  # indentation of the open list items, admonitions, tabs, details
    previous_blank = True
    in_code = False
    in_pre = False
    for number, raw in enumerate(body.splitlines(), start=1):
        outer, rest = _indent(raw)  # a list or admonition's indentation, then its quotes
        if fence is not None:
            close = _FENCE.match(rest)
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= fence[1]:
                fence = None
            else:  # a fence inside a quote closes inside it
                quoted = _QUOTE.match(rest)
                after = _indent(rest[quoted.end() :])[1] if quoted else ""
                closed = _FENCE.match(after)
                if closed and closed.group(1)[0] == fence[0] and len(closed.group(1)) >= fence[1]:
                    fence = None
            continue
        if in_pre:
            in_pre = "</pre>" not in rest.lower()
            continue
        if not rest:
            previous_blank = True
            continue
        holding = next((at for at in reversed(openers) if at < outer), None)
        base = holding + 4 if holding is not None else 0
        if outer - base >= 4 and (previous_blank or in_code):
            in_code, previous_blank = True, False  # indented code: content, however far in
            continue
        in_code = previous_blank = False
        quote = _QUOTE.match(rest)
        quotes = quote.group(0).count(">") if quote else 0
        rest = rest[quote.end() :] if quote else rest
        inner, text = _indent(rest.removeprefix(" ") if quotes else rest)
        width = outer + inner  # the blocks inside a quote: their indentation after the '>'
        while openers and width <= openers[-1]:
            openers.pop()
        opened = _FENCE.match(text)
        if opened:
            fence = (opened.group(1)[0], len(opened.group(1)))
        elif text[:4].lower() == "<pre" and "</pre>" not in text.lower():
            in_pre = True
        deepest = html
        for tag in _HTML_TAG.finditer(_blank_code_spans(text)):
            if tag.group(1):
                html = max(html - 1, 0)
            elif not tag.group(3):
                html += 1
                deepest = max(deepest, html)
        opener = not opened and _OPENER.match(text) is not None
        if opener:
            openers.append(width)
        depth = quotes + len(openers) + deepest
        if depth > MAX_NESTING:
            return number, 1, depth
    return None


#: Most columns a table may have: an A4 page holds about 30 columns of two or three letters; a
#: table of 5,000 columns was a thin line in the PDF, its text on top of each other.
MAX_TABLE_COLUMNS = 30
#: The delimiter row of a Markdown table: ``| --- | :-: |`` (the pipes at the ends optional).
_DELIMITER_ROW = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*")
_HTML_ROW = re.compile(
    r"<table\b|<tr\b|<t[dh]\b(?:[^<>]*?\bcolspan\s*=\s*[\"']?(\d+))?", re.IGNORECASE
)


def _outside_fences(body: str) -> Iterator[tuple[int, str, bool]]:
    """The lines of a Markdown body outside fenced code, stripped: (line, text, whether the line
    opens a fence). The fenced lines and the closing fence are left out."""
    fence: tuple[str, int] | None = None
    for number, raw in enumerate(body.splitlines(), start=1):
        text = raw.strip()
        opened = _FENCE.match(text)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= fence[1]:
                fence = None
            continue
        if opened:
            fence = (opened.group(1)[0], len(opened.group(1)))
        yield number, text, opened is not None


def wide_tables(body: str) -> list[tuple[int, int]]:
    """Every table of a Markdown body with more than :data:`MAX_TABLE_COLUMNS` columns: (line of
    its header or first row, columns). Markdown tables by their delimiter row (the header is the
    line above it), HTML tables by their widest row (``colspan`` counted); not in fenced code."""
    found: list[tuple[int, int]] = []
    row: tuple[int, int] | None = None  # an HTML row: its line, its columns so far
    told = False  # the HTML table of this row is told already
    for number, text, opens_fence in _outside_fences(body):
        if opens_fence:
            continue
        if _DELIMITER_ROW.fullmatch(text):
            columns = text.strip("|").count("|") + 1
            if columns > MAX_TABLE_COLUMNS:
                found.append((max(number - 1, 1), columns))
            continue
        if "<t" not in text.lower():
            continue
        for tag in _HTML_ROW.finditer(text):
            opening = tag.group(0).lower()
            if opening == "<table":
                row, told = None, False
            elif opening == "<tr":
                row = (number, 0)
            elif row is not None:
                row = (row[0], row[1] + min(int(tag.group(1) or 1), 1000))
                if row[1] > MAX_TABLE_COLUMNS and not told:
                    found.append(row)  # once a table, at its first row that is too wide
                    told = True
    return found


#: Links, images, HTML tags and web addresses one paragraph may hold: Python-Markdown reads a
#: paragraph's inline markup in time that grows with the square of their number (4,000 ``[x](``
#: took 14 s, 20,000 of them more than ten minutes, in every build and every ``make serve``);
#: a long real paragraph holds a few dozen.
MAX_INLINE_MARKS = 1000
_INLINE_MARK = re.compile(r"\[|<|://")


def busy_paragraphs(body: str) -> list[tuple[int, int]]:
    """Every paragraph (lines up to a blank line, a list item or a table row; not fenced code)
    with more than
    :data:`MAX_INLINE_MARKS` of ``[``, ``<`` and ``://``: (its first line, how many)."""
    found: list[tuple[int, int]] = []
    start, marks = 0, 0
    for number, text, opens_fence in _outside_fences(body):
        # A list item or a table row is read on its own: it starts a new count.
        if opens_fence or not text or text.startswith("|") or _OPENER.match(text):
            if marks > MAX_INLINE_MARKS:
                found.append((start, marks))
            start, marks = 0, 0
            if opens_fence or not text:
                continue
        start = start or number
        marks += len(_INLINE_MARK.findall(text))
    if marks > MAX_INLINE_MARKS:
        found.append((start, marks))
    return found


def table_problems(path: Path, body: str, first_line: int = 1) -> list[Problem]:
    """Every table wider than :data:`MAX_TABLE_COLUMNS` columns, at its first line."""
    return [
        Problem(
            path,
            first_line + line - 1,
            1,
            f"deze tabel heeft {columns} kolommen (hoogstens {MAX_TABLE_COLUMNS}); zo breed past "
            "ze niet leesbaar op een pagina van de PDF. Draai de tabel om (kolommen worden "
            "rijen), of verdeel haar over meer tabellen",
        )
        for line, columns in wide_tables(body)
    ] + [
        Problem(
            path,
            first_line + line - 1,
            1,
            f"deze alinea bevat {marks} links, afbeeldingen, HTML-tags of webadressen (tekens "
            f"'[', '<' of '://'; hoogstens {MAX_INLINE_MARKS} in één alinea): zoveel maakt het "
            "bouwen van de site minutenlang traag. Verdeel de tekst over meer alinea's (een "
            "lege regel ertussen), of zet een lange lijst in een tabel of opsomming",
        )
        for line, marks in busy_paragraphs(body)
    ]


def nesting_problems(path: Path, body: str, first_line: int = 1) -> list[Problem]:
    """A page nested deeper than :data:`MAX_NESTING`, at the first line that is too deep."""
    found = nesting(body)
    if found is None:
        return []
    line, column, depth = found
    return [
        Problem(
            path,
            first_line + line - 1,
            column,
            f"deze regel zit {depth} niveaus diep in lijsten, citaten of blokken (hoogstens "
            f"{MAX_NESTING}); zo diep is niet te lezen en niet in een PDF te zetten. Maak de "
            "opbouw platter: haal niveaus weg (minder inspringen of minder '>'), of begin een "
            "nieuwe lijst",
        )
    ]


def _marks(level: int) -> str:
    return "#" * level


def _written(level: int, html: bool) -> str:
    return f"<h{level}>" if html else _marks(level)


def heading_problems(path: Path, body: str, first_line: int = 1) -> list[Problem]:
    """Every heading that is more than one level below the heading before it (the page title is
    level 1), at its line in the file (``first_line``: the line the body starts on)."""
    problems = []
    above, title, above_html = 1, True, False
    for line, column, level, text, html in headings(body):
        if level > above + 1:
            wanted = above + 1
            skipped = list(range(wanted, level))
            skips = (
                f"niveau {skipped[0]} wordt"
                if len(skipped) == 1
                else f"de niveaus {', '.join(map(str, skipped[:-1]))} en {skipped[-1]} worden"
            )
            before = (
                "de paginatitel (niveau 1)"
                if title
                else f"een kop van niveau {above} ({_written(above, above_html)})"
            )
            shown = f" '{text}'" if text else ""
            fixed = (
                f"<h{wanted}>{text or '…'}</h{wanted}>"
                if html
                else f"{_marks(wanted)} {text or '…'}"
            )
            problems.append(
                Problem(
                    path,
                    first_line + line - 1,
                    column,
                    f"de kop{shown} is van niveau {level} ({_written(level, html)}), maar "
                    f"daarboven staat {before}: {skips} overgeslagen. Schermlezers en de PDF "
                    f"(PDF/UA) hebben een doorlopende opbouw nodig. Maak er '{fixed}' van, of "
                    f"zet er een kop van niveau {wanted} boven",
                )
            )
        above, title, above_html = level, False, html
    return problems


def page_structure_problems(path: Path, body: str) -> list[Problem]:
    """Nesting, heading and table problems of a page read from ``path`` whose text after the front
    matter is ``body``. Nesting first: a page nested too deep is not read for its headings. The
    line the body starts on is found by reading the file again, only for a page with a problem."""
    problems = (nesting_problems(path, body) or heading_problems(path, body)) + table_problems(
        path, body
    )
    if not problems:
        return []
    try:
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    except OSError:
        return problems
    tail = body.replace("\r\n", "\n")
    if not text.endswith(tail):
        return problems
    offset = text[: len(text) - len(tail)].count("\n")
    return [Problem(p.path, p.line + offset, p.col, p.message) for p in problems]
