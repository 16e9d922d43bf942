"""A vocabulary change that was not carried into the schema is reported, and `schema` repairs it."""

from __future__ import annotations

from conftest import make_docs

from koppelkansen.cli import main
from koppelkansen.validate import check_docs


def test_vocabulary_change_needs_make_schema(tmp_path, capsys):
    docs = make_docs(tmp_path)
    vocabulary = docs / "schema" / "vocabulary.yml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8").replace(
            "  circulariteit:\n    label: Circulariteit\n",
            "  circulariteit:\n    label: Circulariteit\n  klimaatadaptatie:\n    label: Klimaatadaptatie\n",
        ),
        encoding="utf-8",
    )
    _, problems, _ = check_docs(docs)
    assert [p.format(base=docs) for p in problems] == [
        "schema/frontmatter.schema.json:1:1: fout: het schema loopt achter op vocabulary.yml (de "
        "toegestane waarden verschillen); draai 'make schema' en commit het bijgewerkte schema"
    ]
    assert main(["schema", str(docs)]) == 0
    _, problems, _ = check_docs(docs)
    assert problems == []
    assert "klimaatadaptatie" in (docs / "schema" / "frontmatter.schema.json").read_text(
        encoding="utf-8"
    )


def test_broken_vocabulary_is_reported_with_line(tmp_path):
    docs = make_docs(tmp_path)
    vocabulary = docs / "schema" / "vocabulary.yml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8").replace(
            "  water:\n    label: Water\n", "  water:\n    lable: Water\n"
        ),
        encoding="utf-8",
    )
    _, problems, _ = check_docs(docs)
    assert len(problems) == 1
    assert problems[0].message.startswith("'themes.water' heeft geen 'label'")
    assert problems[0].path.name == "vocabulary.yml" and problems[0].line > 1
