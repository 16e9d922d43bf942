"""The page record (issue 30): one typed, immutable view of each checked page, its labels
resolved in one place and a digest of its content."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from conftest import make_docs

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.overviews.compute import Entry, entry
from koppelkansen.pages.model import NO_ORDER, Page, PageRecord
from koppelkansen.pages.pageinfo import page_info
from koppelkansen.pages.vocabulary import Labels
from koppelkansen.pdf.bundles import chapter_for
from koppelkansen.pdf.convert import PageSource


def _corpus(tmp_path, files=None):
    corpus, problems, _ = check_docs(make_docs(tmp_path, files))
    assert corpus is not None and problems == [], problems
    return corpus


def test_a_record_is_typed_frozen_and_has_its_labels_resolved(tmp_path):
    corpus = _corpus(tmp_path)
    record = corpus.record("casussen/haven-stad/sessie.md")
    assert record is corpus.record("casussen/haven-stad/sessie.md")  # built once
    assert (record.type, record.type_label) == ("sessie", "Sessie")
    assert (record.status, record.status_label) == ("concept", "Concept")
    assert record.status_description == corpus.vocabulary.statuses["concept"].description
    assert (record.round, record.round_label) == (
        "2018-plannen",
        "Leerronde 2018: van vertrekpunt naar plannen",
    )
    assert record.organisations == ("waternet", "alliander/strategie")
    assert record.kind == "co-creatiesessie" and record.kind_label == "Co-creatiesessie"
    assert (record.date, record.when, record.order) == ("2018", "2018", NO_ORDER)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = "vastgesteld"  # type: ignore[misc]
    # Every view of the page is derived from it: the overviews' entry is the record itself, the
    # PDF's chapter and the page header take its labels.
    assert Entry is PageRecord and entry(corpus, corpus.pages[record.src_uri]) is record
    source = PageSource.of(record, url="u/", html="", path="/x/s.md", root=tmp_path, title="T")
    chapter = chapter_for(source)
    assert (source.title, source.type, source.case) == (record.title, "sessie", "haven-stad")
    assert (chapter.kind, chapter.status_label) == ("Sessie", "Concept")
    assert chapter.status_note == record.status_description
    assert chapter.info == f"{record.case_label} · 2018"
    header = page_info(record, None)
    assert (header.status_label, header.status_description) == ("Concept", chapter.status_note)


def test_the_digest_follows_the_content_and_only_the_content(tmp_path):
    vocabulary = _corpus(tmp_path).vocabulary
    meta = {"title": "Plan", "type": "plan", "status": "concept"}
    one = PageRecord.of(Page.of_version("p.md", meta, "Tekst."), vocabulary)
    same = PageRecord.of(Page.of_version("p.md", dict(meta), "Tekst."), vocabulary)
    body = PageRecord.of(Page.of_version("p.md", meta, "Andere tekst."), vocabulary)
    status = PageRecord.of(
        Page.of_version("p.md", {**meta, "status": "vervallen"}, "Tekst."), vocabulary
    )
    assert one.digest == same.digest
    assert len({one.digest, body.digest, status.digest}) == 3


def test_a_value_of_the_wrong_type_reads_as_absent_and_an_unknown_status_as_itself(tmp_path):
    vocabulary = _corpus(tmp_path).vocabulary
    meta = {"title": 3, "type": "plan", "status": "ingetrokken", "themes": "water", "order": True}
    record = PageRecord.of(Page.of_version("p.md", meta, ""), vocabulary)
    assert (record.title, record.themes, record.order) == ("", (), NO_ORDER)
    assert record.label == "p.md"
    # A status an old version used that the vocabulary no longer has: its own label, one rule.
    assert record.status_label == "ingetrokken" == vocabulary.status_labels()["ingetrokken"]
    assert Labels({"a": "A"})["b"] == "b"


def test_a_key_added_to_the_schema_is_in_the_editors_order_and_the_proposals_keys(tmp_path):
    """The one schema file drives the key lists: the editor's order of a page's keys and the
    keys a proposal names a changed value of are derived from it, so a new key (of every page,
    or of one type) is in both, and a key the schema drops is in neither."""
    from koppelkansen.editor.config import editor_config, key_order
    from koppelkansen.versions.proposal import NOT_SHOWN, other_changes, shown_keys

    schema = copy.deepcopy(_corpus(tmp_path).schema)
    everywhere = set(schema["properties"])
    for name in ("sessie", "plan", "les"):
        everywhere |= set(schema["$defs"][name]["properties"])
    assert set(key_order("sessie", schema)) | {"template", "hide", "icon", "search"} >= everywhere
    assert set(shown_keys(schema)) == set(key_order("pagina", schema)) - NOT_SHOWN
    schema["properties"]["contact"] = {"type": "string", "minLength": 1}
    schema["$defs"]["sessie"]["properties"]["locatie"] = {"type": "string", "minLength": 1}
    del schema["$defs"]["les"]["properties"]["cases"]
    for kind in ("sessie", "plan", "pagina"):
        assert "contact" in key_order(kind, schema), kind
    assert {"contact", "locatie"} <= set(shown_keys(schema))
    assert "locatie" in key_order("sessie", schema) and "cases" not in shown_keys(schema)
    assert "cases" not in key_order("les", schema)
    config = editor_config(schema, _corpus(tmp_path / "b").vocabulary, repo=None)
    sessions = next(c for c in config["collections"] if c["name"] == "sessie")
    assert {"contact", "locatie"} <= {field["name"] for field in sessions["fields"]}
    old = {"a.md": Page.of_version("a.md", {"type": "pagina", "contact": "Ans"}, "Tekst.\n")}
    new = {"a.md": Page.of_version("a.md", {"type": "pagina", "contact": "Bert"}, "Tekst.\n")}
    [change] = other_changes(old, new, [], shown_keys(schema))
    assert change.fields == [("contact", "Ans", "Bert")]


def test_a_record_of_a_page_the_check_refused_is_built_and_shows_the_value_as_written(tmp_path):
    """The check's cross-references read the records of pages that also fail the schema: a
    date that does not exist (month 13, 30 February) is written as it is, never an error."""
    vocabulary = _corpus(tmp_path).vocabulary
    for date in ("2018-13-01", "2019-02-30", "2018-00"):
        page = Page.of_version("a.md", {"type": "sessie", "date": date}, "")
        record = PageRecord.of(page, vocabulary)
        assert (record.date, record.when) == (date, date)
