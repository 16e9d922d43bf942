"""The front-matter schema: one JSON Schema (draft 2020-12), whose allow-lists come from the vocabulary."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from koppelkansen.pages.dates import date_is_valid
from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.problems import Problem

DATE_FORMAT = "koppelkansen-datum"


def render_schema(template: dict[str, Any], vocabulary: Vocabulary) -> dict[str, Any]:
    """``template`` with every allow-list filled in from ``vocabulary``."""
    schema = json.loads(json.dumps(template))
    defs = schema["$defs"]
    schema["properties"]["type"]["enum"] = list(vocabulary.types)
    defs["status"]["enum"] = list(vocabulary.statuses)
    defs["case"]["enum"] = list(vocabulary.cases)
    defs["theme"]["enum"] = list(vocabulary.themes)
    defs["organisation"]["enum"] = vocabulary.organisation_refs()
    defs["round"]["enum"] = list(vocabulary.rounds)
    defs["sessionKind"]["enum"] = list(vocabulary.session_kinds)
    return schema


def dump_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def load_schema(path: Path, vocabulary: Vocabulary) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read the schema: None and a problem when it is missing, no JSON or unusable (no JSON Schema,
    or without what the check reads); the schema the vocabulary asks for and a problem when it is
    out of step with the vocabulary; else the schema and no problem."""
    try:
        text = path.read_text(encoding="utf-8")
        schema = json.loads(text)
    except FileNotFoundError:
        return None, [
            Problem(
                path, 1, 1, "het schema ontbreekt; zet frontmatter.schema.json terug (git checkout)"
            )
        ]
    except json.JSONDecodeError as exc:
        return None, [
            Problem(path, exc.lineno, exc.colno, f"het schema is geen geldige JSON: {exc.msg}")
        ]
    except (UnicodeDecodeError, RecursionError):
        return None, [
            Problem(
                path,
                1,
                1,
                "het schema is geen leesbare JSON (geen UTF-8, of te diep genest); zet "
                "frontmatter.schema.json terug (git checkout)",
            )
        ]
    unusable = _unusable(text)
    if unusable:
        return None, [
            Problem(
                path,
                1,
                1,
                f"het schema is onbruikbaar: {unusable}; zet frontmatter.schema.json terug "
                "(git checkout) en draai 'make schema'",
            )
        ]
    expected = render_schema(schema, vocabulary)
    if expected != schema:
        return expected, [
            Problem(
                path,
                1,
                1,
                "het schema loopt achter op vocabulary.yml (de toegestane waarden verschillen); "
                "draai 'make schema' en commit het bijgewerkte schema",
            )
        ]
    return schema, []


#: What the check itself reads from the schema (render_schema, PageValidators, allowed_keys): a
#: schema can be valid JSON Schema and still lack it.
_SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["$schema", "required", "properties", "$defs"],
    "properties": {
        "$schema": {"type": "string"},
        "required": {"type": "array", "items": {"type": "string"}},
        "properties": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {
                    "type": "object",
                    "required": ["enum"],
                    "properties": {"enum": {"type": "array", "items": {"type": "string"}}},
                }
            },
        },
        "$defs": {
            "type": "object",
            "required": ["status", "case", "theme", "organisation", "round", "sessionKind"],
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "properties": {"type": "object"},
                    "required": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


@functools.lru_cache(maxsize=4)
def _unusable(text: str) -> str | None:
    """Why the schema (its text, already read as JSON) cannot be used, in Dutch, or None.

    Checking a schema against the JSON Schema meta-schema is most of the check's own time, so the
    verdict is kept per schema text for every later build in this process (``make serve``)."""
    schema = json.loads(text)
    shape = next(iter(Draft202012Validator(_SHAPE).iter_errors(schema)), None)
    if shape is not None:
        where = [str(part) for part in shape.absolute_path]
        if shape.validator == "required":
            missing = [key for key in shape.validator_value if key not in shape.instance]
            return f"'{'.'.join([*where, missing[0]])}' ontbreekt"
        return f"'{'.'.join(where)}' heeft niet de vorm die de controle leest"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"geen geldig JSON Schema bij '{'.'.join(str(part) for part in exc.absolute_path)}'"
    # A reference is followed only while a page is validated: one that leads nowhere, or to
    # another document (which is never fetched), would stop the check there with a traceback.
    # jsonschema's own resolver (referencing) looks each one up now, as validation would.
    base = schema.get("$id", "") if isinstance(schema.get("$id"), str) else ""
    resource = DRAFT202012.create_resource(schema)
    resolver = Registry().with_resource(base, resource).resolver(base_uri=base)
    for place, ref in _references(schema, []):
        try:
            resolver.lookup(ref)
        except Unresolvable:
            if not ref.startswith("#"):
                return (
                    f"'{place}' verwijst buiten het schema ('{ref}'); het schema staat op zichzelf"
                )
            return f"'{place}' wijst naar niets ('{ref}')"
    return None


def _references(node: object, path: list[str]) -> list[tuple[str, str]]:
    """Every ``$ref`` and ``$dynamicRef`` in the schema: (where, as dotted keys; the reference)."""
    if isinstance(node, list):
        return [ref for i, item in enumerate(node) for ref in _references(item, [*path, str(i)])]
    if not isinstance(node, dict):
        return []
    found = [
        (".".join([*path, key]), value)
        for key, value in node.items()
        if key in ("$ref", "$dynamicRef") and isinstance(value, str)
    ]
    return found + [ref for key, value in node.items() for ref in _references(value, [*path, key])]


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    checker = FormatChecker(formats=())
    checker.checks(DATE_FORMAT)(date_is_valid)
    return Draft202012Validator(schema, format_checker=checker)


class PageValidators:
    """One flat validator per page type, equivalent to the published schema for known keys.

    The published schema selects a type with ``allOf``/``if``/``then`` and rejects unknown keys with
    ``unevaluatedProperties``, which editors understand but which costs most of the check's time.
    Unknown keys get their own message with a suggestion (:mod:`koppelkansen.check.frontmatter`), so here
    each type gets the common properties plus its own, and its required keys.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self._common = self._flat(schema, None)
        self._by_type = {t: self._flat(schema, t) for t in schema["properties"]["type"]["enum"]}

    @staticmethod
    def _flat(schema: dict[str, Any], page_type: str | None) -> Draft202012Validator:
        own = schema["$defs"].get(page_type, {}) if page_type else {}
        flat = {
            "$schema": schema["$schema"],
            "type": "object",
            "required": [*schema["required"], *own.get("required", [])],
            "properties": {**schema["properties"], **own.get("properties", {})},
            "$defs": schema["$defs"],
        }
        return validator_for(flat)

    def for_type(self, page_type: object) -> Draft202012Validator:
        return (
            self._by_type.get(page_type, self._common)
            if isinstance(page_type, str)
            else self._common
        )


def allowed_keys(schema: dict[str, Any], page_type: str | None) -> set[str]:
    keys = set(schema["properties"])
    if page_type in schema["$defs"] and page_type in schema["properties"]["type"]["enum"]:
        keys |= set(schema["$defs"][page_type].get("properties", {}))
    return keys


def keys_by_type(schema: dict[str, Any]) -> dict[str, set[str]]:
    """Which page types accept each type-specific key."""
    out: dict[str, set[str]] = {}
    for page_type in schema["properties"]["type"]["enum"]:
        for key in schema["$defs"].get(page_type, {}).get("properties", {}):
            out.setdefault(key, set()).add(page_type)
    return out
