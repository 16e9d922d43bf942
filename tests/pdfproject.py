"""A fixture site for the PDF bundle: base-docs + tests/fixtures/pdf-docs, the project's Markdown
extensions, in its own git repository (the version date comes from git)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from conftest import ROOT, make_site_project
from pypdf import PdfReader

PDF_DOCS = Path(__file__).resolve().parent / "fixtures" / "pdf-docs"
#: Commit date of the fixture repository: 31 October 2018, 12:00 UTC.
COMMIT_EPOCH = 1540987200
#: The fixture's programme with 3 rows of its 60-row table, which fills three PDF pages and is most
#: of the typesetting: for tests whose checks lie elsewhere (the plans, the caches, the error
#: messages), as ``files={"programma.md": SHORT_PROGRAMME}``. Its images, code and admonitions stay.
SHORT_PROGRAMME = re.sub(
    r"^\| Regel (?:[4-9]|\d\d) \|.*\n",
    "",
    (PDF_DOCS / "programma.md").read_text(encoding="utf-8"),
    flags=re.M,
)


def git_env(epoch: int) -> dict[str, str]:
    """Environment for git commands that commit (and tag) at ``epoch``, as the core team."""
    env = dict(
        os.environ,
        GIT_AUTHOR_DATE=f"@{epoch} +0000",
        GIT_COMMITTER_DATE=f"@{epoch} +0000",
        GIT_AUTHOR_NAME="Kernteam",
        GIT_AUTHOR_EMAIL="kernteam@example.org",
        GIT_COMMITTER_NAME="Kernteam",
        GIT_COMMITTER_EMAIL="kernteam@example.org",
    )
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


@contextmanager
def committing_at(epoch: int) -> Iterator[None]:
    """This process's environment for an in-process command that commits or tags (``koppelkansen
    versie``) at ``epoch``, as :func:`git_env`; the old values come back afterwards."""
    env = git_env(epoch)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def make_pdf_project(
    target: Path,
    files: dict[str, str | None] | None = None,
    *,
    git: bool = True,
    plugin_options: dict | None = None,
) -> Path:
    config_file = make_site_project(target)
    shutil.copytree(PDF_DOCS, target / "docs", dirs_exist_ok=True)
    for relative, content in (files or {}).items():
        path = target / "docs" / relative
        if content is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    project = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["markdown_extensions"] = project["markdown_extensions"]
    # As the project's mkdocs.yml: no Material search plugin (the site's search is Pagefind's
    # index, which the build makes). tests/test_incremental.py adds it for the cache of its index.
    config["plugins"] = [{"koppelkansen": plugin_options or {}}]
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    if git:
        env = git_env(COMMIT_EPOCH)
        for command in (
            ["git", "init", "-q"],
            ["git", "add", "-A"],
            ["git", "commit", "-q", "-m", "Plannen"],
        ):
            subprocess.run(command, cwd=target, env=env, check=True)
    return config_file


def pdf_outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """A PDF's bookmarks in order: (depth, title, page index it lands on)."""
    found: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


def cold_copy_gives_the_same_pdfs(
    root: Path, config: Path, cold: Path, build: Callable[[Path, Path], object]
) -> Path:
    """Copy the project's sources to ``cold`` (no cache, no site), build the copy with
    ``build(config, site)`` and assert that its PDFs are the project's, name for name and byte for
    byte (the bundle among them): an incremental build equals a cold build of the same state."""
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns(".cache", "site"))
    build(cold / config.name, cold / "site")
    names = sorted(pdf.name for pdf in (cold / "site" / "downloads").glob("*.pdf"))
    assert "koppelkansen-projectplannen.pdf" in names
    assert names == sorted(pdf.name for pdf in (root / "site" / "downloads").glob("*.pdf"))
    for name in names:
        warm = root / "site" / "downloads" / name
        assert warm.read_bytes() == (cold / "site" / "downloads" / name).read_bytes(), name
    return cold
