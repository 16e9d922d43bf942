"""koppelkansen.versions.cache without MkDocs: which entries a build reads, computes and keeps.

A fake ``read`` stands in for git (it counts its calls), so each test says exactly which versions
were read from git and which change views were computed; the change pages are compared with those
:func:`koppelkansen.versions.changepages.build_pages` computes from scratch.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from importgraph import closure
from pdfproject import git_env

from koppelkansen.pages.model import Page
from koppelkansen.versions.cache import CODE_MODULES, VersionCache, code_version
from koppelkansen.versions.changepages import build_pages
from koppelkansen.versions.diff import compare
from koppelkansen.versions.tags import Version, _commits_present

TYPES = ["plan"]
STATUSES = {"concept": "Concept", "vastgesteld": "Vastgesteld"}


def _page(path: str, body: str, status: str = "concept", type_: str = "plan") -> Page:
    return Page.of_version(path, {"title": f"Plan {path}", "status": status, "type": type_}, body)


def _body(*paragraphs: str) -> str:
    return "# Plan\n\n## Aanpak\n\n" + "\n\n".join(paragraphs) + "\n"


#: Three versions (newest first) of two plans and one page of another type.
TREES = {
    "c" * 40: {
        "a.md": _page("a.md", _body("Het kernteam noemt de activiteiten.", "Nieuw.")),
        "b.md": _page("b.md", _body("Haven-Stad."), "vastgesteld"),
        "verslag.md": _page("verslag.md", "Verslag.", type_="sessie"),
    },
    "b" * 40: {
        "a.md": _page("a.md", _body("Het kernteam noemt de activiteiten.")),
        "b.md": _page("b.md", _body("Haven-Stad.")),
    },
    "a" * 40: {
        "a.md": _page("a.md", _body("Het kernteam beschrijft de activiteiten.")),
        "b.md": _page("b.md", _body("Haven-Stad.")),
    },
}
VERSIONS = [
    Version(f"versie/2019-0{n}-01", f"2019-0{n}-01", f"versie {n}", f"2019-0{n}-01", "", c, n)
    for n, c in zip((3, 2, 1), TREES, strict=True)
]
WORKING = {
    "a.md": _page("a.md", _body("Het kernteam schetst de activiteiten.", "Nieuw.")),
    "b.md": _page("b.md", _body("Haven-Stad."), "vastgesteld"),
    "verslag.md": _page("verslag.md", "Verslag.", type_="sessie"),
}


class Git:
    """Stands in for read_tree: counts which commits were read."""

    def __init__(self) -> None:
        self.reads: list[str] = []

    def __call__(self, commit: str) -> dict[str, Page]:
        self.reads.append(commit)
        return TREES[commit]


def _run(folder: Path, working=WORKING, setting=("docs", {"schema": 1})):
    """One build's use of the cache: trees, change pages, prune. Returns (cache, git, pages)."""
    git = Git()
    cache = VersionCache(folder, list(setting), git)
    trees = {v.commit: cache.tree(v.commit) for v in VERSIONS}
    pages, changed = cache.pages(VERSIONS, working, TYPES, STATUSES)
    cache.prune()
    return cache, git, trees, pages, changed


def _fresh(working=WORKING):
    return build_pages(VERSIONS, TREES, working, TYPES, STATUSES)


def test_a_second_build_reads_everything_from_the_cache(tmp_path):
    first, git, _, pages, changed = _run(tmp_path)
    assert (first.hits, first.misses) == (0, 3 + 5)  # 3 trees, 5 views
    assert sorted(git.reads) == sorted(TREES)  # each version read once, not once per view
    assert (pages, changed) == _fresh()
    second, git, trees, pages, changed = _run(tmp_path)
    assert (second.hits, second.misses, second.git_reads, git.reads) == (8, 0, 0, [])
    assert (pages, changed) == _fresh()
    # What the site shows of each version comes from the cache as from git.
    for commit, tree in trees.items():
        assert {p: (t.title, t.status, t.type) for p, t in tree.items()} == {
            p: (t.title, t.status, t.type) for p, t in TREES[commit].items()
        }


def test_an_edit_recomputes_only_the_views_against_the_working_version(tmp_path):
    _run(tmp_path)
    edited = {**WORKING, "b.md": _page("b.md", _body("Haven-Stad groeit."), "vastgesteld")}
    cache, git, _, pages, changed = _run(tmp_path, edited)
    # 3 trees and the 2 views between versions from the cache; 3 views against the working
    # version computed, from the versions' texts in the cache (git is not asked).
    assert (cache.hits, cache.misses, git.reads) == (5, 3, [])
    assert (pages, changed) == _fresh(edited)
    assert "groeit" in pages["wijzigingen/2019-03-01-werkversie.md"]
    assert "b.md" in changed["wijzigingen/2019-01-01-werkversie.md"]


def test_an_edit_to_a_page_that_no_view_reads_recomputes_nothing(tmp_path):
    _run(tmp_path)
    edited = {**WORKING, "verslag.md": _page("verslag.md", "Ander verslag.", type_="sessie")}
    cache, *_ = _run(tmp_path, edited)
    assert (cache.hits, cache.misses) == (8, 0)
    # A page added or removed changes which pages a change page links to: all views again.
    fewer = {p: t for p, t in WORKING.items() if p != "verslag.md"}
    cache, _, _, pages, changed = _run(tmp_path, fewer)
    assert (cache.hits, cache.misses) == (3, 5)
    assert (pages, changed) == _fresh(fewer)


def test_another_schema_or_docs_folder_reads_the_versions_again(tmp_path):
    _run(tmp_path)
    for setting in (("docs", {"schema": 2}), ("site-docs", {"schema": 1})):
        cache, git, *_ = _run(tmp_path, setting=setting)
        assert (cache.hits, cache.misses, sorted(git.reads)) == (0, 8, sorted(TREES)), setting


@pytest.mark.parametrize(
    "damage",
    [
        b'{"markdown": 7',  # cut short
        b"[" * 100_000,  # nested too deep for the JSON reader (RecursionError)
        b"\xff\xfe not UTF-8",
        b'{"markdown": "# Vervalst", "changed": [1]}',  # another shape
        b'{"a.md": {"title": "Vervalst", "status": "x", "type": "plan", "body": 7}}',
        b'{"a.md": {"title": "Vervalst", "status": "x"}}',  # a field missing
        b'{"a.md": ["Vervalst"]}',
        b"null",
    ],
    ids=["cut", "deep", "bytes", "view-shape", "body", "field", "entry", "null"],
)
def test_a_damaged_or_foreign_entry_counts_as_missing(tmp_path, damage):
    _run(tmp_path)
    entries = sorted(tmp_path.glob("*/*.json"))
    assert {p.parent.name for p in entries} == {"trees", "texts", "views"}
    for path in entries:
        path.write_bytes(damage)
    cache, git, trees, pages, changed = _run(tmp_path)
    assert (cache.hits, cache.misses, sorted(git.reads)) == (0, 8, sorted(TREES))
    assert (pages, changed) == _fresh()
    assert "Vervalst" not in json.dumps([pages, {c: list(t) for c, t in trees.items()}])
    # ... and is replaced by a good one.
    assert _run(tmp_path)[0].misses == 0


def test_prune_keeps_one_builds_worth(tmp_path):
    _run(tmp_path)
    _run(tmp_path, {**WORKING, "a.md": _page("a.md", _body("Iets anders."))})
    views = list((tmp_path / "views").glob("*.json"))
    assert len(views) == 5  # the 3 views against the old working version are gone
    # The texts of every version stay, although a build that changed nothing does not read them.
    assert len(list((tmp_path / "texts").glob("*.json"))) == 3
    cache, *_ = _run(tmp_path)
    assert cache.git_reads == 0


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "bestand"
    blocked.write_text("geen map", encoding="utf-8")
    _, git, _, pages, changed = _run(blocked / "versions")
    assert (pages, changed) == _fresh()
    assert sorted(git.reads) == sorted(TREES)


def test_the_code_hash_covers_every_module_the_cached_output_depends_on():
    # validate: which folder defaults apply (read_tree)
    seen = closure("versions.cache", "check.frontmatter")
    assert set(CODE_MODULES) == seen
    assert len(code_version()) == 16


def test_a_page_unchanged_between_versions_is_compared_once(monkeypatch):
    import koppelkansen.versions.diff as changes

    calls: list[str] = []
    original = changes.plan_diff

    def counting(old, new):
        calls.append((old or new).src_uri)
        return original(old, new)

    monkeypatch.setattr(changes, "plan_diff", counting)
    memo: dict = {}
    # b.md is the same in versions 1 and 2: against the working version it is compared once;
    # a.md changed between them, so twice.
    first = compare(TREES["a" * 40], WORKING, TYPES, memo)
    second = compare(TREES["b" * 40], WORKING, TYPES, memo)
    assert (calls.count("b.md"), calls.count("a.md")) == (1, 2)
    assert first == compare(TREES["a" * 40], WORKING, TYPES)
    assert second == compare(TREES["b" * 40], WORKING, TYPES)
    assert [c.path for c in second] == ["a.md", "b.md"]


def test_tagged_commits_are_checked_in_one_git_call(tmp_path):
    env = git_env(1_540_000_000)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, env=env, check=True)
    (tmp_path / "a.md").write_text("a\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "a"], cwd=tmp_path, env=env, check=True)
    subprocess.run(["git", "tag", "-a", "t", "-m", "t"], cwd=tmp_path, env=env, check=True)

    def rev(name: str) -> str:
        return subprocess.run(
            ["git", "rev-parse", name], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout.strip()

    commit, tag, tree = rev("HEAD"), rev("t"), rev("HEAD^{tree}")
    absent = "0123456789abcdef" * 2 + "01234567"
    found = _commits_present(tmp_path, [absent, commit, tree, tag, "HEAD; rm -rf /", commit])
    # The tag object peels to a commit (as `git cat-file -e <id>^{commit}` accepts); a tree, an
    # unknown id and anything that is not an object id do not count.
    assert found == {commit, tag}
