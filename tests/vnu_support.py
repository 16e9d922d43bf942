"""The Nu HTML Checker (vnu.jar from the npm package vnu-jar, pinned in package-lock.json), run
locally with the system Java: one JVM for all the files of a test session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("KOPPELKANSEN_JAVA") or shutil.which("java") or "/usr/bin/java"
# A short-lived batch run: the client compiler and serial GC start faster on a small machine; vnu
# asks for a thread stack of at least 512k (its schema check recurses deeply).
JVM_ARGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m"]


def missing_vnu() -> str | None:
    """Why the HTML check cannot run here, or None."""
    if not Path(JAVA).is_file():
        return (
            f"Java ontbreekt ({JAVA}): installeer het Debian-pakket 'default-jre-headless' "
            "(make venv doet dat via scripts/system-packages.txt)"
        )
    if not VNU_JAR.is_file():
        return f"vnu.jar ontbreekt ({VNU_JAR}): draai 'make node' (npm ci)"
    return None


@dataclass(frozen=True)
class HtmlError:
    path: Path
    line: int
    column: int
    message: str

    def format(self, relative_to: Path | None = None) -> str:
        path = self.path
        if relative_to is not None and path.is_relative_to(relative_to):
            path = path.relative_to(relative_to)
        return f"{path.as_posix()}:{self.line}:{self.column}: {self.message}"


def check_html(targets: list[Path]) -> list[HtmlError]:
    """Run vnu once over ``targets`` (files or folders; only HTML files are checked) and return its
    errors. Warnings are left out (``--errors-only``)."""
    command = [JAVA, *JVM_ARGS, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    command += ["--skip-non-html", *(str(target) for target in targets)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:  # vnu writes its JSON report to stderr and exits 1 when it found errors
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(
            f"vnu gaf geen JSON (exit {result.returncode}): {result.stderr[:2000]}"
        ) from exc
    errors = []
    for message in messages:
        url = message.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        errors.append(
            HtmlError(
                path=path,
                line=message.get("lastLine", message.get("firstLine", 0)),
                column=message.get("firstColumn", message.get("lastColumn", 0)),
                message=f"{message.get('type', 'error')}: {message.get('message', '')}",
            )
        )
    return errors
