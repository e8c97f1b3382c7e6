"""Text columns of long tables built by one Arrow take instead of from millions of Python strings.

pandas keeps text as Arrow strings (``str``); making such a column from an object array of 1.8 M
strings costs a tenth of a second per column, while taking from a short list of distinct words (an
indicator id per row, a status, a unit's name repeated for each of its indicators) is one C call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["text_column", "repeated_text"]


def text_column(words: Sequence[str | None], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A pandas ``str`` column holding ``words[code]`` for each of ``codes`` (integers; None = missing)."""
    distinct = pa.array([None if w is None else str(w) for w in words], pa.large_string())
    return pd.array(distinct.take(pa.array(np.asarray(codes, np.int64))), dtype="str")


def repeated_text(values: pd.Series | pd.api.extensions.ExtensionArray, positions: np.ndarray):
    """A pandas ``str`` column of ``values`` (any text column) taken at ``positions``."""
    return pd.array(values, dtype="str").take(np.asarray(positions, np.int64))
