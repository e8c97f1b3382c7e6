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
from geo.settings import POINT_LAYERS, REFERENCE_LAYERS, UNIT_LEVELS, YAML_LOADER, SettingsError, merged

__all__ = [
    "MANIFEST_NAME",
    "inside_folder",
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
#: Every layer role a manifest may name, in reading order (units first, top down). ``operator_coverage``
#: is polygons (GeoPackage/Shapefile/KML/KMZ) or a grid CSV/XLSX of cell centres (``x``/``y`` columns, with
#: ``operator``, ``technology``, optional ``signal_dbm`` and ``cell_m``; :mod:`geo.io.grid_cells`).
LAYER_ROLES = (*UNIT_LEVELS, *POINT_LAYERS, *REFERENCE_LAYERS, "operator_coverage", "unit_stats")
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


class _Lines:
    """The YAML line (1-based) of each key path of a manifest, to name it in messages."""

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            root = None
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: tuple[str, ...]) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                self.lines[sub] = key.start_mark.line + 1
                self._walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                self._walk(item, (*path, str(n)))

    def of(self, *path: str) -> int | None:
        """The line of ``path``, else of its nearest parent present."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)


def _shape_error(manifest_path: Path, line: int | None, vi: str, en: str) -> DataError:
    """A DataError naming the manifest and the line of the entry of the wrong shape."""
    at_vi = f", dòng {line}" if line else ""
    at_en = f", line {line}" if line else ""
    return DataError(f"{manifest_path.name}{at_vi}: {vi}", f"{manifest_path.name}{at_en}: {en}")


def _kind(value: Any) -> tuple[str, str]:
    """What a YAML value is, in both languages ("một danh sách" / "a list")."""
    if isinstance(value, list):
        return "một danh sách", "a list"
    if isinstance(value, dict):
        return "các cặp khoá: giá trị", "a mapping"
    return f"giá trị {value!r}", f"the value {value!r}"


def inside_folder(folder: Path, relative: str) -> Path | None:
    """``folder / relative`` when it stays inside ``folder`` (no absolute path, no ``..`` out of it,
    no symbolic link leading out), else ``None``: the dataset folder is the unit of trust."""
    candidate = Path(relative)
    if candidate.is_absolute() or candidate.drive:
        return None
    target = folder / candidate
    try:
        target.resolve().relative_to(folder.resolve())
    except ValueError:
        return None
    return target


def _layer_spec(folder: Path, role: str, entry: Any, manifest_path: Path, lines: _Lines) -> LayerSpec:
    """Build a :class:`LayerSpec` from one ``layers:`` entry, raising DataError (with its line) on a
    malformed one or on a path that leaves the dataset folder."""
    if isinstance(entry, str):
        entry = {"path": entry}
    line = lines.of("layers", role)
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not entry["path"].strip():
        got_vi, got_en = _kind(entry)
        raise _shape_error(
            manifest_path,
            line,
            f"lớp '{role}' phải có 'path: <tên tệp>' (đọc được {got_vi}).",
            f"layer '{role}' needs 'path: <file name>' (found {got_en}).",
        )
    for key in READER_KEYS:
        value = entry.get(key)
        if isinstance(value, (list, dict)):
            raise _shape_error(
                manifest_path,
                lines.of("layers", role, key),
                f"lớp '{role}': '{key}' phải là một giá trị (tên), không phải {_kind(value)[0]}.",
                f"layer '{role}': '{key}' must be a single value (a name), not {_kind(value)[1]}.",
            )
    path = inside_folder(folder, entry["path"].strip())
    if path is None:
        raise _shape_error(
            manifest_path,
            lines.of("layers", role, "path"),
            f"lớp '{role}': đường dẫn {entry['path']!r} ra ngoài thư mục bộ dữ liệu; từ chối đọc. "
            "Chép tệp vào thư mục bộ dữ liệu và ghi tên tệp (không có ../ hay đường dẫn tuyệt đối).",
            f"layer '{role}': the path {entry['path']!r} leads outside the dataset folder; refused. "
            "Copy the file into the dataset folder and give its name (no ../, no absolute path).",
        )
    reader = {k: (None if entry.get(k) is None else str(entry[k])) for k in READER_KEYS if k != "path"}
    columns = {k: v for k, v in entry.items() if k not in READER_KEYS}
    return LayerSpec(role=role, path=path, columns=columns, **reader)


def _check_settings(raw: Any, manifest_path: Path, lines: _Lines) -> dict[str, Any]:
    """The ``settings:`` mapping after checking every value's type (see :func:`geo.settings.merged`)."""
    if raw is None:
        return {}
    try:
        merged(raw)
    except SettingsError as exc:
        raise _shape_error(
            manifest_path,
            lines.of("settings", *exc.path),
            exc.vi + " Sửa hoặc xoá giá trị này trong mục settings.",
            exc.en + " Fix or remove this value under settings.",
        ) from exc
    return raw


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
    lines = _Lines(path.read_text(encoding="utf-8-sig"))
    if not isinstance(raw, dict):
        got_vi, got_en = _kind(raw)
        raise _shape_error(
            path,
            1,
            f"tệp phải gồm các cặp khoá: giá trị (name:, crs:, layers: ...), nhưng đọc được {got_vi}.",
            f"the file must hold key: value pairs (name:, crs:, layers: ...), but it holds {got_en}.",
        )
    for key in ("name", "crs", "province", "catalogue"):
        if isinstance(raw.get(key), (list, dict)):
            raise _shape_error(
                path,
                lines.of(key),
                f"'{key}' phải là một giá trị (chữ), không phải {_kind(raw[key])[0]}.",
                f"'{key}' must be a single value (text), not {_kind(raw[key])[1]}.",
            )
    layers = raw.get("layers") or {}
    if not isinstance(layers, dict):
        raise _shape_error(
            path,
            lines.of("layers"),
            f"'layers:' phải là các cặp <lớp>: <tệp> (vd. communes: xa.gpkg), không phải {_kind(layers)[0]}. "
            f"Các lớp hợp lệ: {', '.join(_ROLES)}.",
            f"'layers:' must map <layer>: <file> (e.g. communes: xa.gpkg), not {_kind(layers)[1]}. "
            f"Valid layers: {', '.join(_ROLES)}.",
        )
    unknown = sorted(str(k) for k in set(layers) - set(_ROLES))
    if unknown:
        raise _shape_error(
            path,
            lines.of("layers", unknown[0]),
            f"lớp không biết {unknown}. Các lớp hợp lệ: {', '.join(_ROLES)}.",
            f"unknown layer(s) {unknown}. Valid layers: {', '.join(_ROLES)}.",
        )
    specs = tuple(_layer_spec(folder, role, layers[role], path, lines) for role in _ROLES if role in layers)
    if "layers" not in raw:
        specs = _infer(folder).layers
    settings = _check_settings(raw.get("settings"), path, lines)
    return Manifest(
        folder=folder,
        name=str(raw.get("name") or folder.name),
        crs=None if raw.get("crs") is None else str(raw["crs"]),
        province=None if raw.get("province") is None else str(raw["province"]),
        catalogue=str(raw.get("catalogue") or ""),
        settings=settings,
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
