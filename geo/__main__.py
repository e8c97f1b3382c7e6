"""``python -m geo``: the command line (see geo/cli/main.py)."""

import sys

from geo.cli.main import main

sys.exit(main())
