"""The editor's page format (`koppelkansen/editor/static/frontmatter.js`, issue 29 item 4 and
issue 31 item 5), run in Node with the files the editor loads: every page in docs/ reads and
writes back byte for byte, and every text value is written so that both Decap's parser and the
site's strict reader read back the same text."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.editor.config import COLLECTIONS, editor_config, key_order
from koppelkansen.pages import yamlstrict
from koppelkansen.scaffold import Request, _quote, draft_page, render_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

#: Node: the page format as /admin/ loads it (the yaml package's browser build, our writer).
#: Reads {"pages": [[path, order]], "values": [...]} on stdin; answers, per page, the text written
#: back after reading, and per value the front matter written and what yaml reads back from it.
SCRIPT = r"""
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
const root = process.argv[1];
const { YAML } = await import(pathToFileURL(root + "/node_modules/yaml/browser/dist/index.js"));
const require = createRequire(root + "/");
const format = require(root + "/koppelkansen/editor/static/frontmatter.js").make(t => YAML.parse(t));
const input = JSON.parse(readFileSync(0, "utf8"));
const pages = input.pages.map(([path, order]) => {
  const text = readFileSync(path, "utf8");
  return format.toFile(format.fromFile(text), order);
});
const values = input.values.map(v => {
  const text = format.toFile({title: v, tags: [v, "b"], body: "x\n"}, ["title", "tags", "body"]);
  const back = format.fromFile(text);
  return [text, back.title, back.tags[0]];
});
process.stdout.write(JSON.stringify({pages, values}));
"""


def _run_format(pages: list[tuple[str, list[str]]], values: list[str]) -> dict:
    result = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT, str(ROOT)],
        input=json.dumps({"pages": pages, "values": values}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _form_fields(config: dict, path: Path) -> list[dict] | None:
    """The editor form's fields for the page (Decap passes their order to the writer); None for a
    page no collection shows."""
    rel = path.relative_to(ROOT).as_posix()
    for collection in config["collections"]:
        for file in collection.get("files", []):
            if file["file"] == rel:
                return list(file["fields"])
    corpus_type = yamlstrict.load(path.read_text(encoding="utf-8").split("---\n")[1]).data["type"]
    for spec, collection in zip(COLLECTIONS, config["collections"], strict=True):
        if spec.per_case or spec.type != corpus_type:
            continue
        folder = collection["folder"]
        inside = rel.removeprefix(folder + "/")
        if rel.startswith(folder + "/") and inside.count("/") < spec.depth:
            return list(collection["fields"])
    return None


def _field_order(config: dict, path: Path, schema: dict) -> list[str]:
    fields = _form_fields(config, path)
    if fields is None:
        data = yamlstrict.load(path.read_text(encoding="utf-8").split("---\n")[1]).data
        return [*key_order(data["type"], schema), "body"]
    return [f["name"] for f in fields]


def test_every_page_in_docs_has_what_its_form_requires():
    """A page that leaves out a field its form requires (a session's case area, which the
    folder's .meta.yml gives the site) cannot be saved in the editor until the author fills it
    in: her save then changes a line she did not touch."""
    corpus, problems, _ = check_docs(DOCS)
    assert corpus is not None, problems
    config = editor_config(corpus.schema, corpus.vocabulary, repo=None)
    missing = []
    for path in sorted(DOCS.rglob("*.md")):
        fields = _form_fields(config, path)
        if fields is None:
            continue
        data = yamlstrict.load(path.read_text(encoding="utf-8").split("---\n")[1]).data
        missing += [
            f"{path.relative_to(ROOT)}: {f['name']}"
            for f in fields
            if f.get("required", True)
            and f["widget"] != "hidden"
            and f["name"] != "body"
            and f["name"] not in data
        ]
    assert missing == []


def test_every_page_in_docs_is_written_back_byte_for_byte():
    corpus, problems, _ = check_docs(DOCS)
    assert corpus is not None, problems
    config = editor_config(corpus.schema, corpus.vocabulary, repo=None)
    paths = sorted(DOCS.rglob("*.md"))
    assert len(paths) >= 20
    out = _run_format([(str(p), _field_order(config, p, corpus.schema)) for p in paths], [])
    for path, written in zip(paths, out["pages"], strict=True):
        assert written == path.read_text(encoding="utf-8"), path


#: Text an author may type in a field: each must come back as the same text from the strict
#: reader (YAML 1.1 resolution) and from Decap's parser (YAML 1.2), in a field and in a list.
VALUES = [
    *("Off", "off", "ON", "Yes", "no", "y", "N", "true", "NULL", "~", "<<", "="),
    *("12:30", "1:02:03", "+12:30", "1_000", "0b101", "0x1F", "0o17", "017", "2019", "-1"),
    *("1e3", "1.5", ".5", ".inf", "-.Inf", ".NaN", "2018-10-31", "2018-10", "2018-10-31 12:00"),
    *("Titel\u0085met NEL", "Regel\u2028einde", "Alinea\u2029einde", "tab\tin", "\ufeffBOM"),
    *("twee\nregels", "belletje\x07", "del\x7f", "C1\x9b", "", " spatie voor", "spatie na "),
    *("a: b", "a:b", "eind:", "a #b", "a#b", "#kop", "- lijst", "-x", "? x", ": x", "[x]"),
    *("{x}", "a, b", "a,b", "*ster", "&anker", "!tag", "|blok", ">gevouwen", "'enkel", '"dubbel'),
    *("%procent", "@apenstaart", "`code", "a \\ b", 'zeg "ja"', "---", "...", "a ' b"),
    *("Ontwerpatelier Zuidas één", "Off-sessie", "om 12:30", "Sessie 1", "R&D – Waternet"),
    *("9 Straatjes", "2018-plannen", "Leerronde 2019: ontwerpateliers", "emoji 🌊 golf"),
]


def test_every_text_is_written_so_that_it_reads_back_as_written():
    out = _run_format([], VALUES)
    for value, (text, by_decap, in_list) in zip(VALUES, out["values"], strict=True):
        assert by_decap == value and in_list == value, (value, text)
        front = text.split("---\n")[1]
        read = yamlstrict.load(front)
        assert read.errors == [], (value, text, read.errors)
        assert read.data["title"] == value and read.data["tags"] == [value, "b"], (value, text)
        assert text.endswith("---\nx\n") and text.count("\n") == 5, (value, text)


@pytest.mark.parametrize(
    "value,written",
    [
        ("Off", '"Off"'),
        ("12:30", '"12:30"'),
        ("1_000", '"1_000"'),
        ("0b101", '"0b101"'),
        ("Titel\u0085met NEL", '"Titel\\u0085met NEL"'),
        ("2018", '"2018"'),
        ("2018-10-31", "2018-10-31"),
        ("Sessie Havenstad", "Sessie Havenstad"),
        ("Leerronde 2019: ontwerpateliers", '"Leerronde 2019: ontwerpateliers"'),
    ],
)
def test_the_writer_quotes_only_what_needs_it(value, written):
    text = _run_format([], [value])["values"][0][0]
    assert text.splitlines()[1] == f"title: {written}"


def test_make_new_writes_every_value_as_the_editor_does():
    """`make new` (koppelkansen/scaffold.py) writes front matter by the editor's rules, so the
    editor's first save of a new page changes nothing the author did not change."""
    out = _run_format([], VALUES)
    for value, (text, _, _) in zip(VALUES, out["values"], strict=True):
        ours = f"---\ntitle: {_quote(value)}\ntags: [{_quote(value, True)}, b]\n---\nx\n"
        assert ours == text, value


def test_a_page_made_with_make_new_is_saved_unchanged(tmp_path):
    corpus, problems, _ = check_docs(DOCS)
    assert corpus is not None, problems
    title = "Werksessie R&D: 12:30 Off, één"
    requests = [
        Request(type="sessie", title=title, case="haven-stad", kind="ontwerpatelier",
                round="2019-ontwerpateliers", date="2019-03-05", organisations=["waternet"],
                themes=["water"]),
        Request(type="sessie", title=title, kind="directieoverleg", round="2019-ontwerpateliers",
                date="2019"),
        Request(type="les", title=title, round="2018-plannen", case="amstelstad"),
        Request(type="pagina", title=title),
    ]  # fmt: skip
    pages = []
    for n, request in enumerate(requests):
        path = tmp_path / f"pagina-{n}.md"
        path.write_text(render_page(request, draft_page(corpus, request)[1]), encoding="utf-8")
        pages.append((str(path), [*key_order(request.type, corpus.schema), "body"]))
    out = _run_format(pages, [])
    for (path, _), written in zip(pages, out["pages"], strict=True):
        assert written == Path(path).read_text(encoding="utf-8"), written
