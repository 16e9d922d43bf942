"""Builds never lose the site: a lock against concurrent builds, recovery after a crash."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import ROOT, make_site_project

from koppelkansen.build import build_lock, build_site, recover


def test_second_build_waits_for_the_first_and_the_site_is_complete(tmp_path):
    config = make_site_project(tmp_path)
    site = tmp_path / "site"
    command = [sys.executable, "-m", "koppelkansen", "build", "--config-file", str(config)]
    command += ["--site-dir", str(site)]
    first = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    first_err = first.communicate(timeout=600)[1]
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in first_err + second.stderr
    assert (site / "index.html").is_file() and (site / "search" / "search_index.json").is_file()
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


def test_failed_build_after_a_crash_still_keeps_the_old_site(tmp_path, capfd):
    config = make_site_project(tmp_path, {"kapot.md": "---\ntitle: x\n---\n"})
    old = tmp_path / ".site.old"
    old.mkdir()
    (old / "index.html").write_text("oude site", encoding="utf-8")
    assert build_site(config, tmp_path / "site") != 0
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "oude site"
    assert "ongewijzigd" in capfd.readouterr().err
