"""What a fresh clone of this repository has, and what it lacks (issue 28).

A clone has no ``.venv/``, ``node_modules/``, ``site/`` or ``.cache/``, but it does have the
generator package beside its pages. Two tests here look at the repository itself, not a fixture:

- every ``run:`` step of every workflow, in order, on a fresh copy of the tracked files, starts
  only after the steps before it installed what it needs (``make -n`` shows what make would run
  there, install steps included);
- a version made in a copy of this repository (its package, templates, configuration and
  ``node_modules/`` beside them) gets its own PDFs, with the version on the cover.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_build

WORKFLOWS = ROOT / ".github" / "workflows"

#: What an install line makes available, by a pattern of the command make (or a step) runs.
INSTALLS = (
    ("system", re.compile(r"install-system-deps\.sh")),
    ("python", re.compile(r"pip install .*-r requirements(-properdocs)?\.lock")),
    ("node", re.compile(r"\bnpm ci\b")),
)
#: What a command needs before it can start: the first pattern that matches decides.
NEEDS = (
    # A proposal's change site has no browser editor (koppelkansen/pipeline.py).
    (re.compile(r"-m koppelkansen wijzigingen\b"), {"python"}),
    # Every other build writes the editor from node_modules.
    (re.compile(r"-m koppelkansen build\b|-m mkdocs (build|serve)\b"), {"python", "node"}),
    (re.compile(r"-m pytest\b"), {"python", "node", "system"}),
    # `make schrijven`: the guarded editor server (Node) and the live preview (Python); no browser,
    # Java or poppler (only the writing list of system packages, scripts/system-packages-write.txt).
    (re.compile(r"-m koppelkansen\.editor\.local\b"), {"python", "node"}),
    (re.compile(r"\bnode node_modules/"), {"node"}),
    # A program of the virtual environment, started (not tested for: `test -x .venv/bin/python`).
    (re.compile(r"^(?:\w+=\S+ )*(?:scripts/annotated\.sh )?\.venv(-properdocs)?/bin/"), {"python"}),
)


def tracked_copy(target: Path) -> Path:
    """The tracked files of the working tree (as they are now), as a fresh clone has them."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in names:
        if not raw:
            continue
        name = raw.decode()
        source = ROOT / name
        if not source.is_file():  # deleted in the working tree
            continue
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    return target


def commands_of_step(run: str, fresh: Path) -> list[str]:
    """The commands a ``run:`` step starts: a ``make`` target's as ``make -n`` prints them in the
    fresh copy, ``.ci/run`` read as its own commands, the rest as written."""
    commands: list[str] = []
    for line in re.split(r"\n|&&", run):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        target = re.match(r"^(?:bash )?\.ci/run$", line)
        if target:
            ci = (fresh / ".ci" / "run").read_text(encoding="utf-8")
            commands += commands_of_step(
                "\n".join(x for x in ci.splitlines() if not x.startswith(("cd ", "set "))), fresh
            )
            continue
        make = re.match(r"^make ([a-z][a-z-]*(?: [a-z][a-z-]*)*)$", line)
        if make:
            dry = subprocess.run(
                ["make", "-n", *make.group(1).split()],
                cwd=fresh,
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "MAKEFLAGS": ""},
            )
            assert dry.returncode == 0, f"make -n {make.group(1)}: {dry.stderr}"
            commands += [x for x in dry.stdout.splitlines() if x.strip()]
            continue
        commands.append(line)
    return commands


def missing_installs(commands: list[str]) -> list[str]:
    """Every command that would start before what it needs was installed, with what it lacks."""
    have: set[str] = set()
    problems = []
    for command in commands:
        for name, pattern in INSTALLS:
            if pattern.search(command):
                have.add(name)
        for pattern, needs in NEEDS:
            if pattern.search(command):
                if needs - have:
                    problems.append(f"{command!r} mist {sorted(needs - have)}")
                break
    return problems


def workflow_jobs() -> list[tuple[str, str, list[str]]]:
    jobs = []
    for path in sorted(WORKFLOWS.glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, job in data["jobs"].items():
            runs = [step["run"] for step in job.get("steps", []) if "run" in step]
            if runs:
                jobs.append((path.name, name, runs))
    return jobs


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    return tracked_copy(tmp_path_factory.mktemp("verse-kloon"))


@pytest.mark.parametrize(
    "workflow,job,runs", workflow_jobs(), ids=[f"{w}:{j}" for w, j, _ in workflow_jobs()]
)
def test_every_workflow_step_has_what_it_needs_on_a_fresh_runner(fresh, workflow, job, runs):
    commands = [c for run in runs for c in commands_of_step(run, fresh)]
    assert commands, f"{workflow}:{job} start niets"
    assert missing_installs(commands) == [], f"{workflow}:{job}: {missing_installs(commands)}"


def test_the_readme_commands_and_ci_install_everything_on_a_fresh_clone(fresh):
    """README's two commands, and .ci/run, which runs both in README's order."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.findall(r"^make \w+$", ci, re.M) == ["make site", "make test"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make site   #") < readme.index("make test   #")
    for target in ("site", "test", "serve", "schrijven", "linkcheck-external", "site-properdocs"):
        commands = commands_of_step(f"make {target}", fresh)
        assert missing_installs(commands) == [], (target, missing_installs(commands))


def test_the_model_of_needs_catches_a_missing_install_step():
    """The check above can fail: a build whose npm install never runs is caught (the bug of
    issue 28, where make expanded an undefined NODE_STAMP to nothing)."""
    build = ".venv/bin/python -m koppelkansen build --config-file mkdocs.yml --site-dir site"
    pip = ".venv/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock"
    assert missing_installs([pip, build]) == [f"{build!r} mist ['node']"]
    assert missing_installs([pip, "npm ci --no-audit", build]) == []
    proposal = ".venv/bin/python -m koppelkansen wijzigingen --sinds x"
    assert missing_installs([pip, proposal]) == []


def _git(project: Path, *args: str, epoch: int = 1541000000) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Kernteam",
        "GIT_AUTHOR_EMAIL": "kernteam@example.org",
        "GIT_COMMITTER_NAME": "Kernteam",
        "GIT_COMMITTER_EMAIL": "kernteam@example.org",
        "GIT_AUTHOR_DATE": f"{epoch} +0100",
        "GIT_COMMITTER_DATE": f"{epoch} +0100",
    }
    subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)


@pytest.mark.xdist_group("versions-of-this-repository")
def test_a_version_of_this_repository_gets_its_pdfs(tmp_path):
    """`make versie` and `make site` in a copy of this repository: the version's PDFs are made by
    today's generator (not the tag's copy of the package, which a version's build never runs)
    and the Downloads page offers them, with the version's name on the cover."""
    clone = tracked_copy(tmp_path / "kloon")
    _git(clone, "init", "-q", "-b", "main")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-qm", "De plannen")
    _git(
        clone,
        "tag",
        "-a",
        "versie/2018-10-31",
        "-m",
        "Versie 31 oktober 2018: gepresenteerd aan de directies\n\n"
        "naam: gepresenteerd aan de directies\ndatum: 2018-10-31\n"
        "overleg: directieoverleg/2018-10-31\n",
    )
    (clone / "node_modules").symlink_to(ROOT / "node_modules")  # as `make node` leaves it
    result = run_build(clone / "mkdocs.yml", clone / "site", cwd=clone)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "konden niet gemaakt worden" not in result.stderr
    folder = clone / "site" / "downloads" / "versies" / "2018-10-31"
    pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    assert "koppelkansen-projectplannen.pdf" in pdfs, pdfs
    cover = subprocess.run(
        ["pdftotext", "-l", "1", str(folder / "koppelkansen-projectplannen.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Versie 31 oktober 2018 – gepresenteerd aan de directies" in cover
    downloads = (clone / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "versies/2018-10-31/koppelkansen-projectplannen.pdf" in downloads
    assert "Niet beschikbaar in deze build." not in downloads


def test_a_version_that_cannot_be_built_stops_the_build_in_dutch(tmp_path):
    """Not its text but the build failed (here: the tag has no configuration file): the build
    stops with the cause, instead of an INFO line under a successful build."""
    clone = tracked_copy(tmp_path / "kloon")
    _git(clone, "init", "-q", "-b", "main")
    (clone / "mkdocs.yml").rename(clone / "site.yml")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-qm", "zonder mkdocs.yml")
    _git(clone, "tag", "-a", "versie/2018-10-31", "-m", "Versie\n\nnaam: x\ndatum: 2018-10-31\n")
    (clone / "site.yml").rename(clone / "mkdocs.yml")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-qm", "met mkdocs.yml", epoch=1542000000)
    (clone / "node_modules").symlink_to(ROOT / "node_modules")
    result = run_build(clone / "mkdocs.yml", clone / "site", cwd=clone)
    assert result.returncode != 0
    assert "De PDF's van versie 31 oktober 2018 (tag versie/2018-10-31) konden niet" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (clone / "site").exists()


def test_make_schrijven_installs_only_what_writing_needs(fresh):
    """Python, Node and git: not the browser, Java or poppler of the tests (issue 29); npm's
    output goes to a log; the editor (which prints its address last) is the last command."""
    # (make's own "Entering/Leaving directory" lines, printed under a parent make, left out)
    commands = [c for c in commands_of_step("make schrijven", fresh) if not c.startswith("make[")]
    installs = [c for c in commands if "install-system-deps.sh" in c]
    assert installs == ["scripts/install-system-deps.sh system-packages-write.txt"], installs
    wanted = (ROOT / "scripts" / "system-packages-write.txt").read_text(encoding="utf-8")
    listed = [line.strip() for line in wanted.splitlines() if line.strip() and line[0] != "#"]
    assert listed == ["git"]
    npm = [c for c in commands if c.startswith("npm ci")]
    assert len(npm) == 1 and "--loglevel=error >.cache/npm-ci.log 2>&1" in npm[0], npm
    assert commands[-1].endswith("-m koppelkansen.editor.local --site-port 8000 --editor-port 8081")
    # `make site` and `make test` still install everything.
    for target in ("site", "test"):
        assert "scripts/install-system-deps.sh" in commands_of_step(f"make {target}", fresh)
