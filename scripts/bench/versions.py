"""Versions at scale (issue 13): a warm build with 10 versions against one with none, and the time to
compute every change view.

    python -m scripts.bench.versions [--quick] [--pages 200] [--versions 10] [--runs 3] [--work DIR]

Builds the benchmark corpus (``scripts/bench/corpus.py``, pages of type ``pagina`` in the PDF
bundle) in a scratch git repository, makes ``--versions`` versions with ``koppelkansen versie``
with edits between them (a word changed, a paragraph added, a status changed), and clones it
without tags (the same pages and history, no versions). After one warm-up build each (that one
typesets every version once), both are built ``--runs`` times in turns, as ``make site`` does
(``python -m koppelkansen build``). Every run reports wall seconds, CPU seconds (user + sys of the
whole process tree, from ``getrusage(RUSAGE_CHILDREN)``) and the 1-minute load average just
before it, so a loaded machine shows in the figures. The change views (every version against the
working version and against the one before) are computed in a process of their own that reports
the compute part alone. Also run by ``make bench`` as the section ``versions``.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.corpus import ROOT, make_corpus
from scripts.bench.report import Row, table, verdict

TARGET_OVERHEAD = 0.10
FIRST_DAY = date(2019, 1, 7)


@dataclass
class Timing:
    wall: float
    cpu: float
    load: float
    ok: bool
    output: str = ""


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    #: Timings per measured thing (``none``, ``versions``, ``views``).
    timings: dict[str, list[Timing]] = field(default_factory=dict)
    #: Number of change views computed per run.
    views: int = 0
    tags: list[str] = field(default_factory=list)


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timing:
    """Run ``cmd``; wall and CPU seconds (its whole process tree) and the load before it."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, load, done.returncode == 0, done.stdout + done.stderr)


def _git(root: Path, *args: str, epoch: int | None = None) -> None:
    env = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    if epoch is not None:
        env |= {"GIT_AUTHOR_DATE": f"@{epoch} +0000", "GIT_COMMITTER_DATE": f"@{epoch} +0000"}
    subprocess.run(["git", *args], cwd=root, env={**os.environ, **env}, check=True)


def _edit(pages: list[Path], number: int) -> None:
    """The edits before version ``number``: a word, a paragraph, a status, each in another page."""
    n = len(pages)
    word = pages[(number * 7) % n]
    text = word.read_text(encoding="utf-8")
    word.write_text(text.replace(" water ", " regenwater ", 1), encoding="utf-8")
    added = pages[(number * 11 + 3) % n]
    with added.open("a", encoding="utf-8") as f:
        f.write(f"\nNieuwe alinea voor versie {number}: het kernteam bespreekt de voortgang.\n")
    status = pages[(number * 13 + 5) % n]
    text = status.read_text(encoding="utf-8")
    status.write_text(text.replace("status: concept", "status: ter-bespreking", 1), "utf-8")


def make_repository(work: Path, pages: int, versions: int) -> tuple[Path, Path, list[str]]:
    """The corpus with ``versions`` versions, and a clone of it without tags."""
    root = work / "met-versies"
    corpus = make_corpus(
        root,
        pages,
        plugin_options={"pdf_bundle_types": ["pagina"], "pdf_cache_dir": ".cache/pdf"},
    )
    (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")
    day = FIRST_DAY
    epoch = calendar.timegm(day.timetuple())  # midnight UTC
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Corpus", epoch=epoch)
    tags = []
    for number in range(1, versions + 1):
        if number > 1:
            _edit(corpus.pages, number)
            _git(root, "add", "-A")
            _git(root, "commit", "-q", "-m", f"Wijzigingen voor versie {number}", epoch=epoch)
        env = {"GIT_COMMITTER_DATE": f"@{epoch} +0000"}
        made = timed(
            [
                sys.executable,
                "-m",
                "koppelkansen",
                "versie",
                "--naam",
                f"benchmarkversie {number}",
                "--datum",
                day.isoformat(),
                "--docs",
                "docs",
            ],
            root,
            env,
        )
        if not made.ok:
            raise SystemExit(f"[bench] koppelkansen versie failed:\n{made.output}")
        tags.append(f"versie/{day.isoformat()}")
        day += timedelta(days=7)
        epoch += 7 * 86400
    _edit(corpus.pages, versions + 1)  # the working version differs from the last version
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Werkversie", epoch=epoch)
    bare = work / "zonder-versies"
    shutil.rmtree(bare, ignore_errors=True)
    _git(work, "clone", "-q", "--no-tags", str(root), str(bare))
    return root, bare, tags


def build_command() -> list[str]:
    """What ``make site`` runs (without the separate front-matter script)."""
    return [sys.executable, "-m", "koppelkansen", "build", "--config-file", "mkdocs.yml"]


def views_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "scripts.bench.versions", "--views-only", str(root)]


def compute_views(root: Path) -> dict[str, float]:
    """Read the versions and their pages and compute every change view; seconds of that alone."""
    from koppelkansen.check.frontmatter import check_docs, defaults_filter
    from koppelkansen.versions.changepages import build_pages
    from koppelkansen.versions.tags import docs_prefix, read_tree, read_versions

    corpus, _, _ = check_docs(root / "docs")
    assert corpus is not None
    working = corpus.pages
    statuses = {k: t.label for k, t in corpus.vocabulary.statuses.items()}
    wall, cpu = time.perf_counter(), time.process_time()
    listing = read_versions(root)
    prefix = docs_prefix(root, root / "docs")
    applies = defaults_filter(corpus.schema)
    trees = {v.commit: read_tree(root, v.commit, prefix, applies) for v in listing.versions}
    pages, changed = build_pages(listing.versions, trees, working, ["pagina"], statuses)
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "views": len(pages),
        "changed_pages": sum(len(c) for c in changed.values()),
    }


def _figures(timings: list[Timing]) -> tuple[str, str, str, float | None]:
    ok = [t for t in timings if t.ok]
    if not ok:
        return f"0/{len(timings)} ok", "", "", None

    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    loads = ", ".join(f"{t.load:.2f}" for t in timings)
    median = statistics.median(t.wall for t in ok)
    return spread([t.wall for t in ok]), spread([t.cpu for t in ok]), loads, median


def measure(
    work: Path, pages: int, versions: int, runs: int, log=print, *, warm_up: bool = True
) -> Outcome:
    """The whole benchmark; ``work`` is a scratch folder (emptied first).

    ``warm_up=False`` leaves out the warm-up builds, so the first measured build of each
    repository is a cold one (it typesets the bundle and every version). Only for a run whose
    figures mean nothing: the harness's own test, which would otherwise pay for two more builds.
    """
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log(f"versions: corpus of {pages} pages with {versions} versions in {work}")
    with_versions, without, tags = make_repository(work, pages, versions)
    outcome = Outcome(tags=tags)
    repos = {"none": without, "versions": with_versions}
    for key, root in repos.items():
        if not warm_up:
            break
        warm = timed(build_command(), root)  # typesets the bundle and every version once
        log(f"  warm-up build ({key}): {warm.wall:.2f} s wall, {warm.cpu:.2f} s CPU")
        if not warm.ok:
            raise SystemExit(f"[bench] warm-up build failed ({key}):\n{warm.output[-3000:]}")
    outcome.timings = {"none": [], "versions": [], "views": []}
    for r in range(runs):
        order = ["none", "versions"] if r % 2 == 0 else ["versions", "none"]
        for key in order:
            t = timed(build_command(), repos[key])
            outcome.timings[key].append(t)
            log(
                f"  warm build, {key} (round {r + 1}): {t.wall:.2f} s wall, {t.cpu:.2f} s CPU, "
                f"load {t.load:.2f} before"
            )
        t = timed(views_command(with_versions), ROOT)
        if t.ok:
            figures = json.loads(t.output.strip().splitlines()[-1])
            outcome.views = int(figures["views"])
            # The compute part alone; the load is that before the process started.
            outcome.timings["views"].append(Timing(figures["wall"], figures["cpu"], t.load, True))
            log(
                f"  change views: {outcome.views} in {figures['wall']:.2f} s wall, "
                f"{figures['cpu']:.2f} s CPU"
            )
        else:
            outcome.timings["views"].append(t)
    none = _figures(outcome.timings["none"])
    with_v = _figures(outcome.timings["versions"])
    views = _figures(outcome.timings["views"])
    rows = [
        Row(
            "6 versions",
            "warm build, no versions",
            pages,
            seconds=none[0],
            comparison=f"CPU s {none[1]}; load before runs: {none[2]}",
            loads=tuple(t.load for t in outcome.timings["none"]),
        ),
        Row(
            "6 versions",
            f"warm build, {versions} versions",
            pages,
            seconds=with_v[0],
            comparison=f"CPU s {with_v[1]}; load before runs: {with_v[2]}",
            loads=tuple(t.load for t in outcome.timings["versions"]),
        ),
    ]
    if none[3] and with_v[3]:
        overhead = with_v[3] / none[3] - 1
        rows[1].comparison = f"{overhead:+.1%} vs no versions (wall); " + rows[1].comparison
        rows[1].target = f"≤ {TARGET_OVERHEAD:.0%} slower"
        rows[1].met = verdict(overhead <= TARGET_OVERHEAD)
    rows.append(
        Row(
            "6 versions",
            f"compute all {outcome.views} change views",
            pages,
            seconds=views[0],
            comparison=f"CPU s {views[1]}; load before runs: {views[2]}",
            loads=tuple(t.load for t in outcome.timings["views"]),
            target="seconds",
            met=verdict(views[3] is not None and views[3] < 10),
        )
    )
    outcome.rows = rows
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 pages, 3 versions, 1 run")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--versions", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "work" / "versions")
    parser.add_argument("--views-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.views_only:
        print(json.dumps(compute_views(args.views_only.resolve())))
        return 0
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    outcome = measure(
        args.work.resolve(),
        args.pages or (20 if args.quick else 200),
        args.versions or (3 if args.quick else 10),
        args.runs or (1 if args.quick else 3),
    )
    print()
    print(table(outcome.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
