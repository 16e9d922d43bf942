"""``make bench``: our generator against the tools a team would otherwise pick, side by side in one run.

    python -m scripts.bench.run [--quick] [--sections check,site,pdf,incremental] [--runs N]
                                [--tools ours,pdf-export,to-pdf,print-site] [--timeout S]

Prints one table and writes it to ``bench/results.md`` with the machine, the tool versions and the
date. Sections:

check        the front-matter check on 1,000 and 10,000 pages, in-process and as the script
site         ``mkdocs build`` of 200 and 1,000 pages: ours (no PDFs) against plain MkDocs + Material
pdf          the combined PDF of 200 pages: ours against mkdocs-pdf-export-plugin (combined),
             mkdocs-to-pdf and Chromium printing mkdocs-print-site-plugin's page
incremental  a second build with nothing changed, and with one page changed
versions     a warm build with 10 versions against none, and computing all change views

Every figure is the median of ``--runs`` runs (default 3) with min and max; within each round the
tools take turns in a rotating order, so a drift of the machine hits all of them. Corpora, peer
venvs and logs live in ``.bench/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psutil

from scripts.bench import measure, pdfcheck, peers
from scripts.bench.corpus import ROOT, Corpus, make_corpus
from scripts.bench.report import MB, Row, Series, table, verdict

SECTIONS = ["check", "site", "pdf", "incremental", "versions"]
PDF_TOOLS = ["ours", "ours-nopdf", "pdf-export", "to-pdf", "print-site"]
OURS_CACHE = ".cache/pdf"
PDF_TARGET_SECONDS = 15.0
PDF_TARGET_MB = 1536.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PDF_NAME = re.compile(r"[\w./-]+\.pdf")


@dataclass
class Settings:
    runs: int
    check_pages: list[int]
    site_pages: list[int]
    pdf_pages: int
    timeout: float
    tools: list[str]
    work: Path


@dataclass
class Result:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    versions: dict[str, dict[str, str]] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def our_pdf_options_exist() -> bool:
    """Whether this branch's plugin has the PDF bundle options (issue 4)."""
    from koppelkansen.config import KoppelkansenConfig

    names = {name for name, _ in KoppelkansenConfig._schema}
    return {"pdf", "pdf_bundle_types", "pdf_cache_dir"} <= names


def rotate(items: list[Any], round_no: int) -> list[Any]:
    shift = round_no % len(items) if items else 0
    return items[shift:] + items[:shift]


def log_measurement(m: measure.Measurement, what: str, logfile: Path) -> None:
    status = "timeout" if m.timed_out else f"exit {m.returncode}"
    log(
        f"  {what}: {m.seconds:.2f} s, {m.peak_bytes / MB:.0f} MB PSS ({status}); log {logfile.relative_to(ROOT)}"
    )


def run_logged(cmd: list[str], what: str, settings: Settings, logname: str) -> measure.Measurement:
    logdir = settings.work / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    logfile = logdir / f"{logname}.log"
    m = measure.run(cmd, timeout=settings.timeout, log=logfile)
    m.output = _ANSI.sub("", m.output)
    log_measurement(m, what, logfile)
    return m


# --- 1. front-matter check -------------------------------------------------------------------


def section_check(settings: Settings, result: Result) -> None:
    from koppelkansen.validate import check_docs

    per_thousand: dict[int, float] = {}
    for n in settings.check_pages:
        log(f"check: corpus of {n} pages")
        corpus = make_corpus(settings.work / f"check-{n}", n)
        docs = corpus.root / "docs"
        inproc = Series(timeout=settings.timeout)
        subprocess_series = Series(timeout=settings.timeout)
        for r in range(settings.runs):
            gc.collect()
            start = time.perf_counter()
            _, problems, checked = check_docs(docs)
            seconds = time.perf_counter() - start
            if problems:
                raise SystemExit(
                    f"[bench] the synthetic corpus has problems: {problems[0].format()}"
                )
            inproc.runs.append(measure.Measurement(seconds, 0, 0, 0, False, ""))
            log(f"  check_docs: {checked} pages in {seconds:.2f} s")
            script = run_logged(
                [sys.executable, str(ROOT / "scripts" / "check_frontmatter.py"), str(docs)],
                "check_frontmatter.py",
                settings,
                f"check-{n}-script-{r}",
            )
            subprocess_series.runs.append(script)
        for label, series, peak in (
            ("check_docs() in-process", inproc, "–"),
            ("scripts/check_frontmatter.py (process)", subprocess_series, ""),
        ):
            median = series.median()
            row = Row("1 check", label, n, series, peak=peak, peak_rss=peak)
            if median is not None:
                per_k = median / (n / 1000)
                row.comparison = f"{n / median:,.0f} pages/s; {per_k:.2f} s per 1,000 pages"
                row.target = "≤ 1 s per 1,000 pages"
                row.met = verdict(per_k <= 1.0)
                if label.startswith("check_docs"):
                    per_thousand[n] = median
            result.rows.append(row)
    sizes = sorted(per_thousand)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        factor = large / small
        ratio = per_thousand[large] / per_thousand[small]
        result.rows.append(
            Row(
                "1 check",
                f"growth {large:,}/{small:,} pages (in-process)",
                f"×{factor:.0f}",
                comparison=f"time ×{ratio:.2f}",
                target=f"linear: ≤ ×{factor * 1.1:.1f}",
                met=verdict(ratio <= factor * 1.1),
            )
        )


# --- 2. site build ---------------------------------------------------------------------------


def section_site(settings: Settings, result: Result, pdf_options: bool) -> None:
    tools = peers.tools()
    ours_options = {"pdf": False} if pdf_options else None
    corpora: dict[tuple[str, int], Corpus] = {}
    for n in settings.site_pages:
        corpora[("ours", n)] = tools["ours"].prepare(
            settings.work / f"site-ours-{n}", n, our_options=ours_options
        )
        corpora[("plain", n)] = tools["plain"].prepare(settings.work / f"site-plain-{n}", n)
    series = {key: Series(timeout=settings.timeout) for key in corpora}
    for r in range(settings.runs):
        for n in settings.site_pages:
            for key in rotate(["ours", "plain"], r):
                corpus = corpora[(key, n)]
                m = run_logged(
                    tools[key].command(corpus),
                    f"site {key} {n} pages (round {r + 1})",
                    settings,
                    f"site-{key}-{n}-{r}",
                )
                if m.ok and not (corpus.root / "site" / "index.html").exists():
                    m.returncode = -1  # exit 0 but no site: count as failed
                series[(key, n)].runs.append(m)
    label = (
        "ours (koppelkansen plugin, pdf: false)"
        if pdf_options
        else "ours (koppelkansen plugin; no PDF on this branch)"
    )
    for n in settings.site_pages:
        ours, plain = series[("ours", n)], series[("plain", n)]
        row = Row("2 site", label, n, ours)
        plain_row = Row("2 site", "plain MkDocs + Material", n, plain)
        if ours.median() and plain.median():
            overhead = ours.median() / plain.median() - 1
            row.comparison = f"overhead {overhead:+.1%} vs plain"
            row.target = "overhead ≤ 10 %"
            row.met = verdict(overhead <= 0.10)
        result.rows += [row, plain_row]
    if len(settings.site_pages) >= 2:
        small, large = min(settings.site_pages), max(settings.site_pages)
        factor = large / small
        for key, name in (("ours", "ours"), ("plain", "plain")):
            a, b = series[(key, small)].median(), series[(key, large)].median()
            if a and b:
                ratio = b / a
                limit = 5.5 * factor / 5
                result.rows.append(
                    Row(
                        "2 site",
                        f"growth {large:,}/{small:,} pages, {name}",
                        f"×{factor:.0f}",
                        comparison=f"time ×{ratio:.2f}",
                        target=f"≤ ×{limit:.1f}" if key == "ours" else "(reference)",
                        met=verdict(ratio <= limit) if key == "ours" else "",
                    )
                )


# --- 3. PDF bundle ---------------------------------------------------------------------------


def pdf_log_lines(output: str) -> tuple[list[str], list[str], float, list[str]]:
    """From our build log: PDFs typeset, PDFs taken from the cache, seconds of typesetting, the lines."""
    typeset: list[str] = []
    cached: list[str] = []
    seconds = 0.0
    lines: list[str] = []
    for line in output.splitlines():
        stripped = line.strip()
        if not stripped.startswith("INFO") or ".pdf" not in stripped.lower():
            continue
        lines.append(stripped)
        names = [Path(n).name for n in _PDF_NAME.findall(stripped)] or [stripped]
        low = stripped.lower()
        if "cache" in low:
            cached += names
        else:
            typeset += names
            found = re.search(r"(\d+(?:[.,]\d+)?)\s*s\b", low)
            if found:
                seconds += float(found.group(1).replace(",", "."))
    return typeset, cached, seconds, lines


def section_pdf(settings: Settings, result: Result, pdf_options: bool) -> None:
    all_tools = peers.tools()
    keys = [
        k
        for k in PDF_TOOLS
        if k in settings.tools or (k == "ours-nopdf" and "ours" in settings.tools)
    ]
    if not pdf_options and ("ours" in keys or "ours-nopdf" in keys):
        keys = [k for k in keys if not k.startswith("ours")]
        result.notes.append(
            "**ours PDF: not available on this branch** (the koppelkansen plugin has no `pdf` "
            "options yet); the PDF section shows the peers only."
        )
    if not keys:
        return
    peers.ensure_system_packages()
    n = settings.pdf_pages
    corpora: dict[str, Corpus] = {}
    for key in keys:
        tool = all_tools[key]
        peers.ensure_venv(tool)
        options: dict[str, Any] | None = None
        if key == "ours":
            options = {"pdf_bundle_types": ["pagina"], "pdf_cache_dir": OURS_CACHE}
        elif key == "ours-nopdf":
            options = {"pdf": False}
        corpora[key] = tool.prepare(
            (settings.work / f"pdf-{key}").resolve(), n, our_options=options
        )
        result.versions[tool.label] = tool.versions()
    series = {key: Series(timeout=settings.timeout) for key in keys}
    facts: dict[str, pdfcheck.PdfFacts] = {}
    errors: dict[str, int] = {}
    typeset_seconds: list[float] = []
    for r in range(settings.runs):
        for key in rotate(keys, r):
            tool, corpus = all_tools[key], corpora[key]
            shutil.rmtree(corpus.root / ".cache", ignore_errors=True)  # every run is a cold run
            shutil.rmtree(corpus.root / "site", ignore_errors=True)
            pdf = corpus.root / tool.pdf if tool.pdf else None
            if pdf is not None:
                pdf.unlink(missing_ok=True)
            m = run_logged(
                tool.command(corpus),
                f"pdf {key} {n} pages (round {r + 1})",
                settings,
                f"pdf-{key}-{r}",
            )
            if m.ok and pdf is not None and not pdf.exists():
                m.returncode = -1
                result.notes.append(
                    f"{tool.label}: exit 0 but no PDF at `{tool.pdf}` (round {r + 1})."
                )
            series[key].runs.append(m)
            errors[key] = sum(
                1 for line in m.output.splitlines() if line.lstrip().startswith("ERROR")
            )
            if m.ok and pdf is not None and key not in facts:
                facts[key] = pdfcheck.inspect(pdf, corpus.headings)
            if m.ok and key == "ours":
                typeset_seconds.append(pdf_log_lines(m.output)[2])
    ours = series.get("ours")
    ours_median = ours.median() if ours else None
    for key in keys:
        tool, s = all_tools[key], series[key]
        row = Row("3 PDF", tool.label, n, s)
        if key in facts:
            f = facts[key]
            row.pdf_pages = str(f.pages)
            row.headings = f"{f.found}/{f.expected} ({f.completeness:.0%})"
        median = s.median()
        if key == "ours" and median is not None:
            peak = s.peak_median_mb() or 0.0
            row.target = (
                f"≤ {PDF_TARGET_SECONDS:.0f} s, ≤ {PDF_TARGET_MB / 1024:.1f} GB, all headings"
            )
            complete = key in facts and facts[key].found == facts[key].expected
            row.met = verdict(median <= PDF_TARGET_SECONDS and peak <= PDF_TARGET_MB and complete)
            if typeset_seconds:
                row.comparison = (
                    f"Typst part from the log: {statistics.median(typeset_seconds):.2f} s"
                )
        elif key == "ours-nopdf" and median is not None and ours_median is not None:
            row.comparison = f"PDF part = ours − this = {ours_median - median:.2f} s"
        elif key not in ("ours", "ours-nopdf"):
            if median is not None and ours_median:
                factor = median / ours_median
                mem = (s.peak_median_mb() or 0) / (ours.peak_median_mb() or 1) if ours else 0
                speed = (
                    f"ours {factor:.1f}× faster"
                    if factor >= 1
                    else f"ours {1 / factor:.1f}× slower"
                )
                row.comparison = f"{speed}; its peak memory {mem:.2f}× ours"
                need = 2.5 if key == "print-site" else 5.0
                engine = "Chromium" if key == "print-site" else "WeasyPrint"
                row.target = f"ours ≥ {need}× faster than {engine}"
                row.met = verdict(factor >= need)
            elif median is not None:
                row.comparison = "ours: n/a on this branch"
            if errors.get(key):
                row.comparison += f"; {errors[key]} ERROR lines in its log"
        result.rows.append(row)


# --- 5. incremental --------------------------------------------------------------------------


def section_incremental(settings: Settings, result: Result, pdf_options: bool) -> None:
    n = settings.pdf_pages
    options = {"pdf_bundle_types": ["pagina"], "pdf_cache_dir": OURS_CACHE} if pdf_options else None
    tool = peers.tools()["ours"]
    corpus = tool.prepare((settings.work / "incremental").resolve(), n, our_options=options)
    shutil.rmtree(corpus.root / ".cache", ignore_errors=True)
    what = "ours with PDF bundle" if pdf_options else "ours (no PDF on this branch)"
    cold = Series(timeout=settings.timeout)
    cold.runs.append(
        run_logged(
            tool.command(corpus), f"incremental cold build ({n} pages)", settings, "incr-cold"
        )
    )
    unchanged, changed = Series(timeout=settings.timeout), Series(timeout=settings.timeout)
    typeset_unchanged: set[str] = set()
    typeset_changed: set[str] = set()
    lines: list[str] = []
    for r in range(settings.runs):
        m = run_logged(
            tool.command(corpus),
            f"incremental, nothing changed (round {r + 1})",
            settings,
            f"incr-same-{r}",
        )
        unchanged.runs.append(m)
        t, _, _, ls = pdf_log_lines(m.output)
        typeset_unchanged.update(t)
        if r == 0:
            lines += [f"nothing changed: {line}" for line in ls]
        page = corpus.pages[(r * 37) % len(corpus.pages)]
        with page.open("a", encoding="utf-8") as f:
            f.write(f"\nWijziging {r + 1} voor de benchmark.\n")
        m = run_logged(
            tool.command(corpus),
            f"incremental, one page changed (round {r + 1})",
            settings,
            f"incr-one-{r}",
        )
        changed.runs.append(m)
        t, _, _, ls = pdf_log_lines(m.output)
        typeset_changed.update(t)
        if r == 0:
            lines += [f"one page changed: {line}" for line in ls]

    def names(found: set[str]) -> str:
        if not pdf_options:
            return "n/a (no PDFs)"
        return ", ".join(sorted(found)) if found else "none"

    result.rows.append(Row("5 incremental", f"{what}: first build (cold cache)", n, cold))
    result.rows.append(
        Row(
            "5 incremental",
            f"{what}: nothing changed",
            n,
            unchanged,
            comparison=f"PDFs typeset again: {names(typeset_unchanged)}",
            target="no PDF typeset again" if pdf_options else "",
            met=verdict(not typeset_unchanged) if pdf_options else "",
        )
    )
    result.rows.append(
        Row(
            "5 incremental",
            f"{what}: one page changed",
            n,
            changed,
            comparison=f"PDFs typeset again: {names(typeset_changed)}",
            target="only the bundle holding the page" if pdf_options else "",
            met=verdict(len(typeset_changed) == 1) if pdf_options else "",
        )
    )
    if lines:
        result.notes.append(
            "PDF log lines of the incremental builds (first round):\n\n"
            + "\n".join(f"    {line}" for line in lines[:20])
        )


# --- machine, versions, output ---------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        debian = "Debian " + Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = platform.platform()
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Memory": f"{psutil.virtual_memory().total / 1024**3:.1f} GiB",
        "OS": f"{debian}, Linux {platform.release()}",
        "Python": platform.python_version(),
    }


def system_versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, cmd in (("chromium", ["chromium", "--version"]), ("pdftotext", ["pdftotext", "-v"])):
        if shutil.which(cmd[0]):
            done = subprocess.run(cmd, capture_output=True, text=True)
            text = (done.stdout or done.stderr).strip().splitlines()
            out[name] = text[0] if text else "?"
    return out


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (done.stdout.strip() or "?") + (" (with uncommitted changes)" if dirty else "")


def write_results(
    path: Path,
    result: Result,
    settings: Settings,
    argv: list[str],
    started: dt.datetime,
    pdf_options: bool,
) -> str:
    the_table = table(result.rows)
    versions = {
        "ours": peers.tools()["ours"].versions(),
        **result.versions,
        "system": system_versions(),
    }
    lines = [
        "# Benchmark results",
        "",
        f"Made by `python -m scripts.bench.run {' '.join(argv)}` (`make bench`) on "
        f"{started.strftime('%Y-%m-%d %H:%M UTC')}, commit {git_commit()}; {settings.runs} run(s) per figure. "
        "Do not edit: run `make bench` again.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in machine().items()],
        "",
        "## Figures",
        "",
        the_table,
        "",
        "Wall time is the median of the runs, with min and max in brackets. Peak memory is that of the whole "
        "process tree (children such as Chromium, Typst and pandoc included), sampled every 50 ms: PSS "
        "(shared pages split between the processes that share them) and RSS (shared pages counted per "
        "process; overstates multi-process tools). Headings in PDF: how many of the corpus's section "
        "headings (h2 and h3) `pdftotext` finds in the PDF.",
        "",
        "## Notes",
        "",
        *[f"- {note}" for note in (result.notes or ["none"])],
        f"- Our PDF options on this branch: {'yes' if pdf_options else 'no'}.",
        "",
        "## Tool versions",
        "",
        *[
            f"- {tool}: " + (", ".join(f"{k} {v}" for k, v in vs.items()) or "?")
            for tool, vs in versions.items()
        ],
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return the_table


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, Settings]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument(
        "--quick", action="store_true", help="small corpora and 1 run, for development"
    )
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated, from {SECTIONS}"
    )
    parser.add_argument(
        "--tools",
        default="ours,pdf-export,to-pdf,print-site",
        help="PDF section: comma-separated from ours,pdf-export,to-pdf,print-site",
    )
    parser.add_argument("--runs", type=int, help="runs per figure (default 3; --quick: 1)")
    parser.add_argument("--check-pages", help="comma-separated (default 1000,10000)")
    parser.add_argument("--site-pages", help="comma-separated (default 200,1000)")
    parser.add_argument(
        "--pdf-pages", type=int, help="pages of the PDF and incremental corpora (default 200)"
    )
    parser.add_argument(
        "--timeout", type=float, default=1200.0, help="seconds per run before it is killed"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "work")
    args = parser.parse_args(argv)
    unknown = set(args.sections.split(",")) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    def ints(text: str | None, normal: str, quick: str) -> list[int]:
        return [int(x) for x in (text or (quick if args.quick else normal)).split(",")]

    settings = Settings(
        runs=args.runs or (1 if args.quick else 3),
        check_pages=ints(args.check_pages, "1000,10000", "200,1000"),
        site_pages=ints(args.site_pages, "200,1000", "20,100"),
        pdf_pages=args.pdf_pages or (20 if args.quick else 200),
        timeout=args.timeout,
        tools=args.tools.split(","),
        work=args.work.resolve(),
    )
    return args, settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args, settings = parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    pdf_options = our_pdf_options_exist()
    if not pdf_options:
        log("ours PDF: not available on this branch (no `pdf` options in the koppelkansen plugin)")
    result = Result()
    sections = args.sections.split(",")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    settings.work.mkdir(parents=True, exist_ok=True)
    if "check" in sections:
        section_check(settings, result)
    if "site" in sections:
        section_site(settings, result, pdf_options)
    if "pdf" in sections:
        section_pdf(settings, result, pdf_options)
    if "incremental" in sections:
        section_incremental(settings, result, pdf_options)
    if "versions" in sections:  # issue 13: scripts/bench/versions.py
        from scripts.bench import versions

        work, count = settings.work / "versions", 3 if args.quick else 10
        result.rows += versions.measure(work, settings.pdf_pages, count, settings.runs, log).rows
    the_table = write_results(args.output, result, settings, argv, started, pdf_options)
    print()
    print(the_table)
    print()
    for note in result.notes:
        print(f"- {note}")
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
