"""The annex tables in the plans' own layout ("Phụ lục"): the model both writers share.

Columns follow the Mường Lay annex (seed 004) and add the status: ``TT | Các chỉ tiêu | Đơn vị
tính | Thực hiện năm <baseline> | Năm <each target year> | Hiện trạng <year> | Đánh giá | Ghi
chú``. Indicator rows are numbered and grouped under the catalogue's annex groups (I. Mạng viễn
thông băng rộng, II. ..., IV. ...). Each target cell is tinted by how that year's value stood
against that year's target; "Đánh giá" is the status for ``year``. :func:`annex_tables` builds the
tables once; :mod:`geo.export.annex_xlsx` (one sheet for the territory, then one per commune) and
:mod:`geo.export.annex_docx` (the territory) write them, and :func:`geo.export.export_annex` picks
the writer from the file suffix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from geo.compute.catalogue import GROUPS, INDICATORS
from geo.errors import GeoError
from geo.export.text import localise
from geo.model import TERRITORY, Dataset
from geo.plans.assessment import Assessment
from geo.plans.evaluate import target_text
from geo.plans.targets import Plan, Target
from geo.vocab import Level

__all__ = [
    "ANNEX_FONT",
    "AnnexRow",
    "AnnexTable",
    "annex_years",
    "default_year",
    "annex_levels",
    "evaluate_years",
    "SPOTS_HEADING",
    "annex_tables",
    "header_cells",
]

#: Font of the annex (Vietnamese administrative documents use Times New Roman).
ANNEX_FONT = "Times New Roman"


@dataclass(frozen=True)
class AnnexRow:
    """One row of an annex: a group heading (``number`` "I", only ``label``) or a numbered indicator.

    ``targets`` holds the target text stated for each target year ("" when none), ``target_status``
    how that year's value stood against it (None without an evaluation); ``value`` and ``status``
    are for the annex year (status None when no target is in force then).
    """

    number: str
    label: str
    indicator: str = ""
    unit: str = ""
    baseline: float | str | None = None
    targets: tuple[str, ...] = ()
    target_status: tuple[str | None, ...] = ()
    value: float | None = None
    status: str | None = None
    note: str = ""

    @property
    def is_group(self) -> bool:
        """True for a group heading row (I, II, ...)."""
        return not self.indicator


@dataclass(frozen=True)
class AnnexTable:
    """The annex of one unit: title, columns (baseline year, target years, annex year) and rows."""

    uid: str
    name: str
    year: int
    baseline_year: int | None
    target_years: tuple[int, ...]
    year_headers: tuple[str, ...]
    rows: tuple[AnnexRow, ...]
    #: White/grey-spot rows (information, no target; a heading then one row per kind and technology),
    #: written under the judged table and its summary.
    spots: tuple[AnnexRow, ...] = ()
    #: Which source and model decided coverage (:func:`geo.compute.source_text.sources_footnote`).
    footnote: str = ""


def annex_years(plan: Plan) -> tuple[int | None, tuple[int, ...]]:
    """Return the plan's baseline year (the latest year with baselines, None without any) and its
    target years, ascending."""
    baselines = [t.year for t in plan.targets if t.kind == "baseline"]
    return (max(baselines) if baselines else None), tuple(plan.target_years())


def default_year(plan: Plan, made_on: date) -> int:
    """The latest target year not after ``made_on``'s year, else the plan's first target year."""
    years = annex_years(plan)[1]
    if not years:
        raise GeoError(
            f"Kế hoạch {plan.id} không có chỉ tiêu nào (chỉ có số liệu thực hiện): không lập được phụ lục.",
            f"Plan {plan.id} has no targets (only baselines): no annex can be made.",
        )
    past = [y for y in years if y <= made_on.year]
    return past[-1] if past else years[0]


def annex_levels(dataset: Dataset) -> list[str]:
    """The levels an annex holds: the territory, and the communes when the dataset has them."""
    return [TERRITORY] + ([Level.COMMUNE] if "communes" in dataset.layers else [])


def evaluate_years(
    dataset: Dataset | Assessment, plan: Plan, years: tuple[int, ...]
) -> dict[int, pd.DataFrame]:
    """Return :meth:`Assessment.evaluate` for each year at territory and commune level, concatenated per
    year (``dataset`` is the dataset or its :class:`~geo.plans.assessment.Assessment`, whose indicators and
    hierarchy are then reused)."""
    assessment = Assessment.of(dataset)
    levels = annex_levels(assessment.dataset)
    return {
        year: pd.concat([assessment.evaluate(plan, year, level=lv) for lv in levels], ignore_index=True)
        for year in years
    }


def _stated(plan: Plan, indicator: str, year: int, kind: str) -> Target | None:
    return next(
        (t for t in plan.targets if t.indicator == indicator and t.year == year and t.kind == kind), None
    )


def _baseline_cell(target: Target | None) -> float | str | None:
    """A baseline as the annex writes it: a number when it is one, else its text ("> 50", "Có")."""
    if target is None:
        return None
    value = target.values[0]
    if target.comparator == "==" and not isinstance(value, bool):
        return float(value)
    return localise(target_text(target))


def _lookup(frame: pd.DataFrame | None, uid: str) -> dict[str, pd.Series]:
    if frame is None or frame.empty:
        return {}
    mine = frame[frame["uid"] == uid]
    return {row["indicator"]: row for _, row in mine.iterrows()}


def _table(plan: Plan, evaluations: Mapping[int, pd.DataFrame], uid: str, name: str, year: int) -> AnnexTable:
    baseline_year, years = annex_years(plan)
    now = _lookup(evaluations.get(year), uid)
    per_year = {y: _lookup(evaluations.get(y), uid) for y in years}
    ids = [i for i in INDICATORS if any(t.indicator == i for t in plan.targets)]
    rows: list[AnnexRow] = []
    for group, (group_vi, _) in GROUPS.items():
        mine = [i for i in ids if INDICATORS[i].group == group]
        if mine:
            rows.append(AnnexRow(group, group_vi))
        for ind in mine:
            stated = [_stated(plan, ind, y, "target") for y in years]
            here = now.get(ind)
            value = None if here is None or pd.isna(here["value"]) else float(here["value"])
            rows.append(
                AnnexRow(
                    number=str(sum(not r.is_group for r in rows) + 1),
                    label=INDICATORS[ind].label_vi,
                    indicator=ind,
                    unit=next((t.unit for t in plan.targets if t.indicator == ind), INDICATORS[ind].unit_vi),
                    baseline=_baseline_cell(_stated(plan, ind, baseline_year, "baseline"))
                    if baseline_year is not None and uid == TERRITORY
                    else None,
                    targets=tuple(localise(target_text(t)) if t else "" for t in stated),
                    target_status=tuple(
                        per_year[y][ind]["status"] if t and ind in per_year[y] else None
                        for y, t in zip(years, stated, strict=True)
                    ),
                    value=value,
                    status=None if here is None else str(here["status"]),
                    note=""
                    if here is None or pd.isna(here["closing_vi"])
                    else localise(str(here["closing_vi"])),
                )
            )
    headers = tuple(
        f"Định hướng đến năm {y}" if plan.period.orientation == y and y > plan.period.end else f"Năm {y}"
        for y in years
    )
    return AnnexTable(uid, name, year, baseline_year, years, headers, tuple(rows))


#: Heading of the annex block of white/grey spots.
SPOTS_HEADING = "Thông tin thêm, không có chỉ tiêu: vùng trắng, vùng xám (số thôn)"


def _spot_rows(spots: pd.DataFrame | None, uid: str, n_years: int) -> tuple[AnnexRow, ...]:
    """The annex block of one unit's white/grey-spot rows (:mod:`geo.plans.spots`): heading, then rows
    with empty target cells for the ``n_years`` target years (so the columns line up)."""
    mine = spots[spots["uid"] == uid] if spots is not None and not spots.empty else None
    if mine is None or mine.empty:
        return ()
    rows = [AnnexRow("", SPOTS_HEADING)]
    for k, row in enumerate(mine.itertuples(index=False), start=1):
        value = None if pd.isna(row.value) else float(row.value)
        rows.append(
            AnnexRow(
                str(k),
                str(row.label_vi),
                row.indicator,
                str(row.unit),
                targets=("",) * n_years,
                target_status=(None,) * n_years,
                value=value,
                note=row.closing_vi,
            )
        )
    return tuple(rows)


def annex_tables(
    dataset: Dataset,
    plan: Plan,
    evaluations: Mapping[int, pd.DataFrame],
    *,
    year: int,
    spots: pd.DataFrame | None = None,
    footnote: str = "",
) -> list[AnnexTable]:
    """Return the annex of the territory, then of each commune in ``evaluations[year]`` (in its order).

    ``evaluations`` maps a year to :func:`geo.plans.evaluate.evaluate`'s rows (territory and commune
    levels together, see :func:`evaluate_years`); years missing from it leave their target cells
    untinted. Indicators are those the plan states a target or baseline for, in catalogue order.
    ``spots`` (:meth:`Assessment.spot_rows` of the same levels) gives each table its white/grey-spot
    block and ``footnote`` the line saying which source and model decided coverage.
    """
    frame = evaluations.get(year, pd.DataFrame(columns=["uid", "name", "level"]))
    communes = frame.loc[frame["level"] == Level.COMMUNE, ["uid", "name"]].drop_duplicates("uid")
    units = [(TERRITORY, dataset.name), *communes.itertuples(index=False, name=None)]
    tables = [_table(plan, evaluations, uid, name, year) for uid, name in units]
    return [
        replace(table, spots=_spot_rows(spots, table.uid, len(table.target_years)), footnote=footnote)
        for table in tables
    ]


def header_cells(table: AnnexTable) -> list[str]:
    """Return the column headings of ``table`` (the second header row of the sheet)."""
    baseline = [f"Thực hiện năm {table.baseline_year}"] if table.baseline_year is not None else []
    return ["TT", "Các chỉ tiêu", "Đơn vị tính", *baseline, *table.year_headers,
            f"Hiện trạng {table.year}", "Đánh giá", "Ghi chú"]  # fmt: skip
