"""Hostile front matter: refused before anything is built, with a Dutch message and a line."""

from __future__ import annotations

import time

import pytest
from conftest import make_docs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koppelkansen.cli import main
from koppelkansen.pages import yamlstrict

BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
)


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (BOMB, 1, "YAML-anker"),
        ("title: x\nowner: *ref\n", 2, "YAML-verwijzing"),
        ("title: &t x\n", 1, "YAML-anker"),
        ("title: !!python/object/apply:os.system ['touch /tmp/x']\n", 1, "!!python/object"),
        ("title: !!python/name:os.system x\n", 1, "!!python/name"),
        ("title: !!binary aGVsbG8=\n", 1, "!!binary"),
        ("title: !eigen x\n", 1, "'!eigen'"),
        ("title: ! x\n", 1, "'!'"),
        ("a: 1\norder: .nan\n", 2, "geen eindig getal"),
        ("order: -.inf\n", 1, "geen eindig getal"),
        ("order: " + "9" * 5000 + "\n", 1, "te lang"),
        ("order: " + "[" * 40 + "]" * 40 + "\n", 1, "diep genest"),
        ("order: " + "[" * 50000 + "\n", 1, "niet goed gesloten"),
        ("a:\n  <<: {b: 1}\n", 2, "'<<'"),
    ],
)
def test_refused_yaml_names_line_and_reason_with_bounded_work(text, line, expected):
    started = time.thread_time()  # CPU seconds of this thread: the work, not the machine's load
    result = yamlstrict.load(text)
    assert time.thread_time() - started < 1
    assert result.errors, text[:40]
    assert result.errors[0][0] == line
    assert expected in result.errors[0][2]


def test_alias_bomb_page_gives_a_message_not_a_hang(tmp_path, capsys):
    docs = make_docs(
        tmp_path,
        {"bom.md": "---\ntitle: Bom\ntype: pagina\nstatus: concept\n" + BOMB + "---\n"},
    )
    assert main(["check", str(docs)]) == 1
    out = capsys.readouterr()
    assert "bom.md:5:4: fout: '&a' is een YAML-anker" in out.out
    assert "Traceback" not in out.err


def test_python_tag_in_folder_defaults_is_refused(tmp_path, capsys):
    docs = make_docs(
        tmp_path,
        {"casussen/haven-stad/.meta.yml": "case: haven-stad\nstatus: !!python/name:os.getcwd x\n"},
    )
    assert main(["check", str(docs)]) == 1
    assert ".meta.yml:2:9: fout: de tag '!!python/name:os.getcwd'" in capsys.readouterr().out


# -- properties ------------------------------------------------------------------------------------

_yamlish = st.text(
    alphabet=st.sampled_from(list("ab:- \n\t'\"[]{}&*!#|>%@`,?.0123456789\u2028\u0085\x0b\x0c")),
    max_size=300,
)


@settings(deadline=1000, max_examples=150)
@given(_yamlish)
def test_reader_never_raises_and_reports_positions(text):
    result = yamlstrict.load(text, line_offset=1)
    for line, col, message in result.errors:
        assert line >= 2 and col >= 1 and message
    if not result.errors:
        assert result.data is None or isinstance(result.data, (dict, list, str, int, float, bool))


#: What a title can hold (line breaks are refused elsewhere; surrogates cannot be written to a file).
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))


@settings(deadline=1000, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        # Keys as the schema writes them: a lower-case letter, then letters and underscores.
        st.builds(
            str.__add__,
            st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
            st.text("abcdefghijklmnopqrstuvwxyz_", max_size=10),
        ),
        st.one_of(st.text(_chars, max_size=30), st.lists(st.text(_chars, max_size=10), max_size=4)),
        max_size=8,
    )
)
def test_quoted_values_come_back_exactly(data):
    import json

    text = "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in data.items()
    )
    result = yamlstrict.load(text)
    assert not result.errors
    assert (result.data or {}) == data
