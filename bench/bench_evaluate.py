"""Benchmark of reading, computing every indicator and evaluating a plan at province and national scale.

Run from the repository root: ``python bench/bench_evaluate.py [--data DIR] [--scales province,national]``.
It is the same as ``python -m geo bench``: one JSON line per figure (see geo/bench/run.py).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
