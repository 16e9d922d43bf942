"""Benchmark: the combined PDF bundle of a 200-page corpus (issue 4, item 8).

    python -m scripts.bench.pdf_bundle [--pages 200] [--target .bench/pdf]

Writes the synthetic corpus (scripts/bench/corpus.py: ~1,500 words and 3 tables a page), then runs
a real `mkdocs build` of it twice, first with an empty PDF cache (everything typeset) and then
again (cache hit), and prints wall time and peak memory of the whole process tree (mkdocs;
Typst runs inside the mkdocs process). Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from scripts.bench.corpus import ROOT, make_corpus


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_build(config: Path, site: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of the process tree (sampled every 20 ms) and stderr of one build."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1540987200")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        ps = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(ps))
            except psutil.Error:
                break
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{err}")
    return wall, peak, err


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--target", type=Path, default=ROOT / ".bench" / "pdf")
    args = parser.parse_args()
    corpus = make_corpus(
        args.target, args.pages, page_type="pagina", plugin_options={"pdf_bundle_types": ["pagina"]}
    )
    shutil.rmtree(args.target / ".cache", ignore_errors=True)
    print(f"corpus: {len(corpus.pages)} pages (+ home page) in {args.target}")
    for label in ("cold (empty cache)", "warm (cache hit)"):
        wall, peak, err = run_build(corpus.config_file, args.target / "site")
        line = re.search(r"PDF koppelkansen-projectplannen\.pdf (.*)", err)
        pdf = args.target / "site" / "downloads" / "koppelkansen-projectplannen.pdf"
        print(
            f"{label}: build wall {wall:.1f} s, peak RSS of process tree {peak / 2**20:.0f} MB; "
            f"bundle {line.group(1) if line else '?'}; {pdf.stat().st_size / 2**20:.1f} MB"
        )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"largest single process (getrusage RUSAGE_CHILDREN ru_maxrss): {children / 1024:.0f} MB")


if __name__ == "__main__":
    main()
