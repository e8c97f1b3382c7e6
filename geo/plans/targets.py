"""Plan targets: load the plan files of ``data/plans/``, find the target in force, judge a value.

A plan file (YAML, see ``data/plans/README.md``) names a territory, a period, its source
document and its targets: indicator id, year, comparator (``>=``, ``>``, ``<=``, ``<``,
``between``, ``==``), value(s), unit, the plan's own wording, and ``kind`` — ``target``
or ``baseline`` (an actual value the plan reports, e.g. Mường Lay's 2022 column, which is
never judged against).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from geo import settings
from geo.compute.catalogue import INDICATORS, indicator
from geo.errors import PlanError
from geo.palette import STATUS_LABELS
from geo.settings import YAML_LOADER
from geo.vocab import Level, Status

__all__ = [
    "COMPARATORS",
    "KINDS",
    "STATUSES",
    "STATUS_LABELS",
    "Territory",
    "Period",
    "Target",
    "Plan",
    "Judgement",
    "load_plan",
    "load_plans",
    "target_for",
    "baseline_for",
    "judge",
    "JUDGED",
    "judge_codes",
    "judge_many",
    "plans_report",
]

COMPARATORS = (">=", ">", "<=", "<", "between", "==")
KINDS = ("target", "baseline")
#: Statuses of a unit against a target; "insufficient samples" is set by the indicator engine.
STATUSES = tuple(Status)
_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Relative tolerance when comparing a value with a target (computed shares such as 99.99999999 %).
_TOLERANCE = 1e-9
_WORDS: dict[str, dict[Any, str]] = {  # comparator (or yes/no value) → how a planner reads it
    "vi": {">=": "tối thiểu", ">": "trên", "<=": "tối đa", "<": "dưới", True: "có", False: "không"},
    "en": {">=": "at least", ">": "more than", "<=": "at most", "<": "below", True: "yes", False: "no"},
}


@dataclass(frozen=True)
class Territory:
    """The territory a plan covers. ``code`` is its official code in the catalogue the plan was
    written under (when known); ``successor_code``/``successor_name`` name the unit that took it
    over on 1 July 2025 (post-2025 catalogue)."""

    name: str
    level: str
    province: str
    district: str = ""
    code: str = ""
    successor_code: str = ""
    successor_name: str = ""


@dataclass(frozen=True)
class Period:
    """Years a plan covers; ``orientation`` is the later "định hướng đến năm" year, if any."""

    start: int
    end: int
    orientation: int | None = None

    @property
    def last(self) -> int:
        """Return the last year a target may be set for (the orientation year when there is one)."""
        return self.orientation or self.end


@dataclass(frozen=True)
class Target:
    """One figure of a plan: a target, or a baseline (actual) when ``kind == "baseline"``.

    ``values`` holds one value, or (low, high) for ``between``; booleans for yes/no
    indicators. ``unit`` is the unit the plan states the value in (one of the indicator's
    :attr:`~geo.compute.catalogue.Indicator.units`). ``ref`` says where in the plan the
    figure is ("Phụ lục, TT 2", "Mục II.1"); ``plan`` is the id of the plan it belongs to.
    """

    indicator: str
    year: int
    comparator: str
    values: tuple[Any, ...]
    unit: str
    kind: str = "target"
    wording: str = ""
    ref: str = ""
    note: str = ""
    plan: str = ""

    @property
    def value(self) -> Any:
        """Return the single value (the lower bound for ``between``)."""
        return self.values[0]

    def text(self, lang: str = "vi") -> str:
        """Return the figure as a planner reads it in ``lang`` ("vi"/"en"): "trên 80%", "25–30%", "có"."""
        words = _WORDS[lang]
        if isinstance(self.value, bool):
            return words[self.value]
        numbers = "–".join(_number(v, lang) for v in self.values)
        prefix = words.get(self.comparator, "")
        figure = numbers + self.unit if self.unit == "%" else f"{numbers} {self.unit}"
        return f"{prefix} {figure}".strip()

    def to_dict(self) -> dict[str, Any]:
        """Return the target as in a plan file (``value`` or ``values`` for ``between``)."""
        out: dict[str, Any] = {"indicator": self.indicator, "year": self.year, "comparator": self.comparator}
        plain = [_plain(v) for v in self.values]
        if self.comparator == "between":
            out["values"] = plain
        else:
            out["value"] = plain[0]
        out.update(unit=self.unit, kind=self.kind, wording=self.wording, ref=self.ref)
        if self.note:
            out["note"] = self.note
        return out


#: Keys a target may have in a plan file: the fields above, with ``value`` for a single value.
_TARGET_KEYS = ({f.name for f in fields(Target)} - {"plan"}) | {"value"}


@dataclass(frozen=True)
class Plan:
    """A plan file read and validated: its targets and baselines in file order."""

    id: str
    title: str
    territory: Territory
    period: Period
    seed: str = ""
    source: dict[str, str] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    path: str = ""

    def target_years(self) -> list[int]:
        """Return the years the plan sets targets for (baselines excluded), ascending."""
        return sorted({target.year for target in self.targets if target.kind == "target"})

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as plain data (what ``python -m geo plans --json`` prints for it)."""
        territory = {k: v for k, v in vars(self.territory).items() if v}
        period = {k: v for k, v in vars(self.period).items() if v is not None}
        return {
            "id": self.id,
            "title": self.title,
            "seed": self.seed,
            Level.TERRITORY: territory,
            "period": period,
            "source": dict(self.source),
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass(frozen=True)
class Judgement:
    """A value against a target: ``status`` (one of :data:`STATUSES`) and ``gap``, in the target's
    unit, how far the value is from meeting it (0 when met, NaN when there is no data)."""

    status: str
    gap: float

    def label(self, lang: str = "vi") -> str:
        """Return the status as shown to planners ("Đạt", "Chưa đạt", ...)."""
        return STATUS_LABELS[lang][self.status]


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "vi" else text


def _plain(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_target(raw: Any, period: Period, plan_id: str) -> tuple[Target | None, list[tuple[str, str]]]:
    """Validate one target mapping; return the target (or None) and (vi, en) messages."""
    if not isinstance(raw, dict):
        return None, [("không phải một bảng khóa: giá trị", "is not a mapping")]
    ind = INDICATORS.get(raw.get("indicator"))
    kind, year, comparator = raw.get("kind", "target"), raw.get("year"), raw.get("comparator")
    values = raw["values"] if "values" in raw else [raw.get("value")]
    unit = raw.get("unit", ind.unit_vi if ind else "")
    count = 2 if comparator == "between" else 1
    counted = isinstance(values, list) and len(values) == count
    boolean = ind is not None and ind.is_boolean
    typed_ok = counted and (
        (comparator == "==" and all(isinstance(v, bool) for v in values))
        if boolean
        else all(map(_is_number, values))
    )
    first = period.start if kind == "target" else -math.inf
    unknown = sorted(set(raw) - _TARGET_KEYS)
    checks = [
        (not unknown, f"khóa không biết {unknown}", f"unknown key(s) {unknown}"),
        (ind is not None, f"mã chỉ tiêu {raw.get('indicator')!r} không có trong danh mục", _key_error(raw)),
        (kind in KINDS, f"kind phải là một trong {KINDS}", f"kind must be one of {KINDS}"),
        (
            isinstance(year, int) and not isinstance(year, bool) and first <= year <= period.last,
            f"năm {year!r} nằm ngoài giai đoạn {period.start}–{period.last} của kế hoạch",
            f"year {year!r} is outside the plan's period {period.start}–{period.last}",
        ),
        (
            comparator in COMPARATORS,
            f"phép so sánh {comparator!r} không hợp lệ; dùng một trong {COMPARATORS}",
            f"bad comparator {comparator!r}; use one of {COMPARATORS}",
        ),
        (
            counted,
            f"'{comparator}' cần {count} giá trị ({'values: [thấp, cao]' if count == 2 else 'value:'})",
            f"'{comparator}' needs {count} value(s) ({'values: [low, high]' if count == 2 else 'value:'})",
        ),
        (
            not counted or typed_ok,
            f"giá trị {values} sai kiểu: chỉ tiêu có/không cần '==' và true/false, chỉ tiêu khác cần số",
            f"value {values} has the wrong type: yes/no indicators take '==' and true/false, others numbers",
        ),
        (
            not typed_ok or count == 1 or values[0] <= values[1],
            f"khoảng {values} bị ngược (thấp > cao)",
            f"range {values} is reversed (low > high)",
        ),
        (
            ind is None or unit in ind.units,
            f"đơn vị {unit!r} không dùng được cho chỉ tiêu này; dùng {ind.units if ind else ''}",
            f"unit {unit!r} does not fit this indicator; use {ind.units if ind else ''}",
        ),
    ]
    errors = [(vi, en) for ok, vi, en in checks if not ok]
    if errors or ind is None:
        return None, errors
    typed = tuple(v if isinstance(v, bool) else float(v) for v in values)
    text = {k: str(raw.get(k) or "").strip() for k in ("wording", "ref", "note")}
    return Target(ind.id, year, comparator, typed, unit, kind, **text, plan=plan_id), []


def _key_error(raw: dict[str, Any]) -> str:
    """Return the catalogue's "unknown indicator id" message (known ids, closest) for ``raw``'s indicator."""
    try:
        indicator(str(raw.get("indicator")))
    except KeyError as exc:
        return str(exc.args[0])
    return ""


def _fail(path: Path, vi: list[str], en: list[str]) -> PlanError:
    return PlanError(
        f"Tệp kế hoạch {path}: " + "; ".join(vi) + ". Sửa các mục đã nêu trong tệp rồi tải lại.",
        f"Plan file {path}: " + "; ".join(en) + ". Fix the entries named in the file and reload.",
    )


def load_plan(path: str | Path) -> Plan:
    """Read and validate one plan file (YAML); return the :class:`Plan`.

    Raises :class:`~geo.errors.PlanError` naming the file and every bad target (its position,
    indicator and year): unreadable YAML, missing keys, unknown indicator id (with the closest
    ids), bad comparator, ``between`` without two ordered numbers, a target year outside the
    period (baselines may precede it), a unit the indicator does not use, or a duplicate
    (indicator, year, kind).
    """
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _fail(path, [f"không đọc được ({exc})"], [f"cannot be read ({exc})"]) from exc
    if not isinstance(raw, dict):
        raise _fail(path, ["không phải một bảng YAML"], ["is not a YAML mapping"])
    missing = [k for k in ("id", "title", Level.TERRITORY, "period", "targets") if not raw.get(k)]
    if missing:
        raise _fail(path, [f"thiếu khóa {missing}"], [f"missing key(s) {missing}"])
    vi: list[str] = []
    en: list[str] = []
    if not _ID.match(str(raw["id"])):
        vi.append(f"id {raw['id']!r} chỉ gồm chữ thường, số và dấu '-'")
        en.append(f"id {raw['id']!r} must be lower-case letters, digits and '-'")
    try:
        territory = Territory(**{k: str(v) for k, v in raw[Level.TERRITORY].items()})
        period = Period(**raw["period"])
        if territory.level not in _LEVELS or not period.start <= period.end <= period.last:
            raise ValueError(f"level must be one of {_LEVELS} and start <= end <= orientation")
    except (TypeError, ValueError, AttributeError) as exc:
        raise _fail(
            path, [f"territory/period không hợp lệ ({exc})"], [f"bad territory/period ({exc})"]
        ) from exc
    targets: list[Target] = []
    seen: set[tuple[str, int, str]] = set()
    for number, item in enumerate(raw["targets"], start=1):
        target, errors = _check_target(item, period, str(raw["id"]))
        where = item if isinstance(item, dict) else {}
        label = f"({where.get('indicator')}, {where.get('year')})"
        if target is not None and (key := (target.indicator, target.year, target.kind)) in seen:
            errors = [
                ("trùng chỉ tiêu, năm và loại với một mục trước", "duplicates an earlier indicator/year/kind")
            ]
        vi += [f"mục tiêu thứ {number} {label}: {m_vi}" for m_vi, _ in errors]
        en += [f"target #{number} {label}: {m_en}" for _, m_en in errors]
        if target is not None and not errors:
            seen.add(key)
            targets.append(target)
    if vi:
        raise _fail(path, vi, en)
    return Plan(
        id=str(raw["id"]),
        title=str(raw["title"]),
        territory=territory,
        period=period,
        seed=str(raw.get("seed", "")),
        source={k: str(v) for k, v in (raw.get("source") or {}).items()},
        targets=tuple(targets),
        path=str(path),
    )


def load_plans(folder: str | Path = settings.PLANS_DIR) -> dict[str, Plan]:
    """Load every ``*.yaml``/``*.yml`` plan of ``folder``; return plans by id, in file-name order.

    Raises :class:`~geo.errors.PlanError` when the folder does not exist, holds no plan, a file
    is invalid (see :func:`load_plan`), or two files share an id.
    """
    folder = Path(folder)
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    if not files:
        raise PlanError(
            f"Không tìm thấy tệp kế hoạch (*.yaml) nào trong thư mục {folder}.",
            f"No plan file (*.yaml) found in folder {folder}.",
        )
    plans: dict[str, Plan] = {}
    for path in files:
        plan = load_plan(path)
        if plan.id in plans:
            raise PlanError(
                f"Hai tệp kế hoạch cùng id {plan.id!r}: {plans[plan.id].path} và {path}; đổi id một tệp.",
                f"Two plan files share id {plan.id!r}: {plans[plan.id].path} and {path}; rename one id.",
            )
        plans[plan.id] = plan
    return plans


def _latest(plan: Plan, indicator_id: str, year: int, kind: str) -> Target | None:
    indicator(indicator_id)
    stated = [t for t in plan.targets if t.indicator == indicator_id and t.kind == kind and t.year <= year]
    return max(stated, key=lambda t: t.year) if stated else None


def target_for(plan: Plan, indicator_id: str, year: int) -> Target | None:
    """Return the target in force for ``indicator_id`` in ``year``.

    That is the target stated for ``year``, else the latest stated before it (Mường Lay's
    2025 target holds in 2026–2029; after the last stated year the last target stays in force).
    Before the first target year, or when the plan sets none, return ``None``. Baselines are
    never returned. An unknown indicator id raises ``KeyError`` listing the known ids.
    """
    return _latest(plan, indicator_id, year, "target")


def baseline_for(plan: Plan, indicator_id: str, year: int | None = None) -> Target | None:
    """Return the latest baseline (actual) of ``indicator_id`` up to ``year`` (any year if None), or None."""
    return _latest(plan, indicator_id, year if year is not None else plan.period.last, "baseline")


def _as_float(values: pd.Series) -> np.ndarray:
    """Return the values as floats: booleans become 1/0, anything not a number NaN."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _between(
    v: np.ndarray, lo: float, hi: float, tol: float, direction: str
) -> tuple[np.ndarray, np.ndarray]:
    """``between`` as planners mean it: reach the range; going beyond it in the good direction is met."""
    if direction == "higher":
        return v >= lo - tol, lo - v
    if direction == "lower":
        return v <= hi + tol, v - hi
    return (v >= lo - tol) & (v <= hi + tol), np.maximum(lo - v, v - hi)


#: Statuses :func:`judge_codes` gives, by code (0 = no data, 1 = met, 2 = missed).
JUDGED = (Status.NO_DATA, Status.MET, Status.MISSED)


def judge_codes(values: np.ndarray, target: Target) -> tuple[np.ndarray, np.ndarray]:
    """Judge an array of float values (the target's unit, NaN = no data) against one target.

    Returns ``(code, gap)``: ``code`` (int8) indexes :data:`JUDGED` (0 no data, 1 met, 2 missed), ``gap``
    as :func:`judge_many` describes. Raises ``ValueError`` for a baseline.
    """
    if target.kind != "target":
        raise ValueError(f"{target.indicator} {target.year} is a baseline (actual value), not a target")
    v = np.asarray(values, dtype=float)
    lo, hi = (float(x) for x in (target.values[0], target.values[-1]))
    tol = _TOLERANCE * max(1.0, abs(lo), abs(hi))
    with np.errstate(invalid="ignore"):
        met, gap = {
            ">=": (v >= lo - tol, lo - v),
            ">": (v > lo + tol, lo - v),
            "<=": (v <= lo + tol, v - lo),
            "<": (v < lo - tol, v - lo),
            "between": _between(v, lo, hi, tol, INDICATORS[target.indicator].direction),
            "==": (np.abs(v - lo) <= tol, np.abs(v - lo)),
        }[target.comparator]
    missing = np.isnan(v)
    code = np.where(missing, 0, np.where(met, 1, 2)).astype(np.int8)
    gap = np.where(missing, np.nan, np.where(met, 0.0, np.maximum(gap, 0.0)))
    return code, gap


def judge_many(values: pd.Series, target: Target) -> pd.DataFrame:
    """Judge many values (e.g. one per unit) against one target; vectorised.

    ``values`` are in the target's unit (booleans, or 1/0, for yes/no indicators). Returns a
    DataFrame on the same index with ``status`` ("met", "missed" or "no data" for None/NaN)
    and ``gap`` (float, target's unit, NaN without data): 0 when met; otherwise for ``>=``/``>``
    target − value, for ``<=``/``<`` value − target, for ``between`` the distance to the nearest
    bound, for ``==`` (yes/no) |value − target| (1 for "không" against "có"). A strict
    comparator is missed at equality with gap 0: "> 80" at exactly 80 needs "more than" 80.
    A range on a higher-is-better indicator ("dùng chung 25–30 % vị trí trạm") is met from its
    lower bound up: exceeding the range is not a failure (likewise below a lower-is-better range).
    A tolerance of 1e-9 (relative) absorbs rounding of computed shares. Raises ``ValueError``
    for a baseline, which is an actual value, not a target.
    """
    code, gap = judge_codes(_as_float(values), target)
    status = np.array([str(s) for s in JUDGED], dtype=object)[code]
    return pd.DataFrame({"status": status, "gap": gap}, index=values.index)


def judge(value: Any, target: Target) -> Judgement:
    """Judge one value against ``target``; see :func:`judge_many` for statuses and gaps."""
    row = judge_many(pd.Series([value], dtype=object), target).iloc[0]
    return Judgement(str(row["status"]), float(row["gap"]))


def _value_text(target: Target) -> str:
    plain = [json.dumps(_plain(v)) for v in target.values]
    return "–".join(plain)


def plans_report(plans: dict[str, Plan], *, as_json: bool = False) -> str:
    """Return the text of ``python -m geo plans [--json]``.

    Text: per plan a heading (id, title, territory, period, seed) then one line per target or
    baseline: plan id, indicator, year, comparator, value(s), unit, kind, the plan's wording.
    JSON: a list of plans (:meth:`Plan.to_dict`), each with all its targets.
    """
    if as_json:
        return json.dumps([plan.to_dict() for plan in plans.values()], ensure_ascii=False, indent=2)
    lines: list[str] = []
    head = ("plan", "indicator", "year", "comparator", "value", "unit", "kind", "wording")
    for plan in plans.values():
        where = ", ".join(p for p in (plan.territory.name, plan.territory.province) if p)
        period = f"{plan.period.start}–{plan.period.end}"
        if plan.period.orientation:
            period += f" (→ {plan.period.orientation})"
        n_targets = sum(t.kind == "target" for t in plan.targets)
        lines += [
            f"{plan.id}: {plan.title}",
            f"  {where} · {period} · {n_targets} targets, {len(plan.targets) - n_targets} baselines"
            f" · seed {plan.seed or '-'}",
        ]
        rows = [head] + [
            (plan.id, t.indicator, str(t.year), t.comparator, _value_text(t), t.unit, t.kind, t.wording)
            for t in plan.targets
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head) - 1)]
        lines += [
            "  " + "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]) for r in rows
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
