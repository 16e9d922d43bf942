"""Resolving a link or image path against the page that holds it, in one place.

The PDF converter, the PDF cache key and the link checker all ask the same question: which site
path does ``../a/b/#x`` on page ``casussen/amstelstad/`` point to, and does it leave the site?
"""

from __future__ import annotations


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
