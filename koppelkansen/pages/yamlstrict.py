"""Strict YAML: every value is read as written, or reported.

PyYAML follows YAML 1.1, which turns ``no`` into ``False``, ``10:30`` into ``630`` and
``2019-13-01`` into a crash. Authors are not programmers, so instead of coercing we compose the
node tree and build plain Python values ourselves, reporting duplicate keys, YAML 1.1 booleans,
sexagesimal numbers, tabs in indentation and explicit tags. Dates stay strings; the schema checks
them. Every key and list item gets its position, so later checks can point at the right line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: Position of a value: 1-based line and column.
Pos = tuple[int, int]
#: Path of a value inside the document: keys and list indexes.
KeyPath = tuple[str | int, ...]

_TRUE_FALSE = {"true", "false"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_TAG = "tag:yaml.org,2002:"
#: Front matter is flat: a key with a list of objects is the deepest an author needs.
MAX_DEPTH = 16
#: Longest integer accepted (digits); longer ones are an error, not a huge Python int.
MAX_DIGITS = 18
#: libyaml's parser where PyYAML was built with it (it is, in the wheels); same nodes, marks and tags.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class StrictYamlResult:
    data: Any = None
    #: Where each key (the key itself) or list item starts.
    positions: dict[KeyPath, Pos] = field(default_factory=dict)
    #: (line, col, Dutch message) for everything that was not accepted.
    errors: list[tuple[int, int, str]] = field(default_factory=list)


def _translate(problem: str | None, context: str | None) -> str:
    text = f"{context or ''} {problem or ''}"
    if "mapping values are not allowed" in text:
        return (
            "hier staat een dubbele punt die YAML niet verwacht; zet een waarde met ': ' erin "
            "tussen aanhalingstekens, of zet 'sleutel: waarde' op een eigen regel"
        )
    if "could not find expected ':'" in text or "simple key" in text:
        return "deze regel is geen 'sleutel: waarde'; vergeet je de dubbele punt na de sleutel?"
    if "quoted scalar" in text or ("end of stream" in text and "quote" in text):
        return "een aanhalingsteken wordt niet gesloten; sluit de tekst af met hetzelfde teken"
    if "expected <block end>" in text or "block mapping" in text or "block collection" in text:
        return (
            "de inspringing klopt niet; sleutels op hetzelfde niveau beginnen in dezelfde kolom, "
            "lijstitems ('- ') springen evenveel in"
        )
    if "found character '\\t'" in text:
        return "hier staat een tab; YAML staat alleen spaties toe: vervang de tab door spaties"
    if "found undefined alias" in text or "alias" in text:
        return "een '*' aan het begin van een waarde is in YAML een verwijzing; zet de waarde tussen aanhalingstekens"
    if "flow" in text:
        return "een lijst of object tussen [ ] of { } wordt niet goed gesloten; controleer haakjes en komma's"
    return f"dit is geen geldige YAML ({(problem or context or 'onbekende fout').strip()}); controleer deze regel"


def _pos(node: Node, line_offset: int) -> Pos:
    return node.start_mark.line + 1 + line_offset, node.start_mark.column + 1


class _Builder:
    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self.result = StrictYamlResult()
        self._scalars = SafeConstructor()

    def error(self, node: Node, message: str) -> None:
        line, col = _pos(node, self.offset)
        self.result.errors.append((line, col, message))

    def build(self, node: Node, path: KeyPath) -> Any:
        if node.tag.startswith("!") or not node.tag.startswith(_TAG):
            self.error(node, f"de tag '{node.tag}' wordt niet ondersteund; haal hem weg")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.result.positions[(*path, index)] = _pos(item, self.offset)
                items.append(self.build(item, (*path, index)))
            return items
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self.error(
                    key_node, "'<<' (samenvoegen) wordt niet ondersteund; schrijf de sleutels uit"
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, "een sleutel moet een woord zijn, geen lijst of object")
                continue
            key = str(key_node.value)
            where = _pos(key_node, self.offset)
            if key in first_seen:
                self.error(
                    key_node,
                    f"de sleutel '{key}' staat twee keer in de front matter (eerder op regel "
                    f"{first_seen[key][0]}); houd er één over",
                )
                continue
            first_seen[key] = where
            self.result.positions[(*path, key)] = where
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        value = node.value
        key = path[-1] if path else "waarde"
        if node.style or node.tag == _TAG + "str":  # quoted or block text (libyaml: "" when plain)
            return value
        tag = node.tag.removeprefix(_TAG)
        if tag == "bool":
            if value.lower() in _TRUE_FALSE:
                return value.lower() == "true"
            self.error(
                node,
                f"'{key}: {value}' leest YAML als ja/nee-waarde "
                f"({'waar' if value.lower() in ('yes', 'on') else 'onwaar'}), "
                f"niet als de tekst '{value}'; zet de tekst tussen aanhalingstekens ('{value}') "
                "of schrijf true/false",
            )
            return None
        if tag == "int":
            if _SEXAGESIMAL.match(value):
                self.error(
                    node,
                    f"'{key}: {value}' leest YAML als getal in zestigtallen, niet als tijd of tekst; "
                    f"zet de waarde tussen aanhalingstekens ('{value}')",
                )
                return None
            if re.match(r"^[-+]?0[0-7_]+$", value) or value.lower().startswith(("0x", "0b", "0o")):
                self.error(
                    node,
                    f"'{key}: {value}' leest YAML als octaal of hexadecimaal getal; zet de waarde "
                    f"tussen aanhalingstekens ('{value}')",
                )
                return None
            if sum(ch.isdigit() for ch in value) > MAX_DIGITS:
                self.error(
                    node,
                    f"'{key}': dit getal is te lang ({len(value)} tekens, hoogstens {MAX_DIGITS} "
                    "cijfers); zet het tussen aanhalingstekens als het tekst is",
                )
                return None
            return self._scalars.construct_yaml_int(node)
        if tag == "float":
            if _SEXAGESIMAL.match(value) or len(value) > 40:
                self.error(
                    node,
                    f"'{key}: {value[:40]}' is geen gewoon getal; zet de waarde tussen aanhalingstekens",
                )
                return None
            number = self._scalars.construct_yaml_float(node)
            if not math.isfinite(number):
                self.error(
                    node,
                    f"'{key}: {value}' is geen eindig getal (oneindig of 'geen getal'); schrijf "
                    "een gewoon getal, of zet de tekst tussen aanhalingstekens",
                )
                return None
            return number
        if tag == "null":
            return None
        # Timestamps and everything else stay as written; the schema decides what is valid.
        return value


def _tab_errors(text: str, line_offset: int) -> list[tuple[int, int, str]]:
    errors = []
    for number, line in enumerate(text.splitlines(), start=1 + line_offset):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            errors.append(
                (
                    number,
                    indent.index("\t") + 1,
                    "deze regel springt in met een tab; YAML staat alleen spaties toe: "
                    "vervang de tab door spaties",
                )
            )
    return errors


def _event_errors(text: str, line_offset: int) -> list[tuple[int, int, str]]:
    """Anchors, aliases, explicit tags and deep nesting, found in the parser's events.

    This runs before anything is composed, so an alias bomb is never expanded and a deeply
    nested value never reaches a recursive function.
    """
    errors: list[tuple[int, int, str]] = []
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            where = (mark.line + 1 + line_offset, mark.column + 1) if mark else (1 + line_offset, 1)
            if isinstance(event, yaml.AliasEvent):
                errors.append(
                    (
                        *where,
                        f"'*{event.anchor}' is een YAML-verwijzing (alias); die worden niet "
                        "ondersteund. Schrijf de waarde uit, of zet tekst die met '*' begint "
                        "tussen aanhalingstekens",
                    )
                )
                return errors
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                errors.append(
                    (
                        *where,
                        f"'&{anchor}' is een YAML-anker; die worden niet ondersteund. Haal het "
                        "weg, of zet tekst die met '&' begint tussen aanhalingstekens",
                    )
                )
                return errors
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
                errors.append(
                    (
                        *where,
                        f"de tag '{shown}' wordt niet ondersteund; haal hem weg (zet tekst die met "
                        "'!' begint tussen aanhalingstekens)",
                    )
                )
                return errors
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    errors.append(
                        (
                            *where,
                            f"de front matter is hier meer dan {MAX_DEPTH} niveaus diep genest; "
                            "dat is nooit nodig, schrijf de waarden platter",
                        )
                    )
                    return errors
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return []  # compose reports the syntax error with a translated message
    return errors


def load(text: str, line_offset: int = 0) -> StrictYamlResult:
    """Parse one YAML document strictly. ``line_offset`` is added to every reported line."""
    tabs = _tab_errors(text, line_offset)
    if tabs:
        return StrictYamlResult(errors=tabs)
    refused = _event_errors(text, line_offset)
    if refused:
        return StrictYamlResult(errors=refused)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # For an unclosed quote the problem is found at the end; the quote itself is more useful.
        quoted = "quoted scalar" in (exc.context or "")
        mark = (exc.context_mark if quoted else None) or exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        return StrictYamlResult(errors=[(line, col, _translate(exc.problem, exc.context))])
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors on odd control characters
        return StrictYamlResult(errors=[(1 + line_offset, 1, f"dit is geen geldige YAML ({exc})")])
    if node is None:
        return StrictYamlResult(data={})
    builder = _Builder(line_offset)
    data = builder.build(node, ())
    builder.result.data = data
    return builder.result
