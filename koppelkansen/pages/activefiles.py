"""No file of ``docs/`` is published as an active document unless it is a page of the site.

The site's origin is also the editor's (``/admin/``), where Decap keeps the author's Git-host
token in the browser's storage; ``make schrijven`` serves the editor's secret there too. A
``docs/hulp.html`` with a script, copied to the site as it is, would run on that origin. So a
file is refused when the browser would run it as a document: by its extension (HTML, XHTML, XML
and XSLT, which can carry script or turn into HTML), and by its content (a file that starts as
HTML or XML, whatever its name: a browser sniffs a file whose type it does not know). SVG
figures are documents too; :func:`koppelkansen.check.content.check_svg_file` refuses their
script, event handlers and foreign content. The file types that are published as they are, and
why each is safe, are listed in docs-dev/threat-model.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from koppelkansen.problems import Problem

#: Extensions a browser opens as a document that may run script (or an XSLT that makes one).
ACTIVE_EXTENSIONS = frozenset(
    {
        "html",
        "htm",
        "xhtml",
        "xht",
        "shtml",
        "shtm",
        "xml",
        "xsl",
        "xslt",
        "mht",
        "mhtml",
        "hta",
        "svgz",  # compressed: its content cannot be checked like an SVG's
        "swf",
        "rss",
        "atom",
        "rdf",
        "xul",
    }
)
#: How many bytes a browser looks at when it sniffs (WHATWG MIME Sniffing: 1445 bytes).
SNIFF_BYTES = 1445
#: The start of a file that a browser (or an XML parser) takes for HTML or XML, after a byte
#: order mark and white space, any case: the WHATWG "identify an unknown MIME type" patterns
#: (``<html``, ``<script``, ``<!--``, ``<?xml`` ...), and any other element or processing
#: instruction, since an XML document can be used whatever its name (an XSLT stylesheet named
#: ``stijl.txt`` that starts ``<xsl:stylesheet``, pulled in by an SVG, makes HTML with script).
_MARKUP = re.compile(
    rb"\A(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?[\t\n\x0c\r ]*<(?:"
    rb"[a-z_][a-z0-9_.:-]*[\t\n\x0c\r >/]"
    rb"|!--|!doctype|!\[cdata\[|\?[a-z])",
    re.IGNORECASE,
)
#: The same patterns in UTF-16 (a browser decodes a BOM-marked file before it sniffs).
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _starts_as_markup(head: bytes) -> str | None:
    """The markup ``head`` starts with (``<html``), or None."""
    if head.startswith(_UTF16):
        encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        head = head[2:].decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
    match = _MARKUP.match(head)
    if match is None:
        return None
    found = match.group(0).lstrip(b"\xef\xbb\xbf\xff\xfe \t\n\r\x0c")
    return found.decode("ascii", errors="replace").rstrip(" \t\n\r\x0c>/")


def active_document(path: Path) -> str | None:
    """Why ``path`` (a file of ``docs/`` that is not a Markdown page) must not be published, as
    a Dutch message with the fix; None when it may be published as it is."""
    name = path.name
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in ACTIVE_EXTENSIONS:
        return (
            f"een .{extension}-bestand zou op de site een eigen webpagina worden, die script kan "
            "uitvoeren naast de editor (/admin/); zulke bestanden worden niet gepubliceerd. "
            "Schrijf de inhoud als pagina (een .md-bestand in docs/), of haal het bestand weg; "
            "een voorbeeld van HTML of XML zet je in een pagina in een codeblok (```html)"
        )
    if extension == "svg":
        return None  # a figure: check_svg_file reads it as XML and refuses anything active
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None  # the file's own check reports what cannot be read
    found = _starts_as_markup(head)
    if found is None:
        return None
    return (
        f"dit bestand begint als HTML of XML ('{found}'), wat de extensie ook zegt; een browser "
        "kan het dan als webpagina openen, met script, naast de editor (/admin/). Zulke bestanden "
        "worden niet gepubliceerd: schrijf de inhoud als pagina (een .md-bestand), of haal het "
        "bestand weg"
    )


def active_files(docs_dir: Path) -> list[Problem]:
    """Every file below ``docs_dir`` that :func:`active_document` refuses (``make check``; the
    build asks per file, in ``pipeline.check_file``). Dot-files and dot-folders are not published
    and not looked at; links are not followed (``loader.scan`` refuses those that leave docs/)."""
    problems = []
    for folder, dirnames, filenames in os.walk(docs_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(folder) / name
            if name.startswith(".") or name.lower().endswith((".md", ".markdown")):
                continue
            if path.is_symlink() or not path.is_file():
                continue
            message = active_document(path)
            if message is not None:
                problems.append(Problem(path, 1, 1, message))
    return problems
