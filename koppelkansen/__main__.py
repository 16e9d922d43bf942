from __future__ import annotations

import sys

from koppelkansen.cli import main

sys.exit(main())
