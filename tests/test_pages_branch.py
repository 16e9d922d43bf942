"""The Pages branch (scripts/pages.py, issue 29 item 3): the site of main at the root and every
proposal's preview at voorstel/<number>/, each publication one commit pushed to a real git remote;
and the workflow jobs that publish the previews, which run none of the proposal's code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from scripts import pages

ROOT = Path(__file__).resolve().parent.parent


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def _site(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _published(remote: Path) -> dict[str, str]:
    out = _git(remote, "ls-tree", "-r", "--name-only", pages.BRANCH)
    return {name: _git(remote, "show", f"{pages.BRANCH}:{name}") for name in out.splitlines()}


def test_the_site_and_the_previews_share_the_pages_branch(tmp_path, monkeypatch):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    monkeypatch.chdir(checkout)
    url = str(remote)

    pages.publish_site(url, _site(tmp_path / "v1", {"index.html": "v1", "oud.html": "oud"}))
    pages.publish_preview(url, _site(tmp_path / "p7", {"index.html": "p7", "_x/a.css": "c"}), 7)
    pages.publish_preview(url, _site(tmp_path / "p8", {"index.html": "p8"}), 8)
    assert _published(remote) == {
        ".nojekyll": "",
        "index.html": "v1",
        "oud.html": "oud",
        "voorstel/7/index.html": "p7",
        "voorstel/7/_x/a.css": "c",
        "voorstel/8/index.html": "p8",
    }
    # A new site of main replaces the root and keeps the previews; a new push of a proposal
    # replaces its own preview only.
    pages.publish_site(url, _site(tmp_path / "v2", {"index.html": "v2"}))
    pages.publish_preview(url, _site(tmp_path / "p7b", {"index.html": "p7b"}), 7)
    assert _published(remote) == {
        ".nojekyll": "",
        "index.html": "v2",
        "voorstel/7/index.html": "p7b",
        "voorstel/8/index.html": "p8",
    }
    pages.remove_preview(url, 7)
    assert sorted(_published(remote)) == [".nojekyll", "index.html", "voorstel/8/index.html"]
    # One commit, no history that grows with every preview.
    assert _git(remote, "rev-list", "--count", pages.BRANCH) == "1"
    # The site may not bring its own voorstel/ folder.
    clash = _site(tmp_path / "v3", {"index.html": "v3", "voorstel/1/index.html": "x"})
    with pytest.raises(pages.Stop, match="deze map is voor de voorbeelden van voorstellen"):
        pages.publish_site(url, clash)
    assert pages.main(["--remote", url, "site", str(tmp_path / "ontbreekt")]) == 1
    # A remote that refuses the push (no rights) is said as such, not retried as a race.
    # Another job publishes between this one's fetch and push: the lease fails, the script
    # starts again from the new state, and both previews are there.
    real_fetch = pages.fetch
    raced: list[int] = []

    def racing_fetch(remote_url: str) -> str | None:
        old = real_fetch(remote_url)
        if not raced:
            raced.append(1)
            monkeypatch.setattr(pages, "fetch", real_fetch)
            pages.publish_preview(remote_url, _site(tmp_path / "p9", {"index.html": "p9"}), 9)
            monkeypatch.setattr(pages, "fetch", racing_fetch)
        return old

    monkeypatch.setattr(pages, "fetch", racing_fetch)
    pages.publish_preview(url, _site(tmp_path / "p10", {"index.html": "p10"}), 10)
    monkeypatch.setattr(pages, "fetch", real_fetch)
    assert raced and {"voorstel/9/index.html", "voorstel/10/index.html"} <= set(_published(remote))
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho geen rechten >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    with pytest.raises(pages.Stop, match=r"git push naar gh-pages mislukte.*geen rechten"):
        pages.remove_preview(url, 8)


def test_the_preview_address_comes_from_site_url(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: X\nsite_url: https://o.github.io/r\n", encoding="utf-8")
    assert pages.site_url(config) == "https://o.github.io/r/"
    assert pages.site_url(ROOT / "mkdocs.yml") == "https://koppelkansen.github.io/plannen/"


def test_the_preview_jobs_run_none_of_the_proposals_code():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text())
    assert workflow[True]["pull_request"]["types"] == [
        "opened",
        "synchronize",
        "reopened",
        "closed",
    ]
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["proposal"]["if"] == "github.event.action != 'closed'"
    same_repository = "github.event.pull_request.head.repo.full_name == github.repository"
    assert jobs["preview"]["if"] == same_repository and jobs["preview"]["needs"] == "proposal"
    assert jobs["remove-preview"]["if"].endswith(same_repository)
    assert jobs["preview"]["permissions"] == {"contents": "write", "statuses": "write"}
    assert jobs["remove-preview"]["permissions"] == {"contents": "write"}
    for name in ("preview", "remove-preview"):
        steps = jobs[name]["steps"]
        checkout = steps[0]
        # The base commit's own script, never the pull request's checkout.
        assert checkout["with"] == {
            "ref": "${{ github.event.pull_request.base.sha }}",
            "persist-credentials": False,
        }
        for step in steps:
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            run = step.get("run", "")
            assert "${{" not in run
            assert not run or run.startswith("python3 scripts/pages.py "), run
    publish = jobs["preview"]["steps"][-1]
    assert publish["env"]["HEAD_SHA"] == "${{ github.event.pull_request.head.sha }}"
    assert '--samenvatting "$GITHUB_STEP_SUMMARY"' in publish["run"]
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    deploy = ci["jobs"]["deploy"]
    assert deploy["permissions"] == {"contents": "write"}
    assert deploy["steps"][-1]["run"] == "python3 scripts/pages.py site site"
