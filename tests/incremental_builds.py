"""Builds one project again and again in one process, as ``make serve`` rebuilds after each save,
and beside each such incremental build a cold one of the same state (the rendering cache of
koppelkansen.adapter.incremental emptied first). Run by tests/test_incremental.py:

    python tests/incremental_builds.py PLAN.json

PLAN: ``{"config": ..., "states": [{"name": ..., "edits": [[path, old, new], [path, null]]}]}``
(an edit replaces ``old`` by ``new`` once; ``null`` deletes the file). Prints one JSON line per
state: the files that differ between the incremental and the cold build, and the cache's hits.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from koppelkansen.adapter import incremental


def _build(config_file: str, site: Path) -> None:
    """What ``mkdocs build --strict`` does: the configuration read anew, the plugins made anew."""
    config = load_config(config_file, site_dir=str(site), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


#: The search index (koppelkansen/search): Pagefind does not write it byte for byte the same from
#: the same pages (Pagefind/pagefind#638: its filter and metadata indexes, the entry file naming
#: them, and maps inside a page's fragment in any order). Each page's fragment (its text, metadata
#: and filter values) is compared as data instead; the rest of pagefind/ is derived from them.
INDEX = "pagefind/"


def _fragment(data: bytes) -> tuple[str, bytes]:
    """A Pagefind fragment (gzip, a signature, then JSON): its page's URL and sorted JSON."""
    raw = gzip.decompress(data)
    fragment = json.loads(raw[raw.index(b"{") :])
    return fragment["url"], json.dumps(fragment, sort_keys=True).encode("utf-8")


def _tree(site: Path) -> dict[str, bytes]:
    tree = {}
    for path in site.rglob("*"):
        name = path.relative_to(site).as_posix()
        if not path.is_file():
            continue
        if not name.startswith(INDEX):
            tree[name] = path.read_bytes()
        elif name.startswith(f"{INDEX}fragment/"):
            url, fragment = _fragment(path.read_bytes())
            tree[f"{INDEX}fragment: {url}"] = fragment
    return tree


def _apply(edit: list[str | None]) -> None:
    path = Path(str(edit[0]))
    if edit[1] is None:
        path.unlink()
        return
    text = path.read_text(encoding="utf-8")
    assert str(edit[1]) in text, edit
    path.write_text(text.replace(str(edit[1]), str(edit[2]), 1), encoding="utf-8")


def main(plan_file: str) -> int:
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    root = Path(plan["config"]).parent
    incremental_site, cold_site = root / "site-incrementeel", root / "site-koud"
    _build(plan["config"], incremental_site)  # the first build of the session: all rendered
    for state in plan["states"]:
        for edit in state["edits"]:
            _apply(edit)
        _build(plan["config"], incremental_site)
        stats = incremental.stats
        hits, misses, pages_hit = stats.hits, stats.misses, stats.pages_hit
        incremental.forget()
        shutil.rmtree(cold_site, ignore_errors=True)
        _build(plan["config"], cold_site)
        warm, cold = _tree(incremental_site), _tree(cold_site)
        differ = sorted(
            name for name in warm.keys() | cold.keys() if warm.get(name) != cold.get(name)
        )
        result = {
            "name": state["name"],
            "differ": differ,
            "hits": hits,
            "misses": misses,
            "pages_hit": pages_hit,
            "pages": sum(name.endswith(".html") for name in warm),
        }
        print(json.dumps(result), flush=True)
        # The next state starts from the cache of this state (as a session's would).
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
