"""Where Typst runs: each PDF in a fresh child process, or one long-lived compiler per PDF.

- :func:`compile_in_child` (``make site``): Typst keeps a cache that grows with every document it
  compiles in a process (four PDFs in one process peaked at 2.3-2.5 GB). A fresh child process per
  PDF hands all of it back to the system when the PDF is done, so a build holds at most one
  compile's memory. A Typst error comes back as the same exception (pickled by the child).
- :func:`compile_live` (``make serve-pdf``): one ``typst.Compiler`` per PDF stays alive in the
  ``mkdocs serve`` process between rebuilds, so a small edit re-typesets only what changed.

The Typst options themselves are :func:`koppelkansen.pdf.typeset.typst_options`, in one place.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


class WorkerError(RuntimeError):
    """The child process died without a PDF and without a Typst error (killed, out of memory)."""


def compile_in_child(main: Path, font_dir: Path, epoch: int | None) -> bytes:
    """Compile in a fresh Python process; raises the Typst error it raised.

    The child runs this file as a script with the Typst options as JSON: it imports only ``typst``
    (0.06 s), not the koppelkansen package (0.4 s, most of it jsonschema), for every PDF."""
    from .typeset import typst_options

    with tempfile.TemporaryDirectory(prefix="kk-typst-") as tmp:
        out, error = Path(tmp) / "out.pdf", Path(tmp) / "error.pickle"
        done = subprocess.run(
            [
                sys.executable,
                "-I",  # no PYTHONPATH, no user site, no current folder on sys.path
                __file__,
                str(main),
                json.dumps(typst_options(font_dir, epoch)),
                str(out),
                str(error),
            ],
            capture_output=True,
            check=False,
        )
        if error.is_file():
            raise pickle.loads(error.read_bytes())
        if done.returncode != 0 or not out.is_file():
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise WorkerError(f"het Typst-proces stopte met code {done.returncode}: {detail[0]}")
        return out.read_bytes()


#: The live preview's compilers, by main file and font folder; they live as long as the process.
_LIVE: dict[tuple[str, str], Any] = {}


def compile_live(main: Path, font_dir: Path, epoch: int | None) -> bytes:
    """Compile with a compiler kept alive across calls, so unchanged pages are not laid out again."""
    import typst

    from .typeset import typst_options

    options = typst_options(font_dir, epoch)
    key = (str(main), str(font_dir))
    compiler = _LIVE.get(key)
    if compiler is None:
        compiler = _LIVE[key] = typst.Compiler(
            str(main), **{k: options[k] for k in ("root", "font_paths", "ignore_system_fonts")}
        )
    data = compiler.compile(
        format="pdf", pdf_standards=options["pdf_standards"], timestamp=options["timestamp"]
    )
    assert isinstance(data, bytes)
    return data


def _child(argv: list[str]) -> int:
    main, options, out, error = argv
    import typst

    try:
        data = typst.compile(main, **json.loads(options))
    except Exception as exc:  # typst.TypstError: the parent translates it
        Path(error).write_bytes(pickle.dumps(exc))
        return 1
    Path(out).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
