from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import buildserver
import pytest
from hypothesis import settings

# No example database: a test run writes nothing outside its temporary folders (Hypothesis would
# keep one in .hypothesis/ in the working directory; its other caches go to a temporary folder below).
settings.register_profile("koppelkansen", database=None)
settings.load_profile("koppelkansen")


_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="koppelkansen-hypothesis-")


def in_ci() -> bool:
    """Whether this run is CI, where no test may be skipped: ``CI`` set to anything but empty,
    ``false`` or ``0`` (GitHub sets ``CI=true``; other systems ``1`` or ``yes``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI every skip is a failure, whatever skipped it (``pytest.skip``, ``skipif``,
    ``importorskip``, a fixture): a missing tool or a mark someone forgot must not pass quietly."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"CI={os.environ.get('CI')}: overgeslagen, en in CI is dat een fout: {reason}"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a whole module skipped while it is collected (``importorskip`` at the top)."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"CI={os.environ.get('CI')}: overgeslagen, en in CI is dat een fout: {reason}"
        )


def pytest_configure(config):
    # Registered here too, so that the suite runs without pytest-xdist (-p no:xdist, a debugger):
    # an unknown mark is an error under filterwarnings = error.
    config.addinivalue_line(
        "markers", "xdist_group(name): tests that share one expensive set-up run on one worker"
    )
    # Before collection: Hypothesis reads the constants of the tested modules into its cache then.
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)


def pytest_unconfigure(config):
    _HYPOTHESIS_HOME.cleanup()


# The longest work units (an xdist group, or a test of its own) start first, longest first, so
# that no worker is left with a long one at the end while the other has nothing to do. `make test`
# passes --no-loadscope-reorder: pytest-xdist then hands out work units in this collection order
# (by default it orders them by their number of tests). Everything else keeps the file order. The
# order is that of their wall times in a profiled run (docs-dev/quality-gates.md, "Longest work
# first"): a unit left out starts in file order, which put the 19 s pdf-parts group at the end.
LONGEST_FIRST = (
    "site-real",
    "editor",
    "versions-project",
    "incremental-vs-cold",
    "editor-publish",
    "pdf-parts",
    "test_versions_benchmark_runs_on_a_tiny_corpus",
    "versions-same-day",
    "pdf-bundle-built",
    "site-broken",
    "pdf-bundle-incremental",
    "pdf-bundle-edited",
)


def work_unit(item: pytest.Item) -> str:
    """The item's xdist group, or its test function's name when it has none."""
    group = item.get_closest_marker("xdist_group")
    if group is not None:
        return str(group.kwargs.get("name", group.args[0] if group.args else ""))
    return getattr(item, "originalname", item.name)


def pytest_collection_modifyitems(config, items):
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(work_unit(item), len(rank)))


ROOT = Path(__file__).resolve().parent.parent
BASE_DOCS = Path(__file__).resolve().parent / "fixtures" / "base-docs"


def make_docs(
    target: Path, files: dict[str, str | None] | None = None, latin1: dict[str, str] | None = None
) -> Path:
    """A docs folder: the fixture corpus, the project's real schema and vocabulary, and ``files``.

    A file mapped to ``None`` is removed; ``latin1`` files are written in Latin-1 instead of UTF-8.
    """
    docs = target / "docs"
    shutil.copytree(BASE_DOCS, docs)
    shutil.copytree(ROOT / "docs" / "schema", docs / "schema")
    for relative, content in (files or {}).items():
        path = docs / relative
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    for relative, content in (latin1 or {}).items():
        (docs / relative).write_bytes(content.encode("latin-1"))
    return docs


MKDOCS_YML = """\
site_name: Testsite
site_url: https://example.org/test/
docs_dir: docs
theme:
  name: material
  language: nl
  custom_dir: {overrides}
  font: false
plugins:
  - koppelkansen
extra_css:
  - assets/stylesheets/koppelkansen.css
  - assets/stylesheets/search.css
extra_javascript:
  - assets/javascripts/search.js
"""


def make_site_project(target: Path, docs_files=None, latin1=None) -> Path:
    """A small MkDocs project using the project's plugin, overrides and assets; returns mkdocs.yml."""
    docs = make_docs(target, docs_files, latin1)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    config = target / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(overrides=ROOT / "overrides"), encoding="utf-8")
    return config


@pytest.fixture(scope="session", autouse=True)
def system_temp_in_the_test_folder(tmp_path_factory):
    """Scratch files of the code under test (a version's build, Chromium's profile, Typst) go to a
    folder of this test session, like everything else the tests write: TMPDIR for the child
    processes, ``tempfile.tempdir`` for this one."""
    folder = tmp_path_factory.mktemp("systeem-tmp")
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # read TMPDIR again
    buildserver.configure(folder)  # the build server's socket, whichever test starts it
    yield folder
    if old is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = old
    tempfile.tempdir = None


@pytest.fixture
def made_venv() -> None:
    """For tests that run the project's own `make` targets: they need the .venv that `make test`
    creates. Without it they skip; in CI (:func:`in_ci`), where nothing may be skipped, they fail."""
    if not (ROOT / ".venv" / ".installed").exists():
        reason = "deze test draait 'make' en heeft .venv nodig (eerst make venv)"
        if in_ci():
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)


@pytest.fixture
def project_root() -> Path:
    return ROOT


def run_build(
    config: Path, site: Path, cwd: Path | None = None, *, force: bool = False
) -> subprocess.CompletedProcess[str]:
    """`koppelkansen build` as `make site` runs it, in a child process (without a
    SOURCE_DATE_EPOCH from the environment, so dates come from git as on a laptop). The child is
    forked from the worker's warmed-up build server (tests/buildserver.py). ``force``: build also
    when nothing changed (a test of the caches behind the build)."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    arguments = ["build", "--config-file", str(config), "--site-dir", str(site)]
    return buildserver.run_cli([*arguments, *(["--force"] if force else [])], cwd=cwd, env=env)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One real Chromium per worker for every browser test (the quality gates, the editor):
    Playwright's sync API allows one running instance per thread, so a second module's own
    `sync_playwright()` beside a session's would fail."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, browser_environment, missing_tools

    reason = missing_tools()
    if reason:
        if in_ci():
            pytest.fail(f"CI en de browsertests kunnen niet draaien: {reason}")
        pytest.skip(f"BROWSERTESTS OVERGESLAGEN (in CI een fout): {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            env=browser_environment(tmp_path_factory.mktemp("chromium-thuis")),
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The project's own site (docs/, mkdocs.yml, overrides/; pages dated by git) with the specimen
    page voorbeeld.md at voorbeeld/: one build, audited by every gate (tests/test_quality_gates.py)
    and searched (tests/test_search.py; both modules' tests are in the xdist group ``site-real``,
    so one worker builds it once). The specimen page brings the markup the real pages may not use
    yet (content tabs, details, footnotes, code, ...), so content added later is covered by the
    same CSS."""
    from browser_support import make_real_project

    from koppelkansen.versions.proposal import SINCE_ENV

    target = tmp_path_factory.mktemp("echt")
    config = make_real_project(target)
    # A proposal's change page (issue 21) goes through every gate too: one plan of the copy gets
    # a paragraph, compared with HEAD (koppelkansen wijzigingen sets the same variable).
    plan = target / "docs" / "casussen" / "amstelstad" / "projectplan.md"
    with plan.open("a", encoding="utf-8") as out:
        out.write("\nDit voorstel voegt een alinea toe aan het plan.\n")
    os.environ[SINCE_ENV] = "HEAD"
    try:
        result = run_build(config, target / "site")
    finally:
        del os.environ[SINCE_ENV]
    assert result.returncode == 0, f"bouw van {config} mislukt:\n{result.stderr}"
    return target / "site"
