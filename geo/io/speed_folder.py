"""Speed tests given as a folder of partitions (Parquet/CSV files), read one partition at a time.

National crowd measurements over several years are tens to hundreds of millions of rows: more
than one machine's memory. When the ``speed_tests`` entry of ``dataset.yaml`` names a folder
(``speed_tests: {path: do_toc_do/}``), or the dataset folder holds a folder ``speed_tests/``,
the reader does not load the tests: :func:`open_speed_folder` lists the partition files and
checks each one's header (a partition lacking a required column is an error naming that file);
:func:`attach_speed_folder` counts the rows on the dask cluster (so ``geo check`` proves the
workers see the files) and hands the :class:`SpeedFolder` to :mod:`geo.compute.speed_partitions`,
which aggregates the tests per unit on that cluster.

Each partition is read by :func:`read_partition` into the canonical columns ``lon``, ``lat``
(EPSG:4326), ``network`` ("mobile"/"fixed"), ``download_mbps``, ``upload_mbps`` and
``latency_ms``, with the same parsing rules as the in-memory reader (decimal commas, network
words, a negative download is missing). Column names are mapped as for a single file: the
manifest entry's ``download_mbps: <column>`` etc., else the usual names (``tai_xuong`` ...);
coordinates by ``x:``/``y:``, by name (lon/lat, kinh_do/vi_do), or a GeoParquet ``geometry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from geo.compute.speed_partitions import METRICS
from geo.errors import GeoError, Problem
from geo.io.tables import FIELD_WORDS, column_key, find_xy_columns, parse_coordinates
from geo.io.validate import parse_networks, parse_numbers

__all__ = [
    "DEFAULT_FOLDER",
    "PARTITION_SUFFIXES",
    "Partition",
    "SpeedFolder",
    "open_speed_folder",
    "read_partition",
    "count_rows",
    "attach_speed_folder",
]

#: Folder read as the speed tests when the manifest names none (or there is no manifest).
DEFAULT_FOLDER = "speed_tests"
#: File endings read as partitions (anything else in the folder is ignored).
PARTITION_SUFFIXES = (".parquet", ".pq", ".csv")
_REQUIRED = ("download_mbps", "network")
_FIELDS = ("network", *METRICS)


@dataclass(frozen=True)
class Partition:
    """One unit of work: a file (and, for Parquet, one row group), with its column names resolved.

    ``columns`` maps each canonical field found to the file's column; ``x``/``y`` are the
    coordinate columns, or ``None`` when the positions come from a GeoParquet ``geometry``.
    """

    path: Path
    label: str
    columns: dict[str, str]
    x: str | None
    y: str | None
    crs: str | None = None
    row_group: int | None = None

    def read(self) -> pd.DataFrame:
        """This partition's tests in the canonical columns (:func:`read_partition`)."""
        return read_partition(self)


@dataclass
class SpeedFolder:
    """A ``speed_tests`` folder: its partitions, row count and (once computed) per-unit summary."""

    path: Path
    partitions: list[Partition]
    rows: int = 0
    summary: Any = field(default=None, repr=False)


def _files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in PARTITION_SUFFIXES and not p.name.startswith((".", "_"))
    )


def _header(path: Path) -> list[str]:
    if path.suffix.lower() == ".csv":
        return list(pacsv.open_csv(path).schema.names)
    return list(pq.read_schema(path).names)


def _resolve(names: list[str], mapping: dict[str, Any]) -> dict[str, str]:
    """Canonical field → column of the file: the manifest's mapping first, else the usual words."""
    by_key = {}
    for name in names:
        by_key.setdefault(column_key(name), name)
    found = {}
    for field_name in _FIELDS:
        given = mapping.get(field_name)
        if given is not None:
            hit = by_key.get(column_key(given))
        else:
            words = (column_key(field_name), *FIELD_WORDS.get(field_name, ()))
            hit = next((by_key[w] for w in words if w in by_key), None)
        if hit is not None:
            found[field_name] = hit
    return found


def _problem(label: str, vi: str, en: str, fix_vi: str, fix_en: str) -> Problem:
    return Problem("error", label, vi, en, fix_vi=fix_vi, fix_en=fix_en, layer="speed_tests")


def open_speed_folder(
    folder: Path,
    *,
    dataset_folder: Path,
    columns: dict[str, Any] | None = None,
    x: str | None = None,
    y: str | None = None,
    crs: str | None = None,
) -> tuple[SpeedFolder | None, list[Problem]]:
    """List and check the partitions of a ``speed_tests`` folder; return it (or None) and the problems.

    A partition that cannot be opened, lacks ``download_mbps`` or ``network``, or has no
    coordinates is an error naming the file (relative to the dataset folder); the other
    partitions are kept, so ``geo check`` lists every bad file at once. Rows are not counted
    here (:func:`count_rows`).
    """
    folder, mapping = Path(folder), dict(columns or {})
    problems: list[Problem] = []
    files = _files(folder)
    rel = _relative(folder, dataset_folder)
    if not files:
        problems.append(
            _problem(
                rel,
                f"Thư mục '{rel}' của lớp speed_tests không có tệp .parquet hay .csv nào.",
                f"The speed_tests folder '{rel}' holds no .parquet or .csv file.",
                "Đặt các phần dữ liệu đo tốc độ (part-0001.parquet, ...) vào thư mục này.",
                "Put the speed-test partitions (part-0001.parquet, ...) in this folder.",
            )
        )
        return None, problems
    partitions: list[Partition] = []
    for path in files:
        label = _relative(path, dataset_folder)
        try:
            names = _header(path)
        except (OSError, pa.ArrowException) as exc:
            problems.append(
                _problem(
                    label,
                    f"Không mở được phần dữ liệu '{label}' ({exc}).",
                    f"The partition '{label}' cannot be opened ({exc}).",
                    "Ghi lại tệp này (CSV UTF-8 hoặc Parquet) hoặc xoá nó khỏi thư mục.",
                    "Write this file again (UTF-8 CSV or Parquet) or remove it from the folder.",
                )
            )
            continue
        found = _resolve(names, mapping)
        missing = [f for f in _REQUIRED if f not in found]
        if missing:
            wanted = ", ".join(f"'{mapping.get(f, f)}'" for f in missing)
            problems.append(
                _problem(
                    label,
                    f"Phần dữ liệu '{label}' thiếu cột bắt buộc {wanted} (lớp speed_tests). "
                    f"Các cột có: {', '.join(names)}.",
                    f"The partition '{label}' lacks the required column {wanted} (layer speed_tests). "
                    f"Columns found: {', '.join(names)}.",
                    "Mọi phần trong thư mục phải có cùng các cột; sửa tệp này "
                    "hoặc khai báo cột trong dataset.yaml.",
                    "Every partition of the folder needs the same columns; fix this file "
                    "or map the column in dataset.yaml.",
                )
            )
            continue
        xy = (x, y) if x and y else find_xy_columns(names)
        if xy is not None and not all(c in names for c in xy):
            xy = None
        if xy is None and "geometry" not in names:
            problems.append(
                _problem(
                    label,
                    f"Phần dữ liệu '{label}' không có cột tọa độ (kinh độ/vĩ độ) hay cột geometry.",
                    f"The partition '{label}' has no coordinate columns (longitude/latitude) nor a geometry.",
                    "Khai báo x: và y: của lớp speed_tests trong dataset.yaml.",
                    "Name the x: and y: columns of layer speed_tests in dataset.yaml.",
                )
            )
            continue
        px, py = xy if xy is not None else (None, None)
        if path.suffix.lower() == ".csv":
            partitions.append(Partition(path, label, found, px, py, crs))
        else:
            groups = pq.ParquetFile(path).metadata.num_row_groups
            partitions += [Partition(path, label, found, px, py, crs, g) for g in range(groups)]
    return SpeedFolder(folder, partitions), problems


def count_rows(part: Partition) -> int:
    """Rows of one partition: Parquet row-group metadata, or one CSV column read with Arrow."""
    if part.path.suffix.lower() == ".csv":
        options = pacsv.ConvertOptions(include_columns=[part.columns["download_mbps"]])
        return pacsv.read_csv(part.path, convert_options=options).num_rows
    return pq.ParquetFile(part.path).metadata.row_group(part.row_group or 0).num_rows


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()
    except ValueError:
        return str(path)


def read_partition(part: Partition) -> pd.DataFrame:
    """Read one partition into the canonical columns (``lon``, ``lat``, ``network`` and :data:`METRICS`).

    ``network`` is "mobile", "fixed" or missing; numbers are floats (NaN when blank or
    unreadable); a negative download is missing, as in :func:`geo.io.validate.validate_layer`.
    Raises :class:`GeoError` naming the partition when the file cannot be read.
    """
    wanted = (
        list(part.columns.values()) + [c for c in (part.x, part.y) if c] + ([] if part.x else ["geometry"])
    )
    try:
        if part.path.suffix.lower() == ".csv":
            text = {c: pa.string() for c in part.columns.values() if c != part.columns.get("download_mbps")}
            table = pacsv.read_csv(
                part.path,
                convert_options=pacsv.ConvertOptions(include_columns=wanted, column_types=text),
            )
        else:
            table = pq.ParquetFile(part.path).read_row_group(part.row_group or 0, columns=wanted)
    except (OSError, pa.ArrowException) as exc:
        raise GeoError(
            f"Không đọc được phần dữ liệu '{part.label}' ({exc}).",
            f"The partition '{part.label}' cannot be read ({exc}).",
        ) from exc
    raw = table.to_pandas()
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    if part.x:
        out["lon"], out["lat"] = parse_coordinates(raw[part.x]), parse_coordinates(raw[part.y])
    else:
        import shapely

        geoms = shapely.from_wkb(raw["geometry"].to_numpy(dtype=object))
        out["lon"], out["lat"] = shapely.get_x(geoms), shapely.get_y(geoms)
    if part.crs and part.crs.upper() not in ("EPSG:4326", "WGS84", "WGS 84"):
        from pyproj import Transformer

        to_lonlat = Transformer.from_crs(part.crs, "EPSG:4326", always_xy=True)
        out["lon"], out["lat"] = to_lonlat.transform(out["lon"].to_numpy(), out["lat"].to_numpy())
    out["network"] = parse_networks(raw[part.columns["network"]])[0].to_numpy(dtype=object, na_value=None)
    for metric in METRICS:
        column = part.columns.get(metric)
        out[metric] = parse_numbers(raw[column])[0].to_numpy(float) if column else np.nan
    download = out["download_mbps"].to_numpy()
    out.loc[download < 0, "download_mbps"] = np.nan
    return out


def attach_speed_folder(dataset, folder: Path, spec, crs: str | None) -> None:
    """Check the partitions of ``folder`` and attach them to ``dataset`` as its speed tests (not loaded).

    ``spec`` is the manifest's ``speed_tests`` entry (column mapping, ``x``/``y``, ``crs``), or
    None for the default folder :data:`DEFAULT_FOLDER`. Problems go to ``dataset.problems``;
    the folder is listed in ``dataset.sources`` with its row count.
    """
    from geo.model import LayerSource

    found, problems = open_speed_folder(
        folder,
        dataset_folder=Path(dataset.folder),
        columns=spec.columns if spec else None,
        x=spec.x if spec else None,
        y=spec.y if spec else None,
        crs=(spec.crs if spec else None) or crs,
    )
    dataset.problems += problems
    if found is None:
        return
    from geo.compute.speed_partitions import dask_client

    with dask_client() as client:
        try:
            found.rows = int(sum(client.gather(client.map(count_rows, found.partitions, pure=False))))
        except (OSError, pa.ArrowException) as exc:
            dataset.problems.append(
                _problem(
                    _relative(folder, Path(dataset.folder)),
                    f"Các máy dask không đọc được thư mục đo tốc độ ({exc}).",
                    f"The dask workers cannot read the speed-test folder ({exc}).",
                    "Các máy dask phải thấy thư mục này ở cùng đường dẫn.",
                    "The dask workers must see this folder at the same path.",
                )
            )
            return
        where = client.scheduler.address
    dataset.speed_folder = found
    label = _relative(folder, Path(dataset.folder)) + "/"
    how = f"{len(found.partitions)} partitions, dask {where}"
    dataset.sources.append(LayerSource("speed_tests", label, found.rows, found.rows, crs or "EPSG:4326", how))
