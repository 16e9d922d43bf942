"""Writing a file of the PDF cache (the PDFs, their parts, the versions' entries in
``versions/``) whole or not at all: a build stopped halfway (Ctrl+C, a killed runner) must never
leave a truncated PDF, page count or entry under a key a later build trusts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    """``data`` into ``target`` through a temporary file beside it, renamed over it at the end."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
