"""Controlled vocabularies (statuses, kinds, case areas, themes, organisations, rounds).

They live in one data file, ``docs/schema/vocabulary.yml``; the schema's allow-lists are generated
from it (:func:`koppelkansen.check.schema.render_schema`) and the overview pages take their labels here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from koppelkansen.pages import yamlstrict
from koppelkansen.problems import Problem

SECTIONS = ("statuses", "types", "cases", "themes", "organisations", "rounds", "session_kinds")


class Labels(dict[str, str]):
    """Labels by key. A key the vocabulary does not have (a status an old version used) is its
    own label: the one rule for it, instead of ``labels.get(key, key)`` at every reader."""

    def __missing__(self, key: str) -> str:
        return key


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Organisation(Term):
    units: dict[str, Term] = field(default_factory=dict)


@dataclass(frozen=True)
class Vocabulary:
    path: Path
    statuses: dict[str, Term]
    types: dict[str, Term]
    cases: dict[str, Term]
    themes: dict[str, Term]
    organisations: dict[str, Organisation]
    rounds: dict[str, Term]
    session_kinds: dict[str, Term]

    def status_labels(self) -> Labels:
        """Each status's label, for a page record and for what shows statuses of other versions."""
        return Labels({key: term.label for key, term in self.statuses.items()})

    def type_labels(self) -> Labels:
        """Each page type's label (the review of a proposal names a page by its type)."""
        return Labels({key: term.label for key, term in self.types.items()})

    def organisation_refs(self) -> list[str]:
        """Every allowed value of ``organisations``/``owners``: ``org`` and ``org/unit``."""
        refs: list[str] = []
        for org in self.organisations.values():
            refs.append(org.key)
            refs.extend(f"{org.key}/{unit}" for unit in org.units)
        return refs

    def organisation_label(self, ref: str) -> str:
        org_key, _, unit_key = ref.partition("/")
        org = self.organisations[org_key]
        return f"{org.label} – {org.units[unit_key].label}" if unit_key else org.label


def _terms(raw: object, where: str, path: Path, problems: list[Problem], pos) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    if not isinstance(raw, dict) or not raw:
        line, col = pos((where,))
        problems.append(
            Problem(path, line, col, f"'{where}' moet een lijst van 'sleutel: {{label: ...}}' zijn")
        )
        return terms
    for key, body in raw.items():
        line, col = pos((where, key))
        if not isinstance(body, dict) or not isinstance(body.get("label"), str):
            problems.append(
                Problem(
                    path,
                    line,
                    col,
                    f"'{where}.{key}' heeft geen 'label' (tekst); voeg 'label: ...' toe",
                )
            )
            continue
        terms[str(key)] = Term(str(key), body["label"], str(body.get("description", "")))
    return terms


def load_vocabulary(path: Path) -> tuple[Vocabulary | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [
            Problem(
                path, 1, 1, "het bestand met toegestane waarden ontbreekt; zet vocabulary.yml terug"
            )
        ]
    except UnicodeDecodeError:
        return None, [Problem(path, 1, 1, "dit bestand is geen UTF-8; sla het op als UTF-8")]
    parsed = yamlstrict.load(text)
    problems.extend(Problem(path, line, col, msg) for line, col, msg in parsed.errors)
    if problems:
        return None, problems
    data = parsed.data if isinstance(parsed.data, dict) else {}

    def pos(key_path):
        return parsed.positions.get(key_path, (1, 1))

    for section in SECTIONS:
        if section not in data:
            problems.append(
                Problem(path, 1, 1, f"het onderdeel '{section}' ontbreekt in vocabulary.yml")
            )
    for section in data:
        if section not in SECTIONS:
            line, col = pos((section,))
            problems.append(
                Problem(
                    path,
                    line,
                    col,
                    f"onbekend onderdeel '{section}'; toegestaan: {', '.join(SECTIONS)}",
                )
            )
    if problems:
        return None, problems

    organisations: dict[str, Organisation] = {}
    for key, term in _terms(data["organisations"], "organisations", path, problems, pos).items():
        raw_units = data["organisations"][key].get("units") or {}
        units = (
            _terms(raw_units, f"organisations.{key}.units", path, problems, pos)
            if raw_units
            else {}
        )
        organisations[key] = Organisation(key, term.label, term.description, units)
    vocabulary = Vocabulary(
        path=path,
        statuses=_terms(data["statuses"], "statuses", path, problems, pos),
        types=_terms(data["types"], "types", path, problems, pos),
        cases=_terms(data["cases"], "cases", path, problems, pos),
        themes=_terms(data["themes"], "themes", path, problems, pos),
        organisations=organisations,
        rounds=_terms(data["rounds"], "rounds", path, problems, pos),
        session_kinds=_terms(data["session_kinds"], "session_kinds", path, problems, pos),
    )
    return (None if problems else vocabulary), problems
