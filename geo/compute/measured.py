"""The measured source of coverage: villages judged by their own mobile speed tests.

Under ``settings.coverage.source = measured`` a village (unit of the coverage table) with at least
``settings.coverage.measured_min_tests`` mobile speed tests is **covered** when more of its tests are
served than not (a test is served as :func:`geo.compute.evidence.served_tests` says: download ≥ the
technology's ``served_mbps``; a tie is not covered); its ``source`` becomes ``measured`` and its
households count as covered all or none. Villages with fewer tests keep what the default source
(``auto``: operators' maps where given, the model elsewhere) says, and their ``source`` says which of
those decided. Per-operator and 5G shares (white/grey spots, 5G population) are the default source's:
the tests judge mobile broadband as a whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.compute.evidence import tests_in_units
from geo.compute.hierarchy import Hierarchy
from geo.model import Dataset

__all__ = ["MEASURED", "measured_coverage"]

#: The ``source`` value (setting and coverage-table column) of villages judged by their tests.
MEASURED = "measured"


def measured_coverage(dataset: Dataset, hierarchy: Hierarchy, coverage: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``coverage`` (:func:`geo.compute.indicators.village_coverage` under the default
    source) with the villages that have enough tests judged by them.

    Adds ``n_tests`` and ``n_served`` (mobile tests inside each village, 0 without tests) to every row;
    where ``n_tests`` ≥ ``settings.coverage.measured_min_tests`` sets ``covered`` (more served than
    not served), ``households_covered`` (the village's households, or 0) and ``source`` = ``measured``.
    ``coverage`` is not changed.
    """
    out = coverage.copy()
    located = tests_in_units(dataset, hierarchy, coverage)
    n = len(out)
    n_tests = located.n_tests if located is not None else np.zeros(n, dtype=np.int64)
    n_served = located.n_served if located is not None else np.zeros(n, dtype=np.int64)
    out["n_tests"], out["n_served"] = n_tests, n_served
    judged = n_tests >= dataset.settings.coverage.measured_min_tests
    if not judged.any():
        return out
    verdict = 2 * n_served > n_tests
    out["covered"] = np.where(judged, verdict, out["covered"].to_numpy(bool))
    households = out["households"].to_numpy(float)
    out["households_covered"] = np.where(
        judged, np.where(verdict, households, 0.0 * households), out["households_covered"].to_numpy(float)
    )
    out["source"] = np.where(judged, MEASURED, out["source"].to_numpy(object)).astype(object)
    return out
