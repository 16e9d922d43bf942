"""Build the site into a scratch folder and swap it in only when the build succeeded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The site generators the build can run: MkDocs 1.x, or ProperDocs, its maintained drop-in fork
#: (same mkdocs.yml, same plugins and themes; docs-dev/properdocs.md). Each is run as
#: ``python -m <module> build``.
ENGINES = ("mkdocs", "properdocs")
ENGINE_VARIABLE = "KOPPELKANSEN_ENGINE"


def engine_from_environment() -> str:
    """The engine named by KOPPELKANSEN_ENGINE, or MkDocs."""
    engine = os.environ.get(ENGINE_VARIABLE) or "mkdocs"
    if engine not in ENGINES:
        raise SystemExit(
            f"{ENGINE_VARIABLE}={engine!r} is onbekend; kies uit: {', '.join(ENGINES)}"
        )
    return engine


def build_site(
    config_file: Path,
    site_dir: Path,
    extra_args: list[str] | None = None,
    engine: str | None = None,
) -> int:
    """Run ``<engine> build --strict`` into a sibling scratch folder, then replace ``site_dir``.

    ``engine`` is ``mkdocs`` or ``properdocs``; by default KOPPELKANSEN_ENGINE, else MkDocs.
    A failed build leaves ``site_dir`` exactly as it was and removes the scratch folder.
    """
    engine = engine or engine_from_environment()
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {ENGINES}")
    site_dir = site_dir.resolve()
    scratch = site_dir.with_name(f".{site_dir.name}.building")
    old = site_dir.with_name(f".{site_dir.name}.old")
    for leftover in (scratch, old):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        engine,
        "build",
        "--strict",
        "--config-file",
        str(config_file),
        "--site-dir",
        str(scratch),
        *(extra_args or []),
    ]
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        print(
            f"De site is niet gebouwd; {site_dir.name}/ is ongewijzigd gebleven. "
            "Los de fouten hierboven op en probeer het opnieuw.",
            file=sys.stderr,
        )
        return result.returncode
    if site_dir.exists():
        site_dir.rename(old)
    scratch.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    print(f"Site gebouwd in {site_dir}.")
    return 0
