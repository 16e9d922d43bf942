"""A `pattern` in the schema file never hangs the check (issue 24, item 5): patterns are matched by
RE2, in time linear in the value, and one RE2 cannot take is refused at its line in the schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, make_docs

from koppelkansen.check.frontmatter import check_docs

#: Catastrophic backtracking in Python's `re` on a value that almost matches: each would run for
#: years on the title below.
EVIL = ["^(a+)+$", "^(a|aa)+$", "(x+x+)+y"]
TITLE = {"^(a+)+$": "a" * 60 + "!", "^(a|aa)+$": "a" * 60 + "!", "(x+x+)+y": "x" * 60}

_RUN = """
import json, sys
from pathlib import Path
from koppelkansen.check.frontmatter import check_docs
out = {}
for docs in sys.argv[1:]:
    _, problems, _ = check_docs(Path(docs))
    out[docs] = [p.format(base=Path(docs)) for p in problems]
print(json.dumps(out))
"""


def _with_title_pattern(tmp_path: Path, pattern: str) -> Path:
    docs = make_docs(tmp_path / str(EVIL.index(pattern)))
    schema_file = docs / "schema" / "frontmatter.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["title"]["pattern"] = pattern
    schema_file.write_text(json.dumps(schema, indent=2, ensure_ascii=False), encoding="utf-8")
    page = docs / "programma.md"
    text = page.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    page.write_text(text.replace(title, f"title: {TITLE[pattern]}", 1), encoding="utf-8")
    return docs


def test_evil_patterns_end_quickly_with_the_message(tmp_path: Path) -> None:
    folders = [_with_title_pattern(tmp_path, pattern) for pattern in EVIL]
    # In a child with a time limit, so that a backtracking engine fails this test, not the suite.
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *map(str, folders)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for pattern, docs in zip(EVIL, folders, strict=True):
        messages = found[str(docs)]
        assert any(
            m.startswith("programma.md:2:")
            and "'title' heeft niet de vorm die het schema vraagt" in m
            and json.dumps(pattern) in m
            for m in messages
        ), messages


def test_a_pattern_that_still_matches_is_accepted(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    schema_file = docs / "schema" / "frontmatter.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["title"]["pattern"] = "^(\\S+ ?)+$"  # nested, and RE2 takes it
    schema_file.write_text(json.dumps(schema, indent=2, ensure_ascii=False), encoding="utf-8")
    _, problems, _ = check_docs(docs)
    assert problems == []


def test_a_pattern_re2_cannot_take_is_refused_at_its_line(tmp_path: Path) -> None:
    for i, (pattern, where) in enumerate(
        [("^(a)\\1$", "title"), ("^(?=.*x).*$", "status"), ("(?<!a)b", "patternProperties")]
    ):
        docs = make_docs(tmp_path / str(i))
        schema_file = docs / "schema" / "frontmatter.schema.json"
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        if where == "patternProperties":
            schema["patternProperties"] = {pattern: {"type": "string"}}
        else:
            schema["properties"][where]["pattern"] = pattern
        text = json.dumps(schema, indent=2, ensure_ascii=False)
        schema_file.write_text(text, encoding="utf-8")
        line = text[: text.index(json.dumps(pattern))].count("\n") + 1
        _, problems, _ = check_docs(docs)
        messages = [p.format(base=docs) for p in problems]
        assert len(messages) == 1, messages
        assert messages[0].startswith(f"schema/frontmatter.schema.json:{line}:"), messages
        assert f"het patroon {json.dumps(pattern)} is niet te gebruiken" in messages[0]
        assert "Herschrijf het patroon" in messages[0]
