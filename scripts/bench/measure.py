"""Run a command and measure it without slowing it: wall time, CPU time and peak memory.

- **Wall**: from start to the exit of the command.
- **CPU**: user + sys seconds of the command and every descendant it waited for (Chromium's
  renderers, a Typst child process, ...), from ``wait4`` on the command's process: the kernel
  adds a reaped child's times to its parent, so this is the whole tree. Less sensitive to other
  load on the machine than wall time.
- **Largest process** (``ru_maxrss`` from the same ``wait4``): the peak resident set of the
  largest single process of the tree, exact, at no cost.
- **Tree peak**: the sum of the resident sets of all processes of the tree, sampled cheaply
  (``/proc/PID/statm``, one small read per process, 4 times a second; descendants are looked for
  once a second). What the build as a whole holds when it runs several processes at once; a
  spike shorter than a sample can be missed, ``ru_maxrss`` cannot miss the largest process.
- **Load**: the 1-minute load average just before the run, so a noisy run can be recognised.

No figure comes from a probe that reads all of a process's memory map (``smaps``): at 20 reads a
second that slowed the Typst compile by about a second.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measurement:
    seconds: float
    #: Peak of the tree: the larger of the sampled tree RSS and the largest process (bytes).
    peak_bytes: int
    returncode: int | None
    timed_out: bool
    output: str
    #: user + sys of the process tree.
    cpu_seconds: float = 0.0
    #: ru_maxrss of the tree: the largest single process (bytes).
    max_process_bytes: int = 0
    #: 1-minute load average before the run.
    load: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode == 0


def load_average() -> float:
    return os.getloadavg()[0]


def busy_cores(seconds: float = 2.0) -> float:
    """How many cores anything on the machine kept busy over the next ``seconds`` (/proc/stat).

    Unlike the 1-minute load average, this does not still carry the benchmark's own last run.
    """

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values) - idle, sum(values)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    cores = os.cpu_count() or 1
    return cores * (busy1 - busy0) / max(total1 - total0, 1)


def _rss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return None


class TreeSampler:
    """Samples the summed RSS of a process tree in a thread, at a low rate."""

    def __init__(self, pid: int, interval: float = 0.25, find_every: int = 4) -> None:
        self.root = pid
        self.pids: set[int] = {pid}
        self.peak = 0
        self.interval = interval
        self.find_every = find_every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=5)
        return self.peak

    def _find(self) -> None:
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(self.root).children(recursive=True):
                self.pids.add(child.pid)

    def _run(self) -> None:
        samples = 0
        while not self._stop.is_set():
            if samples % self.find_every == 0:
                self._find()
            samples += 1
            total = 0
            for pid in list(self.pids):
                rss = _rss(pid)
                if rss is None:
                    self.pids.discard(pid)
                else:
                    total += rss
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)


def run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 1800.0,
    log: Path | None = None,
) -> Measurement:
    """Run ``cmd`` (stdout and stderr together into ``log`` or a pipe) and measure it."""
    full_env = {**os.environ, **(env or {})}
    out = open(log, "w+b") if log else subprocess.PIPE  # noqa: SIM115 - closed below
    load = load_average()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    sampler = TreeSampler(proc.pid).start()
    chunks: list[bytes] = []
    reader = None
    if out is subprocess.PIPE:
        # Drain the pipe in a thread so a chatty tool never blocks on a full pipe.
        reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
        reader.start()
    timed_out = False
    status = 0
    usage = None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        if time.perf_counter() - start > timeout:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    tree_peak = sampler.stop()
    # Children that outlived the command (a daemonised helper) are ended too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if reader is not None:
        reader.join(timeout=5)
        proc.stdout.close()  # type: ignore[union-attr]
        text = b"".join(chunks).decode("utf-8", "replace")
    else:
        out.seek(0)  # type: ignore[union-attr]
        text = out.read().decode("utf-8", "replace")  # type: ignore[union-attr]
        out.close()  # type: ignore[union-attr]
    largest = usage.ru_maxrss * 1024 if usage else 0  # Linux: kilobytes
    return Measurement(
        seconds=seconds,
        peak_bytes=max(tree_peak, largest),
        returncode=None if timed_out else proc.returncode,
        timed_out=timed_out,
        output=text,
        cpu_seconds=(usage.ru_utime + usage.ru_stime) if usage else 0.0,
        max_process_bytes=largest,
        load=load,
    )
