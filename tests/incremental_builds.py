"""Builds of one project as ``make serve`` makes them, for tests/test_incremental.py: a session
(one process that builds again after each edit, its caches kept, as a rebuild after a save does)
and cold builds (each in a process of its own, nothing kept). Both run in forks of the warmed-up
build server (tests/buildserver.py), so neither pays for importing MkDocs again:

    session = buildserver.start(incremental_builds.session, config, site, connection)
    buildserver.start(incremental_builds.cold, config, site, connection)

Each build answers over its connection with the cache's figures, or with the error it raised.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

#: What the session is sent to end it.
STOP = "stop"


def _prepare(config_file: str) -> None:
    """This fork builds as ``mkdocs build`` would in the project's folder: its own working folder,
    the dates from git (no ``SOURCE_DATE_EPOCH``)."""
    os.chdir(Path(config_file).parent)
    os.environ.pop("SOURCE_DATE_EPOCH", None)


def _build(config_file: str, site: str) -> dict[str, Any]:
    """What ``mkdocs build --strict`` does: the configuration read anew, the plugins made anew."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from koppelkansen.adapter import incremental

    try:
        config = load_config(config_file, site_dir=site, strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except BaseException:  # the test shows it: a build that failed is a finding, not a crash
        return {"error": traceback.format_exc()[-4000:]}
    stats = incremental.stats
    return {
        "hits": stats.hits,
        "misses": stats.misses,
        "missed": stats.missed,
        "pages_hit": stats.pages_hit,
    }


def session(config_file: str, site: str, connection: Any) -> None:
    """Builds into ``site`` each time it is asked, until it is sent :data:`STOP`."""
    _prepare(config_file)
    while connection.recv() != STOP:
        connection.send(_build(config_file, site))
    connection.close()


def cold(config_file: str, site: str, connection: Any) -> None:
    """One build into ``site`` in a process that built nothing before."""
    _prepare(config_file)
    connection.send(_build(config_file, site))
    connection.close()
