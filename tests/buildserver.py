"""``python -m koppelkansen ...`` for the tests, in a child process forked from a warmed-up one.

Most of a small build's cost is fixed: starting Python and importing MkDocs, Material, the
Markdown extensions and the plugin, and everything a first build sets up once (compiled regular
expressions, Material's templates). Each pytest worker therefore starts one server process
(multiprocessing's forkserver) that imports all that and builds a small site once
(tests/buildwarm.py); every :func:`run_cli` is a fork of it that runs the real command line,
``runpy`` on ``koppelkansen.__main__`` as ``python -m koppelkansen`` does, with its own working
folder, environment, stdout and stderr. The server is single-threaded when it forks, and it is
started fresh (not forked from the pytest worker, which has threads).

What stays a separate ``python`` process is the same as in a real build: the engine runs in the
``koppelkansen build`` process (``build_site(in_process=True)``); Typst, git and the nested build
of a version are child processes of the build.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent

_started = False
#: Where multiprocessing puts the server's socket: the session's scratch folder (set by
#: tests/conftest.py), not whatever TMPDIR the test that starts the server has set.
_scratch: Path | None = None
#: A Unix socket's path has at most 107 bytes; multiprocessing adds about 35 to the folder.
_LONGEST_FOLDER = 70
#: An environment variable naming a Python file that the forked child runs before the command.
CHILD_SETUP = "KOPPELKANSEN_TEST_CHILD_SETUP"


def configure(scratch: Path) -> None:
    global _scratch
    _scratch = scratch


def _context():
    """The forkserver context; the server starts on first use, with tests/ on its path so that it
    can import the warm-up module (its working folder is not always the repository's)."""
    global _started
    context = multiprocessing.get_context("forkserver")
    if not _started:
        context.set_forkserver_preload(["buildwarm"])
        saved_path, saved_temp = os.environ.get("PYTHONPATH"), tempfile.tempdir
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), saved_path]))
        folder = _scratch if _scratch and len(str(_scratch)) <= _LONGEST_FOLDER else None
        tempfile.tempdir = str(folder or tempfile.mkdtemp(prefix="kk-", dir="/tmp"))
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            tempfile.tempdir = saved_temp
            if saved_path is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved_path
        _started = True
    return context


def _child(arguments: list[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """In the forked child: the command line as ``python -m koppelkansen`` runs it."""
    for path, fd in ((out, 1), (err, 2)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # TMPDIR as this command's environment says
    # A test's own change to this command's process (a fixture that cannot change the machine
    # itself): patching the test process would never reach this fork of the server.
    if env.get(CHILD_SETUP):
        runpy.run_path(env[CHILD_SETUP])
    sys.argv = ["koppelkansen", *arguments]
    try:
        runpy.run_module("koppelkansen", run_name="__main__", alter_sys=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def _in_environment(env: dict[str, str], target: Any, args: tuple[Any, ...]) -> None:
    """In the forked child: the caller's environment, not the one the server started with (a
    session fixture's variable of that moment would otherwise reach every later fork)."""
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None
    target(*args)


def start(target: Any, *args: Any) -> multiprocessing.process.BaseProcess:
    """``target(*args)`` in a fork of the warmed-up server, in this process's environment: a
    function of a module on the tests' path (the server imports it by name), its arguments
    picklable (a :func:`pipe` end is)."""
    process = _context().Process(target=_in_environment, args=(dict(os.environ), target, args))
    process.start()
    return process


def pipe() -> tuple[Any, Any]:
    """Both ends of a connection between this process and one :func:`start` forked."""
    return _context().Pipe()


def run_cli(
    arguments: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m koppelkansen <arguments>`` with captured text output, like
    ``subprocess.run(..., capture_output=True, text=True)``."""
    context = _context()
    with tempfile.TemporaryDirectory(prefix="kk-cli-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        child = context.Process(
            target=_child,
            args=(
                arguments,
                str(cwd or Path.cwd()),
                dict(os.environ if env is None else env),
                str(out),
                str(err),
            ),
        )
        child.start()
        child.join()
        return subprocess.CompletedProcess(
            [sys.executable, "-m", "koppelkansen", *arguments],
            child.exitcode if child.exitcode is not None else -1,
            *(
                path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
                for path in (out, err)
            ),
        )
