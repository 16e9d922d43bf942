"""Figures of repeated runs and the one Markdown table of ``make bench``."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from scripts.bench.measure import Measurement

MB = 1024 * 1024


@dataclass
class Series:
    """Repeated measurements of one thing."""

    runs: list[Measurement] = field(default_factory=list)
    timeout: float = 0.0

    @property
    def ok_runs(self) -> list[Measurement]:
        return [r for r in self.runs if r.ok]

    def median(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.seconds for r in ok) if ok else None

    def seconds(self) -> str:
        ok = self.ok_runs
        if not ok:
            return self.status()
        values = [r.seconds for r in ok]
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    def peak(self, rss: bool = False) -> str:
        ok = self.ok_runs
        if not ok:
            return "–"
        values = [(r.peak_rss_bytes if rss else r.peak_bytes) / MB for r in ok]
        return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"

    def peak_median_mb(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.peak_bytes / MB for r in ok) if ok else None

    def status(self) -> str:
        timeouts = sum(r.timed_out for r in self.runs)
        failed = [r.returncode for r in self.runs if not r.timed_out and r.returncode != 0]
        parts = [f"{len(self.ok_runs)}/{len(self.runs)} ok"]
        if timeouts:
            parts.append(f"{timeouts}× timeout (> {self.timeout:.0f} s)")
        if failed:
            parts.append(f"{len(failed)}× failed (exit {', '.join(map(str, sorted(set(failed))))})")
        return ", ".join(parts)


@dataclass
class Row:
    section: str
    what: str
    pages: int | str
    series: Series | None = None
    seconds: str = ""
    peak: str = ""
    peak_rss: str = ""
    pdf_pages: str = ""
    headings: str = ""
    comparison: str = ""
    target: str = ""
    met: str = ""

    def cells(self) -> list[str]:
        if self.series is not None:
            runs = self.series.status()
            seconds = self.seconds or self.series.seconds()
            peak = self.peak or self.series.peak()
            peak_rss = self.peak_rss or self.series.peak(rss=True)
        else:
            runs, seconds, peak, peak_rss = "", self.seconds, self.peak, self.peak_rss
        return [
            self.section,
            self.what,
            str(self.pages),
            runs,
            seconds,
            peak,
            peak_rss,
            self.pdf_pages,
            self.headings,
            self.comparison,
            self.target,
            self.met,
        ]


HEADER = [
    "Section",
    "Measurement",
    "Pages",
    "Runs",
    "Wall s: median (min–max)",
    "Peak MB PSS: median (min–max)",
    "Peak MB RSS",
    "PDF pages",
    "Headings in PDF",
    "Comparison",
    "Target",
    "Met",
]


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row.cells()) + " |")
    return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")
