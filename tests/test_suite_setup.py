"""The test suite's own machinery: the xdist groups that let the expensive audits run once."""

from __future__ import annotations

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
