"""Figures of repeated runs and the one Markdown table of ``make bench``."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from scripts.bench.measure import Measurement

MB = 1024 * 1024


def spread(values: list[float]) -> str:
    """``median (min–max)`` of a list of figures."""
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


@dataclass
class Series:
    """Repeated measurements of one thing."""

    runs: list[Measurement] = field(default_factory=list)
    timeout: float = 0.0

    @property
    def ok_runs(self) -> list[Measurement]:
        return [r for r in self.runs if r.ok]

    def _median(self, value: Callable[[Measurement], float]) -> float | None:
        ok = self.ok_runs
        return statistics.median(value(r) for r in ok) if ok else None

    def median(self) -> float | None:
        return self._median(lambda r: r.seconds)

    def cpu_median(self) -> float | None:
        return self._median(lambda r: r.cpu_seconds)

    def peak_median_mb(self) -> float | None:
        return self._median(lambda r: r.peak_bytes / MB)

    def seconds(self) -> str:
        ok = self.ok_runs
        return spread([r.seconds for r in ok]) if ok else self.status()

    def cpu(self) -> str:
        ok = [r for r in self.ok_runs if r.cpu_seconds]
        return spread([r.cpu_seconds for r in ok]) if ok else "–"

    def peak(self) -> str:
        ok = [r for r in self.ok_runs if r.peak_bytes]
        if not ok:
            return "–"
        values = [r.peak_bytes / MB for r in ok]
        largest = statistics.median(r.max_process_bytes / MB for r in ok)
        return (
            f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f}); "
            f"largest process {largest:.0f}"
        )

    def load(self) -> str:
        return f"{max(r.load for r in self.runs):.2f}" if self.runs else ""

    def wall_spread(self) -> float | None:
        """(max − min) / median of the wall times, for the noise note."""
        ok = self.ok_runs
        if len(ok) < 2:
            return None
        values = [r.seconds for r in ok]
        return (max(values) - min(values)) / statistics.median(values)

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
    cpu: str = ""
    peak: str = ""
    pdf_pages: str = ""
    headings: str = ""
    comparison: str = ""
    target: str = ""
    met: str = ""
    #: The 1-minute load before each run, for a row measured without a :class:`Series`.
    loads: tuple[float, ...] = ()

    def load_before(self) -> list[float]:
        """The load before each run of this row (the noise note's highest load counts them all)."""
        return [m.load for m in self.series.runs] if self.series is not None else list(self.loads)

    def cells(self) -> list[str]:
        if self.series is not None:
            runs = self.series.status()
            seconds = self.seconds or self.series.seconds()
            cpu = self.cpu or self.series.cpu()
            peak = self.peak or self.series.peak()
            load = self.series.load()
        else:
            runs, seconds, cpu, peak = "", self.seconds, self.cpu, self.peak
            load = f"{max(self.loads):.2f}" if self.loads else ""
        return [
            self.section,
            self.what,
            str(self.pages),
            runs,
            seconds,
            cpu,
            peak,
            load,
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
    "CPU s (user+sys): median (min–max)",
    "Peak MB: median (min–max)",
    "Load before (max)",
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


def by_how_much(value: float, limit: float, unit: str) -> str:
    """``yes`` or ``**no** (+1.2 s over)``: a missed target says by how much."""
    if value <= limit:
        return "yes"
    return f"**no** (+{value - limit:.2f} {unit} over)"
