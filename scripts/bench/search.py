"""The site search (issue 32): the time to index 200 and 1,000 pages, and what a reader downloads
before the first result, Pagefind's against Material's lunr index and worker.

    python -m scripts.bench.search [--quick] [--pages 200,1000] [--runs 3] [--work DIR]

Builds the benchmark corpus (``scripts/bench/corpus.py``, without PDFs) once per size, then in a
process of its own per run: the index of the built site from cold (:func:`koppelkansen.search.
index.build_index`, every page prepared), and again after one page changed, as a rebuild of
``make serve`` does it (the other pages' records from the process' cache). Each is timed alone,
wall and CPU seconds, with the 1-minute load average before the run.

What a reader downloads before the first result, counted in real Chromium on the built site
(served on 127.0.0.1): every response from opening the search until the first result is shown,
by body size as received (no HTTP compression by the test server) and gzipped (as GitHub Pages
serves text). Material's side is counted from the files its search loads, in the same corpus
built as plain MkDocs + Material with its ``search`` plugin (``corpus.py --plain``; without our
overview pages): ``search/search_index.json``, the worker and the lunr files it imports for Dutch. Also run by ``make bench`` as the section ``search``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.corpus import ROOT, make_corpus
from scripts.bench.report import Row, table
from scripts.bench.versions import Timing, _figures, timed

#: A word of the corpus' text (scripts/bench/corpus.py) that the first search asks for.
QUERY = "water"


def build_site(root: Path, config: Path, site: Path, *, plain: bool = False) -> None:
    """``koppelkansen build`` of a corpus, or ``mkdocs build`` of a plain one."""
    command = ["koppelkansen", "build"] if not plain else ["mkdocs", "build", "-q"]
    done = timed(
        [sys.executable, "-m", *command, "--config-file", str(config), "--site-dir", str(site)],
        root,
    )
    if not done.ok:
        raise SystemExit(f"build of {config} failed:\n{done.output[-3000:]}")


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (the Pagefind binary)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def index_times(site: Path) -> dict[str, float]:
    """In this process: the cold index, then one page changed and the index again."""
    from koppelkansen.search.index import build_index, page_files

    wall, cpu = time.perf_counter(), _cpu()
    cold = build_index(site, None)
    figures = {"cold": time.perf_counter() - wall, "cold_cpu": _cpu() - cpu}
    page = page_files(site)[len(page_files(site)) // 2]
    page.write_text(
        page.read_text(encoding="utf-8").replace("</article>", "<p>Kribbenwerk.</p></article>", 1),
        encoding="utf-8",
    )
    wall, cpu = time.perf_counter(), _cpu()
    again = build_index(site, None)
    figures |= {"edited": time.perf_counter() - wall, "edited_cpu": _cpu() - cpu}
    figures |= {"pages": cold.pages, "reused": again.reused}
    return figures


def pagefind_download(site: Path) -> tuple[int, int, int]:
    """Bytes (as received, gzipped) and requests from opening the search to the first result."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import CHROMIUM, CHROMIUM_ARGS, serve
    from playwright.sync_api import sync_playwright

    bodies: list[bytes] = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base, wait_until="networkidle")
        page.on("response", lambda response: bodies.append(response.body()))
        page.click(".kk-search__open")
        page.fill("#kk-search-query", QUERY)
        page.wait_for_selector(".kk-search__result", timeout=60_000)
        page.wait_for_load_state("networkidle")
        browser.close()
    return sum(map(len, bodies)), sum(len(gzip.compress(b)) for b in bodies), len(bodies)


def lunr_download(site: Path) -> tuple[int, int, int]:
    """The same for Material's search: its index, its worker and the lunr files it imports."""
    files = [site / "search" / "search_index.json"]
    files += sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    lunr = site / "assets" / "javascripts" / "lunr" / "min"
    files += [lunr / "lunr.stemmer.support.min.js", lunr / "lunr.nl.min.js"]
    data = [path.read_bytes() for path in files]
    return sum(map(len, data)), sum(len(gzip.compress(d)) for d in data), len(data)


def _kb(figures: tuple[int, int, int]) -> str:
    raw, zipped, count = figures
    return f"{raw / 1024:.0f} KB ({zipped / 1024:.0f} KB gzipped) in {count} files"


def measure(work: Path, sizes: list[int], runs: int, log=print) -> list[Row]:
    rows: list[Row] = []
    for pages in sizes:
        root = work / f"zoeken-{pages}"
        corpus = make_corpus(root, pages, plugin_options={"pdf": False})
        site = root / "site"
        build_site(root, corpus.config_file, site)
        log(f"search: corpus of {pages} pages built in {site}")
        cold: list[Timing] = []
        edited: list[Timing] = []
        for r in range(runs):
            done = timed(
                [sys.executable, "-m", "scripts.bench.search", "--index-only", str(site)], ROOT
            )
            if done.ok:
                figures = json.loads(done.output.strip().splitlines()[-1])
                ok = figures["reused"] == figures["pages"] - 1
                cold.append(Timing(figures["cold"], figures["cold_cpu"], done.load, True))
                edited.append(Timing(figures["edited"], figures["edited_cpu"], done.load, ok))
                log(
                    f"  index (run {r + 1}): {figures['cold']:.2f} s cold, {figures['edited']:.2f} s after one edit"
                )
            else:
                log(f"  index (run {r + 1}) failed:\n{done.output[-2000:]}")
                cold.append(done)
                edited.append(done)
        for what, timings in (("cold", cold), ("one page edited (make serve)", edited)):
            spread = _figures(timings)
            rows.append(
                Row(
                    "9 search",
                    f"Pagefind index of the built site, {what}",
                    pages,
                    seconds=spread[0],
                    cpu=spread[1],
                    comparison=f"load before runs: {spread[2]}",
                    loads=tuple(t.load for t in timings),
                )
            )
        ours = pagefind_download(site)
        plain = make_corpus(work / f"zoeken-{pages}-material", pages, plain=True)
        build_site(plain.root, plain.config_file, plain.root / "site", plain=True)
        theirs = lunr_download(plain.root / "site")
        rows.append(
            Row(
                "9 search",
                f"downloaded before the first result for '{QUERY}': Pagefind",
                pages,
                comparison=f"{_kb(ours)}; Material's lunr index + worker: {_kb(theirs)}",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 and 100 pages, 1 run")
    parser.add_argument("--pages", help="page counts, comma-separated (default 200,1000)")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "work" / "search")
    parser.add_argument("--index-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.index_only:
        print(json.dumps(index_times(args.index_only.resolve())))
        return 0
    sizes = [
        int(n) for n in re.split(r"[,\s]+", args.pages or ("20,100" if args.quick else "200,1000"))
    ]
    rows = measure(args.work.resolve(), sizes, args.runs or (1 if args.quick else 3))
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
