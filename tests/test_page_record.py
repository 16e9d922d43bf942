"""The page record (issue 30): one typed, immutable view of each checked page, its labels
resolved in one place and a digest of its content."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import make_docs

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.overviews.compute import Entry, entry
from koppelkansen.pages.model import NO_ORDER, Page, PageRecord
from koppelkansen.pages.vocabulary import Labels


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
    # Every view of the page is derived from it, field for field.
    assert entry(corpus, corpus.pages[record.src_uri]) == Entry.of(record)


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
