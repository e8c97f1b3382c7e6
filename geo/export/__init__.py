"""Exports for the plan documents, in one place: print-ready maps, the commune atlas, the annex tables.

- :func:`export_map` — one map sheet (A4/A3, portrait/landscape) as PNG, PDF or SVG;
- :func:`export_atlas` — the multi-page commune atlas (PDF);
- :func:`export_annex` — the annex in the plans' layout (XLSX, or DOCX for the territory).

Each takes the evaluation tables of :func:`geo.plans.evaluate.evaluate` instead of recomputing them
(the annex computes the years it lacks) and a ``made_on`` date, so the same inputs give the same
files. The annex model (:mod:`geo.export.annex`) is apart from its writers
(:mod:`geo.export.annex_xlsx`, :mod:`geo.export.annex_docx`); :func:`export_annex` joins them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pandas as pd

from geo.compute.source_text import sources_footnote
from geo.errors import GeoError
from geo.export.annex import annex_levels, annex_tables, annex_years, default_year, evaluate_years
from geo.export.atlas import export_atlas
from geo.export.map import export_map
from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan

__all__ = ["export_map", "export_atlas", "export_annex", "evaluate_years"]


def export_annex(
    dataset: Dataset | Assessment,
    plan: Plan,
    *,
    out: Path,
    evaluations: Mapping[int, pd.DataFrame] | None = None,
    year: int | None = None,
    made_on: date | None = None,
) -> Path:
    """Write the annex of ``plan`` for ``dataset`` (a dataset or its
    :class:`~geo.plans.assessment.Assessment`) to ``out`` and return ``out``.

    ``.xlsx``: one sheet for the territory ("Toàn địa bàn") then one per commune, A4 landscape,
    fit to width, header rows repeated on every page, summary formulas (COUNTIF) under each
    table, then the white/grey spots (:meth:`Assessment.spot_rows`, information without a target) and
    a line saying which source and model decided coverage. ``.docx``: the territory's table in a Word
    document (A4 landscape), with the same block and line.
    ``evaluations`` maps each target year (and ``year``) to :func:`geo.plans.evaluate.evaluate`'s rows at
    territory and commune level; when None they are computed (:func:`evaluate_years`). ``year`` is
    the year whose values and statuses fill "Hiện trạng" and "Đánh giá" (default: the latest
    target year not after ``made_on``; ``made_on`` defaults to today). Text is Vietnamese.
    Raises :class:`GeoError` for another suffix or a plan without targets.
    """
    out = Path(out)
    if out.suffix.lower() not in (".xlsx", ".docx"):
        raise GeoError(
            f"Định dạng '{out.suffix}' không hỗ trợ cho phụ lục {out.name}: dùng .xlsx hoặc .docx.",
            f"Format '{out.suffix}' not supported for the annex {out.name}: use .xlsx or .docx.",
        )
    assessment = Assessment.of(dataset)
    dataset = assessment.dataset
    made_on = made_on or date.today()
    year = year or default_year(plan, made_on)
    if evaluations is None:
        evaluations = evaluate_years(assessment, plan, tuple(sorted({*annex_years(plan)[1], year})))
    spots = pd.concat([assessment.spot_rows(level) for level in annex_levels(dataset)], ignore_index=True)
    footnote = sources_footnote(assessment.village_coverage, dataset, lang="vi")
    tables = annex_tables(dataset, plan, evaluations, year=year, spots=spots, footnote=footnote)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".docx":
        from geo.export.annex_docx import write_docx

        return write_docx(tables[0], plan, dataset, out=out, made_on=made_on)
    from geo.export.annex_xlsx import write_xlsx

    return write_xlsx(tables, plan, dataset, out=out, made_on=made_on)
