"""koppelkansen.adapter.incremental: a rebuild in the same process (``make serve``) renders only the
pages whose Markdown changed, and its result is byte for byte that of a cold build.

The correctness test runs tests/incremental_builds.py in a child process: one session of builds of
the PDF fixture project, and after each kind of edit a cold build of the same state beside it
(site and PDFs; the cold build's rendering cache emptied, the PDF cache shared, whose own
correctness tests/test_pdf_bundle.py proves)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT
from pdfproject import make_pdf_project

from koppelkansen.adapter import incremental


def test_the_installed_mkdocs_render_sets_what_the_cache_restores():
    """The cache restores what Page.render assigns; a new MkDocs (or ProperDocs) that assigns
    something else must be looked at before the cache is trusted."""
    assert incremental.assigned_by_render() == incremental.RENDERED_ATTRIBUTES


def test_configuration_values_are_keyed_the_same_in_every_process():
    first = incremental._stable({"b": [1, (2, "x")], "a": json.dumps})
    assert first == incremental._stable({"a": json.dumps, "b": [1, (2, "x")]})
    assert "0x" not in first and "json.dumps" in first
    assert first != incremental._stable({"a": json.loads, "b": [1, (2, "x")]})


@pytest.mark.xdist_group("incremental-vs-cold")
def test_incremental_builds_equal_cold_builds_after_each_kind_of_edit(tmp_path):
    config = make_pdf_project(tmp_path)
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["theme"]["custom_dir"] = str(tmp_path / "overrides")
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    docs = tmp_path / "docs"
    plan_page = str(docs / "casussen" / "amstelstad" / "plan.md")
    round_page = str(docs / "leerrondes" / "2018-plannen.md")
    # Three states, one cold build each (a build is most of this test's time): each edit's effect
    # is in its state, so a stale page of any one of them shows as a difference.
    states = [
        (
            "title, status and vocabulary label",
            [
                [plan_page, "title: Projectplan Amstelstad", "title: Plan voor Amstelstad"],
                [plan_page, "status: vastgesteld", "status: ter-bespreking"],
                [str(docs / "schema" / "vocabulary.yml"), "label: 9 Straatjes", "label: Negen"],
            ],
        ),
        # A page in no PDF: the PDFs come from their cache, so the other pages' templates see
        # the same download entries as in the previous build.
        ("paragraph", [[round_page, "# Leerronde 2018", "# Leerronde 2018\n\nEen nieuwe alinea."]]),
        (
            "template and deleted page",
            [
                [
                    str(tmp_path / "overrides" / "main.html"),
                    "{% block content %}",
                    "{% block content %}<p>Sjabloonregel</p>",
                ],
                [str(docs / "leerrondes" / "2019-ontwerpateliers.md"), None],
            ],
        ),
    ]
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "config": str(config),
                "states": [{"name": name, "edits": edits} for name, edits in states],
            }
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "incremental_builds.py"), str(plan)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert [r["name"] for r in results] == [name for name, _ in states], run.stderr[-2000:]
    for result in results:
        assert result["differ"] == [], result
    metadata, paragraph, deleted = results
    # Metadata reaches the pages that show it (overviews, the case page), not every page's
    # Markdown; a title and a status are in the navigation, so every page's template renders.
    assert metadata["misses"] > 0 and metadata["hits"] > 0, metadata
    assert metadata["pages_hit"] == 0, metadata
    # A paragraph: only its page is rendered again, Markdown and template.
    assert paragraph["misses"] == 1 and paragraph["hits"] > 0, paragraph
    assert 0 < paragraph["pages_hit"] < paragraph["pages"], paragraph
    # A template and a deleted page (every page's link targets) reach every page.
    assert deleted["hits"] == 0 and deleted["misses"] > 0 and deleted["pages_hit"] == 0, deleted
    # The site and the PDFs were compared.
    site = tmp_path / "site-koud"
    assert (site / "downloads" / "koppelkansen-projectplannen.pdf").is_file()
    assert "Een nieuwe alinea." in (site / "leerrondes" / "2018-plannen" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "Sjabloonregel" in (site / "index.html").read_text(encoding="utf-8")
    assert "Plan voor Amstelstad" in (
        site / "casussen" / "amstelstad" / "plan" / "index.html"
    ).read_text(encoding="utf-8")
    matrix = site / "overzichten" / "koppelkansen-matrix" / "index.html"
    assert "Negen" in matrix.read_text(encoding="utf-8")  # the label reached an overview
    assert not (site / "leerrondes" / "2019-ontwerpateliers").exists()


def test_each_cache_is_bounded_in_entries_and_in_text(monkeypatch):
    """A long session (or a hostile page that changes on every save) cannot grow the process."""
    cache = incremental._Bounded(10, len)
    for key in "abc":
        cache.put(key, "xxxx")
    assert len(cache) == 2 and cache.get("a") is None and cache.chars == 8
    cache.get("b")  # used: "c" is now the oldest
    cache.put("d", "xxxx")
    assert cache.get("c") is None and cache.get("b") == "xxxx"
    cache.put("e", "x" * 11)  # larger than the whole bound: not kept at all
    assert cache.get("e") is None and cache.chars <= 10
    monkeypatch.setattr(incremental, "MAX_ENTRIES", 1)
    cache.put("f", "x")
    assert len(cache) == 1
