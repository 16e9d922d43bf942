"""The editor's configuration (Decap CMS ``config.yml``), generated, never written by hand.

Everything in it comes from what the check and ``koppelkansen nieuw`` already use: the
vocabulary (select lists: value = the key stored in front matter, label = the Dutch label), the
front-matter schema (which keys a page type has, which are required, descriptions as hints, the
date pattern) and the page templates (the fixed headings as the body of a new page). A new
organisation unit in ``vocabulary.yml`` is in the editor after the next build.

The folders follow :func:`koppelkansen.scaffold.draft_page`: one collection per page type, plus
one for the sessions of the directors' meetings, which live in their own folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import yaml

from koppelkansen.editor.signin import SignIn
from koppelkansen.pages.model import KEY_LABELS, front_matter_keys
from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.scaffold import Request, render_page

#: The folder of the pages, from the repository root (Decap's paths are repository paths).
DOCS = "docs"
#: Where uploaded images go (repository path) and that folder below docs/.
MEDIA_PUBLIC = "assets/afbeeldingen"
MEDIA_FOLDER = f"{DOCS}/{MEDIA_PUBLIC}"
#: The page format registered by ``static/start.js`` (``static/frontmatter.js``): Decap's own
#: writer rewrites untouched front-matter lines; this one writes the project's one style.
PAGE_FORMAT = "kk-frontmatter"
#: The repository of a GitHub Pages site ``https://<owner>.github.io/<repo>/``.
_PAGES_URL = re.compile(r"^https://([A-Za-z0-9-]+)\.github\.io/([A-Za-z0-9._-]+)/?")


@dataclass(frozen=True)
class Collection:
    """Where one page type lives and how a new page is named (Decap's folder collection)."""

    name: str
    type: str
    label: str
    #: Below the docs folder.
    folder: str
    #: Folder levels Decap reads below ``folder`` (1: only the folder itself).
    depth: int = 1
    #: The new file's path below ``folder``, without ``.md`` (Decap's ``path``), or None: the slug.
    path: str | None = None
    #: Decap's ``slug`` template; ``{{slug}}`` is the title made ASCII.
    slug: str = "{{slug}}"
    create: bool = True
    #: Fixed values of a new page of this collection.
    defaults: tuple[tuple[str, str], ...] = ()
    #: One file per case area (``<folder>/<case>/<file>``), Decap's files collection.
    per_case: str | None = None


COLLECTIONS = (
    Collection("programma", "programma", "Overkoepelend plan", "", create=False),
    # One case page and one plan per case area: made with the case area (`make new`), then edited.
    Collection("casus", "casus", "Casusgebieden", "casussen", create=False, per_case="index.md"),
    Collection(
        "plan", "plan", "Projectplannen", "casussen", create=False, per_case="projectplan.md"
    ),
    Collection("sessie", "sessie", "Sessies", "casussen", depth=2, path="{{case}}/{{slug}}"),
    Collection(
        "directieoverleg",
        "sessie",
        "Directieoverleggen",
        "directieoverleg",
        defaults=(("kind", "directieoverleg"),),
    ),
    Collection("leerronde", "leerronde", "Leerrondes", "leerrondes", slug="{{round}}"),
    Collection("les", "les", "Lessen", "lessen"),
    Collection("pagina", "pagina", "Pagina's", "", depth=2),
)


def key_order(page_type: str, schema: dict[str, Any]) -> tuple[str, ...]:
    """The order of the keys in a page of ``page_type``, as the templates write them (title, type,
    status first); Decap writes them in its fields' order. Every key of the schema
    (:func:`~koppelkansen.pages.model.front_matter_keys`) but the maintainers'; a plan writes its
    owners and themes before its round and date."""
    order = tuple(key for key in front_matter_keys(schema) if key not in MAINTAINER_KEYS)
    if page_type == "plan":
        return (*order[:6], "owners", "themes", "round", "date", *order[-2:])
    return order


#: Keys for the maintainers (theme and search settings): kept as they are, not in the form.
MAINTAINER_KEYS = {"template", "hide", "icon", "search"}


def repository(site_url: str) -> str | None:
    """``owner/repo`` of a GitHub Pages site, from its address; None for another host."""
    match = _PAGES_URL.match(site_url)
    return f"{match.group(1)}/{match.group(2)}" if match else None


def _ref(prop: dict[str, Any]) -> str | None:
    ref = prop.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _options(vocabulary: Vocabulary, name: str) -> list[dict[str, str]] | None:
    """The select list of a vocabulary allow-list (the schema's ``$defs`` name)."""
    terms = {
        "status": vocabulary.statuses,
        "case": vocabulary.cases,
        "theme": vocabulary.themes,
        "round": vocabulary.rounds,
        "sessionKind": vocabulary.session_kinds,
    }.get(name)
    if terms is not None:
        return [{"label": term.label, "value": key} for key, term in terms.items()]
    if name in ("organisation", "owners"):
        return [
            {"label": vocabulary.organisation_label(ref), "value": ref}
            for ref in vocabulary.organisation_refs()
        ]
    return None


#: A date of the calendar as the check accepts it (``JJJJ``, ``JJJJ-MM``, ``JJJJ-MM-DD``): months
#: 01-12, days that the month has, 29 February in leap years only. The schema's own pattern only
#: says "four digits, dash, two digits"; the check refuses 2018-31-10 and 2019-02-29 after that,
#: so the form refuses them too.
CALENDAR_DATE = (
    r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$"
    r"|^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
    r"|^[0-9]{4}-(0[13-9]|1[0-2])-(29|30)$"
    r"|^[0-9]{4}-(0[13578]|1[02])-31$"
    r"|^([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29$"
)
#: A text value that Decap's YAML writer leaves unquoted and the strict reader does not read
#: back as the same text (docs-dev/editor.md): a YAML 1.1 yes/no word (``Off``, ``ja`` is fine),
#: a number in sixties (``12:30``), a number with ``_`` or in another base (``1_000``, ``0b101``,
#: ``0x1F``, ``017``), and a line break or control character that is not a newline (U+0085,
#: U+2028, U+2029) anywhere. The form refuses these, with the fix.
ROUND_TRIP = (
    r"^(?!(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE"
    r"|null|Null|NULL|~)$)"
    r"(?![-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$)"
    r"(?![-+]?(0[bBxX][0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?)$)"
    r"[^\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]*$"
)
ROUND_TRIP_HINT = (
    "de site leest dit niet als tekst (een los Off, Yes of No, een tijd als 12:30, een getal als "
    "1_000, of een onzichtbaar regeleinde); voeg een woord toe, zoals Off-sessie of om 12:30"
)


def _date_field(name: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    date = schema["$defs"]["date"]
    return {
        "name": name,
        "label": KEY_LABELS.get(name, name),
        "widget": "string",
        "required": required,
        "pattern": [
            CALENDAR_DATE,
            "schrijf een bestaande datum: 2018-10-31, 2018-10 of 2018",
        ],
        "hint": date["description"],
    }


def _field(
    name: str,
    prop: dict[str, Any],
    required: bool,
    schema: dict[str, Any],
    vocabulary: Vocabulary,
) -> dict[str, Any]:
    defs = schema["$defs"]
    ref = _ref(prop)
    if ref == "date":
        return _date_field(name, schema, required)
    if ref in defs:  # the definition, with what the key itself adds (its own description)
        prop = {**defs[ref], **{k: v for k, v in prop.items() if k != "$ref"}}
    field: dict[str, Any] = {
        "name": name,
        "label": KEY_LABELS.get(name, name),
        "required": required,
    }
    if prop.get("description"):
        field["hint"] = prop["description"]
    if prop.get("type") == "array":
        item_ref = _ref(prop.get("items", {}))
        options = _options(vocabulary, item_ref or "")
        if options is not None:
            field.update(widget="select", multiple=True, options=options)
            if required:
                field["min"] = int(prop.get("minItems", 1))
            return field
    if ref == "period":
        field.update(
            widget="object",
            collapsed=False,
            fields=[
                _date_field(key, schema, key in prop.get("required", []))
                for key in prop["properties"]
            ],
        )
        return field
    options = _options(vocabulary, ref or "")
    if options is None and "enum" in prop:
        options = [{"label": value, "value": value} for value in prop["enum"]]
    if options is not None:
        field.update(widget="select", options=options)
        return field
    if prop.get("type") == "integer":
        field.update(widget="number", value_type="int")
        return field
    field["widget"] = "string"
    field["pattern"] = [ROUND_TRIP, ROUND_TRIP_HINT]
    return field


def _body(page_type: str) -> str:
    """The body of a new page as ``make new`` writes it, without the front matter and without
    the first heading (the title: the site shows the title as the heading when a page has none)."""
    text = render_page(Request(type=page_type, title="Titel"), [])
    body = text.split("\n---\n", 1)[1]
    return re.sub(r"\A\s*# Titel\n+", "", body, count=1)


def collection_config(
    collection: Collection, schema: dict[str, Any], vocabulary: Vocabulary
) -> dict[str, Any]:
    common = schema["properties"]
    own = schema["$defs"].get(collection.type, {})
    properties: dict[str, Any] = {**common, **own.get("properties", {})}
    required = {*schema["required"], *own.get("required", [])}
    if collection.path and "{{case}}" in collection.path:
        required.add("case")  # the new file's folder is the case area's
    if collection.per_case:
        # The file is the case area's: its folder's .meta.yml says `case` (and a page that
        # states it keeps it as written).
        properties.pop("case", None)
        required.discard("case")
    names = [key for key in key_order(collection.type, schema) if key in properties]
    names += [key for key in properties if key not in names and key not in MAINTAINER_KEYS]
    defaults = dict(collection.defaults)
    fields: list[dict[str, Any]] = []
    for name in names:
        if name == "type":
            fields.append(
                {
                    "name": "type",
                    "label": KEY_LABELS["type"],
                    "widget": "hidden",
                    "default": collection.type,
                }
            )
            continue
        if name in MAINTAINER_KEYS:
            continue
        field = _field(name, properties[name], name in required, schema, vocabulary)
        if name == "status":
            field["default"] = "concept"
        if name in defaults:
            field["default"] = defaults[name]
        fields.append(field)
    fields.append(
        {
            "name": "body",
            "label": "Tekst",
            "widget": "markdown",
            # Raw only: the text is saved exactly as typed (the rich-text mode writes Markdown
            # of its own and escapes what an author types, see docs-dev/editor.md).
            "modes": ["raw"],
            "default": _body(collection.type),
            "hint": "Markdown, zoals in elk bestand in docs/. Verander de vaste kopjes niet.",
        }
    )
    # Images: stored in the one media folder, written in a page as a path from the page's own
    # folder (what the build accepts), which Decap's preview maps back to the media folder.
    up = len([p for p in collection.folder.split("/") if p]) + (
        1 if collection.per_case else (collection.path or "").count("/")
    )
    media = {"media_folder": f"/{MEDIA_FOLDER}", "public_folder": "../" * up + MEDIA_PUBLIC}
    if collection.per_case:
        return {
            "name": collection.name,
            "label": collection.label,
            "format": PAGE_FORMAT,
            **media,
            "files": [
                {
                    "name": case,
                    "label": term.label,
                    "file": f"{DOCS}/{collection.folder}/{case}/{collection.per_case}",
                    "fields": fields,
                }
                for case, term in vocabulary.cases.items()
            ],
        }
    config: dict[str, Any] = {
        "name": collection.name,
        "label": collection.label,
        "label_singular": vocabulary.types[collection.type].label
        if collection.type in vocabulary.types
        else collection.label,
        "folder": "/".join(part for part in (DOCS, collection.folder) if part),
        "extension": "md",
        "format": PAGE_FORMAT,
        "create": collection.create,
        "slug": collection.slug,
        "filter": {"field": "type", "value": collection.type},
        "summary": "{{title}}",
        "fields": fields,
        **media,
    }
    if collection.type in vocabulary.types and vocabulary.types[collection.type].description:
        config["description"] = vocabulary.types[collection.type].description
    if collection.depth > 1:
        config["nested"] = {"depth": collection.depth}
    if collection.path:
        config["path"] = collection.path
    return config


#: Decap's commit messages, in Dutch (its defaults read "Create Sessie “...”").
COMMIT_MESSAGES = {
    "create": "{{collection}} “{{slug}}” toegevoegd",
    "update": "{{collection}} “{{slug}}” bijgewerkt",
    "delete": "{{collection}} “{{slug}}” verwijderd",
    "uploadMedia": "Bestand “{{path}}” toegevoegd",
    "deleteMedia": "Bestand “{{path}}” verwijderd",
    "openAuthoring": "{{message}}",
}


def editor_config(
    schema: dict[str, Any],
    vocabulary: Vocabulary,
    *,
    repo: str | None,
    branch: str = "main",
    site_url: str = "",
    local_backend: str | None = None,
    sign_in: SignIn | None = None,
) -> dict[str, Any]:
    """The whole configuration. ``local_backend``: the URL of the local editor server's API with
    the run's secret (``make schrijven``): the editor then commits into the checkout (git mode:
    drafts on ``cms/...`` branches, merged into ``branch`` when published). ``sign_in``: the Git
    host and its sign-in (:mod:`koppelkansen.editor.signin`); without it, GitHub's ``repo`` with
    no sign-in set up."""
    if sign_in is not None and local_backend:
        sign_in = replace(sign_in, branch=branch)
    backend = (sign_in or SignIn(repo=repo, branch=branch)).backend()
    # The commits and the pull requests (Decap's pull request title is its commit message) in
    # the authors' language; {{collection}} is the collection's singular label ("Sessie").
    backend["commit_messages"] = COMMIT_MESSAGES
    config: dict[str, Any] = {"locale": "nl", "backend": backend}
    if local_backend:
        config["local_backend"] = {"url": local_backend, "allowed_hosts": ["127.0.0.1"]}
    # Drafts, in review, ready: on the Git host (pull requests) and locally (decap-server's git
    # mode reports `editorial_workflow` among its publish modes, so Decap keeps it on).
    config["publish_mode"] = "editorial_workflow"
    if site_url:
        config["site_url"] = site_url
        config["display_url"] = site_url
    config.update(
        {
            "media_folder": MEDIA_FOLDER,
            "public_folder": MEDIA_PUBLIC,
            # File names of new pages: ASCII, no accents, as `make new` makes them.
            "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
            "collections": [collection_config(c, schema, vocabulary) for c in COLLECTIONS],
        }
    )
    return config


def dump_config(config: dict[str, Any]) -> str:
    header = (
        "# Gegenereerd bij elke build uit docs/schema/vocabulary.yml, het schema en de\n"
        "# paginasjablonen (koppelkansen/editor/config.py). Niet met de hand aanpassen.\n"
    )
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)


def edit_target(
    src_uri: str,
    page_type: str,
    *,
    repo: str | None,
    branch: str = "main",
    sign_in: SignIn | None = None,
) -> str | None:
    """Where "Bewerk deze pagina" leads: the page in the editor (relative to the site root), the
    Git host's file editor where no collection holds the page or where sign-in on the published
    site is not set up (``sign_in`` not ready), or None (no source file)."""
    path = f"{DOCS}/{src_uri}"
    host = sign_in or SignIn(repo=repo, branch=branch)
    if sign_in is not None and not sign_in.ready:
        return host.edit_url(path)
    for collection in COLLECTIONS:
        if page_type != collection.type:
            continue
        if collection.per_case:
            case = path.removeprefix(f"{DOCS}/{collection.folder}/").split("/")[0]
            if path == f"{DOCS}/{collection.folder}/{case}/{collection.per_case}":
                return f"admin/#/collections/{collection.name}/entries/{quote(case)}"
            continue
        folder = "/".join(part for part in (DOCS, collection.folder) if part)
        if not path.startswith(folder + "/") or not path.endswith(".md"):
            continue
        inside = path[len(folder) + 1 : -len(".md")]
        if inside.count("/") >= collection.depth:
            continue
        if collection.name == "sessie" and not _session_in_case(inside):
            continue
        return f"admin/#/collections/{collection.name}/entries/{quote(inside)}"
    return host.edit_url(path)


def _session_in_case(inside: str) -> bool:
    return inside.count("/") == 1
