"""A word inserted alone is marked on the change page (issue 24, item 9): in a paragraph, a list
item and a table cell, with the screen-reader cue, and counted."""

from __future__ import annotations

from koppelkansen.versions.changepages import render_blocks
from koppelkansen.versions.diff import INS_CUE, section_diff, sections, word_diff

OLD = "## Aanpak\n\nDe kade wordt hersteld.\n\n- Water en energie\n\n| A | B |\n|---|---|\n| Sessie | Q2 |\n"
NEW = (
    "## Aanpak\n\nDe oude kade wordt hersteld.\n\n- Water, warmte en energie\n\n"
    "| A | B |\n|---|---|\n| Sessie | vroeg Q2 |\n"
)


def test_a_purely_inserted_word_is_marked_on_the_change_page():
    change = section_diff(sections(OLD)[0], sections(NEW)[0])
    assert change is not None
    page = "\n".join(render_blocks(change.blocks))
    assert f'<p class="kk-diff">De<ins>{INS_CUE} oude</ins> kade wordt hersteld.</p>' in page
    assert f"<li>Water<ins>{INS_CUE}, warmte</ins> en energie</li>" in page
    assert f"<td><ins>{INS_CUE}vroeg </ins>Q2</td>" in page
    assert "<del>" not in page  # nothing was deleted
    assert (change.inserted, change.deleted) == (3, 0)


def test_an_inserted_word_at_either_end_is_marked():
    assert word_diff("water", "water energie") == (f"water<ins>{INS_CUE} energie</ins>", 1, 0)
    assert word_diff("energie", "water energie") == (f"<ins>{INS_CUE}water </ins>energie", 1, 0)
