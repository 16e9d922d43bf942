"""Link check over the built site: every internal link, image and anchor of every HTML page and of
the link annotations of every PDF resolves; external links are listed, and fetched on request.

Usage: ``python -m koppelkansen.check.links SITE_DIR [--docs DOCS] [--external]``.

Why our own checker (see README, "Quality gates"): LinkChecker, the maintained Python checker,
drops its privileges to ``nobody`` when started as root (CI runs ``.ci/run`` as root, and pytest's
tmp folders are private to root), reports a missing anchor only as a warning, follows links from one
start page instead of checking every file, and cannot say which Markdown file a page came from.
lychee is not packaged for Debian bookworm or PyPI. MkDocs' own ``validation:`` already fails the
build on a broken Markdown link; this check covers what MkDocs does not see: theme templates,
raw HTML, ``srcset``, CSS ``url()`` references and the PDF bundle.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import posixpath
import re
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from koppelkansen.pages.urls import resolve, srcset_urls
from koppelkansen.problems import SourceFinder, github_annotation

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

_SKIP_SCHEMES = {"mailto", "tel", "blob", "about"}
#: Schemes that run code or carry a document of their own: an error in pages and PDFs.
_DANGEROUS_SCHEMES = {"javascript", "vbscript", "data"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_LINK_ATTRS = {
    "href": {"a", "area", "link"},
    "src": {"img", "script", "iframe", "source", "audio", "video", "track", "embed", "input"},
    "srcset": {"img", "source"},
    "poster": {"video"},
    "data": {"object"},
}
# <link rel=...> values that name a host, not a resource to fetch or a page to visit.
_HINT_RELS = {"preconnect", "dns-prefetch"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'"()]+)\1\s*\)""")


@dataclass(frozen=True)
class Link:
    """One link in one built file. ``where`` is a line number (HTML, CSS) or a PDF page number."""

    page: str  # site-relative path of the file holding the link
    url: str
    where: int
    attr: str  # href, src, srcset, css, pdf
    in_content: bool  # inside the page's Markdown content (article), not the theme


@dataclass
class SiteIndex:
    root: Path
    site_url: str | None
    ids: dict[str, set[str]] = field(default_factory=dict)  # HTML page -> ids and <a name>s
    pdf_dests: dict[str, set[str]] = field(default_factory=dict)  # PDF -> named destinations
    pdf_pages: dict[str, int] = field(default_factory=dict)  # PDF -> number of pages
    links: list[Link] = field(default_factory=list)
    pages: int = 0
    pdfs: int = 0


#: The browser editor's page (koppelkansen/editor/admin.py): its fragments are the routes of a
#: single-page app ("Bewerk deze pagina" links to #/collections/<collection>/entries/<slug>).
EDITOR_PAGE = "admin/index.html"


@dataclass(frozen=True)
class Broken:
    link: Link
    reason: str
    source: str | None  # the Markdown file the page came from, when the link is in its content

    def format(self, site_label: str) -> str:
        where = f"pagina {self.link.where}" if self.link.attr == "pdf" else str(self.link.where)
        text = (
            f"{site_label}/{self.link.page}:{where}: fout: kapotte link '{self.link.url}'"
            f" ({self.link.attr}): {self.reason}"
        )
        if self.source:
            text += f"; bron: {self.source}"
        elif self.link.attr not in ("pdf", "css"):
            text += "; de link komt uit het thema (overrides/ of mkdocs.yml), niet uit een Markdown-bestand"
        return text


class _PageParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.ids: set[str] = set()
        self.links: list[Link] = []
        self.canonical: str | None = None
        self._article_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "article":
            self._article_depth += 1
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and "canonical" in rels:
            self.canonical = values.get("href")
        if tag == "link" and rels & _HINT_RELS:
            return
        line = self.getpos()[0]
        for attr, tags in _LINK_ATTRS.items():
            if tag not in tags or attr not in values:
                continue
            urls = srcset_urls(values[attr]) if attr == "srcset" else [values[attr].strip()]
            for url in urls:
                self.links.append(Link(self.page, url, line, attr, self._article_depth > 0))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "article":
            self._article_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._article_depth:
            self._article_depth -= 1


def scan_site(root: Path) -> SiteIndex:
    """Read every HTML page, CSS file and PDF below ``root``: the ids they offer and links they hold."""
    index = SiteIndex(root=root, site_url=None)
    for path in sorted(root.rglob("*.html")):
        page = path.relative_to(root).as_posix()
        parser = _PageParser(page)
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parser.close()
        index.ids[page] = parser.ids
        index.links.extend(parser.links)
        index.pages += 1
        if page == "index.html" and parser.canonical:
            index.site_url = parser.canonical
    for path in sorted(root.rglob("*.css")):
        page = path.relative_to(root).as_posix()
        for number, text in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        ):
            for match in _CSS_URL.finditer(text):
                index.links.append(Link(page, match.group(2).strip(), number, "css", False))
    for path in sorted(root.rglob("*.pdf")):
        page = path.relative_to(root).as_posix()
        dests, links = read_pdf_links(path, page)
        index.pdf_dests[page] = dests
        index.pdf_pages[page] = _pdf_page_count(path)
        index.links.extend(links)
        index.pdfs += 1
    return index


def _pdf_page_count(path: Path) -> int:
    from pypdf import PdfReader

    try:
        return len(PdfReader(path).pages)
    except Exception:  # a broken PDF: every #page= link to it is reported
        return 0


def read_pdf_links(path: Path, page: str) -> tuple[set[str], list[Link]]:
    """The named destinations of a PDF and its link annotations (URI, GoTo and GoToR actions)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject

    reader = PdfReader(path)
    dests = set(reader.named_destinations)
    links: list[Link] = []
    for number, pdf_page in enumerate(reader.pages, 1):
        for ref in pdf_page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            if action is not None and action.get("/S") == "/URI":
                links.append(Link(page, str(action.get("/URI")), number, "pdf", False))
                continue
            if action is not None and action.get("/S") == "/GoToR":
                target = str(action.get("/F", ""))
                dest = action.get("/D")
                url = target + (f"#{dest}" if isinstance(dest, str) else "")
                links.append(Link(page, url, number, "pdf", False))
                continue
            dest = (
                action.get("/D")
                if action is not None and action.get("/S") == "/GoTo"
                else annot.get("/Dest")
            )
            if dest is None:
                continue
            dest = dest.get_object() if hasattr(dest, "get_object") else dest
            if isinstance(dest, ArrayObject):
                continue  # an explicit page destination inside the file is always there
            links.append(Link(page, "#" + str(dest), number, "pdf", False))
    return dests, links


def _source_for(page: str, docs: Path | None) -> str | None:
    """The Markdown file MkDocs built ``page`` from (``use_directory_urls``), when it exists."""
    if docs is None or not page.endswith(".html"):
        return None
    stem = page[: -len(".html")]
    candidates = []
    if stem == "index":
        candidates = ["index.md", "README.md"]
    elif stem.endswith("/index"):
        folder = stem[: -len("/index")]
        candidates = [f"{folder}.md", f"{folder}/index.md", f"{folder}/README.md"]
    else:
        candidates = [f"{stem}.md"]
    for candidate in candidates:
        if (docs / candidate).is_file():
            return (docs / candidate).as_posix()
    return None


def classify(link: Link, site_url: str | None) -> tuple[str, str]:
    """``('skip'|'danger'|'external'|'internal', url)``; links to the site's own address become
    internal; ``javascript:``, ``vbscript:`` and ``data:`` links are dangerous (``data:`` images
    in the theme's own CSS and HTML excepted)."""
    url = link.url
    if not url or url == "#":
        return "skip", url
    match = re.match(r"([a-z][a-z0-9+.\-]*):", _INVISIBLE.sub("", url).lower())
    scheme = match.group(1) if match else ""
    if scheme in _DANGEROUS_SCHEMES and (scheme != "data" or link.in_content or link.attr == "pdf"):
        return "danger", url
    if scheme in _SKIP_SCHEMES or scheme in _DANGEROUS_SCHEMES:
        return "skip", url
    if site_url and url.startswith(site_url):
        return "internal", "/" + url[len(site_url) :]
    if scheme or url.startswith("//"):
        return "external", url
    return "internal", url


def check_internal(index: SiteIndex, docs: Path | None = None) -> tuple[list[Broken], int]:
    """Every internal link's file exists below the site root and its fragment is an id there."""
    broken: list[Broken] = []
    checked = 0
    site_path = urlsplit(index.site_url).path if index.site_url else "/"
    for link in index.links:
        kind, url = classify(link, index.site_url)
        if kind == "danger":
            checked += 1
            source = _source_for(link.page, docs) if link.in_content else None
            scheme = _INVISIBLE.sub("", url).split(":", 1)[0].lower()
            broken.append(Broken(link, f"een {scheme}:-link is niet toegestaan", source))
            continue
        if kind != "internal":
            continue
        checked += 1
        reason = _resolve(index, link.page, url, site_path, from_site_url=url != link.url)
        if reason:
            source = _source_for(link.page, docs) if link.in_content else None
            broken.append(Broken(link, reason, source))
    return broken, checked


def _resolve(
    index: SiteIndex, page: str, url: str, site_path: str, from_site_url: bool
) -> str | None:
    if from_site_url:
        base, relative = "", url.lstrip("/")
    elif url.startswith("/"):
        # Root-relative: only right when it starts with the site's own path on the host.
        if not url.startswith(site_path):
            return (
                f"begint met '/' maar de site staat onder '{site_path}'; gebruik een relatieve link"
            )
        base, relative = "", url[len(site_path) :]
    else:
        base, relative = page, url
    resolved, fragment = resolve(base, relative)
    if resolved is None:
        return "wijst buiten de site"
    target = unquote(resolved).rstrip("/")
    ends_with_slash = resolved.endswith("/")
    if target in ("", "."):
        target = "index.html"
    path = index.root / target
    if path.is_dir() or ends_with_slash:
        target = posixpath.join(target, "index.html") if target != "index.html" else target
        path = index.root / target
    if not path.is_file():
        return f"bestand bestaat niet: {target}"
    fragment = unquote(fragment)
    if not fragment:
        return None
    if target == EDITOR_PAGE and fragment.startswith("/"):
        return None  # a route of the editor (#/collections/...), not an anchor
    if target.endswith(".html") and fragment not in index.ids.get(target, set()):
        return f"anker '#{fragment}' bestaat niet in {target}"
    if target.endswith(".pdf") and fragment.startswith("page="):
        number = fragment[len("page=") :].split("&", 1)[0]
        count = index.pdf_pages.get(target, 0)
        if not number.isdigit() or not 1 <= int(number) <= count:
            return f"pagina {number} bestaat niet in {target} ({count} pagina's)"
        return None
    if target.endswith(".pdf") and fragment.startswith("nameddest="):
        fragment = fragment[len("nameddest=") :].split("&", 1)[0]
    if target.endswith(".pdf") and fragment not in index.pdf_dests.get(target, set()):
        return f"bestemming '#{fragment}' bestaat niet in {target}"
    return None


def external_links(index: SiteIndex) -> dict[str, list[Link]]:
    """Every external URL (without fragment), with the places that link to it."""
    found: dict[str, list[Link]] = defaultdict(list)
    for link in index.links:
        kind, url = classify(link, index.site_url)
        if kind == "external":
            found[url.split("#", 1)[0]].append(link)
    return dict(sorted(found.items()))


# --- external links --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExternalResult:
    url: str
    ok: bool
    status: int | None
    detail: str
    cached: bool = False


class ExternalChecker:
    """Fetches external URLs: HEAD (GET when HEAD is refused), with a timeout, retries with backoff
    on connection errors, 429 and 5xx, at most one request per ``min_interval`` seconds to a host,
    and a JSON cache so a good answer is reused for ``cache_days`` days."""

    def __init__(
        self,
        cache_file: Path | None = None,
        timeout: float = 10.0,
        retries: int = 2,
        min_interval: float = 1.0,
        cache_days: float = 7.0,
        workers: int = 8,
        backoff: float = 1.0,
    ) -> None:
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        self.cache_file = cache_file
        self.timeout = timeout
        self.min_interval = min_interval
        self.cache_days = cache_days
        self.workers = workers
        self.cache: dict[str, dict] = {}
        if cache_file and cache_file.is_file():
            self.cache = json.loads(cache_file.read_text(encoding="utf-8"))
        self.session = requests.Session()
        self.session.headers["User-Agent"] = (
            "koppelkansen-linkcheck/1 (+https://koppelkansen.github.io/plannen/)"
        )
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=("HEAD", "GET"),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests_made = 0

    def _wait_for(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            ready = self._last.get(host, 0.0) + self.min_interval
            self._last[host] = max(now, ready)
        if ready > now:
            time.sleep(ready - now)

    def _fetch(self, url: str) -> ExternalResult:
        import requests

        host = urlsplit(url).netloc.lower()
        try:
            self._wait_for(host)
            self.requests_made += 1
            response = self.session.head(url, timeout=self.timeout, allow_redirects=True)
            if response.status_code in (403, 405, 501):
                self._wait_for(host)
                self.requests_made += 1
                response = self.session.get(
                    url, timeout=self.timeout, allow_redirects=True, stream=True
                )
                response.close()
        except requests.RequestException as error:
            return ExternalResult(url, False, None, f"niet bereikbaar: {type(error).__name__}")
        ok = response.status_code < 400
        return ExternalResult(url, ok, response.status_code, f"HTTP {response.status_code}")

    def check(self, urls: list[str]) -> list[ExternalResult]:
        now = time.time()
        results: dict[str, ExternalResult] = {}
        todo: dict[str, list[str]] = defaultdict(list)
        for url in urls:
            hit = self.cache.get(url)
            if hit and hit["ok"] and now - hit["checked"] < self.cache_days * 86400:
                results[url] = ExternalResult(url, True, hit["status"], hit["detail"], cached=True)
            else:
                todo[urlsplit(url).netloc.lower()].append(url)

        def run_host(host_urls: list[str]) -> list[ExternalResult]:
            return [self._fetch(url) for url in host_urls]

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for batch in pool.map(run_host, todo.values()):
                for result in batch:
                    results[result.url] = result
                    self.cache[result.url] = {
                        "ok": result.ok,
                        "status": result.status,
                        "detail": result.detail,
                        "checked": now,
                    }
        if self.cache_file:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self.cache_file.write_text(
                json.dumps(self.cache, indent=1, sort_keys=True), encoding="utf-8"
            )
        return [results[url] for url in urls]


# --- command line ----------------------------------------------------------------------------------


def run(
    site: Path,
    docs: Path | None = None,
    external: bool = False,
    cache_file: Path | None = None,
    out=None,
    err=None,
    annotations: str = "",
) -> int:
    """The link check of ``site``; ``annotations="github"`` also prints each broken link as a
    GitHub annotation on stdout (on the Markdown file's line when the link comes from one)."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not (site / "index.html").is_file():
        print(
            f"{site}: fout: geen gebouwde site (index.html ontbreekt); bouw eerst met make site",
            file=err,
        )
        return 2
    index = scan_site(site)
    broken, checked = check_internal(index, docs)
    label = site.as_posix().rstrip("/")
    for problem in broken:
        print(problem.format(label), file=err)
        if annotations == "github":
            print(annotation(problem, label), file=out)
    externals = external_links(index)
    failed_external = 0
    if external:
        checker = ExternalChecker(cache_file=cache_file)
        for result in checker.check(list(externals)):
            first = externals[result.url][0]
            if not result.ok:
                failed_external += 1
                print(
                    f"{label}/{first.page}:{first.where}: fout: externe link '{result.url}': "
                    f"{result.detail}",
                    file=err,
                )
    else:
        for url, places in externals.items():
            print(
                f"extern (niet opgehaald): {url}  ← {places[0].page}"
                + (f" en {len(places) - 1} meer" if len(places) > 1 else ""),
                file=err if annotations else out,  # stdout holds only the annotations
            )
    summary = (
        f"Links gecontroleerd: {index.pages} HTML-pagina's, {index.pdfs} PDF's, "
        f"{checked} interne links, {len(externals)} externe adressen"
        + (" (opgehaald)" if external else " (niet opgehaald; make linkcheck-external haalt ze op)")
        + f"; {len(broken) + failed_external} kapot."
    )
    print(summary, file=err if broken or failed_external or annotations else out)
    return 1 if broken or failed_external else 0


def annotation(problem: Broken, site_label: str) -> str:
    """A broken link as a GitHub annotation: at its line in the Markdown file it came from, else
    at the built page; the text is the local message."""
    message = problem.format(site_label)
    if problem.source:
        try:
            text = Path(problem.source).read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        url = problem.link.url.split("#")[0].rstrip("/")
        # As written in Markdown: the URL, the page's file (``x/`` from ``x.md``), its name.
        line = SourceFinder(text).line(problem.link.url, url + ".md", posixpath.basename(url))
        path = os.path.relpath(problem.source)
        return github_annotation(path, line, 1, "Linkcontrole", message)
    page = f"{site_label}/{problem.link.page}"
    return github_annotation(page, problem.link.where, 1, "Linkcontrole", message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m koppelkansen.check.links",
        description="Controleer de links van de gebouwde site.",
    )
    parser.add_argument("site", type=Path, help="de gebouwde site (meestal site)")
    parser.add_argument(
        "--docs",
        type=Path,
        default=None,
        help="de bronmap, om kapotte links naar hun Markdown-bestand te herleiden",
    )
    parser.add_argument("--external", action="store_true", help="haal ook de externe links op")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(".cache/linkcheck-external.json"),
        help="cache voor externe links (standaard .cache/linkcheck-external.json)",
    )
    parser.add_argument(
        "--annotations",
        choices=["github"],
        default="",
        help="'github': elke kapotte link ook als annotatie voor GitHub Actions (op stdout)",
    )
    args = parser.parse_args(argv)
    return run(args.site, args.docs, args.external, args.cache, annotations=args.annotations)


if __name__ == "__main__":
    sys.exit(main())
