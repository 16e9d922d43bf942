"""The front-matter schema: one JSON Schema (draft 2020-12), whose allow-lists come from the vocabulary."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import re2
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError, ValidationError
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
    unsafe = _unsafe_patterns(path, text, schema)
    if unsafe:
        return None, unsafe
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


# -- Patterns: matched by RE2, in time linear in the value ------------------------------------
# jsonschema matches ``pattern`` and ``patternProperties`` with Python's backtracking ``re``, where
# a pattern such as ``^(a+)+$`` takes exponential time on a value that almost matches. The schema
# file comes in by pull request like every other file, so its patterns are matched by RE2 instead
# (no backtracking: linear in the value's length, with a memory bound), and a pattern RE2 cannot
# take (a back-reference, a look-around, a pattern too large) is refused when the schema is read.

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # the refusal below is the message; RE2 would also log to stderr
_RE2_OPTIONS.max_mem = 8 << 20  # bytes for one compiled pattern; a larger one is refused


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern, options=_RE2_OPTIONS)


def _schema_patterns(node: object) -> list[str]:
    """Every regular expression in the schema: ``pattern`` values and ``patternProperties`` keys."""
    if isinstance(node, list):
        return [found for item in node for found in _schema_patterns(item)]
    if not isinstance(node, dict):
        return []
    found = []
    if isinstance(node.get("pattern"), str):
        found.append(node["pattern"])
    if isinstance(node.get("patternProperties"), dict):
        found += [str(key) for key in node["patternProperties"]]
    return found + [found for value in node.values() for found in _schema_patterns(value)]


def _unsafe_patterns(path: Path, text: str, schema: object) -> list[Problem]:
    """A problem, at its line in the schema file, for each pattern RE2 cannot match."""
    problems = []
    for pattern in dict.fromkeys(_schema_patterns(schema)):
        try:
            _compiled(pattern)
        except re2.error as exc:
            reason = exc.args[0].decode("utf-8", "replace") if exc.args else ""
            if isinstance(reason, bytes | bytearray):
                reason = reason.decode("utf-8", "replace")
            written = json.dumps(pattern, ensure_ascii=False)
            index = text.find(written)
            if index < 0:
                index = text.find(json.dumps(pattern))
            line = text.count("\n", 0, index) + 1 if index >= 0 else 1
            col = index - text.rfind("\n", 0, index) if index >= 0 else 1
            problems.append(
                Problem(
                    path,
                    line,
                    col,
                    f"het patroon {written} is niet te gebruiken ({reason}); de controle kent "
                    "alleen patronen zonder terugverwijzing (\\1) en zonder vooruit- of "
                    "terugkijken ((?=, (?!, (?<=). Herschrijf het patroon, of zet "
                    "frontmatter.schema.json terug (git checkout)",
                )
            )
    return problems


def _pattern(validator: Any, pattern: str, instance: object, schema: dict[str, Any]) -> Any:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: object, schema: dict[str, Any]
) -> Any:
    if not validator.is_type(instance, "object"):
        return
    assert isinstance(instance, dict)
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if _compiled(pattern).search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


#: Draft 2020-12 with RE2 for the two keywords that match a regular expression.
BoundedValidator = validators.extend(
    Draft202012Validator, {"pattern": _pattern, "patternProperties": _pattern_properties}
)


def validator_for(schema: dict[str, Any]) -> Any:
    checker = FormatChecker(formats=())
    checker.checks(DATE_FORMAT)(date_is_valid)
    return BoundedValidator(schema, format_checker=checker)


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
