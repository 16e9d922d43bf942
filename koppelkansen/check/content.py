"""Active content and outside paths in page bodies, SVG figures and style sheets: refused, not cleaned.

Raw HTML stays allowed in Markdown for layout. What runs code, embeds another document, loads a
resource from another host or points outside the site is a problem with the Markdown file and,
where the offending text can be found in it, its line. One lxml pass over the rendered HTML of a
page (see docs-dev/threat-model.md for why we refuse instead of sanitising).
"""

from __future__ import annotations

import functools
import ipaddress
import os
import posixpath
import re
import socket
import struct
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from koppelkansen.pages.urls import resolve, srcset_urls
from koppelkansen.problems import Problem, SourceFinder

#: Elements that run code, embed another document or change where the page's links go.
FORBIDDEN_ELEMENTS = frozenset(
    (
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "portal",
        "base",
        "meta",
        "link",
        "form",
        "foreignobject",
        "handler",
        "listener",
    )
)
#: Attributes whose value is a URL the browser *loads* (not merely a link the reader may follow).
RESOURCE_ATTRIBUTES = frozenset(("src", "srcset", "poster", "data", "background", "lowsrc"))
#: Attributes whose value is a URL of any kind.
URL_ATTRIBUTES = RESOURCE_ATTRIBUTES | {"href", "action", "formaction", "cite", "longdesc"}
#: SVG elements whose href is loaded as a resource.
SVG_RESOURCE_ELEMENTS = frozenset(("image", "use", "feimage", "script", "pattern", "tref"))
SAFE_SCHEMES = frozenset(("http", "https", "mailto", "tel"))
_BAD_SCHEMES = ("javascript", "vbscript", "data", "file", "livescript", "mocha")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CSS_DANGER = re.compile(r"@import|expression\s*\(|behavior\s*:|-moz-binding", re.IGNORECASE)


def _scheme(url: str) -> str:
    """The URL's scheme as a browser sees it (whitespace and control characters removed)."""
    cleaned = _INVISIBLE.sub("", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else ""


def _is_remote(url: str) -> bool:
    cleaned = _INVISIBLE.sub("", url).replace("\\", "/")
    return bool(_scheme(cleaned)) or cleaned.startswith("//")


def _leaves_site(url: str, page_url: str) -> bool:
    """True when a relative URL, seen from the built page at ``page_url``, leaves the site root."""
    cleaned = _INVISIBLE.sub("", url).replace("\\", "/")
    if not cleaned or _is_remote(cleaned) or cleaned.startswith(("#", "/")):
        return False  # absolute paths are reported by MkDocs' own link validation
    return resolve(page_url, unquote(cleaned))[0] is None


def _signature(element: etree._Element) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (
        str(element.tag).lower(),
        tuple(sorted((str(k), str(v)) for k, v in element.attrib.items())),
    )


class _SourceElements:
    """The raw HTML elements of the Markdown source, with their lines.

    Raw HTML reaches the rendered page unchanged, so the n-th rendered element with a given tag
    and attributes (entities decoded by the parser on both sides: ``&#106;avascript:`` is
    ``javascript:``) is the n-th such element in the source. Elements Markdown made (a link
    written as ``[x](...)``) are not found here; the text search takes over for them.
    """

    def __init__(self, source_text: str, parser: etree.HTMLParser) -> None:
        self.lines: dict[tuple[str, tuple[tuple[str, str], ...]], list[int]] = {}
        self.seen: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
        try:
            root = lxml.html.fragment_fromstring(
                _CONTROL.sub(" ", source_text), create_parent="div", parser=parser
            )
        except (etree.ParserError, ValueError):
            return
        for element in root.iter():
            if isinstance(element.tag, str) and isinstance(element.sourceline, int):
                self.lines.setdefault(_signature(element), []).append(element.sourceline)

    def line(self, element: etree._Element) -> int | None:
        """The source line of this rendered element (call once per element, in document order)."""
        signature = _signature(element)
        index = self.seen.get(signature, 0)
        self.seen[signature] = index + 1
        lines = self.lines.get(signature, [])
        return lines[index] if index < len(lines) else None


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)
#: The tokens of CSS that name a file, read left to right in one pass: every alternative always
#: matches once it starts (a string without its closing quote ends at the line's end, as in CSS),
#: so no character is read twice; ``url\((.*?)\)`` took minutes on 30,000 ``url(`` without ``)``.
#: image-set() loads plain strings too, without url(); @import a plain string.
_CSS_TOKENS = re.compile(
    r"""url\(\s*(?:"(?P<u1>[^"\n]*)"?|'(?P<u2>[^'\n]*)'?|(?P<u3>[^()'"\s]*))"""
    r"""|(?P<set>image-set\()"""
    r"""|@import\s+(?:"(?P<i1>[^"\n]*)"?|'(?P<i2>[^'\n]*)'?)"""
    r"""|"(?P<s1>[^"\n]*)"?|'(?P<s2>[^'\n]*)'?"""
    r"""|(?P<close>\))""",
    re.IGNORECASE,
)


def _css_urls(css: str, imports: bool) -> list[str]:
    """What a piece of CSS (comments gone, escapes decoded) loads: every url(), every string
    in an image-set(), and (``imports``) every ``@import "..."``; in time linear in the CSS."""
    found: list[str] = []
    in_set = False
    for token in _CSS_TOKENS.finditer(css):
        kind = token.lastgroup
        if kind in ("u1", "u2", "u3"):
            found.append(token.group(kind) or "")
        elif kind == "set":
            in_set = True
        elif kind == "close":
            in_set = False
        elif (kind in ("i1", "i2") and imports) or (kind in ("s1", "s2") and in_set):
            found.append(token.group(kind) or "")
    return found


def _css_unescape(css: str) -> str:
    """CSS as the browser reads it: comments gone, escapes (``u\\72 l(``) decoded."""

    def decode(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(decode, _CSS_COMMENT.sub("", css))


def _css_problems(css: str, what: str, page_url: str | None = None) -> list[tuple[str, str]]:
    """(message, snippet) for each remote or active construct in a piece of CSS, and (with the
    site path ``page_url`` of the page or file that holds it) each relative path that climbs out
    of the site."""
    found = []
    css = _css_unescape(css)
    danger = _CSS_DANGER.search(css)
    if danger:
        found.append(
            (
                f"{what} bevat '{danger.group(0)}'; dat laadt of draait iets buiten de pagina. "
                "Haal het weg",
                danger.group(0),
            )
        )
    for url in _css_urls(css, imports=False):
        scheme = _scheme(url)
        if scheme in ("javascript", "vbscript") or (_is_remote(url) and scheme != "data"):
            found.append(
                (
                    f"{what} laadt '{url[:80]}' van buiten de site; zet het bestand in docs/ en "
                    "verwijs er met een relatief pad naar",
                    url,
                )
            )
        elif page_url is not None and scheme != "data" and _leaves_site(url, page_url):
            found.append(
                (
                    f"{what} verwijst met '{url[:80]}' naar een bestand buiten de site (buiten "
                    "docs/); zet het bestand in docs/ en verwijs er met een pad binnen docs/ naar",
                    url,
                )
            )
    return found


def _loopback(host: str) -> bool:
    """Whether ``host`` names the reader's own computer (any spelling a browser accepts)."""
    host = host.strip("[]").rstrip(".").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return host != ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:  # 127.1, 0x7f.0.0.1, 2130706433: the forms inet_aton (and the browser) reads
            address = ipaddress.ip_address(socket.inet_aton(host))
        except (OSError, ValueError):
            return False
    return address.is_loopback or address.is_unspecified


def _own_computer(url: str) -> str | None:
    """The message for a link to the author's own computer (``http://127.0.0.1:8000/…``, the
    live preview) or to a path in the repository (``docs/…``, as the editor's media library
    copies it); None for any other URL. Both work on the author's computer and nowhere else."""
    cleaned = _INVISIBLE.sub("", url).replace("\\", "/")
    if _is_remote(cleaned):
        try:
            host = urlsplit(cleaned).hostname or ""
        except ValueError:
            return None
        if _loopback(host):
            return (
                f"'{shown_url(url)}' wijst naar je eigen computer (de voorbeeldsite van make "
                "serve of make schrijven); lezers zien daar niets. Verwijs naar een andere "
                "pagina met een pad vanaf dit bestand, bijvoorbeeld ../sessie.md"
            )
        return None
    path = cleaned.split("#", 1)[0].split("?", 1)[0]
    while path.startswith("./"):
        path = path[2:]
    if path.split("/", 1)[0].lower() == "docs" and "/" in path:
        return (
            f"'{shown_url(url)}' begint met docs/, de map in de repository; op de site bestaat "
            "die map niet. Schrijf het pad vanaf dit bestand (zonder docs/), bijvoorbeeld "
            "../assets/afbeeldingen/kaart.png vanuit een map onder docs/"
        )
    return None


def _element_problems(
    element: etree._Element, page_url: str | None, svg: bool = False
) -> list[tuple[str, str]]:
    """(message, snippet to find the line) for one element."""
    found: list[tuple[str, str]] = []
    # The local name by hand: etree.QName refuses tag names the HTML parser accepts (<a:b(1)>).
    tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
    if not tag:
        return found
    if tag in FORBIDDEN_ELEMENTS:
        found.append(
            (
                f"<{tag}> is niet toegestaan in een pagina: het draait code of haalt een ander "
                "document binnen. Haal het weg; voor een video of kaart: zet een link",
                f"<{tag}",
            )
        )
    if tag == "style":
        found += _css_problems(element.text or "", "dit <style>-blok", page_url)
    for raw_name, raw_value in element.attrib.items():
        name, value = str(raw_name), str(raw_value)
        local = etree.QName(name).localname.lower() if "}" in name else name.lower()
        local = local.rsplit(":", 1)[-1]
        if local.startswith("on"):
            found.append(
                (
                    f"het attribuut '{local}' op <{tag}> draait code en is niet toegestaan; "
                    "haal het weg",
                    local,
                )
            )
            continue
        if local == "style":
            found += _css_problems(value, f"het style-attribuut van <{tag}>", page_url)
            continue
        if local == "srcdoc":
            found.append((f"'srcdoc' op <{tag}> is niet toegestaan; haal het weg", "srcdoc"))
            continue
        urls = srcset_urls(value) if local in ("srcset", "imagesrcset") else [value]
        for url in urls:
            scheme = _scheme(url)
            if scheme in _BAD_SCHEMES:
                found.append(
                    (
                        f"'{local}' op <{tag}> gebruikt een {scheme}:-adres; dat is niet "
                        "toegestaan. Verwijs naar een pagina of een bestand in docs/",
                        url.strip()[:60] or local,
                    )
                )
                continue
            if local not in URL_ATTRIBUTES:
                continue
            own = _own_computer(url)
            if own is not None:
                found.append((own, url[:60]))
                continue
            loads = local in RESOURCE_ATTRIBUTES or (
                local == "href" and (svg or tag in SVG_RESOURCE_ELEMENTS) and tag != "a"
            )
            if loads and _is_remote(url):
                found.append(
                    (
                        f'<{tag} {local}="{shown_url(url)}"> laadt iets van een andere site; '
                        "download het bestand, zet het in docs/ en verwijs er met een relatief "
                        "pad naar",
                        url,
                    )
                )
            elif scheme and scheme not in SAFE_SCHEMES:
                found.append(
                    (
                        f"'{local}' op <{tag}> gebruikt het onbekende schema '{scheme}:'; "
                        "gebruik https:, mailto: of een relatief pad",
                        url[:60],
                    )
                )
            elif page_url is not None and _leaves_site(url, page_url):
                found.append(
                    (
                        f"'{url[:80]}' wijst naar buiten docs/; verwijs alleen naar pagina's en "
                        "bestanden in docs/",
                        url[:60],
                    )
                )
    return found


def check_page_html(html: str, page_url: str, source: Path, source_text: str) -> list[Problem]:
    """Problems in the rendered HTML of one page; ``page_url`` is the built page's URL."""
    if not html.strip():
        return []
    try:
        # huge_tree: libxml2 would otherwise stop at depth 256 and hide what follows.
        parser = lxml.html.HTMLParser(huge_tree=True)
        root = lxml.html.fragment_fromstring(
            _CONTROL.sub(" ", html), create_parent="div", parser=parser
        )
    except (etree.ParserError, ValueError) as exc:
        return [Problem(source, 1, 1, f"de HTML van deze pagina is niet te lezen ({exc})")]
    fatal = [e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if fatal:  # libxml2 stopped (nesting deeper than 2048): what follows was never checked
        return [
            Problem(
                source,
                1,
                1,
                "de HTML van deze pagina is te diep genest of te groot om te controleren "
                f"({fatal[0].message.strip()}); haal overbodige <div>'s, citaten of geneste "
                "lijsten weg",
            )
        ]
    occurrences = _Occurrences(source_text)
    source_elements: _SourceElements | None = None
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        in_svg = any(
            isinstance(a.tag, str) and a.tag.lower().endswith("svg")
            for a in element.iterancestors()
        ) or element.tag.lower().endswith("svg")
        tag = element.tag.lower()
        found = _element_problems(element, page_url, svg=in_svg)
        if source_elements is None and found:  # the source is parsed only for a page at fault
            source_elements = _SourceElements(source_text, parser)
            for earlier in root.iter():  # count the elements before this one
                if earlier is element:
                    break
                if isinstance(earlier.tag, str):
                    source_elements.line(earlier)
        at = source_elements.line(element) if source_elements is not None else None
        for message, snippet in found:
            line = at or occurrences.line(snippet, f"<{tag}")
            problems.append(Problem(source, line, 1, message))
    return sorted(set(problems))


#: Longest URL shown whole in a message (a longer one ends in "…").
SHOWN_URL = 300


def shown_url(url: str) -> str:
    """A URL for a message: whole, up to SHOWN_URL characters."""
    url = _CONTROL.sub("", url)
    return url if len(url) <= SHOWN_URL else url[:SHOWN_URL] + "…"


class _Occurrences:
    """Lines of snippets in a Markdown source, for elements Markdown made (``![x](url)``): the
    n-th time a snippet is asked for, its n-th place, so that the same URL on two lines is found
    on both; ``&`` also as the ``&amp;`` an author may have written."""

    def __init__(self, source_text: str) -> None:
        self.finder = SourceFinder(source_text)
        self.asked: dict[tuple[str, ...], int] = {}

    def line(self, snippet: str, fallback: str) -> int:
        needles = (snippet, snippet.replace("&", "&amp;"), snippet[:60], fallback)
        nth = self.asked.get(needles, 0)
        self.asked[needles] = nth + 1
        return self.finder.nth_line(nth, *needles)


def _page_fragment(
    html: str, source_text: str
) -> tuple[lxml.html.HtmlElement, _SourceElements] | None:
    """The rendered page as one element tree, with its Markdown source's HTML elements beside it
    (for their lines); None when lxml cannot read the page."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.fragment_fromstring(
            _CONTROL.sub(" ", html), create_parent="div", parser=parser
        )
    except (etree.ParserError, ValueError):
        return None
    return root, _SourceElements(source_text, parser)


def check_page_images(
    html: str, page_url: str, source: Path, source_text: str, docs_dir: Path
) -> list[Problem]:
    """Every ``<img>`` written as HTML in the page whose file is not in ``docs_dir``, at its line.
    MkDocs checks the images written in Markdown (``![x](file)``) and rewrites their paths; an
    HTML image's ``src`` reaches the site as written, so it is looked up from the built page's
    URL, as the browser and the PDF do."""
    if "<img" not in source_text.lower() or not html.strip():
        return []
    parsed = _page_fragment(html, source_text)
    if parsed is None:
        return []  # check_page_html reports an unreadable page
    root, raw = parsed
    docs = docs_dir.resolve()
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        line = raw.line(element)  # counted for every element, in document order
        src = (element.get("src") or "").strip()
        if element.tag.lower() != "img" or line is None or not src:
            continue
        if _is_remote(src) or src.startswith(("#", "/")) or _leaves_site(src, page_url):
            continue  # check_page_html reports these
        path, _ = resolve(page_url, src)
        if path is None:
            continue
        target = Path(os.path.normpath(docs / unquote(path)))  # %2e%2e is .. to a browser
        if not target.is_relative_to(docs) or not target.is_file():
            page_dir = page_url if page_url.endswith("/") or not page_url else page_url + "/"
            problems.append(
                Problem(
                    source,
                    line,
                    1,
                    f"de afbeelding '{shown_url(src)}' bestaat niet: vanaf deze pagina "
                    f"(/{page_dir}) wijst dat naar docs/{shown_url(unquote(path))}. In HTML "
                    "telt een pad vanaf de map van de pagina op de site, niet vanaf het "
                    ".md-bestand; controleer naam en map, of schrijf ![korte beschrijving](pad) "
                    "in Markdown",
                )
            )
    return sorted(set(problems))


#: The attributes by which a page embeds a file (shown in the page, not linked to).
_EMBEDDING = {
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "image": ("href", "{http://www.w3.org/1999/xlink}href"),
    "video": ("poster",),
    "input": ("src",),
}


def _embedded(element: etree._Element) -> list[str]:
    """The URLs of the files ``element`` embeds."""
    urls: list[str] = []
    for attribute in _EMBEDDING.get(_local(element.tag), ()):
        value = (element.get(attribute) or "").strip()
        if value:
            urls.extend(srcset_urls(value) if attribute == "srcset" else [value])
    return urls


def check_embedded_files(
    html: str,
    page_url: str,
    source: Path,
    source_text: str,
    refused: Mapping[str, list[Problem]],
) -> list[Problem]:
    """Every file of docs/ that this page embeds (an image written in Markdown or HTML, an
    ``<image>`` of an inline SVG, a video's poster) and that is refused itself (``refused``: the
    problems of each refused file, by its path in docs/), at the line of the page that embeds it,
    with the file's own first problem: the author sees where the picture is used as well as
    what is wrong inside it."""
    if not refused or not html.strip():
        return []
    parsed = _page_fragment(html, source_text)
    if parsed is None:
        return []  # check_page_html reports an unreadable page
    root, raw = parsed
    found = _Occurrences(source_text)
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        line = raw.line(element)  # counted for every element, in document order
        for url in _embedded(element):
            if _is_remote(url) or url.startswith("#") or _scheme(url):
                continue
            path, _ = resolve(page_url, url)
            if path is None:
                continue
            target = os.path.normpath(unquote(path)).replace(os.sep, "/")
            its = refused.get(target)
            if not its:
                continue
            name = target.rsplit("/", 1)[-1]
            at = line if line is not None else found.line(name, name)
            first = its[0]
            more = f" (en nog {len(its) - 1} in dat bestand)" if len(its) > 1 else ""
            problems.append(
                Problem(
                    source,
                    at,
                    1,
                    f"deze pagina toont '{shown_url(name)}', en dat bestand is geweigerd: "
                    f"{first.display_path()}:{first.line}: {first.message}{more}. Herstel het "
                    "bestand, of haal de afbeelding van deze pagina",
                )
            )
    return sorted(set(problems))


def check_svg_file(path: Path, font_dir: Path | None = None) -> list[Problem]:
    """An SVG figure from docs/: no script, no event handlers, nothing loaded from elsewhere; work
    for the PDF that stays bounded (:func:`_svg_work_problems`); with ``font_dir`` (the PDF's
    fonts), no text the PDF's font cannot show."""
    try:
        data = path.read_bytes()
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        root = etree.fromstring(data, parser)
    except OSError as exc:
        return [Problem(path, 1, 1, f"dit bestand kan niet worden gelezen ({exc.strerror})")]
    except etree.XMLSyntaxError as exc:
        why = f"deze SVG is geen geldige XML ({exc.msg}); exporteer de figuur opnieuw"
        if "Excessive depth" in str(exc.msg) or "huge" in str(exc.msg).lower():
            why = (
                "deze SVG is te groot om te lezen: haar elementen zitten meer dan 256 niveaus "
                "diep in elkaar, of een tekst erin is groter dan 10 MB. Maak haar eenvoudiger "
                "of exporteer haar opnieuw"
            )
        return [Problem(path, exc.lineno or 1, 1, why)]
    problems = []
    if root.getroottree().docinfo.internalDTD is not None:
        problems.append(
            Problem(path, 1, 1, "deze SVG bevat een <!DOCTYPE> met eigen regels; haal die weg")
        )
    # <?xml-stylesheet href="stijl.txt" type="text/xsl"?> turns the figure, opened on the site,
    # into whatever the stylesheet makes (HTML with script); before, inside or after the root.
    instructions = [
        *root.itersiblings(preceding=True),
        *root.iter(etree.ProcessingInstruction),
        *root.itersiblings(),
    ]
    for node in instructions:
        if isinstance(node, etree._ProcessingInstruction):
            problems.append(
                Problem(
                    path,
                    node.sourceline if isinstance(node.sourceline, int) else 1,
                    1,
                    f"deze SVG bevat de instructie <?{shown_url(str(node.target))} …?>, die een "
                    "stijlblad of een XSLT-bestand kan laden dat de figuur op de site in een "
                    "webpagina met script verandert; haal die regel weg",
                )
            )
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        line = element.sourceline if isinstance(element.sourceline, int) else 1
        for message, _ in _element_problems(element, page_url=None, svg=True):
            problems.append(Problem(path, line, 1, message))
    problems.extend(_svg_work_problems(path, root))
    problems.extend(_svg_text_length_problems(path, root))
    if font_dir is not None:
        problems.extend(_svg_text_problems(path, root, font_dir))
    return sorted(set(problems))


def check_css_file(path: Path, site_path: str | None = None) -> list[Problem]:
    """A style sheet from docs/: nothing loaded from another host, no @import, and (given its
    path in the site, ``assets/x.css``) no relative path that climbs out of the site."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return [Problem(path, 1, 1, f"dit bestand kan niet worden gelezen ({exc.strerror})")]
    finder = SourceFinder(text)
    return [
        Problem(path, finder.line(snippet), 1, message)
        for message, snippet in _css_problems(text, "dit stijlblad", site_path)
    ]


#: Pixels an image may have: Typst decodes every image whole for the PDF (4 bytes a pixel), so a
#: small file of 40000 × 40000 pixels would take gigabytes. 100 million is a 12000 × 8000 photo.
MAX_PIXELS = 100_000_000


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, GIF, JPEG or WebP header, without decoding; None if unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = data[12:16]
        if kind == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(
                data[27:30], "little"
            )
        if kind == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
        if kind == b"VP8 ":
            return (
                int.from_bytes(data[26:28], "little") & 0x3FFF,
                int.from_bytes(data[28:30], "little") & 0x3FFF,
            )
        return None
    if data[:2] == b"\xff\xd8":  # JPEG: the first start-of-frame segment
        at = _jpeg_frame_at(data)
        if at is not None and at + 9 <= len(data):
            return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(
                data[at + 5 : at + 7], "big"
            )
    return None


def _jpeg_frame_at(data: bytes) -> int | None:
    """Where a JPEG's first start-of-frame segment starts (the one walk of its segments)."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            at += 1 if marker == 0xFF else 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return at
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


#: Segments or blocks read before a JPEG's frame or a GIF's first image (a seek and a few bytes
#: each): metadata comes in segments of up to 64 KB; a file with more before its image is refused.
_MAX_SEGMENTS = 10_000
#: What :func:`_image_header` gives for a JPEG whose frame lies beyond :data:`_MAX_SEGMENTS`.
_TOO_MANY_SEGMENTS = b"\xff\xd8too many segments"


def _image_header(handle: BinaryIO) -> bytes:
    """The bytes :func:`image_size` and :func:`_jpeg_frame` read, from an open file: its first
    4 KB; for a JPEG its start and its start-of-frame segment wherever it lies (metadata of any
    length may come first: the frame after 300 KB of it was not found, and a 60 000 × 60 000
    JPEG passed); for a GIF its header with the larger of its screen and first image."""
    head = handle.read(4096)
    if head[:2] == b"\xff\xd8":
        at = 2
        for _ in range(_MAX_SEGMENTS):
            handle.seek(at)
            segment = handle.read(4)
            if len(segment) < 4 or segment[0] != 0xFF:
                break
            marker = segment[1]
            if marker in (0xD8, 0x01, 0xFF) or 0xD0 <= marker <= 0xD7:
                at += 1 if marker == 0xFF else 2
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                handle.seek(at)
                return b"\xff\xd8" + handle.read(2 + int.from_bytes(segment[2:4], "big"))
            at += 2 + int.from_bytes(segment[2:4], "big")
        else:
            return _TOO_MANY_SEGMENTS
        return head[:2]
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 13:
        size = _gif_image_size(handle, head)
        if size is not None:
            width = max(int.from_bytes(head[6:8], "little"), size[0])
            height = max(int.from_bytes(head[8:10], "little"), size[1])
            return head[:6] + width.to_bytes(2, "little") + height.to_bytes(2, "little")
    return head


def _gif_image_size(handle: BinaryIO, head: bytes) -> tuple[int, int] | None:
    """The size of a GIF's first image (which may be larger than its screen), or None."""
    at = 13 + (3 << ((head[10] & 7) + 1) if head[10] & 0x80 else 0)
    for _ in range(_MAX_SEGMENTS):
        handle.seek(at)
        kind = handle.read(1)
        if kind == b"\x2c":  # image descriptor: left, top, width, height
            found = handle.read(8)
            if len(found) < 8:
                return None
            return int.from_bytes(found[4:6], "little"), int.from_bytes(found[6:8], "little")
        if kind != b"\x21" or not handle.read(1):  # an extension: its label, then sub-blocks
            return None
        at = handle.tell()
        for _ in range(_MAX_SEGMENTS):
            length = handle.read(1)
            if not length:
                return None
            at += 1 + length[0]
            if length[0] == 0:
                break
            handle.seek(at)
    return None


def _jpeg_frame(data: bytes) -> tuple[int, int] | None:
    """A JPEG's first start-of-frame marker and its number of colour components."""
    at = _jpeg_frame_at(data)
    if at is None or at + 10 > len(data):
        return None
    return data[at + 1], data[at + 9]


def check_image_file(path: Path) -> list[Problem]:
    """A raster image from docs/: small enough in pixels to go into a PDF, and (a JPEG) in
    colours and a coding the PDF can hold."""
    try:
        with open(path, "rb") as handle:
            head = _image_header(handle)
    except OSError as exc:
        return [Problem(path, 1, 1, f"dit bestand kan niet worden gelezen ({exc.strerror})")]
    if head == _TOO_MANY_SEGMENTS:
        return [
            Problem(
                path,
                1,
                1,
                f"deze JPEG heeft meer dan {_MAX_SEGMENTS} blokken metadata voor het beeld zelf; "
                "zo is niet na te gaan hoe groot zij is. Sla haar opnieuw op (bijvoorbeeld met "
                "'Exporteren als' zonder metadata) of als PNG",
            )
        ]
    if head[:2] == b"\xff\xd8":
        frame = _jpeg_frame(head)
        if frame is not None and frame[1] == 4:
            return [
                Problem(
                    path,
                    1,
                    1,
                    "deze JPEG is in CMYK (de kleuren van drukwerk); een archief-PDF (PDF/A) "
                    "zonder drukprofiel kan die niet bevatten, en niet elke browser toont haar "
                    "goed. Sla haar opnieuw op in RGB (sRGB), bijvoorbeeld met 'Exporteren als' "
                    "in je fotoprogramma",
                )
            ]
        if frame is not None and frame[0] not in (0xC0, 0xC1, 0xC2):
            return [
                Problem(
                    path,
                    1,
                    1,
                    "deze JPEG is op een zeldzame manier gecodeerd (verliesvrij of met "
                    "rekenkundige codering) die browsers en de PDF niet kunnen lezen; sla haar "
                    "opnieuw op als gewone JPEG of als PNG",
                )
            ]
    size = image_size(head)
    if size is None or size[0] * size[1] <= MAX_PIXELS:
        return []
    width, height = size
    return [
        Problem(
            path,
            1,
            1,
            f"deze afbeelding is {width} × {height} pixels; dat is te groot om in een PDF te "
            f"zetten (hoogstens {MAX_PIXELS // 1_000_000} miljoen pixels). Verklein haar, "
            "bijvoorbeeld tot 3000 pixels breed",
        )
    ]


# -- Files judged by their content (issue 31, item 4) ------------------------------------------
# A browser and Typst take an image for what its bytes are, not for its name: a PNG named
# kaart.dat goes into the PDF whole. So every file of docs/ is sniffed, and checked as what it is.

#: The formats an image extension names, for a file whose content says another.
_EXTENSION_FORMATS = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".gif": "gif",
    ".webp": "webp",
    ".svg": "svg",
}
_FORMAT_NAMES = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP", "svg": "SVG"}
_SVG_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg\b",
    re.S | re.I,
)


def sniff(head: bytes) -> str | None:
    """What the first bytes of a file are: "png", "jpeg", "gif", "webp", "svg" or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if _SVG_START.match(head[:4096]):
        return "svg"
    return None


def check_media_file(path: Path, site_path: str, font_dir: Path | None = None) -> list[Problem]:
    """A file of docs/ that is no page and no style sheet, checked as what its content is: an SVG
    as an SVG, a raster image for its pixels and colours, whatever its name; an image whose
    extension names another format is refused (Typst reads a file by its extension)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        return [Problem(path, 1, 1, f"dit bestand kan niet worden gelezen ({exc.strerror})")]
    kind = sniff(head)
    named = _EXTENSION_FORMATS.get(path.suffix.lower())
    if kind is None and named is None:
        return []
    problems: list[Problem] = []
    if kind is not None and named is not None and kind != named:
        problems.append(
            Problem(
                path,
                1,
                1,
                f"dit bestand heet {path.suffix} maar is een {_FORMAT_NAMES[kind]}-bestand; de "
                f"PDF leest een afbeelding naar haar extensie. Geef het de extensie "
                f".{'jpg' if kind == 'jpeg' else kind}, of sla het opnieuw op als "
                f"{_FORMAT_NAMES[named]}",
            )
        )
    if kind == "svg" or (kind is None and named == "svg"):
        return problems + check_svg_file(path, font_dir) + check_file_references(path, site_path)
    return problems + check_image_file(path)


# -- Bounded work for an SVG (issue 31, item 4) ----------------------------------------------------
# Typst draws an SVG into the PDF with usvg/svg2pdf: shapes stay vectors, but what a filter does is
# rasterised, over the filter's region. Three 300-byte SVGs whose filter region was 300 times
# their size took more than a minute. The work is bounded before the build: the elements after
# every <use> is expanded, the filter region, and the primitives whose cost grows with a number.

#: Elements of an SVG after every <use> is expanded (a <use> of a group of <use>s multiplies).
MAX_SVG_ELEMENTS = 50_000
#: How many times its element's size a filter region may be, per side (the default is 1.2). A
#: blur over a full-width figure takes about 2 s at 1.2 and 6 s at 2 (measured on 2 busy cores);
#: at 300 it did not end.
MAX_FILTER_REGION = 2.0
#: Filter primitives in one SVG, and elements drawn through a filter.
MAX_FILTER_PRIMITIVES = 100
MAX_FILTERED = 20
#: Characters of text in one SVG: Typst draws every glyph of an SVG's text as a path, so a
#: figure with two million characters took minutes; a full-page diagram has a few thousand.
MAX_SVG_TEXT = 20_000
#: Bounds of the primitives whose work grows with an attribute, per pixel: feMorphology's with the
#: square of its radius (radius 3 took 2.5 s, radius 10 more than a minute).
_PRIMITIVE_LIMITS = {
    "feconvolvematrix": ("order", 5),
    "femorphology": ("radius", 5),
    "feturbulence": ("numOctaves", 10),
}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _numbers(value: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(value or "")]


def _fraction(value: str | None, default: float) -> float:
    """A filter region's width or height in objectBoundingBox units: ``120%`` or ``1.2``."""
    if not value:
        return default
    numbers = _numbers(value)
    if not numbers:
        return default
    return numbers[0] / 100 if value.strip().endswith("%") else numbers[0]


def _viewport(root: etree._Element) -> tuple[float, float] | None:
    box = _numbers(root.get("viewBox"))
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        return box[2], box[3]
    width, height = _numbers(root.get("width")), _numbers(root.get("height"))
    if width and height and width[0] > 0 and height[0] > 0:
        return width[0], height[0]
    return None


def _svg_work_problems(path: Path, root: etree._Element) -> list[Problem]:
    problems: list[Problem] = []

    def line(element: etree._Element) -> int:
        return element.sourceline if isinstance(element.sourceline, int) else 1

    # Elements after <use> expansion: each element's size is 1, its children's sizes and, for a
    # <use>, its target's; post-order with a stack (no recursion), a cycle counting once.
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    order = [el for el in root.iter() if isinstance(el.tag, str)]

    def target(element: etree._Element) -> etree._Element | None:
        if _local(element.tag) != "use":
            return None
        href = element.get("href") or element.get("{http://www.w3.org/1999/xlink}href") or ""
        return by_id.get(href[1:]) if href.startswith("#") else None

    def parts(element: etree._Element) -> list[etree._Element]:
        found = [child for child in element if isinstance(child.tag, str)]
        pointed = target(element)
        return [*found, pointed] if pointed is not None else found

    size: dict[etree._Element, int] = {}
    open_now: set[etree._Element] = set()
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        if done:
            open_now.discard(element)
            total = 1 + sum(size.get(part, 1) for part in parts(element))
            size[element] = min(total, MAX_SVG_ELEMENTS + 1)
            continue
        if element in size or element in open_now:
            continue
        open_now.add(element)
        stack.append((element, True))
        stack.extend((part, False) for part in parts(element) if part not in size)
    for element in order:
        pointed = target(element)
        if pointed is not None and (pointed is element or element in pointed.iterdescendants()):
            problems.append(
                Problem(
                    path,
                    line(element),
                    1,
                    "deze <use> verwijst naar zichzelf of een element waar hij in staat; haal "
                    "de verwijzing weg",
                )
            )
    total = size.get(root, 0)
    if total > MAX_SVG_ELEMENTS:
        problems.append(
            Problem(
                path,
                1,
                1,
                f"deze SVG heeft, met wat haar <use>-elementen herhalen, meer dan "
                f"{MAX_SVG_ELEMENTS} elementen; dat kost te veel werk om in de PDF te zetten. "
                "Vereenvoudig de figuur of exporteer haar als PNG",
            )
        )
    primitives = 0
    viewport = _viewport(root)
    for element in order:
        name = _local(element.tag)
        if name == "filter":
            units = element.get("filterUnits") or "objectBoundingBox"
            if units == "userSpaceOnUse":
                width = _numbers(element.get("width"))
                height = _numbers(element.get("height"))
                across = (
                    max(width[0] / viewport[0], height[0] / viewport[1])
                    if viewport and width and height and not element.get("width", "").endswith("%")
                    else max(
                        _fraction(element.get("width"), 1.2), _fraction(element.get("height"), 1.2)
                    )
                )
            else:
                across = max(
                    _fraction(element.get("width"), 1.2), _fraction(element.get("height"), 1.2)
                )
            if across > MAX_FILTER_REGION:
                problems.append(
                    Problem(
                        path,
                        line(element),
                        1,
                        f"het gebied van dit filter is {across:g} keer zo groot als wat het "
                        f"filtert (hoogstens {MAX_FILTER_REGION:g}); de PDF rekent elk punt "
                        "ervan uit, wat minuten kost. Maak width en height van het filter "
                        "kleiner (bijvoorbeeld 120%), of laat het filter weg",
                    )
                )
        elif name.startswith("fe") and element.getparent() is not None:
            primitives += 1
            limit = _PRIMITIVE_LIMITS.get(name)
            if limit is not None:
                attribute, most = limit
                values = _numbers(element.get(attribute))
                if values and max(abs(v) for v in values) > most:
                    problems.append(
                        Problem(
                            path,
                            line(element),
                            1,
                            f'{attribute}="{element.get(attribute)}" van <{element.tag if isinstance(element.tag, str) else name}> '
                            f"is groter dan {most}; dat kost te veel werk om in de PDF te "
                            "zetten. Kies een kleinere waarde of laat het filter weg",
                        )
                    )
    filtered = [
        element
        for element in order
        if element.get("filter") or "filter" in (element.get("style") or "").replace(" ", "")
    ]
    if len(filtered) > MAX_FILTERED:
        problems.append(
            Problem(
                path,
                line(filtered[MAX_FILTERED]),
                1,
                f"deze SVG tekent {len(filtered)} elementen met een filter (hoogstens "
                f"{MAX_FILTERED}); elk filter wordt voor de PDF punt voor punt uitgerekend. "
                "Vereenvoudig de figuur of exporteer haar als PNG",
            )
        )
    if primitives > MAX_FILTER_PRIMITIVES:
        problems.append(
            Problem(
                path,
                1,
                1,
                f"deze SVG heeft {primitives} filterstappen (hoogstens {MAX_FILTER_PRIMITIVES}); "
                "dat kost te veel werk om in de PDF te zetten. Vereenvoudig de figuur",
            )
        )
    return problems


def _svg_text_length_problems(path: Path, root: etree._Element) -> list[Problem]:
    """An SVG with more than :data:`MAX_SVG_TEXT` characters of text, at the element where the
    count passes it."""
    total = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        total += len((element.text or "").strip()) + len((element.tail or "").strip())
        if total > MAX_SVG_TEXT:
            line = element.sourceline if isinstance(element.sourceline, int) else 1
            return [
                Problem(
                    path,
                    line,
                    1,
                    f"deze SVG bevat meer dan {MAX_SVG_TEXT} tekens tekst (de PDF tekent elke "
                    "letter van een figuur als vorm); zet lange tekst op de pagina zelf, niet in "
                    "de figuur",
                )
            ]
    return []


def _svg_text_problems(path: Path, root: etree._Element, font_dir: Path) -> list[Problem]:
    """Text of the SVG that the PDF's font cannot show (an emoji), at its line."""
    covered = font_coverage(font_dir)
    if not covered:
        return []
    drawn = ("text", "tspan", "textpath")
    problems = []
    for element in root.iter():
        if _local(element.tag) not in drawn:
            continue
        parent = element.getparent()
        pieces = [element.text or ""]
        if parent is not None and _local(parent.tag) in drawn:
            pieces.append(element.tail or "")  # text after a <tspan> belongs to its parent
        missing = sorted(
            {
                char
                for char in "".join(pieces)
                if not char.isspace()
                and ord(char) not in covered
                and unicodedata.category(char)[0] != "C"
            }
        )
        if missing:
            problems.append(
                Problem(
                    path,
                    element.sourceline if isinstance(element.sourceline, int) else 1,
                    1,
                    f"de tekst van deze SVG bevat '{''.join(missing[:5])}', en dat teken staat "
                    "niet in het lettertype van de PDF (Inter); vervang het door tekst of maak "
                    "er in het tekenprogramma een vorm (pad) van",
                )
            )
    return problems


@functools.lru_cache(maxsize=8)
def font_coverage(font_dir: Path) -> frozenset[int]:
    """Every code point the PDF's fonts in ``font_dir`` have a glyph for (their OpenType ``cmap``
    tables, formats 4 and 12); empty when none can be read."""
    covered: set[int] = set()
    try:
        fonts = sorted(font_dir.glob("*.otf")) + sorted(font_dir.glob("*.ttf"))
    except OSError:
        return frozenset()
    for font in fonts:
        try:
            covered |= _cmap(font.read_bytes())
        except (OSError, ValueError, IndexError, struct.error):
            continue
    return frozenset(covered)


def _cmap(data: bytes) -> set[int]:
    """The code points of one OpenType font's cmap (Unicode subtables of format 4 or 12)."""
    tables = struct.unpack_from(">H", data, 4)[0]
    offset = None
    for index in range(tables):
        tag, _, start, _ = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if tag == b"cmap":
            offset = start
    if offset is None:
        return set()
    found: set[int] = set()
    count = struct.unpack_from(">H", data, offset + 2)[0]
    for index in range(count):
        platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * index)
        if (platform, encoding) not in ((0, 3), (0, 4), (3, 1), (3, 10)):
            continue
        at = offset + sub
        kind = struct.unpack_from(">H", data, at)[0]
        if kind == 4:
            segments = struct.unpack_from(">H", data, at + 6)[0] // 2
            ends = struct.unpack_from(f">{segments}H", data, at + 14)
            starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
            for first, last in zip(starts, ends, strict=True):
                if first != 0xFFFF:
                    found.update(range(first, last + 1))
        elif kind == 12:
            groups = struct.unpack_from(">I", data, at + 12)[0]
            for group in range(groups):
                first, last, _ = struct.unpack_from(">III", data, at + 16 + 12 * group)
                found.update(range(first, min(last, 0x10FFFF) + 1))
    return found


# -- Files that point at files (issue 24, item 6) ----------------------------------------------
# An SVG or a style sheet in docs/ is a document of its own: the browser loads what its <image>,
# <use>, xlink:href, <style> and url() name, and Typst follows an SVG's <image> for the PDF,
# relative to the SVG's own file. So each such reference is checked like a page's links: another
# host is refused by check_svg_file/check_css_file (nothing is loaded from elsewhere), and here a
# path that is absolute or climbs out of docs/ is refused with its line and column. A data: URI
# holds its bytes itself and points at no file: refused in an SVG attribute (check_svg_file, as
# in a page: it can hold a document with script), allowed in a style sheet's url() (an image).


def _outside_reference(url: str, site_path: str, climbing: bool = True) -> str | None:
    """Why ``url``, written in the file at ``site_path`` of the site, points outside docs/."""
    cleaned = _INVISIBLE.sub("", url).replace("\\", "/")
    if not cleaned or _scheme(cleaned) or cleaned.startswith(("#", "//")):
        return None  # in the file itself, or another host (refused by the file's own check)
    shown = url.strip()[:80]
    if cleaned.startswith("/"):
        return (
            f"'{shown}' is een absoluut pad; in de site wijst het naar de hoofdmap van de server "
            "en in de PDF naar een bestand buiten docs/. Zet het bestand in docs/ en verwijs er "
            "met een pad vanaf dit bestand naar (bijvoorbeeld 'figuur.png' ernaast)"
        )
    if climbing and resolve(site_path, unquote(cleaned))[0] is None:
        return (
            f"'{shown}' wijst naar een bestand buiten docs/; dat komt niet in de site of de PDF. "
            "Zet een kopie van het bestand in docs/ en verwijs er met een pad binnen docs/ naar"
        )
    return None


def _column(lines: list[str], line: int, needle: str) -> tuple[int, int]:
    """Line and column (1-based) of ``needle`` at or after ``line``; the line itself and column 1
    when it is not written there as it is (an entity or escape)."""
    for number in range(max(line, 1), len(lines) + 1):
        at = lines[number - 1].find(needle)
        if at >= 0:
            return number, at + 1
    return line, 1


def _css_references(css: str) -> list[str]:
    """The files a piece of CSS names: every url() and @import (with or without url())."""
    return _css_urls(_css_unescape(css), imports=True)


def check_file_references(path: Path, site_path: str) -> list[Problem]:
    """Each reference in an SVG or a style sheet from docs/ (at ``site_path`` in the site) that is
    an absolute path or (in an SVG) leaves docs/, at its line and column. A style sheet's path
    out of docs/ is check_css_file's."""
    try:
        data = path.read_bytes()
    except OSError:
        return []  # the file's own check says so
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    found: list[tuple[int, str]] = []  # (line to search from, reference)
    if path.suffix.lower() == ".svg":
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            return []  # check_svg_file reports it
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            line = element.sourceline if isinstance(element.sourceline, int) else 1
            if element.tag.rsplit("}", 1)[-1].lower() == "style":
                found += [(line, url) for url in _css_references(element.text or "")]
            for name, value in element.attrib.items():
                local = str(name).rsplit("}", 1)[-1].lower()
                if local == "style":
                    found += [(line, url) for url in _css_references(str(value))]
                elif local in URL_ATTRIBUTES or local == "href":
                    urls = srcset_urls(str(value)) if local == "srcset" else [str(value)]
                    found += [(line, url) for url in urls]
    else:
        found = [(1, url) for url in _css_references(text)]
    problems = []
    svg = path.suffix.lower() == ".svg"
    for line, url in found:
        why = _outside_reference(url, site_path, climbing=svg)
        if why is not None:
            at, column = _column(lines, line, url.strip()) if url.strip() else (line, 1)
            problems.append(Problem(path, at, column, why))
    return sorted(set(problems))


def docs_file_problems(
    docs_dir: Path, skip: set[Path] | frozenset[Path] = frozenset()
) -> list[Problem]:
    """Every style sheet and media file below ``docs_dir`` checked as the build checks it
    (``pipeline.check_file``), for ``make check``: an image too large, a CMYK JPEG or an SVG
    with a script is told before the build. Dot-files, pages and links are left out (the loader
    tells links that leave docs/), and so are the files in ``skip`` (refused already)."""
    fonts = docs_dir.resolve() / "assets" / "fonts"
    problems: list[Problem] = []
    for folder, dirnames, filenames in os.walk(docs_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(folder) / name
            lower = name.lower()
            if name.startswith(".") or lower.endswith((".md", ".markdown")) or path in skip:
                continue
            if path.is_symlink() or not path.is_file():
                continue
            url = path.relative_to(docs_dir).as_posix()
            if lower.endswith(".css"):
                problems.extend(check_css_file(path, url) + check_file_references(path, url))
            else:
                problems.extend(check_media_file(path, url, fonts))
    return problems


def svg_embedded_files(path: Path, src_uri: str) -> list[tuple[int, str]]:
    """The files of docs/ an SVG (at ``src_uri`` in docs/) draws, an ``<image>``'s or a
    ``<feImage>``'s ``href``: (line in the SVG, the file's path in docs/)."""
    try:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        root = etree.fromstring(path.read_bytes(), parser)
    except (OSError, etree.XMLSyntaxError):
        return []  # check_svg_file reports it
    found = []
    folder = posixpath.dirname(src_uri)
    for element in root.iter():
        if _local(element.tag) not in ("image", "feimage"):
            continue
        for name, value in element.attrib.items():
            url = str(value).strip()
            if str(name).rsplit("}", 1)[-1].lower() != "href" or not url:
                continue
            if _is_remote(url) or _scheme(url) or url.startswith(("#", "/")):
                continue
            target = posixpath.normpath(posixpath.join(folder, unquote(urlsplit(url).path)))
            line = element.sourceline if isinstance(element.sourceline, int) else 1
            found.append((line, target))
    return found


def refused_through_svgs(
    drawn: Mapping[str, list[tuple[int, str]]], refused: dict[str, list[Problem]], docs_dir: Path
) -> list[Problem]:
    """Each SVG that draws a refused file, at the SVG's line (``drawn``: what each SVG draws,
    :func:`svg_embedded_files`); such an SVG joins ``refused``, so a page that shows it is told
    too (:func:`check_embedded_files`). An SVG that draws an SVG that draws a refused file is
    found as well (repeated until nothing changes, at most once per SVG)."""
    problems = []
    told: set[tuple[str, int, str]] = set()
    for _ in range(len(drawn) + 1):
        added = False
        for svg, files in drawn.items():
            for line, target in files:
                its = refused.get(target)
                if not its or (svg, line, target) in told:
                    continue
                told.add((svg, line, target))
                first = its[0]
                problem = Problem(
                    docs_dir / svg,
                    line,
                    1,
                    f"deze figuur toont '{shown_url(target.rsplit('/', 1)[-1])}', en dat bestand "
                    f"is geweigerd: {first.display_path()}:{first.line}: {first.message}. Herstel "
                    "het bestand, of haal het uit de figuur",
                )
                refused.setdefault(svg, []).append(problem)
                problems.append(problem)
                added = True
        if not added:
            break
    return problems
