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
import shutil
from pathlib import Path

import click


def build_here(engine: str, config_file: Path, site_dir: Path) -> int:
    """Build with ``engine`` (``mkdocs`` or ``properdocs``) into ``site_dir``: its exit code."""
    command_line = importlib.import_module(f"{engine}.__main__")
    config = importlib.import_module(f"{engine}.config")
    commands = importlib.import_module(f"{engine}.commands.build")
    # The console handler of the engine's logger for this build, as its command line makes one
    # per run. Its formatter wraps lines at the terminal's width, which the command line reads as
    # it starts: read again here, for this process's terminal (a process forked from one that
    # imported the engine on a terminal, a build server, may write into a pipe).
    wrapper = command_line.ColorFormatter.text_wrapper
    wrapper.width = shutil.get_terminal_size(fallback=(0, 0)).columns
    state = command_line.State()
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
