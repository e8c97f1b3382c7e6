"""Before / after: a plan evaluated on a dataset and on the same dataset with a scenario applied.

Both sides go through :class:`geo.plans.assessment.Assessment`, so a scenario is judged with exactly
the coverage sources, model and rules of a plain evaluation; the two tables are merged on
``uid`` + ``indicator``.

What no change of a scenario can touch is taken from the "before" side rather than computed twice:
the speed-test indicators (a scenario changes sites, Wi-Fi points and FTTH flags, never a measured
speed) and, when no village gets FTTH, the unit hierarchy (built from the unit layers alone).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan
from geo.scenarios.model import Scenario, apply_scenario

__all__ = ["BEFORE_AFTER_COLUMNS", "SCENARIO_PROOF", "evaluate_scenario", "assess_scenario"]

#: Indicators computed from the speed tests alone (a layer or a folder of partitions), which no scenario
#: change touches.
SCENARIO_PROOF = ("mobile_speed", "fixed_speed")

#: Columns added to the evaluation table: the value and status without the scenario, and
#: ``change`` = value − value_before (in the indicator's unit, e.g. percentage points).
BEFORE_AFTER_COLUMNS = ["value_before", "status_before", "change"]


def evaluate_scenario(
    source: Dataset | Assessment, scenario: Scenario, plan: Plan, year: int, *, level: str = "commune"
) -> pd.DataFrame:
    """Return the evaluation of ``plan`` for ``year`` at ``level`` with ``scenario`` applied, plus
    :data:`BEFORE_AFTER_COLUMNS` from the dataset without it (``source`` is not changed).

    Units or indicators present only after the scenario keep NaN before values.
    """
    before = Assessment.of(source)
    after = assess_scenario(before, scenario)
    table_after = after.evaluate(plan, year, level=level)
    table_before = before.evaluate(plan, year, level=level)[["uid", "indicator", "value", "status"]]
    merged = table_after.merge(
        table_before.rename(columns={"value": "value_before", "status": "status_before"}),
        on=["uid", "indicator"],
        how="left",
    )
    merged["change"] = pd.to_numeric(merged["value"], errors="coerce").to_numpy(float) - pd.to_numeric(
        merged["value_before"], errors="coerce"
    ).to_numpy(float)
    merged.loc[~np.isfinite(merged["change"]), "change"] = np.nan
    return merged


def assess_scenario(before: Assessment, scenario: Scenario) -> Assessment:
    """The :class:`Assessment` of ``before``'s dataset with ``scenario`` applied, reusing from ``before``
    what the scenario cannot change (see the module docstring)."""
    applied = apply_scenario(before.dataset, scenario)
    speeds = "speed_tests" in applied.layers or applied.speed_folder is not None
    layers = {k: v for k, v in applied.layers.items() if k != "speed_tests"}
    after = Assessment(dataclasses.replace(applied, layers=layers, speed_folder=None))
    if not len(scenario.of("ftth")):
        after.__dict__["hierarchy"] = before.hierarchy  # seeds the cached_property: same unit layers
    if speeds:
        reused = before.computed[before.computed["indicator"].isin(SCENARIO_PROOF)]
        after.__dict__["computed"] = pd.concat([after.computed, reused], ignore_index=True)
    after.dataset = applied  # the full dataset for everything else (geometries, reported figures)
    return after
