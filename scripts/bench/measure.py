"""Run a command and measure its wall time and the peak memory of its whole process tree.

Peak memory is sampled every ``interval`` seconds over the process and all its descendants
(Chromium renderers, Typst, pandoc, ...), found with psutil, in two ways:

- RSS: the sum of resident set sizes. It counts a page shared by several processes once per
  process, so for a multi-process tool such as Chromium it overstates.
- PSS: the sum of proportional set sizes from ``/proc/PID/smaps_rollup`` (a shared page is split
  between the processes that share it): what the tree as a whole holds.

A process that lives shorter than one interval may be missed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass
class Measurement:
    seconds: float
    peak_bytes: int  # PSS
    peak_rss_bytes: int
    returncode: int | None
    timed_out: bool
    output: str

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode == 0


def _pss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _tree_memory(
    root: psutil.Process, seen: dict[int, psutil.Process], find: bool = True
) -> tuple[int, int]:
    """(PSS, RSS) summed over the tree; ``find`` looks for new descendants first (the costly part)."""
    if find:
        try:
            for child in root.children(recursive=True):
                seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            pass
    pss = rss = 0
    for pid, proc in list(seen.items()):
        try:
            one = proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            del seen[pid]
            continue
        rss += one
        pss += _pss(pid) or one
    return pss, rss


def run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 1800.0,
    interval: float = 0.05,
    log: Path | None = None,
) -> Measurement:
    """Run ``cmd`` (stdout and stderr together into ``log`` or a pipe) and measure it."""
    full_env = {**os.environ, **(env or {})}
    out = open(log, "w+b") if log else subprocess.PIPE  # noqa: SIM115 - closed below
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    root = psutil.Process(proc.pid)
    seen: dict[int, psutil.Process] = {proc.pid: root}
    peak = peak_rss = 0
    timed_out = False
    chunks: list[bytes] = []
    if out is subprocess.PIPE:
        # Drain the pipe in a thread so a chatty tool never blocks on a full pipe.
        import threading

        reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
        reader.start()
    samples = 0
    while proc.poll() is None:
        # Listing descendants reads all of /proc; every 4th sample is enough to find new ones.
        pss, rss = _tree_memory(root, seen, find=samples % 4 == 0)
        samples += 1
        peak, peak_rss = max(peak, pss), max(peak_rss, rss)
        if time.perf_counter() - start > timeout:
            timed_out = True
            _kill_tree(proc, seen)
            break
        time.sleep(interval)
    proc.wait()
    seconds = time.perf_counter() - start
    # Children that outlived the main process (a daemonised helper) are measured and ended too.
    leftovers = [p for p in seen.values() if p.pid != proc.pid and p.is_running()]
    if leftovers:
        pss, rss = _tree_memory(root, seen)
        peak, peak_rss = max(peak, pss), max(peak_rss, rss)
        _kill_tree(proc, seen)
    if out is subprocess.PIPE:
        reader.join(timeout=5)
        proc.stdout.close()  # type: ignore[union-attr]
        text = b"".join(chunks).decode("utf-8", "replace")
    else:
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        out.close()
    return Measurement(
        seconds=seconds,
        peak_bytes=peak,
        peak_rss_bytes=peak_rss,
        returncode=None if timed_out else proc.returncode,
        timed_out=timed_out,
        output=text,
    )


def _kill_tree(proc: subprocess.Popen[bytes], seen: dict[int, psutil.Process]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for p in seen.values():
        with contextlib.suppress(psutil.Error):
            p.kill()
    proc.wait()
