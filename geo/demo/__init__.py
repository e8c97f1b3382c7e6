"""The deterministic demo generator behind ``python -m geo demo``.

:func:`write_demo` writes a dataset folder — files as a planner would supply them plus a
``dataset.yaml`` (see the manifest format) — for one of three scales:

- ``village``: the bundled demo (``data/demo``), thị xã Sông Nậm, a fictional mountain-valley
  town in Điện Biên with 7 communes and 60 villages (:mod:`geo.demo.village`);
- ``province`` and ``national``: benchmark datasets with the same schema, about 100 / 3,300
  communes and 2,000 / 70,000 villages (:mod:`geo.demo.bulk`).

The same seed gives byte-identical text files and Excel files; GeoPackages read back equal.
All names and codes are fictional (commune codes start with 9, the village demo's with 99).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from geo.demo.bulk import BULK_SCALES, build_bulk
from geo.demo.village import build_village
from geo.demo.write import write_dataset

__all__ = ["SCALES", "write_demo"]

log = logging.getLogger(__name__)

#: Scales :func:`write_demo` accepts, smallest first.
SCALES = ("village", *BULK_SCALES)


def write_demo(out: Path, *, scale: str = "village", seed: int = 2025) -> Path:
    """Write the demo dataset of ``scale`` into folder ``out`` and return ``out``.

    ``scale`` is one of :data:`SCALES`; ``seed`` fixes every random draw, so the same seed
    writes the same files. ``out`` is created if needed; files of the same names are
    replaced and other files in it are left alone. Coordinates are EPSG:4326. Raises
    ``ValueError`` for an unknown scale.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; choose one of {', '.join(SCALES)}")
    rng = np.random.default_rng(seed)
    data = build_village(rng) if scale == "village" else build_bulk(scale, rng)
    out = Path(out)
    write_dataset(data, out)
    log.info("demo %s (seed %d) written to %s", scale, seed, out)
    return out
