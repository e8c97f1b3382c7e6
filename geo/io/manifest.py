"""The dataset manifest (``dataset.yaml``): read it, or infer one from default file names, and write it.

A manifest names each file of a dataset, its role (layer) and how its columns map to the
model (the README's "Dữ liệu của bạn" section names the keys). The page writes one when a
planner uploads files and maps columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from geo.errors import DataError
from geo.settings import POINT_LAYERS, REFERENCE_LAYERS, UNIT_LEVELS, YAML_LOADER

__all__ = [
    "MANIFEST_NAME",
    "READER_KEYS",
    "LAYER_ROLES",
    "RASTER_ROLES",
    "LayerSpec",
    "Manifest",
    "read_manifest",
    "write_manifest",
]

MANIFEST_NAME = "dataset.yaml"
#: Keys of a layer entry that tell the reader how to open the file (not column mappings).
READER_KEYS = ("path", "sheet", "layer", "x", "y", "crs")
#: Every layer role a manifest may name, in reading order (units first, top down).
LAYER_ROLES = (*UNIT_LEVELS, *POINT_LAYERS, *REFERENCE_LAYERS, "unit_stats")
#: Raster layers a manifest may name (not offered for vector uploads): the elevation model.
RASTER_ROLES = ("dem",)
_ROLES = (*LAYER_ROLES, *RASTER_ROLES)
_EXTENSIONS = (".gpkg", ".geojson", ".json", ".shp", ".zip", ".kml", ".kmz", ".xlsx", ".csv")
_RASTER_EXTENSIONS = (".tif", ".tiff")  # the dem layer


@dataclass(frozen=True)
class LayerSpec:
    """One manifest entry: a layer's file, how to open it, and ``columns`` = {model field: file column}."""

    role: str
    path: Path
    sheet: str | None = None
    layer: str | None = None
    x: str | None = None
    y: str | None = None
    crs: str | None = None
    columns: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """A whole manifest: dataset name, default CRS, province, catalogue, settings overrides and layers."""

    folder: Path
    name: str
    crs: str | None = None
    province: str | None = None
    catalogue: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    layers: tuple[LayerSpec, ...] = ()
    inferred: bool = False


def _layer_spec(folder: Path, role: str, entry: Any, manifest_path: Path) -> LayerSpec:
    """Build a :class:`LayerSpec` from one ``layers:`` entry, raising DataError on a malformed one."""
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, dict) or "path" not in entry:
        raise DataError(
            f"{manifest_path.name}: lớp '{role}' phải có 'path: <tên tệp>'.",
            f"{manifest_path.name}: layer '{role}' needs 'path: <file name>'.",
        )
    reader = {k: (None if entry.get(k) is None else str(entry[k])) for k in READER_KEYS if k != "path"}
    columns = {k: v for k, v in entry.items() if k not in READER_KEYS}
    return LayerSpec(role=role, path=folder / str(entry["path"]), columns=columns, **reader)


def _infer(folder: Path) -> Manifest:
    """A manifest from default file names (``communes.gpkg``, ``bts_sites.csv``, ...) when none is given."""
    specs = []
    for role in _ROLES:
        kinds = _RASTER_EXTENSIONS if role == "dem" else _EXTENSIONS
        found = sorted(p for p in folder.glob(f"{role}.*") if p.suffix.lower() in kinds)
        if found:
            specs.append(LayerSpec(role=role, path=found[0]))
    return Manifest(folder=folder, name=folder.name, layers=tuple(specs), inferred=True)


def read_manifest(folder: str | Path) -> Manifest:
    """Read ``folder/dataset.yaml``, or infer the layers from default file names when there is none
    (or when it has no ``layers:`` key, e.g. one that only sets ``name``, ``crs`` and ``province``).

    Raises :class:`DataError` when the folder does not exist, the YAML is malformed (naming
    the line), a layer role is unknown (listing the known ones), or an entry has no path.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(
            f"Không tìm thấy thư mục dữ liệu '{folder}'.", f"Dataset folder '{folder}' does not exist."
        )
    path = folder / MANIFEST_NAME
    if not path.exists():
        return _infer(folder)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", dòng {mark.line + 1}" if mark else ""
        line_en = f", line {mark.line + 1}" if mark else ""
        raise DataError(
            f"{path.name}{line}: YAML không hợp lệ ({exc}). Kiểm tra thụt lề và dấu hai chấm.",
            f"{path.name}{line_en}: invalid YAML ({exc}). Check indentation and colons.",
        ) from exc
    layers = raw.get("layers") or {}
    unknown = sorted(set(layers) - set(_ROLES))
    if unknown:
        raise DataError(
            f"{path.name}: lớp không biết {unknown}. Các lớp hợp lệ: {', '.join(_ROLES)}.",
            f"{path.name}: unknown layer(s) {unknown}. Valid layers: {', '.join(_ROLES)}.",
        )
    specs = tuple(_layer_spec(folder, role, layers[role], path) for role in _ROLES if role in layers)
    if "layers" not in raw:
        specs = _infer(folder).layers
    return Manifest(
        folder=folder,
        name=str(raw.get("name") or folder.name),
        crs=raw.get("crs"),
        province=raw.get("province"),
        catalogue=str(raw.get("catalogue") or ""),
        settings=raw.get("settings") or {},
        layers=specs,
    )


def write_manifest(manifest: Manifest) -> Path:
    """Write ``manifest`` as ``dataset.yaml`` in its folder (paths relative to it) and return the path.

    The file is written to a temporary name first and renamed, so a crash never leaves half a manifest.
    """
    layers = {}
    for spec in manifest.layers:
        entry: dict[str, Any] = {"path": spec.path.relative_to(manifest.folder).as_posix()}
        entry |= {k: getattr(spec, k) for k in READER_KEYS if k != "path" and getattr(spec, k) is not None}
        entry |= spec.columns
        layers[spec.role] = entry
    doc: dict[str, Any] = {"name": manifest.name}
    doc |= {k: v for k, v in (("crs", manifest.crs), ("province", manifest.province)) if v}
    if manifest.catalogue:
        doc["catalogue"] = manifest.catalogue
    if manifest.settings:
        doc["settings"] = manifest.settings
    doc["layers"] = layers
    target = manifest.folder / MANIFEST_NAME
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tmp.replace(target)
    return target
