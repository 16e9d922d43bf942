"""Hostile input to the scaffold (``make new`` / ``koppelkansen nieuw``): values stay text."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, make_docs

from koppelkansen.cli import main
from koppelkansen.pages import yamlstrict
from koppelkansen.scaffold import MAX_SLUG


def _title(page: str) -> object:
    """The title as the site reads it (the strict reader), whatever quoting it was written in."""
    return yamlstrict.load(page.split("---\n")[1]).data["title"]


def _make_new(docs: Path, **values: str) -> subprocess.CompletedProcess[str]:
    args = ["make", "--no-print-directory", "-C", str(ROOT), "new", f"DOCS={docs}"]
    args += [f"{key}={value}" for key, value in values.items()]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False)


@pytest.mark.usefixtures("made_venv")
def test_make_new_runs_nothing_and_keeps_the_title_literally(tmp_path):
    docs = make_docs(tmp_path)
    marker1, marker2 = tmp_path / "gemaakt-1", tmp_path / "gemaakt-2"
    title = f"Water `touch {marker1}` $(touch {marker2}) \"Oost\" $HOME 'q' $$ & <b>"
    result = _make_new(docs, TYPE="pagina", TITEL=title)
    assert result.returncode == 0, result.stderr
    assert not marker1.exists() and not marker2.exists()
    [page] = [p for p in docs.glob("*.md") if p.name.startswith("water-")]
    text = page.read_text(encoding="utf-8")
    assert _title(text) == title
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("made_venv")
@pytest.mark.parametrize("key", ["TITEL", "SOORT"])
def test_make_new_runs_no_make_function_in_any_value(tmp_path, key):
    """Make exports command-line variables expanded: a $(shell ...) would run without `unexport`."""
    docs = make_docs(tmp_path)
    marker = tmp_path / "gemaakt"
    value = f"Water $(shell touch {marker}) $(info gelekt)"
    values = {"TYPE": "pagina", "TITEL": "Water"} | {key: value}
    result = _make_new(docs, **values)
    assert not marker.exists()
    assert "gelekt\n" not in result.stdout
    assert result.returncode == 0, result.stderr  # a pagina ignores SOORT
    [page] = docs.glob("water*.md")
    title = value if key == "TITEL" else "Water"
    assert _title(page.read_text(encoding="utf-8")) == title
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("made_venv")
def test_make_new_map_cannot_leave_docs(tmp_path):
    docs = make_docs(tmp_path)
    marker = tmp_path / "gemaakt"
    result = _make_new(docs, TYPE="pagina", TITEL="Iets", MAP=f"../../$(touch {marker})")
    assert result.returncode != 0
    assert "ligt niet binnen docs/" in result.stderr
    assert not marker.exists()
    assert not list(tmp_path.glob("*.md")) and not (tmp_path.parent / "iets.md").exists()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("folder", ["../buiten", "/tmp", "a/../../b", ".git", "~/x"])
def test_map_outside_docs_is_refused(tmp_path, capsys, folder):
    docs = make_docs(tmp_path)
    code = main(["nieuw", "pagina", "--titel", "Iets", "--map", folder, "--docs", str(docs)])
    assert code == 2
    assert "ligt niet binnen docs/" in capsys.readouterr().err
    assert not list(tmp_path.rglob("iets.md"))


def test_map_through_a_symlink_out_of_docs_is_refused(tmp_path, capsys):
    docs = make_docs(tmp_path)
    outside = tmp_path / "buiten"
    outside.mkdir()
    (docs / "link").symlink_to(outside)
    code = main(["nieuw", "pagina", "--titel", "Iets", "--map", "link", "--docs", str(docs)])
    assert code == 2
    assert "geen gewone map" in capsys.readouterr().err
    assert not list(outside.iterdir())


def test_long_title_gives_a_short_file_name(tmp_path):
    docs = make_docs(tmp_path)
    title = "Ontwerpatelier over water energie en circulariteit " * 20
    assert main(["nieuw", "pagina", "--titel", title, "--docs", str(docs)]) == 0
    [page] = [p for p in docs.glob("ontwerpatelier-*.md")]
    assert len(page.stem) <= MAX_SLUG
    assert not page.stem.endswith("-")
    assert title.strip() in page.read_text(encoding="utf-8")


def test_existing_file_and_symlink_are_never_overwritten(tmp_path, capsys):
    docs = make_docs(tmp_path)
    (docs / "iets.md").write_text("eigen tekst\n", encoding="utf-8")
    assert main(["nieuw", "pagina", "--titel", "Iets", "--docs", str(docs)]) == 2
    assert "ik overschrijf niets" in capsys.readouterr().err
    assert (docs / "iets.md").read_text(encoding="utf-8") == "eigen tekst\n"
    victim = tmp_path / "slachtoffer.txt"
    (docs / "anders.md").symlink_to(victim)  # dangling: opening it for writing would create it
    assert main(["nieuw", "pagina", "--titel", "Anders", "--docs", str(docs)]) == 2
    assert not victim.exists()


@pytest.mark.parametrize("title", ["Eerste\nregel", "a\u2028b", "tab\x0bhier"])
def test_title_with_a_line_break_is_refused(tmp_path, capsys, title):
    docs = make_docs(tmp_path)
    assert main(["nieuw", "pagina", "--titel", title, "--docs", str(docs)]) == 2
    assert "op één regel" in capsys.readouterr().err


def test_heading_shows_markdown_syntax_as_text(tmp_path):
    import markdown

    docs = make_docs(tmp_path)
    title = "Water & <energie> [klik](javascript:x) {: onclick=x} *nadruk*"
    assert main(["nieuw", "pagina", "--titel", title, "--docs", str(docs)]) == 0
    [page] = [p for p in docs.glob("water-*.md")]
    body = page.read_text(encoding="utf-8").split("---", 2)[2]
    html = markdown.markdown(body, extensions=["attr_list"]).split("</h1>")[0]
    assert "<a " not in html and "<em>" not in html and "<h1>" in html
    assert "Water &amp; &lt;energie&gt; [klik](javascript:x) {: onclick=x} *nadruk*" in html


def test_new_page_reads_the_docs_folder_once(tmp_path, monkeypatch):
    import koppelkansen.scaffold as scaffold

    docs = make_docs(tmp_path)
    calls = []
    real = scaffold.check_docs

    def counting(folder):
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(scaffold, "check_docs", counting)
    target, problems = scaffold.new_page(docs, scaffold.Request(type="pagina", title="Iets"))
    assert target.is_file() and problems == []
    assert len(calls) == 1


@pytest.mark.parametrize(
    "front",
    [
        "title: Nieuw\ntype: pagina\nstatus: klaar\n",  # a value the vocabulary does not know
        "title: Nieuw\ntype: pagina\nstatus: concept\nkleur: rood\n",  # an unknown key
        "title: [Nieuw\n",  # broken YAML
    ],
)
def test_a_page_checked_alone_gets_the_messages_of_the_whole_check(tmp_path, front):
    from koppelkansen.check.frontmatter import check_added_page, check_docs

    docs = make_docs(tmp_path)
    corpus, before, _ = check_docs(docs)
    assert corpus is not None and before == []
    page = docs / "nieuw.md"
    page.write_text(f"---\n{front}---\n\n# Nieuw\n", encoding="utf-8")
    alone = check_added_page(corpus, page)
    _, whole, _ = check_docs(docs)
    assert alone and alone == [p for p in whole if p.path.resolve() == page.resolve()]
