"""One strict build by the generator's own API, in this process (``koppelkansen build``).

What ``python -m <engine> build --strict --config-file … --site-dir …`` does, called directly:
the engine's console logging and warning filters (its ``State`` and ``_enable_warnings``, which
its command line sets up), the configuration loaded strict, the plugins' startup and shutdown
events around the build, and an error of the engine (a configuration error, a strict abort)
shown as its command line shows it, as an exit code. Nothing swaps ``sys.argv`` or runs a
module as ``__main__``. ProperDocs keeps MkDocs' API under its own name (and answers imports
of ``mkdocs.*`` once its command-line module is imported), so both engines run through the
same lines.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path

import click


def build_here(engine: str, config_file: Path, site_dir: Path) -> int:
    """Build with ``engine`` (``mkdocs`` or ``properdocs``) into ``site_dir``: its exit code."""
    command_line = importlib.import_module(f"{engine}.__main__")
    config = importlib.import_module(f"{engine}.config")
    commands = importlib.import_module(f"{engine}.commands.build")
    # The console handler of the engine's logger for this build, as its command line makes one
    # per run, and its choice of format (``color_option``): colours and lines wrapped at the
    # terminal's width on a terminal, plain lines into a pipe or a file, or where asked.
    state = command_line.State()
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        state.stream.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    try:
        command_line._enable_warnings()
        cfg = config.load_config(config_file=str(config_file), strict=True, site_dir=str(site_dir))
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            commands.build(cfg, dirty=False)
        finally:
            cfg.plugins.on_shutdown()
    except click.ClickException as exc:  # the engine's own errors, as its command line ends
        exc.show()
        return exc.exit_code
    finally:
        state.logger.removeHandler(state.stream)
    return 0
