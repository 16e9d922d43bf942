#!/usr/bin/env python3
"""Check the front matter of every page: ``python scripts/check_frontmatter.py [DOCS_DIR] [--format github]``."""

from __future__ import annotations

import sys

from koppelkansen.cli import main

if __name__ == "__main__":
    sys.exit(main(["check", *sys.argv[1:]]))
