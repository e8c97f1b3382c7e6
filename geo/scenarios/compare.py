"""Before / after: a plan evaluated on a dataset and on the same dataset with a scenario applied.

Both sides go through :class:`geo.plans.assessment.Assessment`, so a scenario is judged with exactly
the coverage sources, model and rules of a plain evaluation; the two tables are merged on
``uid`` + ``indicator``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan
from geo.scenarios.model import Scenario, apply_scenario

__all__ = ["BEFORE_AFTER_COLUMNS", "evaluate_scenario"]

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
    after = Assessment(apply_scenario(before.dataset, scenario))
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
