"""One rendered MkDocs/Material page (``page.content``) to Typst markup for the PDF bundle.

The HTML comes from Python-Markdown with the extensions in mkdocs.yml (admonition, pymdownx.details,
pymdownx.tabbed alternate style, pymdownx.highlight/superfences, footnotes, tables, attr_list,
md_in_html, def_list, abbr, toc permalinks), so its shapes are known and few. lxml parses it; a
small recursive writer turns the tree into Typst markup that calls the helpers of
templates/report.typ (``kk-link``, ``kk-image``, ``kk-figure``, ``kk-admonition``, ``kk-tab``).

Rules (the same as the former pandoc Lua filter):

- The page's first ``<h1>`` is dropped (the template sets the chapter title); other ``<h1>`` become
  level 2. Headings with an id get the label ``<pagekey:anchor>`` (:func:`anchor_label`).
- Links to site pages or anchors become ``kk-link(label, url)[text]``: inside the PDF when the label
  is in it, else to ``site_url`` (no ``site_url``: the text, unlinked). External links as written;
  ``file:`` links and links outside the site are problems.
- Images come from the media map (site path → file); SVG stays vector. A missing file, an image
  outside the site or one without alt text is a problem.
- Details are shown open; each content tab becomes a titled block; footnotes become Typst footnotes;
  tables repeat their header row (``table.header``) and get column widths from their content.
- Any other element is a problem naming it, so nothing silently disappears from the PDF.

Text is one line per block (HTML whitespace collapses anyway), so markup that only counts at the
start of a line (``=``, ``-``, ``+``, ``/``, ``1.``) needs an escape only at a block's start.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

import lxml.html
from lxml import etree

from koppelkansen.figures.svg import for_print
from koppelkansen.pages.urls import resolve
from koppelkansen.pdf.typstsyntax import escape, typst_str

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

ADMONITION_KINDS = frozenset(
    (
        "note",
        "abstract",
        "summary",
        "tldr",
        "info",
        "todo",
        "tip",
        "hint",
        "important",
        "success",
        "check",
        "done",
        "question",
        "help",
        "faq",
        "warning",
        "caution",
        "attention",
        "failure",
        "fail",
        "missing",
        "danger",
        "error",
        "bug",
        "example",
        "quote",
        "cite",
    )
)

#: The CSS classes of the Markdown extensions that Material styles (admonition, pymdownx.tabbed,
#: pymdownx.highlight, footnotes, toc), the one place the converter names them.
#: tests/test_htmltypst.py renders Markdown with the installed versions and checks every class.
MATERIAL_CLASSES = {
    "admonition": "admonition",
    "tabs": "tabbed-set",
    "tab_labels": "tabbed-labels",
    "tab_content": "tabbed-content",
    "tab_block": "tabbed-block",
    "code": "highlight",
    "code_table": "highlighttable",
    "footnotes": "footnote",
    "footnote_ref": "footnote-ref",
    "footnote_backref": "footnote-backref",
    "permalink": "headerlink",
}
_C = MATERIAL_CLASSES

#: Inline elements written as a Typst function around their content.
_WRAPPERS = {
    "em": "emph",
    "i": "emph",
    "cite": "emph",
    "dfn": "emph",
    "var": "emph",
    "strong": "strong",
    "b": "strong",
    "del": "strike",
    "s": "strike",
    "strike": "strike",
    "ins": "underline",
    "u": "underline",
    "mark": "highlight",
    "sub": "sub",
    "sup": "super",
}
#: Inline elements whose content is written as is.
_TRANSPARENT = frozenset(
    ("span", "abbr", "small", "kbd", "samp", "time", "bdi", "bdo", "data", "label")
)
#: Block containers written as their content.
_CONTAINERS = frozenset(("section", "article", "aside", "header", "footer", "main", "nav"))
_SKIP = frozenset(("colgroup", "col", "wbr"))
_BLOCKS = frozenset(
    (
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "pre",
        "blockquote",
        "hr",
        "details",
        "figure",
        "figcaption",
        "summary",
        *_CONTAINERS,
    )
)

_SPACE = re.compile(r"[ \t\n\r\f\v\x85\u2028\u2029]+")
#: Deepest element nesting converted (the writer recurses); deeper is a problem for the author.
MAX_DEPTH = 100
#: Largest colspan or rowspan accepted.
MAX_SPAN = 50
#: How deep footnotes may cite footnotes.
MAX_NOTE_DEPTH = 3
#: Table cells a page may have in all (Typst takes about half a millisecond and 15 kB a cell, in
#: every PDF the page is in; 60 000 cells took 23 s and 1 GB per PDF).
MAX_TABLE_CELLS = 10_000
_PARSER = lxml.html.HTMLParser(huge_tree=True)  # never truncate a deep page silently
#: Control characters lxml refuses (XML 1.0); vertical tab and form feed are whitespace to HTML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINE_START = re.compile(r"[=+-]|\d+\.")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LABEL_ESCAPE = re.compile(r"[^A-Za-z0-9-]")


def _escape_label(text: str, slash: str) -> str:
    """``text`` with every character but ``[A-Za-z0-9-]`` as ``_hex_`` of its UTF-8 bytes (``/``
    as ``slash`` when given); one-to-one, since ``_`` itself is escaped."""

    def encode(match: re.Match[str]) -> str:
        char = match.group(0)
        if char == "/" and slash:
            return slash
        return "".join(f"_{byte:02x}_" for byte in char.encode())

    return _LABEL_ESCAPE.sub(encode, text)


def page_key(url: str) -> str:
    """A Typst label for a page, one per URL: ``p-`` and the URL with ``/`` as ``.`` and every
    other character than ``[A-Za-z0-9-]`` (``.`` and ``_`` too) as ``_hex_``, so that
    ``a/b/x/`` and ``a.b/x/`` never share a label."""
    return "p-" + _escape_label(url, slash=".")


def anchor_label(key: str, anchor: str) -> str:
    """The label of a heading: the page key, ``:`` (never in a key) and the escaped id, so two
    different (page, id) pairs never share a label (``A.b`` and ``A:b`` stay apart)."""
    return f"{key}:{_escape_label(anchor, slash='')}"


def _elements(el: etree._Element, path: str) -> list[etree._Element]:
    """The elements an XPath expression selects (lxml types ``xpath()`` as any XPath result)."""
    found = el.xpath(path)
    return (
        [item for item in found if isinstance(item, etree._Element)]
        if isinstance(found, list)
        else []
    )


def _classes(el: etree._Element) -> list[str]:
    return (el.get("class") or "").split()


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _text_of(el: etree._Element) -> str:
    return "".join(str(text) for text in el.itertext())


def media_file(page_url: str, src: str, media: dict[str, str]) -> str | None:
    """The file behind an image ``src`` on the page at ``page_url`` (None when there is none)."""
    path, _ = resolve(page_url, src)
    if path is None:
        return None
    return media.get(path) or media.get(unquote(path))


@lru_cache(maxsize=4096)
def _image_sources(html: str) -> tuple[str, ...]:
    root = lxml.html.fragment_fromstring(html, create_parent="div") if html.strip() else None
    return tuple(el.get("src") or "" for el in root.iter("img")) if root is not None else ()


def page_media(html: str, page_url: str, media: dict[str, str]) -> list[str]:
    """The media files a page's PDF chapter embeds: the same parse and the same lookup as the
    converter, so that the PDF cache key changes whenever an embedded file changes."""
    files = (media_file(page_url, src, media) for src in _image_sources(html))
    return sorted({file for file in files if file is not None})


#: A run of characters without a space longer than this gets a place to break (a zero-width
#: space) after every LONG_RUN_STEP characters: Typst breaks a line only at a space, a hyphen or
#: a hyphenation point, so a 10,000-character word ran off the page. Dutch words stay whole
#: (and hyphenated by Typst); a long URL or a run of letters breaks.
LONG_RUN = 40
LONG_RUN_STEP = 20
_LONG_RUN = re.compile(rf"[^\s\u200b]{{{LONG_RUN + 1},}}")


def _breakable(text: str) -> str:
    """``text`` with a zero-width space every LONG_RUN_STEP characters of a run longer than
    LONG_RUN (invisible, and not read out)."""
    if len(text) <= LONG_RUN:
        return text
    return _LONG_RUN.sub(
        lambda m: "\u200b".join(
            m.group(0)[at : at + LONG_RUN_STEP] for at in range(0, len(m.group(0)), LONG_RUN_STEP)
        ),
        text,
    )


@dataclass
class _Inline:
    """Inline markup being written: pieces, and whether the last one was a ``#code`` expression
    (then a following ``.``, ``(``, ``[`` or ``;`` would continue it and needs an escape)."""

    parts: list[str] = field(default_factory=list)
    after_code: bool = False
    #: In a term of a term list, where an unescaped colon ends the term.
    colon: bool = False

    def text(self, raw: str) -> None:
        if not raw:
            return
        out = escape(_breakable(raw))
        if self.colon:
            out = out.replace(":", "\\:")
        if self.after_code and out[0] in ".([;:":
            out = "\\" + out
        self.parts.append(out)
        self.after_code = False

    def code(self, markup: str) -> None:
        self.parts.append(markup)
        self.after_code = True

    def markup(self, markup: str) -> None:
        if markup:
            self.parts.append(markup)
            self.after_code = False

    def result(self) -> str:
        return "".join(self.parts)


class PageConverter:
    """Converts one page; ``problems`` collects the messages for its author."""

    def __init__(
        self, url: str, media: dict[str, str], site_url: str, numbered: bool = False
    ) -> None:
        self.url = url
        #: Number the sections (level 2) here, for :func:`convert_page_module`.
        self.numbered = numbered
        self.sections = 0
        self.key = page_key(url)
        self.media = media
        self.site_url = site_url
        self.problems: list[str] = []
        #: Per problem, the snippets that find its line in the Markdown (:func:`convert_page_found`).
        self.needles: list[tuple[str, ...]] = []
        #: Abbreviations already written out on this page (the first one gets its expansion).
        self._expanded: set[str] = set()
        self.notes: dict[str, etree._Element] = {}
        self._in_term = False
        self.table_cells = 0
        self._open_notes: list[etree._Element] = []
        self._told_notes = False
        #: The labels of this page's headings, in order (:func:`page_module` lists them).
        self.labels: list[str] = []
        #: The labels this page links to, in the order of their first link (``kk-targets``).
        self.targets: dict[str, None] = {}

    # -- entry -------------------------------------------------------------------------------
    def convert(self, html: str) -> str:
        if not html.strip():
            return "\n"
        html = _CONTROL.sub(" ", html)
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=_PARSER)
        depth = _depth(root)
        if depth > MAX_DEPTH:
            self.problem(
                f"de HTML van deze pagina is {depth} elementen diep genest (hoogstens {MAX_DEPTH}); "
                "haal overbodige <div>'s of geneste lijsten weg",
                *_deep_needles(root),
            )
            return "\n"
        for note_list in _elements(
            root,
            f"./div[contains(concat(' ', normalize-space(@class), ' '), ' {_C['footnotes']} ')]/ol",
        ):
            for item in note_list.findall("li"):
                note_id = item.get("id")
                if note_id:
                    self.notes[note_id] = item
        for h1 in root.iter("h1"):  # the chapter title the template sets
            if h1.getparent() is root:
                self._drop(h1)
                break
        body = self.blocks(root)
        return body.strip() + "\n"

    @staticmethod
    def _drop(el: etree._Element) -> None:
        parent = el.getparent()
        if parent is None:
            return
        tail = el.tail
        previous = el.getprevious()
        if tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)

    def problem(self, message: str, *needles: str) -> None:
        self.problems.append(re.sub(r"[\t\n]", " ", message))
        self.needles.append(tuple(n for n in needles if n))

    def unknown(self, el: etree._Element) -> None:
        tag = _tag(el)
        advice = _UNSETTABLE.get(tag, _UNSETTABLE[""])
        self.problem(advice.format(tag=tag), *_needles(el))

    # -- blocks ------------------------------------------------------------------------------
    def blocks(
        self, parent: etree._Element, skip: tuple[etree._Element, ...] = (), sep: str = "\n\n"
    ) -> str:
        """The children of ``parent`` as blocks separated by blank lines; loose inline content
        (text and inline elements between blocks) becomes a paragraph."""
        out: list[str] = []
        run: list[etree._Element | str] = []

        def flush() -> None:
            if run:
                text = self.inline_nodes(run)
                if text:
                    out.append(text)
                run.clear()

        if parent.text:
            run.append(parent.text)
        for child in parent:
            if child in skip or not isinstance(child.tag, str):
                pass
            elif _tag(child) in _BLOCKS or (
                _tag(child) not in _WRAPPERS
                and _tag(child) not in _TRANSPARENT
                and _tag(child) not in ("a", "img", "code", "br", "q", "input")
                and _tag(child) not in _SKIP
            ):
                flush()
                block = self.block(child)
                if block:
                    out.append(block)
            else:
                run.append(child)
            if child.tail:
                run.append(child.tail)
        flush()
        return sep.join(out)

    def block(self, el: etree._Element) -> str:
        tag = _tag(el)
        classes = _classes(el)
        if tag == "p":
            return self.paragraph(el)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return self.heading(el, int(tag[1]))
        if tag == "div":
            if _C["admonition"] in classes:
                return self.admonition(el)
            if _C["tabs"] in classes:
                return self.tabs(el)
            if _C["code"] in classes or _C["code_table"] in classes:
                pre = el.find(".//pre")
                return self.code_block(pre if pre is not None else el)
            if _C["footnotes"] in classes:
                return ""
            inner = self.blocks(el)
            return f"#block[\n{inner}\n]" if inner else ""
        if tag == "details":
            summary = el.find("summary")
            title = self.inline(summary) if summary is not None else ""
            skip = (summary,) if summary is not None else ()
            return self._titled(self._kind(classes), title, self.blocks(el, skip))
        if tag in ("ul", "ol"):
            return self.list_(el)
        if tag == "dl":
            return self.definitions(el)
        if tag == "table":
            if _C["code_table"] in classes:
                pre = el.find(".//td[@class='code']//pre")
                return self.code_block(pre if pre is not None else el)
            return self.table(el)
        if tag == "pre":
            return self.code_block(el)
        if tag == "blockquote":
            return f"#quote(block: true)[\n{self.blocks(el)}\n]"
        if tag == "hr":
            return "#line(length: 100%, stroke: 0.5pt + kk-rule)"
        if tag == "figure" and "kk-figure" in classes:
            return self.svg_figure(el)
        if tag in _CONTAINERS or tag in ("figure", "figcaption", "summary"):
            return self.blocks(el)
        self.unknown(el)
        return ""

    def svg_figure(self, el: etree._Element) -> str:
        """A generated figure (koppelkansen/figures/scenes.py): its SVG with print colours, never split."""
        svg = next((c for c in el.iter() if isinstance(c.tag, str) and _tag(c) == "svg"), None)
        if svg is None:
            self.unknown(el)
            return ""
        alt = " ".join(
            _SPACE.sub(" ", "".join(str(t) for t in c.itertext())).strip()
            for c in svg
            if isinstance(c.tag, str) and _tag(c) in ("title", "desc")
        )
        markup = for_print(svg)
        return (
            "#block(breakable: false, width: 100%, above: 1.2em, below: 1.2em)["
            f'#image(bytes({typst_str(markup)}), format: "svg", width: 100%, alt: {typst_str(alt)})]'
        )

    def paragraph(self, el: etree._Element) -> str:
        children = [c for c in el if isinstance(c.tag, str)]
        only_image = (
            len(children) == 1
            and _tag(children[0]) == "img"
            and not (el.text or "").strip()
            and not (children[0].tail or "").strip()
        )
        if only_image:  # an image on its own line is a figure-like block
            call = self.image_call(children[0])
            return f"#kk-figure({call})" if call else ""
        return self.inline(el)

    def heading(self, el: etree._Element, level: int) -> str:
        level = max(level, 2)
        text = self.inline(el)
        out = "=" * level + " " + text
        if self.numbered and level == 2:  # its number, from the page module's kk-number
            self.sections += 1
            out = f"#set heading(numbering: kk-number({self.sections}))\n{out}"
        anchor = el.get("id")
        if anchor:
            self.labels.append(anchor_label(self.key, anchor))
            out += f"\n<{self.labels[-1]}>"
        return out

    @staticmethod
    def _kind(classes: list[str]) -> str:
        return next((c for c in classes if c in ADMONITION_KINDS), "note")

    @staticmethod
    def _titled(kind: str, title: str, body: str) -> str:
        return f"#kk-admonition({typst_str(kind)}, [{title}])[\n{body}\n]"

    def admonition(self, el: etree._Element) -> str:
        first = next((c for c in el if isinstance(c.tag, str)), None)
        title: str = ""
        skip: tuple[etree._Element, ...] = ()
        if first is not None and _tag(first) == "p" and not (el.text or "").strip():
            title, skip = self.inline(first), (first,)
        return self._titled(self._kind(_classes(el)), title, self.blocks(el, skip))

    def tabs(self, el: etree._Element) -> str:
        labels = [
            self.inline(label)
            for label in _elements(el, f"./div[contains(@class, '{_C['tab_labels']}')]/label")
        ]
        bodies = _elements(
            el,
            f"./div[contains(@class, '{_C['tab_content']}')]/div[contains(@class, '{_C['tab_block']}')]",
        )
        out = []
        for index, body in enumerate(bodies):
            label = labels[index] if index < len(labels) else ""
            out.append(f"#kk-tab([{label}])[\n{self.blocks(body)}\n]")
        return "\n".join(out)

    @staticmethod
    def code_block(el: etree._Element) -> str:
        code = _text_of(el).rstrip("\n")
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)  # linear, also for a very long run of backticks
        return f"{fence}\n{code}\n{fence}"

    def list_(self, el: etree._Element) -> str:
        ordered = _tag(el) == "ol"
        try:
            number = int(el.get("start", "1"))
        except ValueError:
            number = 1
        items = [c for c in el if _tag(c) == "li"]
        for other in el:
            if isinstance(other.tag, str) and _tag(other) != "li":
                self.unknown(other)
        loose = any(_tag(c) == "p" for item in items for c in item)
        out = []
        for item in items:
            marker = f"{number}. " if ordered else "- "
            number += 1
            body = self.blocks(item, sep="\n\n" if loose else "\n")
            indent = " " * len(marker)
            lines = body.split("\n") if body else [""]
            text = (
                marker
                + lines[0]
                + "".join("\n" + (indent + line if line else "") for line in lines[1:])
            )
            out.append(text.rstrip())
        return ("\n\n" if loose else "\n").join(out)

    def definitions(self, el: etree._Element) -> str:
        items: list[str] = []
        term: str | None = None
        descriptions: list[str] = []

        def flush() -> None:
            if term is not None:
                body = "\n\n".join(d for d in descriptions if d)
                items.append(f"/ {term}: #block[\n{body}\n]")

        for child in el:
            tag = _tag(child)
            if tag == "dt":
                flush()
                self._in_term = True  # a colon in the term would end it
                term, descriptions = self.inline(child), []
                self._in_term = False
            elif tag == "dd":
                term = term if term is not None else ""
                descriptions.append(self.blocks(child))
            elif isinstance(child.tag, str):
                self.unknown(child)
        flush()
        return "\n".join(items)

    def table(self, el: etree._Element) -> str:
        head_rows: list[etree._Element] = []
        body_rows: list[etree._Element] = []
        caption = ""
        for child in el:
            tag = _tag(child)
            if tag == "thead":
                head_rows.extend(r for r in child if _tag(r) == "tr")
            elif tag in ("tbody", "tfoot"):
                body_rows.extend(r for r in child if _tag(r) == "tr")
            elif tag == "tr":
                body_rows.append(child)
            elif tag == "caption":
                caption = self.inline(child)
            elif tag in _SKIP or not isinstance(child.tag, str):
                pass
            else:
                self.unknown(child)
        rows = head_rows + body_rows
        if not rows:
            return ""

        def cells(row: etree._Element) -> list[etree._Element]:
            return [c for c in row if _tag(c) in ("td", "th")]

        before = self.table_cells
        self.table_cells += sum(len(cells(r)) for r in rows)
        if self.table_cells > MAX_TABLE_CELLS:
            if before <= MAX_TABLE_CELLS:
                first = [
                    " ".join("".join(str(t) for t in c.itertext()).split()) for c in cells(rows[0])
                ]
                self.problem(
                    f"de tabellen op deze pagina hebben samen meer dan {MAX_TABLE_CELLS} cellen; "
                    "zo'n tabel is in een PDF niet te lezen en kost minuten om te zetten. Splits "
                    "haar over pagina's, of zet de gegevens in een CSV- of Excel-bestand in docs/ "
                    "en verwijs ernaar",
                    # The table's first row as Markdown writes it, then its first cells' text.
                    " | ".join(first[:3]),
                    " | ".join(first[:2]),
                    *(text for text in first[:3] if len(text) > 2),
                    *_needles(el),
                )
            return ""
        span = self._span
        n = max(sum(span(c, "colspan") for c in cells(r)) for r in rows)
        if n == 0:
            return ""
        longest = [4] * n
        aligns: list[str | None] = [None] * n
        for row in rows:
            column = 0
            for cell in cells(row):
                width = span(cell, "colspan", report=False)
                if width == 1 and column < n:
                    length = len(_SPACE.sub(" ", _text_of(cell)).strip())
                    longest[column] = max(longest[column], length)
                    if aligns[column] is None:
                        aligns[column] = _cell_align(cell)
                column += width
        longest = [min(x, 50) for x in longest]
        total = sum(longest)
        columns = ", ".join(f"{x / total * 100:.2f}".rstrip("0").rstrip(".") + "%" for x in longest)
        align = "".join(f"{a or 'left'}," for a in aligns)

        def row_markup(row: etree._Element) -> str:
            parts = []
            for cell in cells(row):
                content = self._cell(cell)
                colspan, rowspan = span(cell, "colspan", report=False), span(cell, "rowspan")
                args = []
                if colspan != 1:
                    args.append(f"colspan: {colspan}")
                if rowspan != 1:
                    args.append(f"rowspan: {rowspan}")
                parts.append(
                    f"table.cell({', '.join(args)})[{content}]" if args else f"[{content}]"
                )
            return ", ".join(parts) + ","

        lines = [
            "#figure(",
            "  align(center)[#table(",
            f"    columns: ({columns}),",
            f"    align: ({align}),",
        ]
        if head_rows:
            lines.append("    table.header(" + " ".join(row_markup(r) for r in head_rows) + "),")
            lines.append("    table.hline(),")
        lines.extend("    " + row_markup(r) for r in body_rows)
        lines.append("  )]")
        if caption:
            lines.append(f"  , caption: [{caption}]")
        lines.append("  , kind: table")
        lines.append("  )")
        return "\n".join(lines)

    def _span(self, cell: etree._Element, name: str, report: bool = True) -> int:
        """``colspan``/``rowspan`` as a number from 1 to MAX_SPAN; anything else is a problem."""
        raw = (cell.get(name) or "1").strip()
        if not raw.isdigit() or not 1 <= int(raw[:6]) <= MAX_SPAN:
            if report:
                self.problem(
                    f'een tabelcel heeft {name}="{raw[:20]}"; gebruik een geheel getal van 1 '
                    f"tot en met {MAX_SPAN}"
                )
            return 1
        return int(raw)

    def _cell(self, cell: etree._Element) -> str:
        if any(_tag(c) in _BLOCKS for c in cell):
            return self.blocks(cell)
        return self.inline(cell)

    # -- inlines -----------------------------------------------------------------------------
    def inline(self, el: etree._Element) -> str:
        """The content of ``el`` as one line of inline markup."""
        return self.inline_nodes(self._children(el))

    def inline_nodes(self, nodes: list[etree._Element | str]) -> str:
        out = _Inline(colon=self._in_term)
        self._walk(nodes, out)
        return _guard_start(out.result().strip(" "))

    def _walk(self, nodes: list[etree._Element | str], out: _Inline) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.text(_SPACE.sub(" ", node))
                continue
            if not isinstance(node.tag, str):
                continue
            self._element(node, out)

    @staticmethod
    def _children(el: etree._Element) -> list[etree._Element | str]:
        nodes: list[etree._Element | str] = []
        if el.text:
            nodes.append(el.text)
        for child in el:
            nodes.append(child)
            if child.tail:
                nodes.append(child.tail)
        return nodes

    def _content(self, el: etree._Element) -> str:
        inner = _Inline(colon=self._in_term)
        self._walk(self._children(el), inner)
        return _guard_start(inner.result())

    def _element(self, el: etree._Element, out: _Inline) -> None:
        tag = _tag(el)
        if tag == "a":
            self._link(el, out)
        elif tag == "sup" and len(el) == 1 and _C["footnote_ref"] in _classes(el[0]):
            self._footnote(el[0], out)
        elif tag in _WRAPPERS:
            out.code(f"#{_WRAPPERS[tag]}[{self._content(el)}]")
        elif tag == "abbr":
            self._abbreviation(el, out)
        elif tag == "input" and (el.get("type") or "").strip().lower() == "checkbox":
            # A task list's box (pymdownx.tasklist, or written as HTML): as the site shows it.
            box = "\u2611" if el.get("checked") is not None else "\u2610"
            tail = el.tail or ""
            out.text(box + (" " if tail and not tail[0].isspace() else ""))
        elif tag in _TRANSPARENT:
            self._walk(self._children(el), out)
        elif tag == "code":
            code = _SPACE.sub(" ", _text_of(el))
            if "`" in code or not code.strip() or code != code.strip():
                out.code(f"#raw({typst_str(code)})")
            else:
                out.markup(f"`{code}`")
        elif tag == "br":
            out.code("#linebreak()")
        elif tag == "q":
            out.code(f"#quote[{self._content(el)}]")
        elif tag == "img":
            call = self.image_call(el)
            if call:
                out.code(f"#kk-image({call})")
        elif (tag == "input" and "__tabbed_" in (el.get("name") or "")) or tag in _SKIP:
            pass
        elif tag in _BLOCKS:  # a block inside inline content (e.g. a list in a table cell)
            out.code(f"#block[\n{self.block(el)}\n]")
        else:
            self.unknown(el)

    def _abbreviation(self, el: etree._Element, out: _Inline) -> None:
        """An abbreviation (the ``abbr`` extension, or ``<abbr title>``): the site shows its
        expansion on hover, the PDF once a page, after its first use: "WKO (warmte-koudeopslag)"."""
        self._walk(self._children(el), out)
        title = _SPACE.sub(" ", el.get("title") or "").strip()
        short = _SPACE.sub(" ", _text_of(el)).strip()
        if title and short and title != short and short not in self._expanded:
            self._expanded.add(short)
            out.text(f" ({title})")

    # -- links, images, footnotes --------------------------------------------------------------
    def _link(self, el: etree._Element, out: _Inline) -> None:
        classes = _classes(el)
        if _C["permalink"] in classes or _C["footnote_backref"] in classes:
            return
        target = el.get("href")
        content = self._content(el)
        if target is None:
            out.markup(content)
            return
        if _SCHEME.match(target):
            if target.lower().startswith("file:"):
                self.problem(
                    f"de link naar '{target}' wijst naar een bestand op een computer; verwijs naar een pagina van de site of een webadres"
                )
                out.markup(content)
                return
            out.code(f"#link({typst_str(target)})[{content}]")
            return
        path, frag = resolve(self.url, target)
        if path is None:
            self.problem(f"de link '{target}' wijst buiten de site")
            out.markup(content)
            return
        url = (self.site_url + path + (f"#{frag}" if frag else "")) if self.site_url else ""
        label = ""
        if path == "" or path.endswith("/") or path.endswith(".html"):
            page = path[: -len("index.html")] if path.endswith("index.html") else path
            key = page_key(page)
            label = anchor_label(key, frag) if frag else key
            self.targets.setdefault(label)
        out.code(f"#kk-link({typst_str(label)}, {typst_str(url)})[{content}]")

    def image_call(self, el: etree._Element) -> str | None:
        src = el.get("src") or ""
        if _SCHEME.match(src):
            self.problem(
                f"de afbeelding '{_shown(src)}' staat niet in de site; zet het bestand in docs/ en "
                "verwijs er relatief naar",
                src,
                src.replace("&", "&amp;"),
                *_path_tails(src),
                *_needles(el),
            )
            return None
        file = media_file(self.url, src, self.media)
        if file is None:
            self.problem(
                f"de afbeelding '{_shown(src)}' bestaat niet; controleer de bestandsnaam en de map",
                src,
                src.replace("&", "&amp;"),
                *_path_tails(src),
                *_needles(el),
            )
            return None
        alt = _SPACE.sub(" ", el.get("alt") or "").strip()
        if not alt:
            self.problem(
                f"de afbeelding '{_shown(src)}' heeft geen alt-tekst; schrijf "
                f"![korte beschrijving]({_shown(src)})",
                src,
                src.replace("&", "&amp;"),
                *_path_tails(src),
                *_needles(el),
            )
            return None
        # image() is written here, not inside a template helper, so that a Typst error about the
        # image points into this page's file (and so names the page).
        return f"image({typst_str(file)}, alt: {typst_str(alt)})"

    def _footnote(self, ref: etree._Element, out: _Inline) -> None:
        number = _text_of(ref).strip()
        note = self.notes.get((ref.get("href") or "").lstrip("#"))
        if note is None:
            self.problem(f"voetnoot {number} heeft geen tekst")
            return
        # A note that cites a note: each expansion recurses, so a cycle or a long chain would
        # never end (or exhaust Python's stack).
        if note in self._open_notes or len(self._open_notes) >= MAX_NOTE_DEPTH:
            if not self._told_notes:  # once a page: a chain would repeat it for every note
                self.problem(
                    f"voetnoot {number} staat in een voetnoot die (via andere voetnoten) naar "
                    f"zichzelf of meer dan {MAX_NOTE_DEPTH} voetnoten diep verwijst; zet de "
                    "verwijzing in de tekst zelf"
                )
                self._told_notes = True
            return
        self._open_notes.append(note)
        try:
            body = self.blocks(note)
        finally:
            self._open_notes.pop()
        # The note's paragraphs, without the non-breaking space before the (dropped) back link.
        body = re.sub(r"(?:~|\s)+$", "", body)
        out.code(f"#footnote[{body}]")


def _depth(root: etree._Element) -> int:
    """How deep elements nest below ``root`` (iteratively: the tree may be very deep)."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        el, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in el)
    return deepest


def _deep_needles(root: etree._Element) -> tuple[str, ...]:
    """Snippets of the Markdown at the first element deeper than MAX_DEPTH (its text, then its
    start tag), so that the problem is told at its line; iteratively, as :func:`_depth`."""
    stack = [(root, 0)]
    while stack:
        el, level = stack.pop()
        if level > MAX_DEPTH:
            text = (
                " ".join("".join(str(t) for t in el.itertext()).split())
                if isinstance(el.tag, str)
                else ""
            )
            return tuple(n for n in (text[:60] if len(text) > 2 else "", *_needles(el)) if n)
        stack.extend((child, level + 1) for child in reversed(el))
    return ()


def _guard_start(markup: str) -> str:
    """Escape markup that counts at the start of a line (or of a content block)."""
    return "\\" + markup if _LINE_START.match(markup) else markup


def _cell_align(cell: etree._Element) -> str | None:
    style = cell.get("style") or ""
    match = re.search(r"text-align:\s*(left|right|center)", style)
    value = match.group(1) if match else (cell.get("align") or "").lower()
    return value if value in ("left", "right", "center") else None


def convert_page(
    html: str, url: str, media: dict[str, str], site_url: str
) -> tuple[str, list[str]]:
    """Typst markup for one page and the problems found (Dutch, for its author)."""
    text, found = convert_page_found(html, url, media, site_url)
    return text, [message for message, _ in found]


def convert_page_found(
    html: str, url: str, media: dict[str, str], site_url: str
) -> tuple[str, list[tuple[str, tuple[str, ...]]]]:
    """As :func:`convert_page`, each problem with the snippets that find its line in the page's
    Markdown (``SourceFinder``): the element's start as an author writes it, its ``src``."""
    text, found, _ = _converted(html, url, media, site_url)
    return text, found


def _converted(
    html: str, url: str, media: dict[str, str], site_url: str, numbered: bool = False
) -> tuple[str, list[tuple[str, tuple[str, ...]]], PageConverter]:
    converter = PageConverter(url, media, site_url, numbered)
    text = converter.convert(html)
    found = list(zip(converter.problems, converter.needles, strict=True))
    return text, found, converter


#: The first two lines of a page module: the labels of its headings and the labels it links to
#: (:func:`module_labels` and :func:`module_targets` read them).
_MODULE_LABELS = re.compile(
    r"#let kk-labels = \(((?:\"[A-Za-z0-9_.:-]*\", )*)\)\n"
    r"#let kk-targets = \(((?:\"[A-Za-z0-9_.:-]*\", )*)\)\n"
)


def convert_page_module(
    html: str, url: str, media: dict[str, str], site_url: str
) -> tuple[str, list[tuple[str, tuple[str, ...]]]]:
    """As :func:`convert_page_found`, the page as the module the PDF's main file calls: its first
    lines list the labels of its headings (``kk-labels``) and the labels it links to
    (``kk-targets``), then ``kk-page(kk-link, kk-number)`` returns its content. ``kk-link`` is
    the PDF's own link function (``report.typ``, ``kk-link-to``): it knows which labels that PDF
    holds, so the same page module serves every PDF without asking Typst where a label is.
    ``kk-number(i)`` is the numbering of the page's i-th section in that PDF
    (``kk-section-number``): a number Python knows, where a heading numbered by Typst's counter
    cost a layout pass more."""
    text, found, converter = _converted(html, url, media, site_url, numbered=True)
    labels = "".join(typst_str(label) + ", " for label in converter.labels)
    targets = "".join(typst_str(label) + ", " for label in converter.targets)
    return (
        f"#let kk-labels = ({labels})\n#let kk-targets = ({targets})\n"
        f"#let kk-page(kk-link, kk-number) = [\n{text}]\n",
        found,
    )


def _module_lists(module: str) -> re.Match[str]:
    match = _MODULE_LABELS.match(module)
    if match is None:
        raise ValueError("not a page module of convert_page_module")
    return match


def module_labels(module: str) -> list[str]:
    """The heading labels a page module (:func:`convert_page_module`) lists on its first line."""
    return re.findall(r'"([^"]*)"', _module_lists(module).group(1))


def module_targets(module: str) -> list[str]:
    """The labels a page module (:func:`convert_page_module`) links to, from its second line."""
    return re.findall(r'"([^"]*)"', _module_lists(module).group(2))


#: Longest URL or path shown whole in a message (a longer one ends in "…").
SHOWN = 300


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN else value[:SHOWN] + "…"


def _path_tails(src: str) -> tuple[str, ...]:
    """``src`` as the author may have written it: MkDocs rewrites a Markdown image's path from the
    built page (``../../../img/kaart.png`` for ``../../img/kaart.png``), so its end is searched:
    without the leading ``../``, then the file name alone (in parentheses, as Markdown has it)."""
    path = src.split("#", 1)[0].split("?", 1)[0]
    bare = re.sub(r"^(?:\.\.?/)+", "", path)
    name = bare.rsplit("/", 1)[-1]
    return tuple(dict.fromkeys(t for t in (bare + ")", bare, name + ")", name) if t != ")"))


def _needles(el: etree._Element) -> tuple[str, ...]:
    """Snippets of the Markdown an element came from, most telling first: its start tag with its
    first attribute (``<svg width``), then the bare start tag."""
    tag = _tag(el)
    first = next((str(name) for name in el.attrib), None) if tag else None
    return tuple(n for n in (f"<{tag} {first}" if first else "", f"<{tag}" if tag else "") if n)


#: What to do about an element the PDF cannot set, per element ("": any other).
_UNSETTABLE = {
    "style": (
        "een <style>-blok maakt alleen de site op en kan niet in de PDF, zodat site en PDF "
        "verschillen; haal het weg. Opmaak voor de hele site hoort in "
        "docs/assets/stylesheets/pages.css (vraag de beheerders)"
    ),
    "svg": (
        "een SVG-tekening midden in de pagina kan niet in de PDF; sla haar op als bestand in "
        "docs/ (bijvoorbeeld tekening.svg) en neem haar op met ![korte beschrijving](tekening.svg)"
    ),
    "input": (
        "het formulierveld <input> kan niet in de PDF en doet op de site niets; haal het weg. "
        "Voor een afvinklijst: schrijf - [x] (gedaan) of - [ ] (open) aan het begin van een "
        "lijstregel"
    ),
    "button": "de knop <button> doet niets in de PDF; haal hem weg of schrijf een gewone link",
    "select": "het keuzeveld <select> kan niet in de PDF; schrijf de keuzes als lijst",
    "textarea": "het tekstveld <textarea> kan niet in de PDF; schrijf de tekst gewoon op",
    "video": "een <video> kan niet in de PDF; zet een link naar de video",
    "audio": "een <audio> kan niet in de PDF; zet een link naar het geluidsbestand",
    "canvas": "een <canvas> tekent met script en kan niet in de PDF; gebruik een afbeelding",
    "picture": (
        "<picture> kan niet in de PDF; neem één afbeelding op met ![korte beschrijving](bestand)"
    ),
    "": (
        "het HTML-element <{tag}> kan niet in de PDF worden gezet; haal het weg, of schrijf de "
        "inhoud als Markdown (tekst, lijst, tabel of ![afbeelding](bestand))"
    ),
}
