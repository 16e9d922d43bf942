"""Builds never lose the site: a lock against concurrent builds, recovery after a crash, files that\ncannot be deleted and a full disk."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import buildserver
import pytest
from conftest import ROOT, make_site_project, run_build

from koppelkansen.build import build_lock, build_site, recover


def test_second_build_waits_for_the_first_and_the_site_is_complete(tmp_path):
    """The first build holds the lock (a process that took it, as a running build does, until it
    is told to stop); the second build says it waits, writes nothing while the lock is held, and
    once the first is done builds a complete site. No sleep: each step waits for the one before."""
    config = make_site_project(tmp_path)
    site = tmp_path / "site"
    first = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from koppelkansen.build import build_lock; from pathlib import Path\n"
            "with build_lock(Path(sys.argv[2])):\n print('vast', flush=True); sys.stdin.read()",
            str(ROOT),
            str(site),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    command = [sys.executable, "-m", "koppelkansen", "build", "--config-file", str(config)]
    command += ["--site-dir", str(site)]
    second = None
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "vast"
        second = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        assert second.stderr is not None
        told = second.stderr.readline()
        assert "Er draait al een build van site/ in deze map; ik wacht tot die klaar is." in told
        assert second.poll() is None and not site.exists()  # waiting, nothing written
        first.communicate("", timeout=60)  # the first build ends: the lock is free
        rest = second.communicate(timeout=600)[1]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
    assert second.returncode == 0, told + rest
    assert "Traceback" not in told + rest
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()
    assert not (tmp_path / ".site.building").exists() and not (tmp_path / ".site.old").exists()


def test_a_held_lock_makes_the_build_refuse_in_dutch_after_waiting(tmp_path, capsys):
    site = tmp_path / "site"
    code = [
        sys.executable,
        "-c",
        "import sys, time; sys.path.insert(0, sys.argv[1]);"
        "from koppelkansen.build import build_lock; from pathlib import Path\n"
        "with build_lock(Path(sys.argv[2])):\n print('vast', flush=True); time.sleep(30)",
        str(ROOT),
        str(site),
    ]
    holder = subprocess.Popen(code, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "vast"
        with build_lock(site, wait=1) as locked:
            assert locked is False
        assert "Er draait al een build" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.communicate()


def test_crash_between_the_two_renames_is_recovered(tmp_path, capsys):
    site = tmp_path / "site"
    old = tmp_path / ".site.old"
    old.mkdir()
    (old / "index.html").write_text("oude site", encoding="utf-8")
    half = tmp_path / ".site.building"
    half.mkdir()
    (half / "half.html").write_text("half", encoding="utf-8")
    recover(site)
    assert (site / "index.html").read_text(encoding="utf-8") == "oude site"
    assert not old.exists() and not half.exists()
    assert "teruggezet" in capsys.readouterr().err


def test_failed_build_after_a_crash_still_keeps_the_old_site(tmp_path):
    config = make_site_project(tmp_path, {"kapot.md": "---\ntitle: x\n---\n"})
    old = tmp_path / ".site.old"
    old.mkdir()
    (old / "index.html").write_text("oude site", encoding="utf-8")
    built = run_build(config, tmp_path / "site")
    assert built.returncode != 0
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "oude site"
    assert "ongewijzigd" in built.stderr
    assert "kapot.md:" in built.stderr and ": fout: de sleutel 'type' ontbreekt" in built.stderr, (
        built.stderr
    )


def test_the_lock_works_from_a_thread_that_is_not_the_main_thread(tmp_path):
    site = tmp_path / "site"
    outcomes: list[bool] = []

    def build_in_thread(wait: float) -> None:
        with build_lock(site, wait=wait) as locked:
            outcomes.append(locked)

    with build_lock(site) as held:
        assert held
        waiting = threading.Thread(target=build_in_thread, args=(0.5,))
        waiting.start()
        waiting.join()
    free = threading.Thread(target=build_in_thread, args=(60,))
    free.start()
    free.join()
    assert outcomes == [False, True]


# -- undeletable files and a full disk (item 7) -------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` with its content (None for a folder), to compare before/after."""
    return {
        path.relative_to(folder).as_posix(): (None if path.is_dir() else path.read_bytes())
        for path in sorted(folder.rglob("*"))
    }


def _old_site(root: Path) -> Path:
    site = root / "site"
    (site / "vast").mkdir(parents=True)
    (site / "index.html").write_text("oude site", encoding="utf-8")
    (site / "vast" / "bestand.txt").write_text("oud bestand", encoding="utf-8")
    return site


@pytest.fixture
def pin(monkeypatch, tmp_path):
    """Make a file or folder undeletable for real where the test can, else as the kernel would.

    Root: ``chattr +i`` (chmod does not stop root). Others: a folder without write permission.
    Where neither works (root without chattr, or a file as non-root), the check's own probe
    (``os.access`` for folders, the immutable flag for files) is told what the kernel would say,
    in the build's process: run_build forks it from the build server, so the change is a setup
    file that the forked child runs (tests/buildserver.py), not a patch of this process.
    """
    undo: list[list[str] | Path] = []
    is_root = os.geteuid() == 0
    told: list[str] = []

    def pin_path(path: Path) -> None:
        if is_root and shutil.which("chattr"):
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if done.returncode == 0:
                undo.append(["chattr", "-i", str(path)])
                return
        if not is_root and path.is_dir():
            path.chmod(0o555)
            undo.append(path)
            return
        told.append(str(path))
        setup = tmp_path / "pin_setup.py"
        setup.write_text(_PINNED.format(paths=told), encoding="utf-8")
        monkeypatch.setenv(buildserver.CHILD_SETUP, str(setup))

    yield pin_path
    for item in undo:
        if isinstance(item, Path):
            item.chmod(0o755)
        else:
            subprocess.run(item, check=True)


@pytest.mark.parametrize("what", ["vast", "vast/bestand.txt"])
def test_undeletable_file_in_the_site_keeps_the_site_exactly(tmp_path, pin, what):
    config = make_site_project(tmp_path)
    site = _old_site(tmp_path)
    before = _tree(site)
    pin(site / what)
    built = run_build(config, site)
    assert built.returncode != 0
    err = built.stderr
    assert f"site/{what}: fout: dit kan niet worden verwijderd" in err
    assert "Traceback" not in err
    assert _tree(site) == before
    assert not list(tmp_path.glob(".site.*"))


def test_undeletable_leftover_of_a_crashed_build_is_named(tmp_path, pin):
    config = make_site_project(tmp_path)
    site = _old_site(tmp_path)
    before = _tree(site)
    leftover = tmp_path / ".site.building"
    leftover.mkdir()
    (leftover / "half.html").write_text("half", encoding="utf-8")
    pin(leftover)
    built = run_build(config, site)
    assert built.returncode != 0
    err = built.stderr
    assert ".site.building: fout: dit kan niet worden verwijderd" in err
    assert "Traceback" not in err
    assert _tree(site) == before


def _can_mount_tmpfs() -> bool:
    """True when an unprivileged user namespace may mount a tmpfs (no root needed)."""
    if not shutil.which("unshare"):
        return False
    probe = ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


# Run in the build's forked child by the pin fixture: these paths cannot be deleted.
_PINNED = """\
import os
from pathlib import Path
from koppelkansen import build
PINNED = {{Path(p) for p in {paths!r}}}
_access, _pinned, _rmtree = os.access, build._pinned, build.shutil.rmtree
build.os.access = lambda p, mode, **kw: Path(p) not in PINNED and _access(p, mode, **kw)
build._pinned = lambda p, info: Path(p) in PINNED or _pinned(p, info)


def rmtree(path, *args, **kwargs):
    # The kernel would refuse to delete a pinned path: the tree stays where it holds one.
    if any(q == Path(path) or q.is_relative_to(Path(path)) for q in PINNED):
        if kwargs.get("ignore_errors") or (args and args[0]):
            return
        raise PermissionError(1, "Operation not permitted", str(path))
    return _rmtree(path, *args, **kwargs)


build.shutil.rmtree = rmtree
"""


# Injected into the build's child process (PYTHONPATH): the disk is full for the new site.
_FULL_DISK = """\
import errno, shutil
_copy = shutil.copyfile
def copyfile(src, dst, *args, **kwargs):
    if ".site.building" in str(dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))
    return _copy(src, dst, *args, **kwargs)
shutil.copyfile = copyfile
"""


def test_full_disk_gives_a_dutch_message_and_keeps_the_site(tmp_path, capfd, monkeypatch):
    """ENOSPC while the new site is written, injected at the write layer of the build."""
    config = make_site_project(tmp_path)
    site = _old_site(tmp_path)
    before = _tree(site)
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(_FULL_DISK, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(inject))
    assert build_site(config, site) != 0
    err = capfd.readouterr().err
    assert re.search(r"\.site\.building/\S+: fout: de schijf is vol", err), err
    assert "Traceback" not in err and "ongewijzigd" in err
    assert _tree(site) == before
    assert not list(tmp_path.glob(".site.*"))


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="no user namespaces to mount a small tmpfs")
def test_really_full_disk_keeps_the_site(tmp_path):
    """A real 1 MB file system (a tmpfs in a user namespace, no root needed) that the site overflows."""
    config = make_site_project(tmp_path)
    volume = tmp_path / "vol"
    volume.mkdir()
    script = (
        'mount -t tmpfs -o size=1m tmpfs "$1" && mkdir "$1/site" && echo oud > "$1/site/index.html"'
        ' && "$2" -m koppelkansen build --config-file "$3" --site-dir "$1/site"; echo "rc=$?"'
        ' && ls -A "$1" "$1/site" && cat "$1/site/index.html"'
    )
    result = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script, "sh", str(volume), sys.executable, str(config)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=600,
    )
    out = result.stdout
    assert "rc=1" in out, result.stdout + result.stderr
    assert re.search(r": fout: de schijf is vol", result.stderr)
    assert "Traceback" not in result.stderr
    listing = out.split("rc=1", 1)[1]
    assert ".site.building" not in listing and ".site.old" not in listing and ".tmp" not in listing
    assert listing.strip().endswith("oud") and "index.html" in listing


def test_a_changed_lock_file_runs_npm_ci_whatever_its_modification_time(tmp_path):
    """Issue 31: node_modules follows package-lock.json by content. A lock that differs from the
    installed one with an older modification time (a copy or restored cache that kept the times,
    a coarse file system) runs npm ci; the same lock touched again does not."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "node_modules").mkdir()

    def planned() -> str:
        done = subprocess.run(
            ["make", "-n", "node"], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return done.stdout

    first = planned()
    assert "npm ci" in first  # nothing installed yet
    # What the rule writes after npm ci: the stamp holds the checksum of the two files.
    stamp = next(line for line in first.splitlines() if "node_modules/.installed" in line)
    subprocess.run(stamp, shell=True, cwd=tmp_path, check=True)
    assert "npm ci" not in planned()
    lock = tmp_path / "package-lock.json"
    os.utime(lock, (1, 1))  # same content, another time: nothing to do
    assert "npm ci" not in planned()
    lock.write_text(lock.read_text("utf-8").replace('"lockfileVersion"', '"lockfileVersion" '))
    os.utime(lock, (1, 1))  # changed, and older than the stamp
    assert "npm ci" in planned()
