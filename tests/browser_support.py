"""Shared pieces of the browser quality gates: a local HTTP server for a built site, the system
Chromium driven by Playwright, axe-core injected from node_modules, and request accounting."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from scripts.chromium import QUIET_FLAGS

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Debian's chromium-headless-shell here: the same Blink and V8 as Debian's chromium, without the
# full browser's headless mode (Playwright's own default for headless runs too); the tests took
# about a third fewer Chromium CPU seconds with it (docs-dev/quality-gates.md). On GitHub's Ubuntu
# runners the preinstalled Google Chrome (Ubuntu's chromium package is only a snap wrapper).
CHROMIUM = (
    os.environ.get("KOPPELKANSEN_CHROMIUM")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or shutil.which("google-chrome")
    or "/usr/bin/chromium"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    *QUIET_FLAGS,
    "--disable-dev-shm-usage",
    # Every host but the local test server fails to resolve: nothing leaves the machine, and the
    # browser's HTTP cache still works (Playwright's request routing would switch it off and send
    # every stylesheet and font of every page through Python again).
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobiel": {"width": 375, "height": 812}}
SCHEMES = {
    "licht": ("light", "default"),
    "donker": ("dark", "slate"),
}  # name -> (media, Material scheme)


def browser_environment(home: Path) -> dict[str, str]:
    """The environment for Chromium: its home, settings and cache (crash-report settings, dconf)
    in ``home``, a folder of the test session, not in the user's home."""
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }


def missing_tools() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).is_file():
        return (
            f"Chromium ontbreekt ({CHROMIUM}): installeer het Debian-pakket 'chromium' "
            "(make venv doet dat via scripts/system-packages.txt)"
        )
    if not AXE_JS.is_file():
        return f"axe-core ontbreekt ({AXE_JS}): draai 'make node' (npm ci)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright (PyPI) ontbreekt: draai 'make venv'"
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    prefix = "/"
    # As GitHub Pages serves it: the editor reads admin/config.yml only as YAML.
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".yml": "text/yaml",
    }

    def log_message(self, format, *args):
        pass

    def translate_path(self, path: str) -> str:
        # The site lives under its site_url path (as on GitHub Pages); 404.html uses absolute URLs.
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(self.prefix) :])


def site_path(site: Path) -> str:
    """The path of site_url (``/plannen/``), from the canonical link of the built home page."""
    canonical = scan_site_canonical(site)
    return urlsplit(canonical).path if canonical else "/"


def scan_site_canonical(site: Path) -> str | None:
    import re

    match = re.search(
        r'<link rel="canonical" href="([^"]+)"', (site / "index.html").read_text(encoding="utf-8")
    )
    return match.group(1) if match else None


@contextmanager
def serve(site: Path):
    """Serve ``site`` on 127.0.0.1 on a free port under its site_url path; yields the base URL."""
    prefix = site_path(site)
    handler = functools.partial(
        type("Handler", (_QuietHandler,), {"prefix": prefix}), directory=str(site)
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def page_urls(site: Path) -> list[str]:
    """Site-relative URLs of every HTML page (directory URLs for index.html), sorted. The editor
    (admin/) is not a page of the site: tests/test_editor.py audits it (axe, other hosts)."""
    urls = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if relative.startswith("admin/"):
            continue
        urls.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    return urls


@dataclass
class Visit:
    url: str
    scheme: str
    color_scheme: str  # Material's data-md-color-scheme after load
    violations: list[dict] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    positive_tabindex: int = 0


def _visit_from(url: str, scheme: str, result: dict) -> Visit:
    return Visit(
        url,
        scheme,
        result["scheme"],
        violations=result["violations"],
        positive_tabindex=result["positiveTabindex"],
    )


# One visit's work inside the page: wait for the palette (at most 5 s; the tests then see the wrong
# scheme and fail) and the fonts, run axe-core, count positive tabindex values.
VISIT_JS = """async ([tags, material]) => {
  const deadline = Date.now() + 5000;
  while (document.body.getAttribute('data-md-color-scheme') !== material && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  await document.fonts.ready;
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return {
    scheme: document.body.getAttribute('data-md-color-scheme'),
    positiveTabindex: [...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length,
    violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary || ''}))})),
  };
}"""


# Material's own palette switch, as its toggle does it: the dark palette's radio input changes.
# Material keeps the choice in localStorage, which an audit context clears on every page load.
SWITCH_JS = """scheme => { const input = document.querySelector(`input.md-option[data-md-color-scheme="${scheme}"]`);
  input.checked = true; input.dispatchEvent(new Event('change', {bubbles: true})); }"""


def switch_palette(page, scheme: str) -> None:
    """Switch the loaded page to ``scheme`` as a reader does: the browser's colour scheme follows
    and Material's own palette toggle changes (no new page load)."""
    media, material = SCHEMES[scheme]
    page.emulate_media(color_scheme=media)
    page.evaluate(SWITCH_JS, material)


class Auditor:
    """One browser context per palette; every request to another host is counted (and fails: the
    browser resolves no other host, see CHROMIUM_ARGS)."""

    def __init__(self, browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.origin = urlsplit(base).netloc
        self.foreign: list[str] = []

    def context(
        self,
        scheme: str = "licht",
        viewport: str = "desktop",
        axe: bool = False,
        first_visits: bool | None = None,
        **options,
    ):
        """A browser context in ``scheme``; with ``axe``, axe-core is loaded into every page before
        the page's own scripts (once per context from V8's code cache, not parsed per page). With
        ``first_visits`` (the default with ``axe``) every page load is a first visit: the palette
        Material stored after a switch on the page before is forgotten."""
        media, _ = SCHEMES[scheme]
        context = self.browser.new_context(
            color_scheme=media, viewport=VIEWPORTS[viewport], service_workers="block", **options
        )

        def record(request):
            if urlsplit(request.url).netloc != self.origin and not request.url.startswith(
                ("data:", "blob:", "about:")
            ):
                self.foreign.append(request.url)

        context.on("request", record)
        if axe:
            context.add_init_script(path=str(AXE_JS))
        if axe if first_visits is None else first_visits:
            # Every page load is a first visit: no palette stored by Material on an earlier page.
            context.add_init_script(script="try { localStorage.clear(); } catch (e) {}")
        return context

    def visit(self, page, url: str, scheme: str) -> Visit:
        before = len(self.foreign)
        # "load" has every stylesheet, script, image and font the page asks for. One round trip
        # then waits (in the page) until Material has set the palette and the fonts are ready, runs
        # axe and returns only what the tests read. No wait for network idle per page: a request
        # made later is still counted by the context, and settle() waits once before it closes.
        page.goto(self.base + url, wait_until="load")
        _, material = SCHEMES[scheme]
        visit = _visit_from(url, scheme, page.evaluate(VISIT_JS, [WCAG_TAGS, material]))
        visit.foreign = self.foreign[before:]
        return visit

    def visit_in_both_palettes(self, page, url: str) -> list[Visit]:
        """One page load, audited in the light palette (chosen by the browser's light colour
        scheme, as on a first visit), then in the dark one (dark colour scheme and Material's own
        palette switch): the same checks as two loads, without loading every page twice."""
        light = self.visit(page, url, "licht")
        before = len(self.foreign)
        switch_palette(page, "donker")
        _, material = SCHEMES["donker"]
        dark = _visit_from(url, "donker", page.evaluate(VISIT_JS, [WCAG_TAGS, material]))
        # The next page starts as a first visit again (light colour scheme; the context clears the
        # stored palette before each page's scripts run).
        page.emulate_media(color_scheme=SCHEMES["licht"][0])
        dark.foreign = self.foreign[before:]
        return [light, dark]

    def settle(self, page, visits: list[Visit]) -> None:
        """Wait once for the network to go quiet; late requests to other hosts count for the
        last visit, so that the privacy check still sees them."""
        before = len(self.foreign)
        page.wait_for_load_state("networkidle")
        if visits:
            visits[-1].foreign.extend(self.foreign[before:])


def format_violations(visits: list[Visit]) -> str:
    lines = []
    for visit in visits:
        for violation in visit.violations:
            lines.append(
                f"/{visit.url} ({visit.scheme}): {violation['id']} ({violation['impact']}): "
                f"{violation['help']}"
            )
            for node in violation["nodes"][:5]:
                summary = " ".join(node["summary"].split())[:300]
                lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


QUALITY_FIXTURES = ROOT / "tests" / "fixtures" / "quality"
#: The specimen page: every kind of markup the site uses, built into the real site as voorbeeld/.
SPECIMEN_PAGE = "voorbeeld.md"


def make_real_project(target: Path) -> Path:
    """The project's own site with the specimen page added: a copy of docs/ plus
    tests/fixtures/quality/voorbeeld.md, the real mkdocs.yml and overrides/ (linked); returns the
    config path. The PDF cache stays in ``target``.

    docs/ is copied, not linked: the plugin refuses a symlink in docs/ that leads out of it, so the
    page cannot be linked in beside the real pages. Git still dates the pages: ``target/.git`` is a
    git file naming the project's git folder, so the copy is a work tree of the same repository
    (HEAD, history, tags) for the build's ``git log``, ``ls-tree`` and ``cat-file``, which only
    read. Nothing may run a git command there that writes (``add``, ``commit``, ``status``): it
    would act on the project's own index."""
    docs = target / "docs"
    shutil.copytree(ROOT / "docs", docs, symlinks=True)
    page = docs / SPECIMEN_PAGE
    if page.exists():
        raise RuntimeError(f"docs/{SPECIMEN_PAGE} bestaat al; de testpagina zou haar vervangen")
    shutil.copy(QUALITY_FIXTURES / SPECIMEN_PAGE, page)
    (target / "overrides").symlink_to(ROOT / "overrides", target_is_directory=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    git_dir = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if git_dir.returncode == 0:  # not a git checkout: no dates from git, as in the project
        (target / ".git").write_text(f"gitdir: {git_dir.stdout.strip()}\n", encoding="utf-8")
    return target / "mkdocs.yml"


def make_quality_project(target: Path, pages: tuple[str, ...]) -> Path:
    """The fixture corpus plus ``pages`` from tests/fixtures/quality, built with the project's real
    mkdocs.yml (theme, palettes, extensions, CSS, JavaScript); returns the config path."""
    import yaml
    from conftest import make_docs

    files = {name: (QUALITY_FIXTURES / name).read_text(encoding="utf-8") for name in pages}
    docs = make_docs(target, files)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets", dirs_exist_ok=True)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["docs_dir"] = "docs"
    config.pop("nav", None)
    config.pop("exclude_docs", None)
    path = target / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
