"""Every URL rule of the site, in one place.

The page check, the PDF converter, the PDF cache key, the link checker, the overviews and the
figures all ask these questions: which site path does ``../a/b/#x`` on page
``casussen/amstelstad/`` point to and does it leave the site; which URL does a Markdown file get;
how does one page link to another; which URLs does a ``srcset`` hold?
"""

from __future__ import annotations

import posixpath


def resolve(page_url: str, href: str) -> tuple[str | None, str]:
    """``href`` against ``page_url`` (a site path such as ``casussen/`` or ``a/index.html``).

    Returns the site path (``None`` when the link climbs above the site root) and the fragment.
    A query string is dropped; percent-escapes stay as they are.
    """
    path, _, fragment = href.partition("#")
    path = path.partition("?")[0]
    if path == "":
        return page_url, fragment
    parts = [] if path.startswith("/") else [s for s in page_url.split("/") if s]
    if page_url and not page_url.endswith("/") and not path.startswith("/"):
        parts = parts[:-1]
    for segment in (s for s in path.split("/") if s):
        if segment == "..":
            if not parts:
                return None, fragment
            parts.pop()
        elif segment != ".":
            parts.append(segment)
    joined = "/".join(parts)
    if path.endswith("/") and joined:
        joined += "/"
    return joined, fragment


def page_url(src_uri: str) -> str:
    """Site URL (directory URLs, as mkdocs.yml builds) of the page with this Markdown file."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def relative_url(from_url: str, src_uri: str) -> str:
    """Link from the built page at ``from_url`` to the page of ``src_uri``."""
    target = page_url(src_uri)
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    rel = posixpath.relpath(target or ".", base or ".")
    return "./" if rel == "." else rel + "/"


def relative_file(from_url: str, target: str) -> str:
    """Link from the built page at ``from_url`` to a site file (``downloads/x.pdf``)."""
    return posixpath.relpath(target, posixpath.dirname(from_url) or ".")


def markdown_link(from_uri: str, to_uri: str) -> str:
    """Path from one page's Markdown file to another's, as a Markdown link target (MkDocs resolves
    and checks it)."""
    start = posixpath.dirname(from_uri) or "."
    return posixpath.relpath(to_uri, start)


#: White space as HTML counts it in attribute values (not Unicode's wider set).
_HTML_SPACE = " \t\n\f\r"


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a ``srcset`` or ``imagesrcset``, split as the HTML standard's parser splits
    them: a URL runs to the next white space (a comma inside it is part of it, trailing commas end
    the candidate); its descriptors run to the next comma outside parentheses. So the page check
    sees every URL a browser would load, also in ``a.png 1x,https://x/b.png``."""
    urls: list[str] = []
    i, n = 0, len(srcset)
    while True:
        while i < n and (srcset[i] in _HTML_SPACE or srcset[i] == ","):
            i += 1
        if i >= n:
            return urls
        start = i
        while i < n and srcset[i] not in _HTML_SPACE:
            i += 1
        url = srcset[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while i < n:
                char = srcset[i]
                i += 1
                if char == "(":
                    depth += 1
                elif char == ")" and depth:
                    depth -= 1
                elif char == "," and not depth:
                    break
        if url:
            urls.append(url)
