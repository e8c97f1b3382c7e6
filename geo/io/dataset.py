"""Read a dataset folder into one validated :class:`geo.model.Dataset`.

Steps: read the manifest (or default file names), read each layer's file (format, CRS,
coordinates), convert attributes to canonical values, clean unit geometries and link the
hierarchy (uid / parent_uid), then join the unit statistics to the units. Every problem
met on the way is collected in ``Dataset.problems``; a layer that cannot be read at all
is left out with an error, the others are still read.
"""

from __future__ import annotations

import logging
from pathlib import Path

from geo.errors import DataError, Problem, unexpected_problem
from geo.io.grid_cells import cells_to_polygons
from geo.io.manifest import LayerSpec, Manifest, read_manifest
from geo.io.records import name_records
from geo.io.sources import read_layer
from geo.io.speed_folder import DEFAULT_FOLDER, attach_speed_folder
from geo.io.stats import read_unit_stats
from geo.io.units import assign_uids, clean_unit_geometries
from geo.io.validate import validate_layer
from geo.model import Dataset, LayerSource
from geo.settings import DEMO_DIR, UNIT_LEVELS, merged

__all__ = ["read_dataset", "check_report"]

log = logging.getLogger(__name__)


def _read_spatial_layer(spec: LayerSpec, manifest: Manifest, dataset: Dataset) -> None:
    """Read one geometry layer into ``dataset`` (or record why it could not be read): an unexpected
    failure of any reader step becomes one "please report" error for this file, never an exception."""
    try:
        _read_spatial_layer_steps(spec, manifest, dataset)
    except Exception as exc:  # the reader boundary: a bug costs this layer, not the dataset
        dataset.layers.pop(spec.role, None)
        dataset.problems.append(unexpected_problem(spec.path.name, exc, layer=spec.role))


def _read_spatial_layer_steps(spec: LayerSpec, manifest: Manifest, dataset: Dataset) -> None:
    file = spec.path.name
    try:
        read = read_layer(
            spec.path,
            layer=spec.role,
            columns=spec.columns,
            crs=spec.crs or manifest.crs,
            province=manifest.province,
            sheet=spec.sheet,
            gpkg_layer=spec.layer,
            x=spec.x,
            y=spec.y,
        )
    except DataError as exc:
        dataset.problems += exc.problems or [Problem("error", file, str(exc), exc.en, layer=spec.role)]
        return
    dataset.problems += read.problems
    gdf, problems = validate_layer(read.gdf, layer=spec.role, file=file)
    dataset.problems += name_records(problems, read.gdf, file=file)
    if spec.role in UNIT_LEVELS:
        gdf, problems = clean_unit_geometries(gdf, layer=spec.role, file=file)
        dataset.problems += problems
    if spec.role == "operator_coverage":  # a grid of cell centres → square cells (geo/io/grid_cells.py)
        gdf, problems = cells_to_polygons(gdf, file=file, settings=dataset.settings)
        dataset.problems += name_records(problems, read.gdf, file=file)
    dataset.layers[spec.role] = gdf
    dataset.sources.append(
        LayerSource(spec.role, file, read.source.rows_read, len(gdf), read.source.crs, read.source.crs_how)
    )


def _read_dem(spec: LayerSpec, manifest: Manifest, dataset: Dataset) -> None:
    """Open the elevation raster (header only; heights are read on first use), see :mod:`geo.dem`."""
    from geo.dem import open_dem

    dem, problems = open_dem(spec.path, crs=spec.crs)
    dataset.problems += problems
    if dem is not None:
        dataset.dem = dem
        how = "from the GeoTIFF" if dem.crs and not spec.crs else "manifest crs:" if dem.crs else "none"
        cells = dem.width * dem.height
        dataset.sources.append(LayerSource("dem", spec.path.name, cells, cells, dem.crs or "?", how))


def read_dataset(folder: str | Path = DEMO_DIR) -> Dataset:
    """Read the dataset in ``folder`` (with or without ``dataset.yaml``) into a :class:`Dataset`.

    Geometry ends in EPSG:4326 with canonical columns; unit layers get ``uid``/``parent_uid``;
    unit statistics are joined to units (long form, with ``uid``). Problems of every layer are
    in ``Dataset.problems``; raises :class:`DataError` only when the folder or its manifest
    cannot be read at all.
    """
    manifest = read_manifest(folder)
    dataset = Dataset(
        name=manifest.name,
        folder=str(manifest.folder),
        catalogue=manifest.catalogue,
        province=manifest.province,
    )
    try:
        dataset.settings = merged(manifest.settings)
    except (KeyError, TypeError) as exc:
        dataset.problems.append(
            Problem(
                "error",
                "dataset.yaml",
                f"Mục 'settings' không hợp lệ: {exc}.",
                f"Invalid 'settings' entry: {exc}.",
                fix_vi="Sửa hoặc xoá khoá sai trong mục settings.",
                fix_en="Fix or remove the wrong key under settings.",
            )
        )
    if not manifest.layers:
        dataset.problems.append(
            Problem(
                "error",
                str(manifest.folder),
                "Thư mục không có tệp dữ liệu nào nhận ra được và không có dataset.yaml.",
                "The folder has no recognised data file and no dataset.yaml.",
                fix_vi="Thêm dataset.yaml hoặc đặt tên tệp communes.*, villages.*, bts_sites.*, ...",
                fix_en="Add a dataset.yaml or name files communes.*, villages.*, bts_sites.*, ...",
            )
        )
    for spec in manifest.layers:
        if spec.role == "unit_stats":
            continue
        if spec.role == "dem":
            _read_dem(spec, manifest, dataset)
            continue
        if spec.role == "speed_tests" and spec.path.is_dir():  # partitions: geo/io/speed_folder.py
            attach_speed_folder(dataset, spec.path, spec, manifest.crs)
            continue
        _read_spatial_layer(spec, manifest, dataset)
    if (
        not any(s.role == "speed_tests" for s in manifest.layers)
        and (manifest.folder / DEFAULT_FOLDER).is_dir()
    ):
        attach_speed_folder(dataset, manifest.folder / DEFAULT_FOLDER, None, manifest.crs)
    files = {src.layer: src.path for src in dataset.sources}
    metric_crs = dataset.settings.metric_crs
    try:
        dataset.layers, problems = assign_uids(dataset.layers, files=files, metric_crs=metric_crs)
    except Exception as exc:  # the unit hierarchy step is a reader boundary too
        units = [files.get(level, level) for level in UNIT_LEVELS if level in dataset.layers]
        problems = [unexpected_problem(", ".join(units), exc)]
        dataset.layers = {k: v for k, v in dataset.layers.items() if k not in UNIT_LEVELS}
    dataset.problems += problems
    stats_spec = next((s for s in manifest.layers if s.role == "unit_stats"), None)
    if stats_spec is not None:
        try:
            dataset.unit_stats, problems = read_unit_stats(stats_spec, dataset)
        except DataError as exc:
            problems = exc.problems or [
                Problem("error", stats_spec.path.name, str(exc), exc.en, layer="unit_stats")
            ]
        except Exception as exc:  # reader boundary
            problems = [unexpected_problem(stats_spec.path.name, exc, layer="unit_stats")]
        dataset.problems += problems
    log.info("read dataset %s: %s", dataset.name, {k: len(v) for k, v in dataset.layers.items()})
    return dataset


def check_report(dataset: Dataset, *, lang: str = "vi") -> str:
    """Return the text ``python -m geo check`` prints: per layer what was read, then every problem."""
    vi = lang == "vi"
    lines = [f"{'Bộ dữ liệu' if vi else 'Dataset'}: {dataset.name} ({dataset.folder})"]
    for src in dataset.sources:
        kept = f"{src.rows_kept}/{src.rows_read}"
        lines.append(
            f"  {src.layer:<14} {src.path:<28} {kept:>11} {'dòng giữ lại' if vi else 'rows kept'}"
            f"  CRS {src.crs} ({src.crs_how})"
        )
    if len(dataset.unit_stats):
        n_units = dataset.unit_stats["uid"].nunique()
        lines.append(
            f"  {'unit_stats':<14} {len(dataset.unit_stats)} {'giá trị' if vi else 'values'}, "
            f"{n_units} {'đơn vị' if vi else 'units'}"
        )
    counts = {s: sum(p.severity == s for p in dataset.problems) for s in ("error", "warning", "info")}
    lines.append(
        (f"Lỗi: {counts['error']}, cảnh báo: {counts['warning']}, thông tin: {counts['info']}")
        if vi
        else f"Errors: {counts['error']}, warnings: {counts['warning']}, notes: {counts['info']}"
    )
    order = {"error": 0, "warning": 1, "info": 2}
    lines += [p.text(lang) for p in sorted(dataset.problems, key=lambda p: order[p.severity])]
    return "\n".join(lines)
