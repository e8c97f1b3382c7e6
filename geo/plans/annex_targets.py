"""Read plan targets from an Excel sheet laid out like the plans' annex ("Phụ lục các chỉ tiêu").

The layout is the Mường Lay annex (seed 004): a title row or two; a header row with "TT",
"Chỉ tiêu", "Đơn vị tính", "Thực hiện năm 2022" and year columns ("Năm 2023", "2024",
"Định hướng đến năm 2030"), possibly over two rows with merged cells; indicator rows grouped
under roman-numeral rows (I, II, ...); the header may repeat after a page break. Cells read
like "Trên 80%", ">60", "37,7", "Có", "25-30%", "Tối thiểu 100", "Dưới 5%" (see
:func:`parse_target_text`). Rows are mapped to indicator ids by their wording.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from geo.compute.catalogue import INDICATORS, Indicator, match_indicator, normalise_label
from geo.errors import PlanError, Problem
from geo.plans.targets import Target

__all__ = ["parse_target_text", "read_annex_targets"]

log = logging.getLogger(__name__)

#: Leading words → comparator ("" = a bare number, whose comparator the caller decides).
_PREFIXES = sorted(
    [
        *((w, ">=") for w in ("tối thiểu", "ít nhất", "không dưới", "không thấp hơn", ">=", "≥", "at least")),
        *((w, ">") for w in ("trên", "lớn hơn", "cao hơn", "hơn", ">", "above", "more than")),
        *((w, "<=") for w in ("tối đa", "không quá", "không vượt quá", "<=", "≤", "at most")),
        *((w, "<") for w in ("dưới", "nhỏ hơn", "thấp hơn", "<", "below", "less than")),
        *((w, "") for w in ("đạt", "duy trì", "=")),
    ],
    key=lambda item: -len(item[0]),
)
_SUFFIXES = {"trở lên": ">=", "trở xuống": "<="}
_BOOLEANS = {"có": True, "không": False, "yes": True, "no": False, "true": True, "false": False}
_NUM = r"\d{1,3}(?:\.\d{3})+(?![\d,])|\d+(?:[.,]\d+)?"
_UNIT = r"%|mbps|mb/s|mbit/s|thuê bao/100 dân|thuê bao/100|thuê bao|tài khoản/người|tài khoản"
_FIGURE = re.compile(
    rf"^(?P<a>{_NUM})\s*%?\s*(?:(?:-|–|—|đến|tới)\s*(?P<b>{_NUM}))?\s*(?:{_UNIT})?\s*"
    rf"(?P<suffix>{'|'.join(_SUFFIXES)})?\s*\.?$"
)
_EMPTY = {"", "-", "–", "—", "x"}
_ROMAN = re.compile(r"^[ivxl]+$")
_YEAR = re.compile(r"\b(20\d\d)\b")
_FORMS = "'Trên 80%', '>60', '37,7', '25-30%', 'Tối thiểu 100', 'Dưới 5%', 'Có'"


def _to_float(text: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return float(text.replace(".", ""))
    return float(text.replace(",", "."))


def parse_target_text(text: Any, *, bare: str = ">=") -> tuple[str, tuple[Any, ...]]:
    """Parse one annex cell into (comparator, values).

    ``"Trên 80%"``/``">80"`` → ``(">", (80.0,))``; ``"Tối thiểu 100"``/``"≥100"`` → ``">="``;
    ``"Dưới 5%"`` → ``"<"``; ``"Tối đa 5"`` → ``"<="``; ``"25-30%"`` → ``("between", (25.0, 30.0))``;
    ``"Có"``/``"Không"`` (or a bool) → ``("==", (True,))``/``("==", (False,))``; a bare number
    (``"37,7"``, ``"Duy trì 100%"``, or a number cell) → ``(bare, (37.7,))``: pass ``bare=">="``
    for targets, ``"<="`` for lower-is-better indicators, ``"=="`` for actual values. Numbers take
    a decimal comma or point; "1.000" is a thousand. A trailing unit (%, Mbps, thuê bao/100 dân)
    is allowed and ignored. Raises ``ValueError`` for anything else.
    """
    if isinstance(text, bool):
        return "==", (text,)
    if isinstance(text, int | float):
        return bare, (float(text),)
    clean = " ".join(unicodedata.normalize("NFC", str(text)).lower().split())
    if clean in _BOOLEANS:
        return "==", (_BOOLEANS[clean],)
    comparator = ""
    for word, comp in _PREFIXES:
        if clean.startswith(word):
            comparator, clean = comp, clean[len(word) :].lstrip(" :")
            break
    match = _FIGURE.match(clean)
    if not match:
        raise ValueError(f"cannot read {text!r} as a target; write it like {_FORMS}")
    low = _to_float(match["a"])
    if match["b"] is not None:
        high = _to_float(match["b"])
        if comparator or match["suffix"] or low > high:
            raise ValueError(f"cannot read {text!r}: a range is written low-high, like '25-30%'")
        return "between", (low, high)
    comparator = comparator or _SUFFIXES.get(match["suffix"] or "", "")
    return comparator or bare, (low,)


def _unit_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).lower().split())


_UNITS = {
    "%": "%",
    "mbps": "Mbit/s",
    "mb/s": "Mbit/s",
    "mbit/s": "Mbit/s",
    "thuêbao/100dân": "thuê bao/100 dân",
    "thuêbao/100": "thuê bao/100 dân",
    "tb/100dân": "thuê bao/100 dân",
    "tàikhoản/người": "tài khoản/người",
    "có/không": "có/không",
}


def _cell_value(cell: Any) -> Any:
    """Return a cell's value; numbers formatted as percent (0.8 shown as 80%) become 80."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return round(value * 100, 9)
    return value.strip() if isinstance(value, str) else value


def _grid(ws: Any) -> list[list[Any]]:
    """Return the sheet's values row by row, each merged range filled with its top-left value."""
    grid = [[_cell_value(c) for c in row] for row in ws.iter_rows()]
    for merged in ws.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                grid[r][c] = value
    return grid


def _text(value: Any) -> str:
    return normalise_label("" if value is None else value)


def _is_header(row: list[Any]) -> bool:
    texts = [_text(v) for v in row]
    return any(t in ("tt", "stt") for t in texts) and any("chi tieu" in t for t in texts)


def _columns(
    grid: list[list[Any]], header: int
) -> tuple[dict[str, int], list[tuple[int, int, str, str]], int]:
    """Return role columns (tt, label, unit), year columns (col, year, kind, title) and the first data row.

    The row under the header belongs to it when its TT cell is empty or "TT" (merged) and it
    names a year somewhere ("Năm 2023" under a merged "Mục tiêu cụ thể").
    """
    tt_col = next(c for c, v in enumerate(grid[header]) if _text(v) in ("tt", "stt"))
    rows = [header]
    below = grid[header + 1] if header + 1 < len(grid) else []
    if (
        below
        and _text(below[tt_col] if tt_col < len(below) else None) in ("", "tt", "stt")
        and any(_YEAR.search(_text(v)) for v in below)
    ):
        rows.append(header + 1)
    roles: dict[str, int] = {"tt": tt_col}
    years: list[tuple[int, int, str, str]] = []
    for col in range(max(len(grid[r]) for r in rows)):
        parts = [grid[r][col] for r in rows if col < len(grid[r]) and grid[r][col] is not None]
        title = " ".join(dict.fromkeys(str(p).strip() for p in parts))
        text = _text(title)
        year = _YEAR.search(text)
        if year:
            baseline = any(w in text for w in ("thuc hien", "hien trang", "thuc te", "uoc"))
            years.append((col, int(year[1]), "baseline" if baseline else "target", title))
        elif "chi tieu" in text or "noi dung" in text:
            roles.setdefault("label", col)
        elif "don vi" in text:
            roles.setdefault("unit", col)
    return roles, years, rows[-1] + 1


def _at(row: list[Any], col: int | None) -> Any:
    return row[col] if col is not None and col < len(row) else None


def _problem(file: str, row: int, severity: str, vi: str, en: str, fix_vi: str, fix_en: str) -> Problem:
    return Problem(severity, file, vi, en, fix_vi, fix_en, layer="plan targets", row=row)


def _match(label: str, aliases: Mapping[str, str]) -> tuple[Indicator | None, str]:
    """Return the indicator for a row's wording (aliases first) and, when none, the closest labels."""
    key = normalise_label(label)
    for wording, id_ in aliases.items():
        if normalise_label(wording) == key and id_ in INDICATORS:
            return INDICATORS[id_], ""
    found = match_indicator(label)
    closest = "; ".join(f"{id_} «{text}» ({score:.2f})" for id_, text, score in found.closest)
    return (INDICATORS[found.id] if found.id else None), closest


def _open_sheet(path: Path, sheet: str | None) -> tuple[Any, list[list[Any]], int]:
    """Open the workbook and return (sheet, grid, header row index) of the named or first annex-like sheet."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            book = openpyxl.load_workbook(path, data_only=True)
        for w in caught:
            log.info("%s: openpyxl: %s", path.name, w.message)
    except (OSError, BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise PlanError(
            f"Không mở được tệp Excel {path} ({exc}). Lưu lại dưới dạng .xlsx rồi thử lại.",
            f"Cannot open Excel file {path} ({exc}). Save it as .xlsx and try again.",
        ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise PlanError(
            f"Tệp {path.name} không có trang tính {sheet!r}; các trang có: {book.sheetnames}.",
            f"File {path.name} has no sheet {sheet!r}; its sheets are: {book.sheetnames}.",
        )
    for ws in [book[sheet]] if sheet is not None else book.worksheets:
        grid = _grid(ws)
        header = next((i for i, row in enumerate(grid[:30]) if _is_header(row)), None)
        if header is not None:
            return ws, grid, header
    raise PlanError(
        f'Tệp {path.name}: không thấy dòng tiêu đề có cột "TT" và "Chỉ tiêu" trong 30 dòng đầu'
        f"{f' của trang {sheet!r}' if sheet else ''}. Thêm dòng tiêu đề như phụ lục của kế hoạch.",
        f'File {path.name}: no header row with "TT" and "Chỉ tiêu" columns in the first 30 rows'
        f"{f' of sheet {sheet!r}' if sheet else ''}. Add a header row like the plan's annex.",
    )


def _read_row(
    row: list[Any],
    excel_row: int,
    roles: dict[str, int],
    years: list[tuple[int, int, str, str]],
    seen: dict[tuple[str, int, str], int],
    file: str,
    aliases: Mapping[str, str],
) -> tuple[list[Target], list[Problem]]:
    """Read one sheet row: its targets (one per filled year cell) and problems; ``seen`` records keys read."""
    tt, label = _text(_at(row, roles["tt"])), str(_at(row, roles["label"]) or "").strip()
    values = [(year, kind, title, _at(row, col)) for col, year, kind, title in years]
    values = [v for v in values if v[3] is not None and str(v[3]).strip().lower() not in _EMPTY]
    repeated_years = not label and all(_YEAR.search(str(v[3])) for v in values)
    if tt in ("tt", "stt") or (not values and (_ROMAN.match(tt) or not tt)) or repeated_years:
        return [], []
    if not label:
        return [], [_problem(
            file, excel_row, "error", "Dòng có số liệu nhưng không có tên chỉ tiêu.",
            "Row has values but no indicator wording.",
            "Ghi tên chỉ tiêu vào cột «Chỉ tiêu».", "Write the indicator's wording in the «Chỉ tiêu» column.",
        )]  # fmt: skip
    ind, closest = _match(label, aliases)
    if ind is None:
        return [], [_problem(
            file, excel_row, "error",
            f"Không nhận ra chỉ tiêu «{label}». Gần nhất: {closest}.",
            f"Cannot map indicator «{label}» to the catalogue. Closest: {closest}.",
            "Sửa tên theo danh mục, hoặc ghi mã chỉ tiêu (ví dụ smartphone_share) vào cột \"Chỉ tiêu\".",
            "Reword it as in the catalogue, or write the indicator id (e.g. smartphone_share) instead.",
        )]  # fmt: skip
    problems: list[Problem] = []
    unit_text = str(_at(row, roles.get("unit")) or "").strip()
    unit = _UNITS.get(_unit_key(unit_text), unit_text) if unit_text else ind.unit_vi
    if unit not in ind.units:
        problems.append(_problem(
            file, excel_row, "warning",
            f"Đơn vị «{unit_text}» không khớp chỉ tiêu {ind.id}; đọc theo đơn vị {ind.unit_vi}.",
            f"Unit «{unit_text}» does not fit indicator {ind.id}; read as {ind.unit_en}.",
            f"Ghi đơn vị {ind.unit_vi}.", f"Write the unit as {ind.unit_vi}.",
        ))  # fmt: skip
        unit = ind.unit_vi
    targets: list[Target] = []
    for year, kind, title, raw in values:
        bare = "==" if kind == "baseline" else ("<=" if ind.direction == "lower" else ">=")
        try:
            comparator, parsed = parse_target_text(raw, bare=bare)
            if ind.is_boolean != isinstance(parsed[0], bool):
                raise ValueError("yes/no indicators take Có/Không, others a number")
        except ValueError as exc:
            problems.append(_problem(
                file, excel_row, "error",
                f"Cột «{title}»: không đọc được giá trị «{raw}» của {ind.id}"
                f"{' (chỉ tiêu có/không cần Có/Không)' if ind.is_boolean else ''}.",
                f"Column «{title}»: cannot read value «{raw}» of {ind.id} ({exc}).",
                f"Viết như {_FORMS}.", f"Write it like {_FORMS}.",
            ))  # fmt: skip
            continue
        key = (ind.id, year, kind)
        if key in seen:
            problems.append(_problem(
                file, excel_row, "error",
                f"{ind.id} năm {year} đã có ở dòng {seen[key]}; bỏ qua dòng này.",
                f"{ind.id} for {year} already given on row {seen[key]}; this row is skipped.",
                "Xóa một trong hai dòng.", "Delete one of the two rows.",
            ))  # fmt: skip
            continue
        seen[key] = excel_row
        shown = f"{raw:g}".replace(".", ",") if isinstance(raw, float) else str(raw)
        targets.append(Target(
            ind.id, year, comparator, parsed, unit, kind,
            wording=f"{label.rstrip('.')}: {shown}", ref=f"{file}, dòng {excel_row}, cột {title}",
        ))  # fmt: skip
    return targets, problems


def read_annex_targets(
    path: str | Path,
    *,
    plan_id: str,
    sheet: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> tuple[list[Target], list[Problem]]:
    """Read the targets of an annex-like XLSX sheet; return (targets, problems).

    ``sheet``: the sheet name; by default the first sheet with a "TT"/"Chỉ tiêu" header.
    ``aliases`` maps extra row wordings to indicator ids (for wordings the catalogue does not
    know). Columns whose header holds a year are read: "Thực hiện"/"Hiện trạng"/"Ước" columns
    as baselines (a bare number = ``==``), others as targets (a bare number = ``>=``, or ``<=``
    for lower-is-better indicators). Each target gets ``plan=plan_id``, the row's wording and
    cell as ``wording`` and "file, dòng N, cột ..." as ``ref``; values are in the indicator's
    unit (a "%" unit on a per-100 indicator is read as per 100, with a warning).

    Rows that cannot be used are reported, not dropped silently: an unmappable wording (error,
    with its Excel row number and the three closest catalogue labels), an unreadable cell or a
    duplicate indicator/year (error, the cell is skipped), a unit that does not fit (warning).
    Title, group (I, II, ...), repeated header and empty rows are skipped. Raises
    :class:`~geo.errors.PlanError` when the file cannot be opened, the sheet does not exist or
    no header row / year column is found.
    """
    path = Path(path)
    ws, grid, header = _open_sheet(path, sheet)
    roles, years, first = _columns(grid, header)
    if not years or "label" not in roles:
        raise PlanError(
            f"Tệp {path.name}, trang {ws.title}, dòng {header + 1}: không thấy cột chỉ tiêu hoặc cột năm "
            '("Năm 2025", "Thực hiện năm 2022"). Ghi năm vào tiêu đề mỗi cột số liệu.',
            f"File {path.name}, sheet {ws.title}, row {header + 1}: no indicator column or year column "
            '("Năm 2025", "Thực hiện năm 2022"). Put the year in each value column\'s header.',
        )
    targets: list[Target] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, int, str], int] = {}
    for index in range(first, len(grid)):
        found, issues = _read_row(grid[index], index + 1, roles, years, seen, path.name, aliases or {})
        targets += [replace(t, plan=plan_id) for t in found]
        problems += issues
    log.info("%s: %d targets, %d problems", path.name, len(targets), len(problems))
    return targets, problems
