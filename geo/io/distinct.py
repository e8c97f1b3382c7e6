"""Work on a long text column once per distinct value: a million rows cost their few thousand texts."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

__all__ = ["map_distinct"]


def map_distinct(values: pd.Series, mapper: Mapping | pd.Series | Callable) -> pd.Series:
    """Return ``values.map(mapper)`` (same cells, dtype, index and name), mapping each distinct value once.

    Only text columns are mapped by distinct value (their cells are equal exactly when their texts are);
    any other column is mapped cell by cell, as ``Series.map`` does, so ``1``, ``1.0`` and ``True`` are
    never taken for one another.
    """
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return values.map(mapper)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)  # a missing cell is one more distinct value
    mapped = pd.Series(uniques, dtype=values.dtype).map(mapper)
    return pd.Series(mapped.array.take(codes), index=values.index, name=values.name)
