"""A vocabulary change that was not carried into the schema is reported, and `schema` repairs it."""

from __future__ import annotations

import json

import pytest
from conftest import make_docs

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.cli import main


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


def _break(schema: dict, how: str) -> dict:
    if how == "not-a-schema":
        schema["properties"]["type"]["type"] = 5
    elif how == "no-required":
        del schema["required"]
    elif how == "defs-not-objects":
        schema["$defs"]["status"] = []
    elif how == "ref-to-nothing":
        schema["properties"]["status"]["$ref"] = "#/$defs/statsu"
    elif how == "ref-elsewhere":
        schema["$defs"]["plan"]["properties"]["case"]["$ref"] = "andere.json#/$defs/case"
    return schema


@pytest.mark.parametrize(
    ("how", "where"),
    [
        ("not-a-schema", "geen geldig JSON Schema bij 'properties.type.type'"),
        ("no-required", "'required' ontbreekt"),
        ("defs-not-objects", "'$defs.status' heeft niet de vorm die de controle leest"),
        ("ref-to-nothing", "'properties.status.$ref' wijst naar niets ('#/$defs/statsu')"),
        (
            "ref-elsewhere",
            "'$defs.plan.properties.case.$ref' verwijst buiten het schema "
            "('andere.json#/$defs/case')",
        ),
    ],
)
def test_an_unusable_schema_is_explained_by_the_check_the_build_and_make_schema(
    tmp_path, capsys, how, where
):
    """A pull request can change the schema too: valid JSON that is no JSON Schema, lacks what the
    check reads, or has a reference that leads nowhere or out of the schema (followed only while a
    page is validated), is a Dutch message with the file, never a traceback."""
    docs = make_docs(tmp_path)
    path = docs / "schema" / "frontmatter.schema.json"
    broken = json.dumps(_break(json.loads(path.read_text(encoding="utf-8")), how), indent=2)
    path.write_text(broken, encoding="utf-8")
    _, problems, _ = check_docs(docs)
    assert [(p.path.name, p.line) for p in problems] == [("frontmatter.schema.json", 1)]
    assert where in problems[0].message and "git checkout" in problems[0].message
    assert main(["schema", str(docs)]) == 1
    assert where in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == broken  # not rewritten


def test_a_schema_that_is_not_utf8_is_explained(tmp_path):
    docs = make_docs(tmp_path)
    (docs / "schema" / "frontmatter.schema.json").write_bytes(b'{"title": "\xff"}')
    _, problems, _ = check_docs(docs)
    assert [p.message.split(";")[0] for p in problems] == [
        "het schema is geen leesbare JSON (geen UTF-8, of te diep genest)"
    ]


def test_the_schema_is_checked_against_the_meta_schema_once_per_text(tmp_path, monkeypatch):
    from koppelkansen.check import schema as schema_module

    calls = []
    check = schema_module.Draft202012Validator.check_schema
    monkeypatch.setattr(
        schema_module.Draft202012Validator,
        "check_schema",
        classmethod(lambda cls, s: calls.append(1) or check(s)),
    )
    schema_module._unusable.cache_clear()
    docs = make_docs(tmp_path)
    assert check_docs(docs)[1] == [] and check_docs(docs)[1] == []
    assert len(calls) == 1
    path = docs / "schema" / "frontmatter.schema.json"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # another text
    assert check_docs(docs)[1] == []
    assert len(calls) == 2
