"""Benchmark of speed tests as a folder of partitions on dask (issue 11): 20 M tests, client peak ≤ 1.5 GB.

Run from the repository root: ``python bench/bench_dask.py [--data DIR] [--rows N] [--work DIR]
[--scheduler tcp://HOST:PORT]``. ``DIR/national`` is the national demo (``python -m geo demo --scale
national --out DIR/national``), generated when missing; the tests are generated into a temporary
folder (``--work`` keeps them). Same as ``python -m geo bench --scales dask``; see
:mod:`geo.bench.dask_bench` for the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.bench.dask_bench import main

if __name__ == "__main__":
    sys.exit(main())
