"""Issue 31, item 6: the review says what changed. A plan renamed (its file moved, a word added)
is one plan with its word marked, not one added and one removed with 0 / 0; a changed title is
shown word by word; and no text of a plan is read as Markdown in the job summary or on the
change page, whatever Markdown-active character it holds (``~~`` made a strike-through)."""

from __future__ import annotations

import re

import markdown
from hypothesis import given
from hypothesis import strategies as st

from koppelkansen.pages.model import Page
from koppelkansen.pages.vocabulary import Labels
from koppelkansen.versions import diff
from koppelkansen.versions.changepages import ChangeView, md_text, render
from koppelkansen.versions.diff import INS_CUE, PlanChange, compare
from koppelkansen.versions.proposal import Base, Proposal, ProposalView, summary

BODY = (
    "## Aanleiding\n\nDe kade van Haven-Stad wordt hersteld en het water krijgt meer ruimte.\n\n"
    "## Aanpak\n\n- Een proef met warmte uit het oppervlaktewater\n- Drie sessies per jaar\n"
)


def _plan(path: str, title: str, body: str, status: str = "concept") -> Page:
    meta = {"title": title, "type": "plan", "status": status}
    return Page.of_version(path, meta, body)


def test_a_renamed_plan_with_one_word_added_is_one_change_with_that_word():
    old = {"casussen/haven-stad/plan.md": _plan("casussen/haven-stad/plan.md", "Plan", BODY)}
    new_body = BODY.replace("meer ruimte", "meer groene ruimte")
    new = {"casussen/havenstad/plan.md": _plan("casussen/havenstad/plan.md", "Plan", new_body)}
    changes = compare(old, new, ["plan"])
    assert len(changes) == 1
    change = changes[0]
    assert (change.kind, change.path, change.old_path) == (
        "gewijzigd",
        "casussen/havenstad/plan.md",
        "casussen/haven-stad/plan.md",
    )
    assert (change.inserted, change.deleted) == (1, 0)
    blocks = [
        cell for section in change.sections for block in section.blocks for cell in block.cells
    ]
    assert any(f"<ins>{INS_CUE}groene </ins>" in cell for cell in blocks), blocks
    base = Base("main", "0" * 40, 0, "main")
    text = summary(
        Proposal(base, ProposalView(base.version(), None, base), changes),
        Labels(),
        Labels(),
        "docs",
    )
    row = next(line for line in text.splitlines() if line.startswith("| Plan"))
    assert "| 1 | 0 |" in row and "plan hernoemd, was casussen\\/haven\\-stad\\/plan\\.md" in row
    page = render(ChangeView(base.version(), None), changes, set(new), {}, "")
    assert "Dit plan is verplaatst of hernoemd; het was casussen/haven\\-stad/plan\\.md." in page
    assert "1 woord ingevoegd, 0 woorden verwijderd." in page


def test_a_changed_title_is_shown_word_by_word_also_when_the_file_moved():
    old = {"a/plan.md": _plan("a/plan.md", "Projectplan Haven", BODY)}
    new = {"b/plan.md": _plan("b/plan.md", "Projectplan Haven Noord", BODY)}
    (change,) = compare(old, new, ["plan"])
    assert change.old_path == "a/plan.md"
    (title,) = [s for s in change.sections if s.title == diff.TITLE]
    assert f"<ins>{INS_CUE} Noord</ins>" in title.blocks[0].cells[0]
    assert (change.inserted, change.deleted) == (1, 0)
    # The same path, only the title changed: shown too (it used to be no change at all).
    (same,) = compare(
        {"a/plan.md": old["a/plan.md"]},
        {"a/plan.md": _plan("a/plan.md", "Projectplan Haven Noord", BODY)},
        ["plan"],
    )
    assert same.old_path == "" and same.inserted == 1


def test_unlike_plans_stay_added_and_removed_and_a_moved_plan_alone_is_named():
    old = {"a.md": _plan("a.md", "Een", BODY)}
    other = "## Doel\n\nIets heel anders over energie in de wijk en de school op de hoek.\n"
    new = {"b.md": _plan("b.md", "Twee", other)}
    kinds = sorted((c.kind, c.path) for c in compare(old, new, ["plan"]))
    assert kinds == [("toegevoegd", "b.md"), ("verwijderd", "a.md")]
    # Moved without a change: still one change, that says where it was.
    (moved,) = compare(old, {"c.md": _plan("c.md", "Een", BODY)}, ["plan"])
    assert (moved.kind, moved.old_path, moved.inserted, moved.deleted) == (
        "gewijzigd",
        "a.md",
        0,
        0,
    )


def test_many_moved_plans_pair_by_the_same_words_within_the_bound():
    """More pairs than RENAME_PAIRS: not compared pair by pair (quadratic), only the same words."""
    count = 60  # 3,600 pairs
    assert count * count > diff.RENAME_PAIRS
    old = {f"oud/{n}.md": _plan(f"oud/{n}.md", f"Plan {n}", f"Tekst {n}.\n") for n in range(count)}
    new = {
        f"nieuw/{n}.md": _plan(f"nieuw/{n}.md", f"Plan {n}", f"Tekst {n}.\n") for n in range(count)
    }
    found = diff.renames(old, new)
    assert found == {f"nieuw/{n}.md": f"oud/{n}.md" for n in range(count)}


_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


@given(st.text(alphabet=st.sampled_from(_PUNCTUATION + "ab ~|"), max_size=40))
def test_every_markdown_active_character_of_a_title_is_inert_in_the_job_summary(title):
    base = Base("main", "0" * 40, 0, "main")
    change = PlanChange("x.md", title or "x", "gewijzigd", "concept", "concept")
    text = summary(
        Proposal(base, ProposalView(base.version(), None, base), [change]),
        Labels(),
        Labels(),
        "docs",
    )
    row = next(
        line
        for line in text.splitlines()
        if line.startswith("| ") and "---" not in line[:5] and "plan |" not in line
    )
    cell = row[2:].split(" | ")[0]
    # Every ASCII punctuation character is backslash-escaped (CommonMark and GitHub read each as
    # itself), so no ~~, |, <, &, [, *, $ or ` starts markup, a column, HTML or math.
    assert re.fullmatch(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~])*", cell), cell
    assert re.sub(r"\\(.)", r"\1", cell) == " ".join((title or "x").split())


def test_strike_through_and_other_extensions_stay_text_on_the_change_page():
    title = "Plan ~~oud~~ ==nieuw== ^^x^^ :smile: $a$ | <b>&amp; [l](javascript:x)"
    rendered = markdown.markdown(
        md_text(title), extensions=["pymdownx.tilde", "pymdownx.mark", "pymdownx.caret", "tables"]
    )
    for active in ("<del>", "<mark>", "<ins>", "<sup>", "<b>", "<a ", "<table"):
        assert active not in rendered, rendered
    assert "~~oud~~" in rendered.replace("&#126;", "~")
