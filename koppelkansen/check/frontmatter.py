"""Checking pages against the schema and each other, with Dutch messages for authors."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from koppelkansen.check.schema import (
    DATE_FORMAT,
    PageValidators,
    allowed_keys,
    keys_by_type,
    load_schema,
    validator_for,
)
from koppelkansen.check.structure import page_structure_problems
from koppelkansen.pages.loader import Applies, DefaultsCache, load_page, load_pages
from koppelkansen.pages.model import Corpus, Page, Source
from koppelkansen.pages.vocabulary import load_vocabulary
from koppelkansen.problems import Problem

SCHEMA_DIR = "schema"
SCHEMA_FILE = "frontmatter.schema.json"
VOCABULARY_FILE = "vocabulary.yml"

_TYPE_NAMES = {
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "array": "een lijst (regels die beginnen met '- ')",
    "object": "sleutels met waarden (ingesprongen regels 'sleutel: waarde')",
    "boolean": "true of false",
    "null": "leeg",
}


def _found_type(value: Any) -> str:
    if value is None:
        return "niets (een lege waarde)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (ja/nee)"
    if isinstance(value, int | float):
        return f"het getal {value}"
    if isinstance(value, str):
        return f"de tekst '{value}'"
    if isinstance(value, list):
        return "een lijst"
    return "sleutels met waarden"


def _key_name(path: tuple[Any, ...]) -> str:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f" (item {part + 1})"
        else:
            name += ("." if name else "") + str(part)
    return name or "front matter"


def nearest(found: str, allowed: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The ``n`` values of ``allowed`` nearest to ``found``, nearest first: one that differs only in
    case first, then the closest by :func:`difflib.get_close_matches` (``cutoff`` 0: all of them)."""
    lowered = {a.lower(): a for a in allowed}
    same = [lowered[found.lower()]] if found.lower() in lowered else []
    close = difflib.get_close_matches(found, allowed, n=len(allowed), cutoff=cutoff)
    return (same + [a for a in close if a not in same])[:n]


def suggest(found: str, allowed: list[str]) -> str:
    """``; bedoel je '...'?`` with the nearest allowed value, or "" when none is near."""
    close = nearest(found, allowed)
    return f"; bedoel je '{close[0]}'?" if close else ""


def _example(schema: dict[str, Any], page_type: str, key: str) -> str:
    definition = schema["properties"].get(key) or schema["$defs"].get(page_type, {}).get(
        "properties", {}
    ).get(key, {})
    while "$ref" in definition and "examples" not in definition:
        definition = schema["$defs"][definition["$ref"].rsplit("/", 1)[-1]]
    examples = definition.get("examples") or definition.get("enum")
    if not examples:
        return ""
    example = examples[0]
    if isinstance(example, list):
        return f", bijvoorbeeld '{key}: [{', '.join(example)}]'"
    if isinstance(example, dict):
        return (
            ", bijvoorbeeld '"
            + key
            + ": {"
            + ", ".join(f"{k}: {v}" for k, v in example.items())
            + "}'"
        )
    return f", bijvoorbeeld '{key}: {example}'"


class _Messages:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.by_type = keys_by_type(schema)
        self.all_keys = sorted(set(schema["properties"]) | set(self.by_type))
        self._allowed: dict[str | None, set[str]] = {}
        self._single: dict[tuple[str | None, str], Draft202012Validator] = {}

    def default_applies(self, page_type: str | None, key: str) -> bool:
        """A folder default applies to a page when its type allows the key; a default that no
        type knows stays, so that it is reported as unknown."""
        if page_type not in self._allowed:
            self._allowed[page_type] = allowed_keys(self.schema, page_type)
        return key in self._allowed[page_type] or key not in self.all_keys

    def value_errors(self, page_type: str | None, key: str, value: Any) -> list[ValidationError]:
        """What the schema says of one value of ``key`` on a page of ``page_type`` (None: a key
        every type has)."""
        if (page_type, key) not in self._single:
            own = self.schema["$defs"].get(page_type, {}) if page_type else {}
            definition = {**self.schema["properties"], **own.get("properties", {})}[key]
            self._single[page_type, key] = validator_for(
                {
                    "$schema": self.schema["$schema"],
                    "type": "object",
                    "properties": {key: definition},
                    "$defs": self.schema["$defs"],
                }
            )
        return list(self._single[page_type, key].iter_errors({key: value}))

    def find_unknown_keys(self, page: Page) -> list[Problem]:
        page_type = page.meta.get("type")
        allowed = allowed_keys(self.schema, page_type if isinstance(page_type, str) else None)
        problems = []
        for key in list(page.meta):
            if key in allowed:
                continue
            path, line, col = page.where((key,))
            if (
                path != page.path
            ):  # a default no page type knows (known ones are filtered in loader)
                text = f"onbekende sleutel '{key}' in de standaardwaarden van deze map{suggest(key, self.all_keys)}"
            elif key in self.by_type and isinstance(page_type, str):
                types = ", ".join(sorted(self.by_type[key]))
                text = (
                    f"de sleutel '{key}' hoort niet bij een pagina van type '{page_type}' (wel bij: "
                    f"{types}); haal hem weg of kies een ander type"
                )
            else:
                text = f"onbekende sleutel '{key}'{suggest(key, sorted(allowed))}"
                if not text.endswith("?"):
                    text += f"; toegestaan zijn: {', '.join(sorted(allowed))}"
            problems.append(Problem(path, line, col, text))
        return problems

    def for_error(self, page: Page, error: ValidationError) -> Problem | None:
        if error.validator == "unevaluatedProperties":
            return None  # reported by find_unknown_keys, with a suggestion
        where = tuple(error.absolute_path)
        path, line, col = page.where(where)
        key = _key_name(where)
        value = error.instance
        kind = error.validator
        page_type = str(page.meta.get("type", ""))
        if kind == "required":
            missing = next(
                (k for k in error.validator_value if k not in (error.instance or {})), "?"
            )
            if where:
                text = f"in '{key}' ontbreekt de sleutel '{missing}'{_example(self.schema, page_type, missing)}"
            else:
                who = f"een pagina van type '{page_type}'" if page_type else "elke pagina"
                text = (
                    f"de sleutel '{missing}' ontbreekt; {who} heeft '{missing}' nodig"
                    f"{_example(self.schema, page_type, missing)}"
                )
        elif kind == "enum":
            allowed = [str(a) for a in error.validator_value]
            suggestion = suggest(str(value), allowed)
            text = (
                f"'{key}' heeft {_found_type(value)}, maar die waarde is niet toegestaan"
                f"{suggestion}{' ' if suggestion else '. '}Toegestaan: {', '.join(allowed)}"
            )
        elif kind == "type":
            expected = error.validator_value
            expected = [expected] if isinstance(expected, str) else expected
            wanted = " of ".join(_TYPE_NAMES.get(t, t) for t in expected)
            text = f"'{key}' moet {wanted} zijn, maar is {_found_type(value)}"
            if "string" in expected and value is not None:
                text += f"; zet de waarde tussen aanhalingstekens ('{key}: \"{value}\"')"
        elif kind == "format":
            text = f"'{key}: {value}' is geen bestaande datum; schrijf JJJJ-MM-DD met een echte maand en dag, bijvoorbeeld 2018-10-31"
        elif kind == "pattern" and error.schema.get("format") == DATE_FORMAT:
            text = f"'{key}: {value}' is geen datum in de vorm JJJJ-MM-DD (of JJJJ-MM, JJJJ); bijvoorbeeld 2018-10-31"
        elif kind == "pattern":
            text = (
                f"'{key}' heeft niet de vorm die het schema vraagt (het patroon "
                f"{json.dumps(error.validator_value, ensure_ascii=False)}); pas de waarde aan"
            )
        elif kind == "minItems":
            text = f"'{key}' is een lege lijst; noem er minstens één"
        elif kind == "minLength":
            text = f"'{key}' is leeg; vul een tekst in"
        elif kind == "uniqueItems":
            text = f"'{key}' noemt een waarde dubbel; noem elke waarde één keer"
        elif kind == "additionalProperties":
            extra = sorted(set(value) - set(error.schema.get("properties", {})))
            options = sorted(error.schema.get("properties", {}))
            suggestion = suggest(extra[0], options)
            text = (
                f"onbekende sleutel '{extra[0]}' in '{key}'{suggestion}"
                f"{' ' if suggestion else '. '}Toegestaan in '{key}': {', '.join(options)}"
            )
            if extra:
                path, line, col = page.where((*where, extra[0]))
        else:
            text = f"'{key}' is ongeldig: {error.message}"
        return Problem(path, line, col, text)


def _cross_references(corpus: Corpus) -> list[Problem]:
    problems: list[Problem] = []
    seen = corpus.by_identity()  # the first page (by path) for each identity
    labels = {
        "programma": "het overkoepelende plan",
        "casus": "casusgebied",
        "plan": "het projectplan van casusgebied",
        "leerronde": "leerronde",
    }
    for page in sorted(corpus.pages.values(), key=lambda p: p.src_uri):
        identity = page.identity
        if identity is None:
            continue
        if seen[identity] is not page:
            key = (
                "type"
                if identity == ("programma",)
                else ("case" if identity[0] in ("casus", "plan") else "round")
            )
            path, line, col = page.where((key,))
            if (
                path != page.path
            ):  # the identity comes from folder defaults: point at the page's type
                path, line, col = page.where(("type",))
            what = labels[identity[0]] + (f" '{identity[1]}'" if len(identity) > 1 else "")
            problems.append(
                Problem(
                    path,
                    line,
                    col,
                    f"ook {seen[identity].src_uri} is {what}; er mag maar één pagina voor zijn. "
                    "Voeg de pagina's samen of geef deze een ander type",
                )
            )

    vocabulary = corpus.vocabulary

    def need(page: Page, key_path: tuple[Any, ...], identity: tuple[str, str], hint: str) -> None:
        known = vocabulary.cases if identity[0] == "casus" else vocabulary.rounds
        if identity[1] in known and identity not in seen:  # unknown values got their own message
            path, line, col = page.where(key_path)
            problems.append(Problem(path, line, col, hint))

    for page in sorted(corpus.pages.values(), key=lambda p: p.src_uri):
        if not page.parsed:
            continue
        record = corpus.record(page.src_uri)  # after the schema: a wrong type reads as absent
        if record.type in ("sessie", "les", "plan") and record.round:
            round_key = record.round
            need(
                page,
                ("round",),
                ("leerronde", round_key),
                f"leerronde '{round_key}' heeft nog geen eigen pagina; maak een pagina met "
                f"'type: leerronde' en 'round: {round_key}', of kies een leerronde die er wel is",
            )
        cases: list[tuple[tuple[str | int, ...], str]] = []
        if record.type in ("sessie", "plan") and record.case:
            cases.append((("case",), record.case))
        if record.type == "les":
            cases.extend(((("cases", i)), c) for i, c in enumerate(record.cases))
        for key_path, case in cases:
            need(
                page,
                key_path,
                ("casus", case),
                f"casusgebied '{case}' heeft nog geen casuspagina; maak een pagina met "
                f"'type: casus' en 'case: {case}', of kies een bestaand casusgebied",
            )
    return problems


def defaults_filter(schema: dict[str, Any]) -> Applies:
    """Which folder defaults apply to which page type: the check's rule, for other readers of pages
    (the pages of an old version, :func:`koppelkansen.versions.tags.read_tree`)."""
    return _Messages(schema).default_applies


#: A page template extends the site's page template (``{% extends "main.html" %}``).
_EXTENDS_MAIN = re.compile(r"""\{%-?\s*extends\s+["']main\.html["']""")


def page_templates(overrides: Path) -> list[str]:
    """The values ``template:`` may take: ``main.html`` (the page template every page gets) and
    every other ``.html`` file directly in ``overrides`` that extends it (``downloads.html``).
    Partials, ``base.html`` and the theme's own templates are not pages (docs-dev/frontmatter.md)."""
    found = {"main.html"}
    try:
        files = sorted(overrides.glob("*.html"))
    except OSError:
        files = []
    for path in files:
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            continue
        if _EXTENDS_MAIN.search(head):
            found.add(path.name)
    return sorted(found)


def _template_problems(page: Page, allowed: list[str]) -> list[Problem]:
    value = page.meta.get("template")
    if not page.parsed or not isinstance(value, str) or value in allowed:
        return []
    path, line, col = page.where(("template",))
    shown = value if value.isprintable() and len(value) <= 80 else repr(value[:80])
    return [
        Problem(
            path,
            line,
            col,
            f"'template' heeft de tekst '{shown}', maar dat is geen paginasjabloon van deze site. "
            f"Toegestaan: {', '.join(allowed)}{suggest(value, allowed)} "
            "(of laat 'template' weg voor een gewone pagina)",
        )
    ]


def check_docs(
    docs_dir: Path, overrides: Path | None = None
) -> tuple[Corpus | None, list[Problem], int]:
    """Load and check every page below ``docs_dir``.

    ``overrides``: the theme's folder of templates (``theme.custom_dir``; by default ``overrides/``
    beside ``docs_dir``), whose page templates ``template:`` may name; when there is no such
    folder, ``template:`` is not checked.

    Returns the corpus (``None`` when the vocabulary or schema cannot be used), every problem found,
    sorted, and the number of pages checked.
    """
    docs_dir = docs_dir.resolve()
    overrides = overrides or docs_dir.parent / "overrides"
    # Without the theme's folder (a docs folder checked on its own) its templates are unknown.
    templates = page_templates(overrides) if overrides.is_dir() else None
    schema_dir = docs_dir / SCHEMA_DIR
    vocabulary, problems = load_vocabulary(schema_dir / VOCABULARY_FILE)
    if vocabulary is None:
        return None, sorted(problems), 0
    schema, schema_problems = load_schema(schema_dir / SCHEMA_FILE, vocabulary)
    problems.extend(schema_problems)
    if schema is None:
        return None, sorted(problems), 0
    messages = _Messages(schema)
    defaults = DefaultsCache(docs_dir)
    pages, read_problems = load_pages(docs_dir, messages.default_applies, defaults)
    problems.extend(read_problems)
    for data, source in defaults.files():
        problems.extend(_defaults_problems(data, source, messages))
    corpus = Corpus(docs_dir=docs_dir, vocabulary=vocabulary, schema=schema, pages=pages)
    validators = PageValidators(schema)
    for page in pages.values():
        problems.extend(_page_problems(page, messages, validators))
        problems.extend(page_structure_problems(page.path, page.body))
        if templates is not None:
            problems.extend(_template_problems(page, templates))
    problems.extend(_cross_references(corpus))
    return corpus, sorted(set(problems)), len(pages)


def _defaults_problems(data: dict[str, Any], source: Source, messages: _Messages) -> list[Problem]:
    """Every value of one folder defaults file (``.meta.yml``) against the schema, as the page front
    matter is checked, reported at its own line: also where every page sets the key itself.

    A key of one page type is checked as that type's (the file's own ``type`` when it sets one);
    a key several types know passes when it fits one of them.
    """
    path = source[0]
    own_type = data.get("type")
    problems: list[Problem] = []
    for key, value in data.items():
        if key not in messages.all_keys:
            line, col = source[1].get((key,), (1, 1))
            text = f"onbekende sleutel '{key}' in de standaardwaarden van deze map"
            problems.append(Problem(path, line, col, text + suggest(key, messages.all_keys)))
            continue
        types: list[str | None] = [None]
        if key in messages.by_type:
            known = sorted(messages.by_type[key])
            types = [own_type] if isinstance(own_type, str) and own_type in known else [*known]
        found: list[Problem] = []
        for page_type in types:
            page = Page(
                path=path,
                src_uri=path.name,
                meta={key: value} if page_type is None else {key: value, "type": page_type},
                body="",
                sources={key: source},
            )
            errors = messages.value_errors(page_type, key, value)
            reported = [p for e in errors if (p := messages.for_error(page, e)) is not None]
            if not reported:
                found = []
                break
            found = found or reported
        problems.extend(found)
    return problems


def _page_problems(page: Page, messages: _Messages, validators: PageValidators) -> list[Problem]:
    """One page against the schema: unknown keys and every value (not when its YAML failed)."""
    if not page.parsed:
        return []
    found = messages.find_unknown_keys(page)
    for error in validators.for_type(page.meta.get("type")).iter_errors(page.meta):
        problem = messages.for_error(page, error)
        if problem is not None:
            found.append(problem)
    return found


def check_added_page(corpus: Corpus, path: Path) -> list[Problem]:
    """The problems of one page just written into ``corpus``'s docs folder (the scaffold's new
    page, with its folder's defaults), checked as :func:`check_docs` checks it, against the pages
    already read instead of reading them all again. The page joins ``corpus``."""
    path = path.resolve()
    messages = _Messages(corpus.schema)
    defaults = DefaultsCache(corpus.docs_dir)
    page, problems = load_page(path, corpus.docs_dir, defaults, messages.default_applies)
    problems.extend(defaults.problems())
    if page is not None:
        corpus.pages[page.src_uri] = page
        problems.extend(_page_problems(page, messages, PageValidators(corpus.schema)))
        problems.extend(page_structure_problems(page.path, page.body))
        problems.extend(_cross_references(corpus))
    return sorted({p for p in problems if p.path.resolve() == path})
