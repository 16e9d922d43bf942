"""A version's PDFs: built once from the tagged sources, then kept in a cache keyed by the commit.

The tagged tree is exported with ``git archive`` into a scratch folder outside the repository and
built there by today's generator (the package of this process, never the tag's own copy of it,
which is removed from the export) from the tag's pages, configuration and templates, with
``SOURCE_DATE_EPOCH`` set to the tag's commit time, the cover label in ``KOPPELKANSEN_EDITION`` and
the version's own date (the cover's "Versie" field) in ``KOPPELKANSEN_EDITION_DATE``.
Two such builds give the same bytes (tests/test_versions.py proves it). The result is kept under
``<pdf cache>/versions/<commit>-<label hash>/``; a normal build only copies it, so an old version is
never typeset again, even after the generator changed. See docs-dev/versions.md.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from koppelkansen.build import engine_from_environment
from koppelkansen.gitcommand import git_argv
from koppelkansen.pages.dates import is_day
from koppelkansen.pdf.downloads import LISTING
from koppelkansen.versions.tags import Version

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: The cover label of the PDFs of this build (set only for a version's build).
EDITION_ENV = "KOPPELKANSEN_EDITION"
#: The version's own date (``JJJJ-MM-DD``) for the cover, set only for a version's build.
EDITION_DATE_ENV = "KOPPELKANSEN_EDITION_DATE"
#: "1" inside a version's build: it shows no versions itself.
NESTED_ENV = "KOPPELKANSEN_VERSION_BUILD"


#: Beside a version's cache folder: today's rules refused its tag (``{"code", "reason"}``).
REFUSED_SUFFIX = ".geweigerd.json"


#: This process's generator package: the one that typesets every version.
GENERATOR = Path(__file__).resolve().parent.parent


class VersionBuildError(Exception):
    pass


def refusals(output: str) -> list[str]:
    """The Dutch ``pad:regel:kolom: fout:`` lines of a version's build output (its own pages'
    problems under today's rules), without the generator's level prefix and colours."""
    found = []
    for line in output.splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        line = re.sub(r"^(?:ERROR|WARNING)\s+-\s+", "", line).strip()
        if re.match(r"^\S.*:\d+:\d+: fout: ", line):
            found.append(line)
    return found


@functools.cache
def rules_key() -> str:
    """A hash of this package's files: the rules a version's build is judged by today."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(GENERATOR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _refused(marker: Path) -> str | None:
    """Why today's rules refused this version's tag before (same rules), or None."""
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("code") == rules_key():
        reason = data.get("reason")
        return reason if isinstance(reason, str) else None
    return None


@dataclass(frozen=True)
class VersionPdf:
    filename: str
    path: Path
    size: int
    title: str


def edition_date(value: str) -> str | None:
    """The version date this build's covers show (``EDITION_DATE_ENV``), when it is a valid date."""
    value = value.strip()
    return value if is_day(value) else None


def cache_folder(cache_root: Path, version: Version) -> Path:
    label = hashlib.sha256(version.edition.encode()).hexdigest()[:12]
    return cache_root / "versions" / f"{version.commit}-{label}"


def version_pdfs(
    version: Version, repo: Path, config_rel: str, cache_root: Path
) -> list[VersionPdf]:
    """The PDFs of ``version``, from the cache or built now from its tag (then cached)."""
    folder = cache_folder(cache_root, version)
    if not (folder / LISTING).is_file():
        # A tag that today's rules refuse is built once per change of the rules, not every build.
        marker = folder.with_name(folder.name + REFUSED_SUFFIX)
        reason = _refused(marker)
        if reason is not None:
            raise VersionBuildError(reason)
        try:
            build_version(version, repo, config_rel, folder)
        except VersionBuildError as exc:
            if refusals(str(exc)):  # the pages' problems, not a missing tool or a full disk
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.write_text(
                    json.dumps({"code": rules_key(), "reason": str(exc)}), encoding="utf-8"
                )
            raise
    listing = json.loads((folder / LISTING).read_text(encoding="utf-8"))
    return [
        VersionPdf(
            filename=item["filename"],
            path=folder / item["filename"],
            size=(folder / item["filename"]).stat().st_size,
            title=str(item.get("title", item["filename"])),
        )
        for item in listing
    ]


def place(source: Path, target: Path) -> None:
    """Put a cached PDF into the site: a hard link to the cache file (no bytes copied; the same
    bytes, since nothing writes into a cached PDF), or a copy where a link cannot be made (another
    file system, a file system without links). An existing ``target`` is unlinked first: writing
    into it could write into the cache file it is a link of."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _export(repo: Path, commit: str, target: Path) -> None:
    archive = subprocess.run(
        git_argv("archive", "--format=tar", commit), cwd=repo, capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise VersionBuildError(archive.stderr.decode("utf-8", "replace").strip())
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError) as exc:  # a link out of the tree, a full disk
        raise VersionBuildError(
            f"de bestanden van commit {commit[:12]} konden niet worden uitgepakt: {exc}"
        ) from None


def build_version(version: Version, repo: Path, config_rel: str, folder: Path) -> None:
    """Export the tag, build it with the version's cover label and keep its PDFs in ``folder``."""
    log.info("Versie %s: PDF's maken uit de tag %s", version.slug, version.tag)
    scratch = Path(tempfile.mkdtemp(prefix="koppelkansen-versie-"))
    try:
        source = scratch / "bron"
        source.mkdir()
        _export(repo, version.commit, source)
        # Today's generator typesets the version (docs-dev/versions.md): nothing from a tag is run.
        # The tag's copy of the package goes, and ``-P`` keeps the scratch folder off sys.path.
        shutil.rmtree(source / GENERATOR.name, ignore_errors=True)
        site = scratch / "site"
        env = dict(
            os.environ,
            SOURCE_DATE_EPOCH=str(version.epoch),
            **{EDITION_ENV: version.edition, EDITION_DATE_ENV: version.date, NESTED_ENV: "1"},
        )
        env.pop("KOPPELKANSEN_PDF", None)
        path = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(GENERATOR.parent) + (os.pathsep + path if path else "")
        result = subprocess.run(
            [
                sys.executable,
                "-P",
                "-m",
                engine_from_environment(),
                "build",
                "--config-file",
                str(source / config_rel),
                "--site-dir",
                str(site),
            ],
            cwd=source,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise VersionBuildError(result.stderr.strip()[-2000:])
        pdfs = sorted((site / "downloads").glob("*.pdf"))
        if not pdfs:
            raise VersionBuildError("de build van de versie maakte geen PDF's")
        listing = json.loads((site / "downloads" / LISTING).read_text(encoding="utf-8"))
        ready = scratch / "klaar"
        ready.mkdir()
        for pdf in pdfs:
            shutil.copy2(pdf, ready / pdf.name)
        (ready / LISTING).write_text(
            json.dumps(listing, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.move(str(ready), folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
