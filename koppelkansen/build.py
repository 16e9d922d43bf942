"""Build the site into a scratch folder and swap it in only when the build succeeded.

One build per checkout at a time (a lock file in ``.cache/``); a crash at any moment leaves
``site/`` or ``.site.old/`` complete, and the next build puts the old site back before it starts.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from koppelkansen import inputs
from koppelkansen.problems import os_error_reason

#: How long a second build waits for the first one (seconds) before it gives up.
LOCK_WAIT = 15 * 60
#: How often a waiting build tries the lock again (seconds).
LOCK_POLL = 0.2


@contextmanager
def build_lock(site_dir: Path, wait: float = LOCK_WAIT) -> Iterator[bool]:
    """Hold ``.cache/<site>.lock``; yields False when another build kept it longer than ``wait``.

    Polls a non-blocking ``flock`` until the deadline, so it works in any thread (no signals).
    """
    lock_path = site_dir.with_name(".cache") / f"{site_dir.name}.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    print(
                        f"Er draait al een build van {site_dir.name}/ in deze map; "
                        "ik wacht tot die klaar is.",
                        file=sys.stderr,
                    )
                    told = True
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(LOCK_POLL)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(site_dir: Path) -> bool:
    """Undo what an interrupted build left: the old site back if the swap stopped halfway.

    Returns False (after a Dutch message) when a leftover folder cannot be removed.
    """
    scratch = site_dir.with_name(f".{site_dir.name}.building")
    old = site_dir.with_name(f".{site_dir.name}.old")
    if old.exists() and not site_dir.exists():
        old.rename(site_dir)  # crash between the two renames: the old site is complete
        print(
            f"Een eerdere build is halverwege gestopt; de vorige {site_dir.name}/ is teruggezet.",
            file=sys.stderr,
        )
    for leftover in (scratch, old):
        shutil.rmtree(leftover, ignore_errors=True)
        if os.path.lexists(leftover):
            _cannot_remove(unremovable(leftover) or leftover, site_dir)
            return False
    return True


#: chattr +i and +a (Linux FS_IMMUTABLE_FL, FS_APPEND_FL): not even root may delete such a file.
_PINNED_FLAGS = 0x10 | 0x20
_FS_IOC_GETFLAGS = 0x80086601
_BSD_PINNED = stat.UF_IMMUTABLE | stat.UF_APPEND | stat.SF_IMMUTABLE | stat.SF_APPEND


def _pinned(path: Path, info: os.stat_result) -> bool:
    """True when an immutable or append-only flag keeps ``path`` from being deleted."""
    flags = getattr(info, "st_flags", None)
    if flags is not None:  # BSD, macOS
        return bool(flags & _BSD_PINNED)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False  # unreadable: the folder's permissions decide
    try:
        raw = fcntl.ioctl(fd, _FS_IOC_GETFLAGS, bytes(8))
    except OSError:
        return False  # a file system without such flags
    finally:
        os.close(fd)
    return bool(int.from_bytes(raw[:4], sys.byteorder) & _PINNED_FLAGS)


def unremovable(folder: Path) -> Path | None:
    """The first file or folder in ``folder`` (or the folder itself) that cannot be deleted.

    Checked before anything is deleted, so that a site holding such a file is never left half
    removed: a folder without write permission, or a file or folder made immutable or
    append-only (``chattr +i``/``+a``, which stops root too).
    """
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode):
            continue
        if _pinned(current, info):
            return current
        if stat.S_ISDIR(info.st_mode):
            if not os.access(current, os.W_OK | os.X_OK):
                return current
            try:
                stack.extend(Path(entry.path) for entry in os.scandir(current))
            except OSError:
                return current
    return None


def _cannot_remove(path: Path, site_dir: Path) -> None:
    print(
        f"{path}: fout: dit kan niet worden verwijderd of overschreven (alleen-lezen of "
        f"vergrendeld); {site_dir.name}/ is ongewijzigd gebleven. Maak het weer schrijfbaar "
        "(chmod u+w, of chattr -i als beheerder) of verwijder het, en probeer het opnieuw.",
        file=sys.stderr,
    )


#: The site generators the build can run: MkDocs 1.x, or ProperDocs, its maintained drop-in fork
#: (same mkdocs.yml, same plugins and themes; docs-dev/properdocs.md). Each is run as its own
#: command line in a child process (``python -m <module> build``), or through its API in this one
#: (see build_site).
ENGINES = ("mkdocs", "properdocs")
ENGINE_VARIABLE = "KOPPELKANSEN_ENGINE"


def engine_from_environment() -> str:
    """The engine named by KOPPELKANSEN_ENGINE, or MkDocs."""
    engine = os.environ.get(ENGINE_VARIABLE) or "mkdocs"
    if engine not in ENGINES:
        raise SystemExit(
            f"{ENGINE_VARIABLE}={engine!r} is onbekend; kies uit: {', '.join(ENGINES)}"
        )
    return engine


#: A build by the engine's API in this process (``adapter.engine.build_here``, handed in by the
#: command line: this module comes before the adapter): engine, configuration, scratch folder in;
#: the exit code out.
InProcess = Callable[[str, Path, Path], int]


def build_site(
    config_file: Path,
    site_dir: Path,
    engine: str | None = None,
    *,
    in_process: InProcess | None = None,
    force: bool = False,
) -> int:
    """Run ``<engine> build --strict`` into a sibling scratch folder, then replace ``site_dir``.

    ``engine`` is ``mkdocs`` or ``properdocs``; by default KOPPELKANSEN_ENGINE, else MkDocs.
    A failed build leaves ``site_dir`` exactly as it was and removes the scratch folder.

    The engine runs in a child process, so that a caller that lives on (a test, a script) keeps no
    state of MkDocs, its plugins or its logging. With ``in_process`` it runs in this process,
    through the engine's API: for ``koppelkansen build``, whose process exists for this one
    build, so that it does not start and import everything a second time.

    When none of the build's inputs changed since the site in ``site_dir`` was built
    (:mod:`koppelkansen.inputs`), nothing is built and ``site_dir`` is left as it is, unless
    ``force``.
    """
    engine = engine or engine_from_environment()
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {ENGINES}")
    site_dir = site_dir.resolve()
    if not site_dir.parent.is_dir():
        print(f"{site_dir.parent}: fout: deze map bestaat niet", file=sys.stderr)
        return 2
    try:
        with build_lock(site_dir) as locked:
            if not locked:
                print(
                    f"De andere build van {site_dir.name}/ is na {LOCK_WAIT // 60} minuten nog "
                    "niet klaar; ik bouw niet. Probeer het later opnieuw.",
                    file=sys.stderr,
                )
                return 3
            return _build(config_file, site_dir, engine, in_process, force)
    except OSError as exc:  # a full disk, a read-only folder: ours to explain, not a bug
        print(
            f"{exc.filename or site_dir.parent}: fout: {os_error_reason(exc)}; "
            f"{site_dir.name}/ is ongewijzigd gebleven. Los dit op en probeer het opnieuw.",
            file=sys.stderr,
        )
        return 1


def run_engine(engine: str, config_file: Path, scratch: Path, in_process: InProcess | None) -> int:
    """``<engine> build --strict`` into ``scratch``: its exit code. The engine's own builds (a
    version's PDFs) are told the engine through the environment."""
    if in_process is None:
        command = [sys.executable, "-m", engine, "build", "--strict"]
        command += ["--config-file", str(config_file), "--site-dir", str(scratch)]
        return subprocess.run(
            command, check=False, env={**os.environ, ENGINE_VARIABLE: engine}
        ).returncode
    told = os.environ.get(ENGINE_VARIABLE)
    os.environ[ENGINE_VARIABLE] = engine
    try:
        return in_process(engine, config_file, scratch)
    finally:
        if told is None:  # for this build only (a test worker or a server runs more)
            os.environ.pop(ENGINE_VARIABLE, None)
        else:
            os.environ[ENGINE_VARIABLE] = told


def _build(
    config_file: Path,
    site_dir: Path,
    engine: str,
    in_process: InProcess | None,
    force: bool = False,
) -> int:
    scratch = site_dir.with_name(f".{site_dir.name}.building")
    old = site_dir.with_name(f".{site_dir.name}.old")
    if not recover(site_dir):
        return 1
    blocker = unremovable(site_dir)
    if blocker is not None:
        _cannot_remove(blocker, site_dir)
        return 1
    # Before the build, and again after it: a file saved while it ran (the build may have read
    # either version) leaves no fingerprint, so the next build runs again.
    # (The environment as the build starts: an engine run in this process sets variables.)
    command, environ = [engine], dict(os.environ)
    current = inputs.fingerprint(config_file, command, environ=environ)
    reason = "gevraagd met --force" if force else None
    reason = reason or inputs.stale_reason(inputs.read_state(site_dir), current, site_dir)
    if reason is None:
        print(f"{site_dir.name}/ is actueel; niets te doen.")
        return 0
    print(f"{site_dir.name}/ bouwen: {reason}.")
    times = inputs.file_times(config_file)
    try:
        returncode = run_engine(engine, config_file, scratch, in_process)
    except Exception:  # a bug in the engine or a plugin: shown as a child process would show it
        traceback.print_exc()
        returncode = 1
    if returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        print(
            f"De site is niet gebouwd; {site_dir.name}/ is ongewijzigd gebleven. "
            "Los de fouten hierboven op en probeer het opnieuw.",
            file=sys.stderr,
        )
        return returncode
    try:
        if site_dir.exists():
            site_dir.rename(old)
        scratch.rename(site_dir)
    except OSError as exc:
        if old.exists() and not site_dir.exists():
            old.rename(site_dir)
        shutil.rmtree(scratch, ignore_errors=True)
        print(
            f"De nieuwe site kon niet op de plaats van {site_dir.name}/ worden gezet "
            f"({exc.strerror or exc}); {site_dir.name}/ is ongewijzigd gebleven.",
            file=sys.stderr,
        )
        return 1
    if inputs.fingerprint(config_file, command, environ=environ) == current and (
        inputs.file_times(config_file) == times
    ):
        inputs.write_state(site_dir, current)
    else:
        inputs.write_state(site_dir, None)
        print(
            "Let op: tijdens de build is een invoerbestand gewijzigd; de volgende build "
            "bouwt de site opnieuw."
        )
    shutil.rmtree(old, ignore_errors=True)
    if old.exists():
        print(
            f"Let op: {old.name} kon niet helemaal worden verwijderd; ruim het zelf op.",
            file=sys.stderr,
        )
    print(f"Site gebouwd in {site_dir}.")
    return 0
