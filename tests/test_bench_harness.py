"""The benchmark harness's own measuring parts (the benchmarks themselves run with `make bench`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench import measure
from scripts.bench.corpus import Corpus
from scripts.bench.pdfcheck import headings_found
from scripts.bench.report import Row, Series
from scripts.bench.run import (
    ISSUE_22,
    issue22_table,
    issue33_table,
    noise_note,
    parse_args,
    pdf_log_lines,
    rotate,
    served_path,
)

MB = 1024 * 1024


def test_peak_memory_and_cpu_count_grandchildren() -> None:
    grandchild = (
        "b = bytearray(150 * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; "
        "x = sum(i * i for i in range(2_000_000)); time.sleep(0.6); print(time.process_time())"
    )
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    m = measure.run([sys.executable, "-c", child], timeout=60)
    assert m.ok
    # ru_maxrss of the tree: the grandchild's 150 MB, and the sampled tree sum saw it too.
    assert m.max_process_bytes > 150 * MB and m.peak_bytes >= m.max_process_bytes
    # CPU of the tree includes the grandchild's own CPU time (it printed it).
    assert m.cpu_seconds >= float(m.output.split()[-1])
    assert m.seconds > 0 and m.load >= 0


def test_timeout_kills_the_tree_and_says_so() -> None:
    m = measure.run(["bash", "-c", "sleep 30 & sleep 30; wait"], timeout=0.5)
    assert m.timed_out and not m.ok and m.returncode is None


def test_log_lines_tell_typeset_from_cached() -> None:
    output = "\n".join(
        [
            "INFO    -  Building documentation to directory: /x/site",
            "INFO    -  PDF koppelkansen-projectplannen.pdf gezet in 4.5 s (85 pagina's)",
            "INFO    -  PDF amstelstad.pdf uit de cache",
            "WARNING -  something about a.pdf",
        ]
    )
    typeset, cached, seconds, lines = pdf_log_lines(output)
    assert typeset == ["koppelkansen-projectplannen.pdf"]
    assert cached == ["amstelstad.pdf"]
    assert seconds == 4.5 and len(lines) == 2


def test_headings_found_needs_the_exact_heading() -> None:
    text = "1.2 Sectie 0001.1 ¶\nveel tekst Onderdeel 0001.1.1\nSectie 0001.2"
    assert (
        headings_found(
            text, ["Sectie 0001.1", "Onderdeel 0001.1.1", "Sectie 0001.3", "Sectie 0010.1"]
        )
        == 2
    )


def test_rotation_gives_every_tool_every_place() -> None:
    tools = ["ours", "a", "b"]
    assert [rotate(tools, r)[0] for r in range(3)] == ["ours", "a", "b"]


def test_versions_benchmark_runs_on_a_tiny_corpus(tmp_path) -> None:
    """The whole benchmark on its smallest meaningful input: one page (every edit lands on it), two
    versions (so there is a change view between versions, not only against the working version),
    one run and no warm-up builds (the figures of a tiny run mean nothing; `make bench` warms up).
    Its time is the fixed cost of four builds (the two measured runs, one of them typesetting both
    versions in builds of their own), not the pages."""
    from scripts.bench import versions

    outcome = versions.measure(
        tmp_path / "work", pages=1, versions=2, runs=1, log=lambda _: None, warm_up=False
    )
    assert outcome.tags == ["versie/2019-01-07", "versie/2019-01-14"]
    assert outcome.views == 3  # two against the working version, one between the versions
    for key in ("none", "versions", "views"):
        assert [t.ok for t in outcome.timings[key]] == [True], outcome.timings[key]
    assert [row.what for row in outcome.rows] == [
        "warm build, no versions",
        "warm build, 2 versions",
        "compute all 3 change views",
    ]
    assert all("CPU s" in row.comparison and "load" in row.comparison for row in outcome.rows)
    site = tmp_path / "work" / "met-versies" / "site"
    assert (site / "downloads" / "versies" / "2019-01-14").is_dir()
    assert (site / "wijzigingen" / "2019-01-07-2019-01-14" / "index.html").is_file()
    without = tmp_path / "work" / "zonder-versies" / "site"
    assert not (without / "wijzigingen").exists()


def test_busy_cores_sees_a_process_that_spins(tmp_path) -> None:
    """The check for other work before a benchmark: a spinning child makes a core busy."""
    import subprocess
    import sys

    from scripts.bench import measure

    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        busy = measure.busy_cores(0.5)
    finally:
        spin.kill()
        spin.wait()
    assert 0.7 <= busy <= (os.cpu_count() or 1) + 0.1, busy


def _series(*seconds: float, peak_mb: float = 100) -> Series:
    runs = [measure.Measurement(s, int(peak_mb * MB), 0, False, "", cpu_seconds=s) for s in seconds]
    return Series(runs=runs)


def test_issue22_table_has_every_row_with_its_target_and_verdict() -> None:
    """`make bench` prints issue 22's table: a met target says yes, a missed one by how much, a
    figure this run did not measure says so."""
    rows = [
        Row(
            "6 serve",
            "`make serve`: one-word edit saved → edited page served fresh",
            200,
            _series(0.8),
            target="≤ 1 s",
            met="yes",
        ),
        Row(
            "5 incremental",
            "ours `make site`: nothing changed",
            200,
            _series(0.3),
            target="≤ 1 s",
            met="yes",
        ),
        Row(
            "0 make site",
            "ours: cold `make site` (site + PDF bundle)",
            200,
            _series(10, 12, peak_mb=1600),
        ),
        Row(
            "0 make site",
            "mkdocs-print-site-plugin + Chromium",
            200,
            _series(30, 24),
            comparison="ours 2.5× faster",
        ),
    ]
    table = issue22_table(rows)
    lines = table.splitlines()
    assert len(lines) == 2 + len(ISSUE_22)
    assert "| `make serve`: one-word edit → edited page served fresh | 0.80" in table
    assert "`make site`, one page edited | not measured in this run" in table
    assert "peak ≤ 1.5 GB | **no** (+64.00 MB over)" in table
    # Chromium 30 s and 24 s against ours 10 s and 12 s: ×3.0 and ×2.0, median ×2.5: held.
    chromium = next(line for line in lines if "Chromium + print-site" in line)
    assert chromium.endswith("| yes |")


def test_issue33_table_has_its_four_figures_with_targets_and_by_how_much() -> None:
    """`make bench` prints issue 33's table; a missed target says by how much."""
    rows = [
        Row("0 make site", "ours: cold `make site` (site + PDF bundle)", 200, _series(10, 12)),
        Row("0 make site", "mkdocs-print-site-plugin + Chromium", 200, _series(30, 24)),
        Row("5 incremental", "ours `make site`: first build (cold cache)", 200, _series(10)),
        Row("5 incremental", "ours `make site`: one page edited", 200, _series(4, 4.5, 3.5)),
        Row(
            "9 scale", "ours `make site`: first build (cold cache)", 1000, _series(60, peak_mb=2100)
        ),
    ]
    table = issue33_table(rows)
    edited = next(line for line in table.splitlines() if "one page edited" in line)
    assert "4.00 s wall, 0.40× the cold build" in edited
    assert edited.endswith("| yes / **no** (+0.10 × over) |")
    scale = next(line for line in table.splitlines() if "1,000 pages, cold" in line)
    assert "5.45× the 200-page cold build (11.00 s)" in scale and scale.endswith("| yes |")
    assert "| 2100 MB | ≤ 2 GB | **no** (+52.00 MB over) |" in table
    chromium = next(line for line in table.splitlines() if "Chromium" in line)
    assert "2.5× faster (wall), 2.50× in CPU" in chromium
    assert chromium.endswith("| wall **no** / CPU yes |")
    assert "not measured" in issue33_table(rows[:1])


def test_only_runs_one_section_and_refuses_an_unknown_one(capsys) -> None:
    args, settings = parse_args(["--only", "scale", "--quick"])
    assert args.sections == "scale" and settings.scale_pages == 100
    with pytest.raises(SystemExit):
        parse_args(["--only", "schaal"])
    assert "unknown section" in capsys.readouterr().err


def testserved_path_is_below_the_mount_point_of_site_url(tmp_path) -> None:
    (tmp_path / "docs" / "deel").mkdir(parents=True)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_url: https://example.org/plannen/\n", encoding="utf-8")
    corpus = Corpus(root=tmp_path, config_file=config)
    assert served_path(corpus, tmp_path / "docs" / "deel" / "p.md") == "plannen/deel/p/"
    assert served_path(corpus, tmp_path / "docs" / "deel" / "index.md") == "plannen/deel/"
    config.write_text("site_name: x\n", encoding="utf-8")
    assert served_path(corpus, tmp_path / "docs" / "p.md") == "p/"


def test_the_noise_note_counts_the_load_before_every_row() -> None:
    """Rows measured without a Series (versions, proposal, search) show their highest load before
    a run in the load column, and the note's highest load counts them too."""
    row = Row("9 search", "Pagefind index", 200, loads=(0.4, 2.06, 1.9))
    assert row.cells()[7] == "2.06"
    assert "the highest 1-minute load average before a run was 2.06" in noise_note([row], 0.0)
    assert Row("9 search", "without runs", 200).cells()[7] == ""
