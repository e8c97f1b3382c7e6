"""Write an evaluation (the status table of :func:`geo.plans.evaluate.evaluate`) to CSV, XLSX or GeoJSON."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.errors import GeoError
from geo.model import Dataset
from geo.plans.cells import round_figures, write_csv, write_xlsx
from geo.plans.evaluate import unit_geometries

__all__ = ["write_evaluation"]


def write_evaluation(table: pd.DataFrame, dataset: Dataset, out: Path, *, level: str) -> Path:
    """Write ``table`` to ``out`` by its suffix and return the path.

    ``.csv`` is UTF-8 with BOM (Excel opens the diacritics right); ``.xlsx`` one sheet;
    ``.geojson`` one feature per unit × indicator with the unit's polygon (EPSG:4326). Figures are
    rounded to each indicator's precision; in CSV/XLSX, text that a spreadsheet would run as a
    formula is neutralised (:mod:`geo.plans.cells`).
    Raises :class:`GeoError` for another suffix.
    """
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        write_csv(table, out)
    elif suffix == ".xlsx":
        write_xlsx({"Đánh giá": table}, out)
    elif suffix == ".geojson":
        shapes = unit_geometries(dataset, level)[["uid", "geometry"]]
        shapes.merge(round_figures(table), on="uid", how="right").to_file(out, driver="GeoJSON")
    else:
        raise GeoError(
            f"Không ghi được '{out.name}': chỉ hỗ trợ .csv, .xlsx, .geojson.",
            f"Cannot write '{out.name}': only .csv, .xlsx and .geojson are supported.",
        )
    return out
