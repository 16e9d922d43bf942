"""Where Typst runs: a child process that hands its memory back, or live compilers per PDF.

- :class:`ChildCompiler` (``make site``): the PDFs of a build are compiled one after the other in a
  child process. Typst keeps a cache that grows with every document it compiles in a process (four
  PDFs of a 200-page corpus in one process peaked at 2.3-2.5 GB), and that cache is also what makes
  the next PDF fast: the case PDFs repeat the bundle's pages, which Typst then does not lay out
  again. So the child lives on while it is small, and is replaced by a fresh one as soon as its peak
  memory has passed :data:`RESTART_AFTER_MB`: a small site typesets all its PDFs in one child
  (about 40 % less CPU than a child per PDF), a large one gets a fresh child per PDF, and a build
  holds at most one compile's memory plus that limit. A Typst error comes back as the same
  exception (pickled by the child).
- :func:`compile_live` (``make serve-pdf``): one ``typst.Compiler`` per PDF stays alive in the
  ``mkdocs serve`` process between rebuilds, so a small edit re-typesets only what changed.

The Typst options themselves are :func:`typst_options`, in one place, here where Typst runs: this
module imports nothing of the package (its child runs it as a script).

**Limits** (:class:`TypstLimits`, issue 31): the static bounds of the check (pixels, an SVG's
filter region and elements) cannot foresee every construct that makes Typst slow or greedy, so a
compile in the child has a time limit (the parent stops waiting and kills the child) and an
address-space limit (``RLIMIT_AS``, set by the child before each compile: an allocation past it
ends the child). Both scale with the number of chapters of the PDF, so that the 1,000-page bench
bundle (about 60 s and 6.4 GB) still builds; they are the plugin's ``pdf_limits`` setting.
The live compilers of ``make serve-pdf`` run in the server's own process and have no limit.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import TracebackType
from typing import IO, Any

#: A child whose peak memory has passed this many MB is replaced before the next PDF.
RESTART_AFTER_MB = 256


class WorkerError(RuntimeError):
    """The child process died without a PDF and without a Typst error (killed, out of memory)."""


class TypstTimeout(WorkerError):
    """A compile took longer than its time limit; the child was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Typst was na {dutch_seconds(seconds)} niet klaar")
        self.seconds = seconds


def dutch_seconds(seconds: float) -> str:
    """A time limit as it is set, in Dutch: ``1 seconde``, ``60,5 seconden`` (not rounded: a limit
    of 60.5 s is not "longer than 61 seconds")."""
    amount = f"{seconds:g}".replace(".", ",")
    return f"{amount} seconde" if seconds == 1 else f"{amount} seconden"


class TypstOutOfMemory(WorkerError):
    """A compile needed more memory than its limit; the child ended."""

    def __init__(self, memory_mb: int) -> None:
        super().__init__(f"Typst had meer dan {memory_mb} MB geheugen nodig")
        self.memory_mb = memory_mb


@dataclass(frozen=True)
class TypstLimits:
    """How long and how much memory one PDF may take, growing with its chapters: ``seconds +
    seconds_per_chapter * n`` and ``memory_mb + memory_mb_per_chapter * n`` (MB of address
    space, which is more than the memory a process touches). The defaults hold the 1,000-page
    bench bundle (about 60 s and 6.4 GB on a quiet machine) with room for a busy one: 560 s and
    12 GB; a PDF of one page gets a minute and 4 GB."""

    seconds: float = 60.0
    seconds_per_chapter: float = 0.5
    memory_mb: int = 4096
    memory_mb_per_chapter: int = 8

    def for_chapters(self, chapters: int) -> tuple[float, int]:
        """The time limit (seconds) and the memory limit (MB) of a PDF of ``chapters``."""
        return (
            self.seconds + self.seconds_per_chapter * chapters,
            self.memory_mb + self.memory_mb_per_chapter * chapters,
        )

    @classmethod
    def read(cls, settings: Mapping[str, Any]) -> TypstLimits:
        """The limits from the plugin's ``pdf_limits`` setting (missing keys keep their default);
        a ValueError in Dutch for an unknown key or a value that is not a positive number."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in settings.items():
            if key not in known:
                raise ValueError(
                    f"pdf_limits: onbekende sleutel '{key}'; bekend zijn {', '.join(known)}"
                )
            whole = known[key].type in (int, "int")
            if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
                raise ValueError(
                    f"pdf_limits: '{key}' moet een {'geheel ' if whole else ''}getal zijn"
                )
            if value <= 0:
                raise ValueError(f"pdf_limits: '{key}' moet groter dan 0 zijn")
            values[key] = value
        return cls(**values)


class ChildCompiler:
    """Compiles PDFs in a child process, one after the other; use it as a context manager.

    The child runs this file as a script and imports only ``typst`` (0.06 s), not the koppelkansen
    package (0.4 s, most of it jsonschema). Requests and answers are one JSON line each; the PDF
    and a Typst error travel as files in a temporary folder of the build."""

    def __init__(self, restart_after_mb: int = RESTART_AFTER_MB) -> None:
        self.restart_after_kb = restart_after_mb * 1024
        self._child: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None  # made by the first compile
        self.started = 0  # child processes started, for the tests
        self.over_limit = False  # set by the caller when a PDF went over its limits
        self._last_words = ""  # the last line a stopped child wrote to stderr
        self._stderr_tail = ""  # and its first 8 KB and last 4 KB

    def __enter__(self) -> ChildCompiler:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stop()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            assert child.stdin is not None and child.stdout is not None
            try:
                child.stdin.close()  # end of the requests: the child exits
                child.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                child.kill()
                child.wait()
            child.stdout.close()
        if self._stderr is not None:
            end = self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(0)
            head = self._stderr.read(8192)  # a Rust panic's first line, before its backtrace
            self._stderr.seek(max(end - 4096, len(head)))
            self._stderr_tail = (head + self._stderr.read()).decode("utf-8", "replace")
            lines = self._stderr_tail.strip().splitlines()
            self._last_words = lines[-1] if lines else ""
            self._stderr.close()
            self._stderr = None

    def _start(self, folder: str) -> subprocess.Popen[bytes]:
        self._stderr = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed by _stop)
        self._child = subprocess.Popen(
            # -I: no PYTHONPATH, no user site, no current folder on sys.path
            [sys.executable, "-I", __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.started += 1
        return self._child

    def _died(self) -> WorkerError:
        """The error for a child that gave no answer or no PDF; it is stopped (never waited for
        while it still reads requests), and the next PDF gets a new one."""
        child = self._child
        self._stop()  # closes its requests first, then waits at most 10 s
        detail = self._last_words
        return WorkerError(
            f"het Typst-proces stopte met code {child.returncode if child else None}: {detail}"
        )

    def compile(
        self,
        main: Path,
        font_dir: Path,
        epoch: int | None,
        seconds: float | None = None,
        memory_mb: int | None = None,
    ) -> bytes:
        """The PDF of ``main``; raises the Typst error the child raised, or :class:`WorkerError`
        (:class:`TypstTimeout` after ``seconds``, :class:`TypstOutOfMemory` past ``memory_mb``
        of address space; None: no limit)."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="kk-typst-")
        child = self._child or self._start(self._folder.name)
        assert child.stdin is not None and child.stdout is not None
        out = Path(self._folder.name) / "out.pdf"
        error = Path(self._folder.name) / "error.pickle"
        out.unlink(missing_ok=True)
        error.unlink(missing_ok=True)
        request = {
            "main": str(main),
            "options": typst_options(font_dir, epoch),
            "out": str(out),
            "error": str(error),
            "memory_mb": memory_mb,
        }
        try:
            child.stdin.write(json.dumps(request).encode() + b"\n")
            child.stdin.flush()
            if not _readable(child.stdout, seconds):
                child.kill()  # a hang: the child is stopped, the next PDF gets a new one
                self._died()
                raise TypstTimeout(seconds or 0)
            answer = child.stdout.readline()
        except OSError:
            answer = b""
        try:
            peak_kb = int(json.loads(answer)["peak_kb"])
        except (ValueError, KeyError, TypeError):  # no answer (it died), or not ours
            died = self._died()
            if memory_mb is not None and _out_of_memory(self._stderr_tail):
                raise TypstOutOfMemory(memory_mb) from None
            raise died from None
        try:
            if error.is_file():
                raise pickle.loads(error.read_bytes())
            if not out.is_file():
                raise self._died()
            return _archival(out.read_bytes())
        finally:
            if peak_kb > self.restart_after_kb:
                self._stop()


def _readable(stream: IO[bytes], seconds: float | None) -> bool:
    """Whether the child's answer arrives within ``seconds`` (None: waits for it)."""
    if seconds is None:
        return True
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            ready, _, _ = select.select([stream], [], [], left)
        except InterruptedError:  # a signal: wait for the rest
            continue
        return bool(ready)


def _out_of_memory(stderr: str) -> bool:
    """Whether a child ended for want of memory: Rust's allocation failure (an abort), or
    Python's MemoryError."""
    return "memory allocation of" in stderr or "MemoryError" in stderr


def _archival(pdf: bytes) -> bytes:
    """The PDF as the build writes it: no stream's data ends in a CR (``pdf/pdfstreams.py``).
    Imported here, in the build's process: the child imports nothing but ``typst``."""
    from koppelkansen.pdf.pdfstreams import fix_stream_ends

    return fix_stream_ends(pdf)


def typst_options(font_dir: Path, epoch: int | None) -> dict[str, Any]:
    """How every PDF is compiled: our fonts only, PDF/UA-1, the version date as timestamp."""
    return {
        "root": "/",
        "font_paths": [str(font_dir)],
        "ignore_system_fonts": True,
        "pdf_standards": ["a-2a", "ua-1"],
        "timestamp": epoch if epoch is not None else 0,
    }


#: The live preview's compilers, by main file and font folder; they live as long as the process.
_LIVE: dict[tuple[str, str], Any] = {}


def compile_live(main: Path, font_dir: Path, epoch: int | None) -> bytes:
    """Compile with a compiler kept alive across calls, so unchanged pages are not laid out again."""
    import typst

    options = typst_options(font_dir, epoch)
    key = (str(main), str(font_dir))
    compiler = _LIVE.get(key)
    if compiler is None:
        compiler = _LIVE[key] = typst.Compiler(
            str(main), **{k: options[k] for k in ("root", "font_paths", "ignore_system_fonts")}
        )
    data = compiler.compile(
        format="pdf", pdf_standards=options["pdf_standards"], timestamp=options["timestamp"]
    )
    assert isinstance(data, bytes)
    return _archival(data)


def _peak_kb() -> int:
    """The highest resident memory of this process since it started, in KB. Linux's ``VmHWM``,
    not ``ru_maxrss``: on exec, Linux carries the parent's peak into ``ru_maxrss``, so a child
    started by a large build (or test worker) looked large before its first compile and was
    replaced after every PDF."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _serve(requests: IO[str], answers: IO[str]) -> int:
    """The child: one compile per request line until the parent closes the pipe."""
    import typst

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    for line in requests:
        request = json.loads(line)
        memory_mb = request.get("memory_mb")
        limit = hard if memory_mb is None else int(memory_mb) * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            data = typst.compile(request["main"], **request["options"])
        except Exception as exc:  # typst.TypstError: the parent translates it
            Path(request["error"]).write_bytes(pickle.dumps(exc))
        else:
            Path(request["out"]).write_bytes(data)
        peak_kb = _peak_kb()
        answers.write(json.dumps({"peak_kb": peak_kb}) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    # The answers get a descriptor of their own; whatever Typst or Python prints goes to stderr.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.exit(_serve(sys.stdin, answers))
