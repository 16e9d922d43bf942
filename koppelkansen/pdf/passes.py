"""How many layout passes Typst needs for a document: counted, not guessed.

Typst lays a document out again until its introspection (page numbers, counters, queries) gives
the same answers as in the pass before, at most five times. It names the passes only in the trace
of ``typst compile --timings`` ("iter (1)" ...), which typst-py does not offer, and it warns only
when the fifth pass still differs. So this module counts them from outside: it compiles the main
file in a child Python under gdb, with a breakpoint on the check that ends every pass (comemo's
``Constraint<Introspector>::validate``, called once per pass by Typst's compile loop, found by name
in typst-py's library) and counts the hits. The PDF it makes is thrown away.

Used by the build's debug log (``mkdocs build -v``: one more compile per PDF typeset), by
``make bench`` and by the test that keeps the project's bundle at its count. Without gdb or nm
(binutils), or when the symbol is not found in a future typst-py, :func:`count_passes` returns
None and says why in the debug log.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: The mangled name (Rust v0) of ``Constraint<introspector::__ComemoCall>::validate<dyn
#: Introspector>``, as typst-py's library holds it.
_VALIDATE = re.compile(
    r"^\S+\s+[tT]\s+(_R\S*6comemo10constraint\S*Constraint\S*introspection12introspector"
    r"\S*8validate\S*Introspector\S*)$",
    re.M,
)
#: The child: stops itself once typst is imported (gdb sets the breakpoint then), then compiles.
_CHILD = r"""
import json, os, signal, sys
import typst
os.kill(os.getpid(), signal.SIGTRAP)
request = json.loads(sys.argv[1])
typst.compile(request["main"], output=request["out"], **request["options"])
"""
_COUNT = re.compile(r"^KK-PASSES (\d+)$", re.M)
_DONE = re.compile(r"exited normally")


@cache
def _typst_library() -> Path | None:
    try:
        import typst
    except ImportError:
        return None
    found = sorted(Path(typst.__file__).parent.glob("_typst*.so"))
    return found[0] if found else None


@cache
def validate_symbols() -> tuple[str, ...]:
    """The symbols to break on in typst-py's library (empty when nm or the symbol is missing)."""
    library, nm = _typst_library(), shutil.which("nm")
    if library is None or nm is None:
        return ()
    listing = subprocess.run([nm, str(library)], capture_output=True, text=True, check=False)
    return tuple(dict.fromkeys(_VALIDATE.findall(listing.stdout)))


def count_passes(main: Path, options: dict[str, Any]) -> int | None:
    """The layout passes Typst needs for ``main`` compiled with ``options`` (``typst.compile``'s
    keyword arguments: :func:`koppelkansen.pdf.worker.typst_options`); None when it cannot be
    counted here (no gdb, no symbol, the compile failed)."""
    gdb, symbols = shutil.which("gdb"), validate_symbols()
    if gdb is None or not symbols:
        log.debug("Typst-opmaakrondes niet te tellen: gdb of het symbool ontbreekt")
        return None
    breaks = "".join(
        f"break *'{symbol}'\ncommands\nsilent\nset $kk_passes = $kk_passes + 1\ncontinue\nend\n"
        for symbol in symbols
    )
    script = (
        "set pagination off\nset confirm off\nset $kk_passes = 0\nrun\n"
        f'{breaks}continue\nprintf "KK-PASSES %d\\n", $kk_passes\n'
    )
    with tempfile.TemporaryDirectory(prefix="kk-passes-") as folder:
        commands = Path(folder) / "count.gdb"
        commands.write_text(script, encoding="utf-8")
        request = {"main": str(main), "out": str(Path(folder) / "out.pdf"), "options": options}
        child = [sys.executable, "-I", "-c", _CHILD, json.dumps(request)]
        run = subprocess.run(
            [gdb, "-batch", "-nx", "-x", str(commands), "--args", *child],
            capture_output=True,
            text=True,
            check=False,
        )
    found = _COUNT.search(run.stdout)
    if found is None or not _DONE.search(run.stdout) or int(found.group(1)) == 0:
        log.debug("Typst-opmaakrondes niet geteld: %s", (run.stdout + run.stderr)[-300:])
        return None
    return int(found.group(1))
