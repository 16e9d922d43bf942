"""Imported once by the tests' build server (tests/buildserver.py), before it forks any command:
imports what a build imports and builds a small site with the project's real theme, extensions and
plugin, so that every forked build starts where a second build in one process would.

Nothing is kept but the warm process: the site is built in a temporary folder that is removed, and
its output goes nowhere. If the warm-up fails, the forked builds are only slower (each then
imports and sets up for itself, as a fresh ``python`` does); the tests still see every error.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import yaml

import koppelkansen.adapter.plugin  # imported here, so that every fork has it
import koppelkansen.build
import koppelkansen.cli
from koppelkansen.adapter.engine import build_here

ROOT = Path(__file__).resolve().parent.parent


def _logging_state() -> dict[str, tuple]:
    loggers = [logging.getLogger(), *map(logging.getLogger, list(logging.root.manager.loggerDict))]
    return {
        logger.name: (logger.handlers[:], logger.filters[:], logger.level, logger.propagate)
        for logger in loggers
    }


def _restore_logging(state: dict[str, tuple]) -> None:
    """Every logger as before the warm-up: MkDocs' command line adds a handler and a filter that
    remembers the messages it let through each time it runs, and a forked build must not inherit
    them (it would print each line twice, or drop a message the warm-up had logged)."""
    for name in [logging.root.name, *logging.root.manager.loggerDict]:
        logger = logging.getLogger(name) if name != logging.root.name else logging.getLogger()
        handlers, filters, level, propagate = state.get(name, ([], [], logging.NOTSET, True))
        logger.handlers[:] = handlers
        logger.filters[:] = filters
        logger.setLevel(level)
        logger.propagate = propagate


def _warm_up() -> None:
    with tempfile.TemporaryDirectory(prefix="kk-warm-") as folder:
        target = Path(folder)
        docs = target / "docs"
        shutil.copytree(ROOT / "tests" / "fixtures" / "base-docs", docs)
        for name in ("schema", "assets"):
            shutil.copytree(ROOT / "docs" / name, docs / name)
        shutil.copy(ROOT / "tests" / "fixtures" / "quality" / "voorbeeld.md", docs)
        config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
        config["theme"]["custom_dir"] = str(ROOT / "overrides")
        config["docs_dir"] = "docs"
        config.pop("nav", None)
        config.pop("exclude_docs", None)
        (target / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        saved = [os.dup(1), os.dup(2)]
        quiet = os.open(os.devnull, os.O_WRONLY)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        cwd = os.getcwd()
        logging_state = _logging_state()
        warning_filters, showwarning = warnings.filters[:], warnings.showwarning
        try:
            os.chdir(target)
            koppelkansen.build.build_site(
                target / "mkdocs.yml", target / "site", in_process=build_here
            )
        except BaseException:  # a failed warm-up only costs time
            pass
        finally:
            _restore_logging(logging_state)
            warnings.filters[:] = warning_filters
            warnings.showwarning = showwarning
            os.chdir(cwd)
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in (*saved, quiet):
                os.close(fd)
    # The server forks from here: no thread of the warm-up may still be running.
    assert threading.active_count() == 1, threading.enumerate()
    assert len(os.listdir("/proc/self/task")) == 1, "the warm-up left threads behind"


_warm_up()
