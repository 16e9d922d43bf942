"""The test suite's own machinery: the xdist groups that let the expensive audits run once."""

from __future__ import annotations

import re

import pytest


@pytest.mark.xdist_group("groepscontrole")
def test_xdist_groups_reach_the_scheduler(request):
    """Under `make test` (-n 2 --dist loadgroup) a grouped test's id carries its group, which is
    what pytest-xdist schedules by. pytest 9.2 silently dropped it (pytest-dev/pytest-xdist#1386):
    every axe audit then ran once per test instead of once per group, doubling the suite's time."""
    if not getattr(request.config.option, "loadgroup", False):
        return  # run without `--dist loadgroup` (one test, a debugger): no groups to schedule
    assert request.node.nodeid.endswith("@groepscontrole"), (
        f"pytest-xdist kent de groep niet meer: {request.node.nodeid}; "
        "zie de pin van pytest in pyproject.toml"
    )


def test_work_units_scheduled_first_exist_in_the_suite():
    """conftest.LONGEST_FIRST names xdist groups and tests; a renamed one would silently start late."""
    from pathlib import Path

    from conftest import LONGEST_FIRST

    source = "\n".join(
        path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("*.py")
    )
    groups = set(re.findall(r"xdist_group\(\"([^\"]+)\"\)", source))
    tests = set(re.findall(r"^def (test_\w+)\(", source, re.M))
    assert [name for name in LONGEST_FIRST if name not in groups | tests] == []


def test_the_suite_is_collected_without_pytest_xdist(tmp_path):
    """`pytest -p no:xdist` (one process, a debugger) knows every mark the suite uses: an unknown
    one (xdist_group, before conftest registered it) stopped the whole run at collection."""
    import subprocess
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "--collect-only",
            "-q",
            str(tests),
        ],
        cwd=tests.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "PytestUnknownMarkWarning" not in run.stdout + run.stderr
