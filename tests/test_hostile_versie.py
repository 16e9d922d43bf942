"""Hostile input to ``make versie`` / ``koppelkansen versie``: values stay text, OVERLEG is a meeting."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, make_docs
from pdfproject import COMMIT_EPOCH, committing_at, git_env

from koppelkansen.cli import main

MEETING = """\
---
title: {title}
type: sessie
status: vastgesteld
description: De plannen zijn aan de directeuren gepresenteerd.
kind: {kind}
date: {day}
round: 2018-plannen
organisations: [waternet, alliander, gemeente-amsterdam]
---

# {title}
"""


def _meeting(title: str, day: str, kind: str = "directieoverleg") -> str:
    return MEETING.format(title=title, day=day, kind=kind)


def _repo(tmp_path: Path) -> Path:
    """A committed git repository with docs/: two directors' meetings and one design studio."""
    docs = make_docs(
        tmp_path,
        {
            "directieoverleg/2018-10-31.md": _meeting("Directieoverleg 31 oktober", "2018-10-31"),
            "directieoverleg/2019-06-01.md": _meeting("Directieoverleg 1 juni", "2019-06-01"),
            "ateliers/2018-09-01.md": _meeting("Atelier", "2018-09-01", "ontwerpatelier"),
        },
    )
    env = git_env(COMMIT_EPOCH)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Plannen"]):
        subprocess.run(["git", *command], cwd=tmp_path, env=env, check=True)
    return docs


@pytest.fixture
def markers():
    """Two files a hostile value would create: short paths, so that a NAAM stays within 120."""
    folder = Path(tempfile.mkdtemp(prefix="kk", dir="/tmp"))
    yield folder / "1", folder / "2"
    shutil.rmtree(folder)


def _make_versie(docs: Path, **values: str) -> subprocess.CompletedProcess[str]:
    args = ["make", "--no-print-directory", "-C", str(ROOT), "versie", f"DOCS={docs}"]
    args += [f"{key}={value}" for key, value in values.items()]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    env.update({k: v for k, v in git_env(COMMIT_EPOCH).items() if k.startswith("GIT_")})
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False)


def _tags(docs: Path) -> dict[str, str]:
    listing = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname:strip=2)%00%(contents)%1e", "refs/tags/"],
        cwd=docs,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    records = [r.strip("\n").split("\0", 1) for r in listing.split("\x1e") if r.strip()]
    return dict((tag, message) for tag, message in records)


@pytest.mark.usefixtures("made_venv")
@pytest.mark.parametrize(
    "name",
    [
        "Versie $HOME $(shell touch {m1}) `touch {m2}` $$ $(touch {m2})",
        "${{HOME}} $(info gelekt) $(eval X:=1)$X \"Oost\" 'q' & <b> $(shell touch {m1})",
    ],
)
def test_make_versie_runs_nothing_and_tags_the_name_literally(tmp_path, markers, name):
    docs = _repo(tmp_path / "repo")
    marker1, marker2 = markers
    name = name.format(m1=marker1, m2=marker2)
    result = _make_versie(docs, NAAM=name, DATUM="2018-10-31", OVERLEG="directieoverleg/2018-10-31")
    assert result.returncode == 0, result.stderr
    assert not marker1.exists() and not marker2.exists()
    assert (result.stdout + result.stderr).count("gelekt") == name.count("gelekt")
    assert f"Versie gemaakt: Versie 31 oktober 2018 – {name} (tag versie/2018-10-31" in (
        result.stdout
    )
    message = _tags(docs)["versie/2018-10-31"]
    assert f"naam: {name}\n" in message
    assert message.rstrip("\n").endswith("overleg: directieoverleg/2018-10-31")


@pytest.mark.usefixtures("made_venv")
@pytest.mark.parametrize(
    ("datum", "overleg", "expected"),
    [
        ("2018-10-31", "$(shell touch {m1})", "OVERLEG '$(shell touch {m1})': er is geen pagina"),
        ("$(shell touch {m1})`touch {m2}`", "", "DATUM '$(shell touch {m1})`touch {m2}`' is geen"),
    ],
)
def test_make_versie_refuses_hostile_values_as_text(tmp_path, markers, datum, overleg, expected):
    docs = _repo(tmp_path / "repo")
    marker1, marker2 = markers
    fill = {"m1": marker1, "m2": marker2}
    result = _make_versie(
        docs, NAAM="x", DATUM=datum.format(**fill), OVERLEG=overleg.format(**fill)
    )
    assert result.returncode == 2  # make: the program said 1
    assert "koppelkansen versie: de versie is niet gemaakt:" in result.stderr
    assert expected.format(**fill) in result.stderr
    assert not marker1.exists() and not marker2.exists()
    assert _tags(docs) == {}
    assert "Traceback" not in result.stderr


def _versie(docs: Path, overleg: str) -> int:
    with committing_at(COMMIT_EPOCH):
        return main(
            [
                *("versie", "--naam", "x", "--datum", "2019-07-01"),
                *("--overleg", overleg, "--docs", str(docs)),
            ]
        )


RULE = (
    "een versie noemt de pagina van een directieoverleg "
    "(front matter 'type: sessie' en 'kind: directieoverleg')."
)


@pytest.mark.parametrize(
    ("overleg", "why", "hint", "order"),
    [
        (
            "directieoverleg/2019-06-02",
            "er is geen pagina docs/directieoverleg/2019-06-02.md",
            " Bedoel je 'directieoverleg/2019-06-01'?",
            "directieoverleg/2019-06-01, directieoverleg/2018-10-31",
        ),
        (
            "ateliers/2018-09-01",
            "docs/ateliers/2018-09-01.md is een sessie van soort 'ontwerpatelier', "
            "geen directieoverleg",
            "",
            "directieoverleg/2019-06-01, directieoverleg/2018-10-31",
        ),
        (
            "programma",
            "docs/programma.md is een pagina van type 'programma', geen overleg",
            "",
            "directieoverleg/2019-06-01, directieoverleg/2018-10-31",
        ),
        (
            "Directieoverleg/2018-10-31.md",
            "er is geen pagina docs/Directieoverleg/2018-10-31.md",
            " Bedoel je 'directieoverleg/2018-10-31'?",
            "directieoverleg/2018-10-31, directieoverleg/2019-06-01",
        ),
    ],
)
def test_overleg_must_name_a_directors_meeting(tmp_path, capsys, overleg, why, hint, order):
    docs = _repo(tmp_path)
    assert _versie(docs, overleg) == 1
    err = capsys.readouterr().err
    shown = overleg.removesuffix(".md")
    assert f"  - OVERLEG '{shown}': {why}; {RULE}{hint} Bekende overleggen: {order}.\n" in err
    assert _tags(docs) == {}


def test_overleg_without_any_meeting_says_how_to_make_one(tmp_path, capsys):
    docs = _repo(tmp_path)
    for name in ("2018-10-31.md", "2019-06-01.md"):
        (docs / "directieoverleg" / name).unlink()
    subprocess.run(["git", "commit", "-qam", "weg"], cwd=tmp_path, env=git_env(COMMIT_EPOCH))
    assert _versie(docs, "ateliers/2018-09-01") == 1
    err = capsys.readouterr().err
    assert "en die zijn er nog niet. Maak er een met 'make new TYPE=sessie" in err
    assert _tags(docs) == {}


def test_overleg_naming_a_meeting_makes_the_version(tmp_path, capsys):
    docs = _repo(tmp_path)
    assert _versie(docs, "directieoverleg/2019-06-01.md") == 0
    message = _tags(docs)["versie/2019-07-01"]
    assert message.rstrip("\n").endswith("overleg: directieoverleg/2019-06-01")
