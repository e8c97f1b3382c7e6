"""Before / after: a plan evaluated on a dataset and on the same dataset with a scenario applied.

Both sides go through :class:`geo.plans.assessment.Assessment`, so a scenario is judged with exactly
the coverage sources, model and rules of a plain evaluation; the two tables are merged on
``uid`` + ``indicator``.

The "before" side is the given assessment (its tables reused when already built, e.g. on the page or from
the prepared cache); the "after" side is derived from it (:meth:`Assessment.derived`): only what the
scenario's changes can move is computed again — the village coverage of the units its sites reach, the
indicators of :data:`MOVES` for its kinds of change, the evaluation rows of their targets — and the
rest is the "before" side's, so the two sides together cost little more than one evaluation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan
from geo.scenarios.model import Scenario, apply_scenario

__all__ = ["BEFORE_AFTER_COLUMNS", "MOVES", "evaluate_scenario", "assess_scenario"]

#: The indicators each kind of change can move (every other indicator keeps its "before" value).
MOVES = {
    "new_site": (
        "village_mobile_bb_coverage",
        "household_mobile_bb_coverage",
        "pop_5g_coverage",
        "bts_site_sharing",
    ),
    "upgrade": ("village_mobile_bb_coverage", "household_mobile_bb_coverage", "pop_5g_coverage"),
    "share": (
        "village_mobile_bb_coverage",
        "household_mobile_bb_coverage",
        "pop_5g_coverage",
        "bts_site_sharing",
    ),
    "wifi": ("public_free_wifi",),
    "ftth": ("village_ftth_coverage",),
}

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
    """The :class:`Assessment` of ``before``'s dataset with ``scenario`` applied, derived from ``before``
    (see the module docstring): its tables equal those of a fresh assessment of the applied dataset."""
    applied = apply_scenario(before.dataset, scenario)
    kinds = set(scenario.changes["change"])
    moves = {indicator for kind in kinds for indicator in MOVES.get(kind, ())}
    return Assessment.derived(applied, before, moves=moves, same_units="ftth" not in kinds)
