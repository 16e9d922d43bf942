"""Build the site into a scratch folder and swap it in only when the build succeeded."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def build_site(config_file: Path, site_dir: Path, extra_args: list[str] | None = None) -> int:
    """Run ``mkdocs build --strict`` into a sibling scratch folder, then replace ``site_dir``.

    A failed build leaves ``site_dir`` exactly as it was and removes the scratch folder.
    """
    site_dir = site_dir.resolve()
    scratch = site_dir.with_name(f".{site_dir.name}.building")
    old = site_dir.with_name(f".{site_dir.name}.old")
    for leftover in (scratch, old):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "mkdocs",
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
