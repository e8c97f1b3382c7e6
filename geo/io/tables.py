"""Tables as planners save them (CSV, XLSX): header row search, encodings, coordinate columns.

Excel sheets often carry a title and a blank line above the header, CSV files come in UTF-8
with or without BOM or in Windows-1258 (whose tone marks decode decomposed), with ``,`` ``;``
or tab separators, and numbers are written with a decimal comma. Values are returned as the
file holds them (CSV cells as text, XLSX cells as Excel stores them), text NFC-normalised;
converting fields to numbers is the validator's job, except coordinates (:func:`parse_coordinates`).

Large CSV files (a million speed tests) are split by Arrow's CSV reader below the header row
and tidied column by column (each distinct text once), so reading stays close to the speed of
a plain ``pandas.read_csv``; files Arrow cannot split (rows of uneven width) are split row by
row as before.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from geo.errors import DataError, Problem
from geo.io.archives import check_archive
from geo.names import fold_word
from geo.settings import CSV_BLOCK_BYTES, MAX_READ_BYTES

__all__ = [
    "FIELD_WORDS",
    "TABLE_SUFFIXES",
    "check_size",
    "column_key",
    "find_xy_columns",
    "nfc_text",
    "parse_coordinates",
    "read_table",
]

#: Column names (folded by :func:`column_key`) that planners' files use for each model field, besides
#: the field's own name: the upload page's column matching and the speed-test folder reader read them.
FIELD_WORDS = {
    "name": ("name", "ten", "tendonvi", "tenxa", "tenthon", "tenban", "donvi"),
    "code": ("code", "ma", "maxa", "madonvi", "mahc"),
    "parent": ("parent", "xa", "tenxa", "thuocxa", "maxa"),
    "population": ("population", "danso", "songuoi"),
    "households": ("households", "soho", "hogiadinh"),
    "ftth": ("ftth", "capquang", "coftth"),
    "urban": ("urban", "dothi"),
    "kind": ("kind", "loai", "loaidiem"),
    "operators": ("operators", "nhamang", "doanhnghiep"),
    "technologies": ("technologies", "congnghe"),
    "site_id": ("siteid", "matram", "tentram"),
    "free": ("free", "mienphi"),
    "download_mbps": ("downloadmbps", "download", "taixuong", "taixuongmbps", "tocdotaixuong"),
    "upload_mbps": ("uploadmbps", "upload", "tailen", "tailenmbps"),
    "latency_ms": ("latencyms", "latency", "ping", "dotre", "dotrems"),
    "operator": ("operator", "nhamang"),
    "time": ("time", "thoigian", "ngay"),
    "network": ("network", "mang", "loaimang"),
    "year": ("year", "nam"),
    "level": ("level", "cap"),
}

log = logging.getLogger(__name__)

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
#: The header row is searched among the first rows only (title blocks are a few lines long).
_HEADER_SCAN_ROWS = 30
_DELIMITERS = (",", ";", "\t", "|")
#: Cells looked at to judge whether a text column is mostly distinct (see :func:`_python_text`).
_SAMPLE_ROWS = 10_000
#: Arrow-backed text with NaN for blanks (pandas 3's default ``str``), the dtype CSV cells are split into.
_ARROW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

#: Column names (as :func:`column_key` gives them) read as longitude / latitude, in order of preference.
_LON_KEYS = ("lon", "lng", "long", "longitude", "kinhdo")
_LAT_KEYS = ("lat", "latitude", "vido")
#: Names read as projected or unspecified first / second coordinate (survey tables: X = northing).
_X_KEYS = ("x", "east", "easting", "toadox", "xm", "coordx")
_Y_KEYS = ("y", "north", "northing", "toadoy", "ym", "coordy")


def column_key(name: object) -> str:
    """Return a comparison key for a column name: no diacritics, đ→d, lower case, letters and digits only."""
    return fold_word(name)


def nfc_text(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with every text cell NFC-normalised and stripped (other cells and dtypes unchanged).

    Each distinct text is normalised once; a column of plain ASCII text with no surrounding
    spaces is left as it is without looking at its cells one by one.
    """
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.infer_dtype(series, skipna=True) not in ("string", "mixed", "mixed-integer"):
            continue
        if not _is_tidy_ascii(series):
            out[col] = _nfc_strip(series)
    return out


#: Bytes ``str.strip`` removes that are ASCII (the only ones an ASCII cell can begin or end with).
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[list(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")] = True


def _is_tidy_ascii(series: pd.Series) -> bool:
    """True when an Arrow-backed text column holds only ASCII without leading/trailing whitespace."""
    if not isinstance(series.array, pd.arrays.ArrowStringArray):
        return False
    cells = series.array.__arrow_array__()
    if pc.all(pc.string_is_ascii(cells)).as_py() is False:
        return False
    return not any(_edge_space(chunk) for chunk in cells.chunks)


def _edge_space(chunk: pa.Array) -> bool:
    """True when a cell of an ASCII text chunk begins or ends with whitespace (read off Arrow's buffers)."""
    _, offsets, data = chunk.buffers()
    if data is None:
        return False
    kind = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=kind)[chunk.offset : chunk.offset + len(chunk) + 1]
    start, end = bounds[:-1], bounds[1:]
    filled = (end > start) & chunk.is_valid().to_numpy(zero_copy_only=False)
    text = np.frombuffer(data, dtype=np.uint8)
    return bool(_ASCII_SPACE[text[start[filled]]].any() or _ASCII_SPACE[text[end[filled] - 1]].any())


def _nfc_strip(series: pd.Series) -> pd.Series:
    """NFC-normalise and strip the text cells of one column, each distinct text once."""
    codes, uniques = pd.factorize(series)
    texts = uniques.to_numpy(dtype=object)
    tidy = np.fromiter(
        (unicodedata.normalize("NFC", t).strip() if isinstance(t, str) else t for t in texts),
        dtype=object,
        count=len(texts),
    )
    changed = np.flatnonzero(tidy != texts)
    if not changed.size:
        return series
    cells = np.isin(codes, changed)
    values = series.to_numpy(dtype=object, copy=True)
    values[cells] = tidy[codes[cells]]
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype)


def _decode(raw: bytes) -> tuple[str, str]:
    """Return the text of a CSV file and the encoding used (UTF-8/-16 by BOM, UTF-8, else Windows-1258)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1258", errors="replace"), "cp1258"


def _first_lines(text: str, count: int) -> list[str]:
    """``text.splitlines()[:count]`` without splitting the whole (possibly very large) text."""
    size = 4096
    while True:
        lines = text[:size].splitlines()
        if len(lines) > count or size >= len(text):
            return lines[:count]
        size *= 4


def _delimiter(text: str) -> str:
    """The delimiter that gives the most rows of one consistent width (> 1) among the first lines."""
    lines = _first_lines(text, _HEADER_SCAN_ROWS * 2)
    best: tuple[tuple[int, int], str] = ((0, 0), ",")
    for delimiter in _DELIMITERS:
        widths = pd.Series([len(r) for r in csv.reader(lines, delimiter=delimiter) if any(r)], dtype=int)
        widths = widths[widths > 1]
        if widths.empty:
            continue
        mode = int(widths.mode().max())
        score = (int((widths == mode).sum()), mode)
        best = max(best, (score, delimiter), key=lambda item: item[0])
    return best[1]


def _text_grid(rows: Iterable[list[str]], dtype: object = object) -> pd.DataFrame:
    """Rows of CSV cells as a frame: short rows padded, empty cells missing."""
    rows = [[cell if cell != "" else None for cell in row] for row in rows]
    width = max(map(len, rows), default=0)
    return pd.DataFrame([row + [None] * (width - len(row)) for row in rows], dtype=dtype)


def _read_grid(path: Path, sheet: str | None, expect: Sequence[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Return every cell of the file or sheet as a frame indexed from 0 (= row 1 as Excel shows it)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(path):
            text_like = not _looks_binary(path.read_bytes()[:8192])
            hint_vi = " (có vẻ là tệp CSV/văn bản bị đổi đuôi thành .xlsx)" if text_like else ""
            hint_en = " (it looks like a CSV/text file renamed to .xlsx)" if text_like else ""
            raise DataError(
                f"{path.name}: không phải sổ tính Excel{hint_vi}. Mở tệp trong Excel và 'Lưu thành' .xlsx, "
                "hoặc đổi đuôi thành .csv nếu đó là tệp CSV.",
                f"{path.name}: not an Excel workbook{hint_en}. Open it in Excel and 'Save as' .xlsx, "
                "or rename "
                "it to .csv if it is a CSV file.",
            )
        check_archive(path)  # an .xlsx is a zip: refuse a bomb before openpyxl unpacks it
        import openpyxl  # imported on first use: a page opened from the prepared cache never needs it

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            names = workbook.sheetnames
            if sheet is None:
                worksheet = workbook.worksheets[0]
            else:
                wanted = [n for n in names if column_key(n) == column_key(sheet)]
                if not wanted:
                    raise DataError(
                        f"{path.name}: không có trang tính {sheet!r}; các trang có: {', '.join(names)}.",
                        f"{path.name}: no sheet {sheet!r}; sheets: {', '.join(names)}.",
                    )
                worksheet = workbook[wanted[0]]
            rows = list(worksheet.iter_rows(min_row=1, min_col=1, values_only=True))
        finally:
            workbook.close()
        return pd.DataFrame(rows, dtype=object), []
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise DataError(
            f"{path.name}: không đọc được bảng dạng {path.suffix}; hãy lưu thành .xlsx hoặc .csv.",
            f"{path.name}: cannot read a {path.suffix} table; save it as .xlsx or .csv.",
        )
    encoding, quoted, head = _scan_csv(path)
    if _looks_binary(head):
        raise DataError(
            f"{path.name}: không phải bảng văn bản (CSV): tệp chứa dữ liệu nhị phân. "
            "Mở bảng gốc trong Excel và "
            "'Lưu thành' CSV UTF-8 hoặc .xlsx.",
            f"{path.name}: not a text (CSV) table: the file holds binary data. "
            "Open the original table in Excel "
            "and 'Save as' CSV UTF-8 or .xlsx.",
        )
    problems = []
    if encoding == "cp1258":
        log.info("%s decoded as Windows-1258", path.name)
        problems.append(
            Problem(
                "info",
                path.name,
                "Tệp không phải UTF-8; đã đọc theo bảng mã Windows-1258 (TCVN/Vietnamese).",
                "The file is not UTF-8; it was read as Windows-1258 (Vietnamese).",
            )
        )
    try:
        grid = _csv_file_grid(path, encoding, quoted, head, expect)
    except csv.Error as exc:
        raise DataError(
            f"{path.name}: không tách được thành các dòng/cột CSV ({exc}). "
            "Mở trong Excel và lưu lại thành CSV.",
            f"{path.name}: cannot be split into CSV rows/columns ({exc}). "
            "Open it in Excel and save it as CSV.",
        ) from exc
    return grid, problems


#: Bytes read from the start of a CSV file to find its delimiter and header row.
_HEAD_BYTES = 1024**2


def _scan_csv(path: Path) -> tuple[str, bool, bytes]:
    """One pass over a CSV file in blocks, keeping none of it: its encoding (UTF-8/-16 by BOM, UTF-8 when
    every byte decodes, else Windows-1258), whether it holds a quote character, and its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", True, head
        else:
            encoding = "utf-8"
        decoder = codecs.getincrementaldecoder("utf-8")()
        quoted = b'"' in head
        block = head
        while block:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                encoding = "cp1258"
            quoted = quoted or b'"' in block
            if encoding == "cp1258" and quoted:
                break
            block = handle.read(CSV_BLOCK_BYTES)
        if encoding != "cp1258":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1258"
    return encoding, quoted, head


def _head_text(head: bytes, encoding: str, whole: bool) -> str:
    """The complete lines of the first bytes of a file as text (a line cut by the block end is dropped)."""
    text = head.decode(encoding, errors="replace" if encoding == "cp1258" else "ignore")
    if whole:
        return text
    cut = max(text.rfind("\n"), text.rfind("\r"))
    return text[: cut + 1] if cut >= 0 else text


def _csv_file_grid(
    path: Path, encoding: str, quoted: bool, head: bytes, expect: Sequence[str]
) -> pd.DataFrame:
    """Every cell of a CSV file as text, in a frame indexed from 0 (= row 1 as Excel shows it), read with
    bounded memory: the delimiter and header come from the first :data:`_HEAD_BYTES`, the body is parsed
    by Arrow straight from the file in :data:`geo.settings.CSV_BLOCK_BYTES` blocks (transcoded on the way
    when not UTF-8), so only the result is held, never the file's bytes or text as a whole. A file Arrow
    cannot split into a rectangle (rows of another width after the header) is read whole and split row
    by row instead."""
    whole = path.stat().st_size <= len(head)
    text = _head_text(head, encoding, whole)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    top, lines_read = [], []
    for row in reader:
        top.append(row)
        lines_read.append(reader.line_num)
        if len(top) == _HEADER_SCAN_ROWS:
            break
    if not top:
        return pd.DataFrame()
    header = _header_row(_text_grid(top), expect)
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                skip_rows=lines_read[header - 1] if header else 0,
                autogenerate_column_names=True,
                block_size=CSV_BLOCK_BYTES,
                encoding="utf8" if encoding == "utf-8" else encoding,
            ),
            parse_options=pa_csv.ParseOptions(  # a line break inside a cell needs quotes around it
                delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(len(top[header]))},
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        log.info("CSV rows of uneven width: splitting row by row")
        raw = path.read_bytes()
        full, _ = _decode(raw)
        return _text_grid(csv.reader(io.StringIO(full), delimiter=delimiter))
    body = table.to_pandas(types_mapper={pa.string(): _ARROW_TEXT}.get, self_destruct=True)
    del table
    body.columns = range(body.shape[1])
    if not header:
        return body
    return pd.concat([_text_grid(top[:header], dtype=_ARROW_TEXT), body], ignore_index=True)


#: Control bytes other than tab, line feed and carriage return (many of them: not a text file).
_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[[b for b in range(32) if b not in (9, 10, 13)]] = True


def _looks_binary(head: bytes) -> bool:
    """True when the start of a file is not text: NUL bytes (outside UTF-16) or many control bytes."""
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    control = np.count_nonzero(_CONTROL[np.frombuffer(head, dtype=np.uint8)])
    return control > len(head) * 0.05


def check_size(path: Path, limit: int = MAX_READ_BYTES) -> None:
    """Refuse a file larger than ``limit`` bytes before anything of it is parsed."""
    size = path.stat().st_size
    if size > limit:
        raise DataError(
            f"{path.name}: tệp {size / 1024**2:.0f} MB, quá giới hạn đọc {limit / 1024**2:.0f} MB. "
            "Chia nhỏ tệp hoặc chỉ giữ vùng cần xem.",
            f"{path.name}: file of {size / 1024**2:.0f} MB, over the {limit / 1024**2:.0f} MB reading limit. "
            "Split the file or keep only the area you need.",
        )


def _is_text(value: object) -> bool:
    return isinstance(value, str) and not re.fullmatch(r"[\s\d.,+\-%°]*", value)


def _header_row(grid: pd.DataFrame, expect: Sequence[str]) -> int:
    """Return the index of the header: the first row holding all (else most) ``expect`` names,
    else the first row that is mostly text and about as wide as the widest row."""
    scan = grid.head(_HEADER_SCAN_ROWS)
    if expect:
        wanted = {column_key(e) for e in expect}
        rows = scan.to_numpy(dtype=object)
        found = pd.Series(
            [len(wanted & {column_key(v) for v in row if not pd.isna(v)}) for row in rows], index=scan.index
        )
        if not found.empty and found.max() > 0:
            return int(found.idxmax())
    filled = scan.notna().sum(axis=1)
    texty = scan.map(_is_text).sum(axis=1)
    candidates = filled.index[(filled >= max(2, filled.max() / 2)) & (texty * 2 > filled)]
    if len(candidates):
        return int(candidates[0])
    return int(filled.gt(0).idxmax())


def _column_names(cells: Iterable[object]) -> list[str]:
    """Return unique, NFC, stripped names; blank headers become ``column_<n>`` (n = 1-based position)."""
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        base = "" if pd.isna(cell) else unicodedata.normalize("NFC", str(cell)).strip()
        base = base or f"column_{position}"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}_{n}"
        names.append(name)
    return names


def _python_text(series: pd.Series, *, keep_arrow: bool) -> pd.Series:
    """Arrow-backed text as Python ``str`` cells, blanks as None, in an ``object`` column.

    A column of few distinct texts (a network, an operator) is built from them, so each repeated text
    is one shared object: a million rows then cost pointers, not a million strings. With ``keep_arrow``
    a mostly distinct column with no blank cell (coordinates, times) is returned as it is, Arrow-backed:
    one buffer instead of a million string objects (about 60 MB less per column and million rows).
    Whether the column is mostly distinct is judged on its first :data:`_SAMPLE_ROWS` cells.
    """
    head = series.iloc[:_SAMPLE_ROWS]
    if head.nunique(dropna=False) * 10 > len(head) * 9:
        if keep_arrow and not series.hasnans:
            return series
        return pd.Series(series.to_numpy(dtype=object, na_value=None), index=series.index, dtype=object)
    codes, uniques = pd.factorize(series)
    cells = np.append(uniques.to_numpy(dtype=object), None)[codes]  # code -1 (blank) picks None
    return pd.Series(cells, index=series.index, dtype=object)


def read_table(
    path: str | Path, *, sheet: str | None = None, expect: Sequence[str] = (), keep_arrow: bool = False
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a CSV or XLSX table (no geometry) whose header row may sit below a title block.

    ``sheet`` names the XLSX sheet (first sheet when ``None``; matched ignoring case and diacritics);
    ``expect`` lists column names that help find the header row (they need not all be present: the
    caller checks its required columns). Returns the data rows, text NFC-normalised, empty rows and
    empty unnamed columns dropped, plus an int ``source_row`` (the row number Excel shows, header
    included), and informational problems (e.g. the encoding used). Text cells are Python ``str`` in
    ``object`` columns, blanks None; ``keep_arrow=True`` (the point-layer reader) leaves mostly distinct
    columns without blanks Arrow-backed (``str`` dtype), to hold a million coordinates in one buffer.
    Raises :class:`DataError` for a missing file or sheet, an unknown format, or a file with no rows.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Không tìm thấy tệp {path}.", f"File not found: {path}.")
    check_size(path)
    grid, problems = _read_grid(path, None if sheet is None else str(sheet), expect)
    grid = grid.dropna(how="all", axis=1)
    if not grid.notna().to_numpy().any():
        raise DataError(f"{path.name}: bảng trống.", f"{path.name}: the table is empty.")
    header = _header_row(grid, expect)
    names = _column_names(grid.loc[header])
    df = grid.iloc[header + 1 :]
    df.columns = names
    df = df.dropna(how="all")
    df = df.drop(columns=[n for n in names if n.startswith("column_") and df[n].isna().all()])
    df = nfc_text(df)
    for col in df.columns:
        if isinstance(df[col].dtype, pd.StringDtype):
            df[col] = _python_text(df[col], keep_arrow=keep_arrow)
    df["source_row"] = (df.index.to_numpy() + 1).astype(int)
    if header > 0:
        log.info("%s: header found on row %d", path.name, header + 1)
    df = df.reset_index(drop=True)
    df.attrs["header_row"] = header + 1  # as Excel numbers it, for messages about missing columns
    return df, problems


def find_xy_columns(columns: Iterable[object]) -> tuple[str, str] | None:
    """Return the (x/longitude, y/latitude) column names found by name, or ``None``.

    Recognises lon/lng/longitude/kinh_do/"Kinh độ" with lat/latitude/vi_do/"Vĩ độ" first, then
    x/east/easting/"Tọa độ X" with y/north/northing/"Tọa độ Y" (survey X may hold the northing:
    the CRS step detects and fixes that).
    """
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(column_key(col), str(col))
    for first, second in ((_LON_KEYS, _LAT_KEYS), (_X_KEYS, _Y_KEYS)):
        x = next((by_key[k] for k in first if k in by_key), None)
        y = next((by_key[k] for k in second if k in by_key), None)
        if x and y:
            return x, y
    return None


def parse_coordinates(values: pd.Series) -> np.ndarray:
    """Return coordinates as floats (NaN where a cell is empty or not a number).

    Accepts numbers and text with a decimal comma ("105,7123"), thousands separators
    ("2.345.678,5", "2,345,678.5"), spaces and a trailing degree sign. A column of plain numbers
    is parsed by Arrow in one call; otherwise only the cells that are not plain numbers are rewritten.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan)
    try:  # every cell a plain number (or blank): Arrow parses the column in one call
        return pc.cast(pa.array(values, type=pa.string(), from_pandas=True), pa.float64()).to_numpy(
            zero_copy_only=False
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass  # some cell is written otherwise (a decimal comma, spaces, a degree sign): parsed below
    text = values if pd.api.types.infer_dtype(values, skipna=True) == "string" else values.astype("string")
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    failed = np.isnan(numbers) & text.notna().to_numpy()
    if failed.any():
        numbers[failed] = _written_coordinates(text[failed].astype("string"))
    return numbers


def _written_coordinates(text: pd.Series) -> np.ndarray:
    """Coordinates from text with spaces, a degree sign, a decimal comma or thousands separators."""
    text = text.str.replace(r"[\s\u00a0°]", "", regex=True)
    comma_decimal = ((text.str.rfind(",") > text.str.rfind(".")) & (text.str.count(",") == 1)).fillna(False)
    text = text.where(
        ~comma_decimal, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    text = text.where(comma_decimal, text.str.replace(",", "", regex=False))
    text = text.where(~(text.str.count(r"\.") > 1).fillna(False), text.str.replace(".", "", regex=False))
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
