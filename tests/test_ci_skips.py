"""Under CI no test is skipped quietly (issue 24, item 9): any non-empty ``CI`` but ``false``/``0``
turns every skip into a failure (conftest's report hooks); outside CI a skip stays a skip."""

from __future__ import annotations

import contextlib

import pytest
from _pytest.reports import CollectReport, TestReport
from conftest import in_ci, pytest_make_collect_report, pytest_runtest_makereport


@pytest.mark.parametrize(
    ("value", "ci"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("True", True),
        ("", False),
        ("false", False),
        ("0", False),
        (None, False),
    ],
)
def test_what_counts_as_ci(monkeypatch, value, ci):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert in_ci() is ci


class _Outcome:
    def __init__(self, report: object) -> None:
        self.report = report

    def get_result(self) -> object:
        return self.report


def _through(hook, report, **kwargs):
    wrapper = hook(**kwargs)
    next(wrapper)
    with contextlib.suppress(StopIteration):
        wrapper.send(_Outcome(report))
    return report


def _skipped_test(reason: str) -> TestReport:
    return TestReport("t.py::x", ("t.py", 1, "x"), {}, "skipped", ("t.py", 3, reason), "setup")


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_every_skip_fails_in_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    test = _through(pytest_runtest_makereport, _skipped_test("geen browser"), item=None, call=None)
    assert test.outcome == "failed"
    assert f"CI={value}: overgeslagen, en in CI is dat een fout: geen browser" in test.longrepr
    module = CollectReport("t.py", "skipped", ("t.py", 1, "geen module"), [])
    module = _through(pytest_make_collect_report, module, collector=None)
    assert module.outcome == "failed" and "geen module" in module.longrepr


@pytest.mark.parametrize("value", ["false", "0", ""])
def test_outside_ci_a_skip_stays_a_skip(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    test = _through(pytest_runtest_makereport, _skipped_test("geen browser"), item=None, call=None)
    assert test.outcome == "skipped"
