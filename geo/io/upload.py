"""Planners' uploaded files: stage them safely, say what each holds, and save a dataset folder.

Steps the page follows: :func:`stage_files` writes the uploaded bytes into a fresh staging
folder (bare file names only, size and archive limits checked); :func:`inspect_file` reports per
file its likely layer role, geometry type, feature count and columns, and :func:`suggest_columns`
proposes which file column feeds each model field; :func:`commit_dataset` writes the
``dataset.yaml``, reads the staged folder with ``geo.io.dataset.read_dataset`` and, only when that
finds no error, swaps the folder in under :func:`datasets_dir` in one rename, so a bad upload
never replaces data already saved.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import unicodedata
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pyogrio
import yaml

from geo.auth.roles import Action, Actor, require
from geo.errors import DataError, Problem, errors_in, unexpected_problem
from geo.io.archives import check_archive
from geo.io.dataset import read_dataset
from geo.io.manifest import MANIFEST_NAME, LayerSpec, Manifest, write_manifest
from geo.io.tables import FIELD_WORDS, TABLE_SUFFIXES, column_key, find_xy_columns, read_table
from geo.model import LAYER_FIELDS, Dataset
from geo.settings import MAX_ARCHIVE_MEMBERS, MAX_UPLOAD_BYTES, YAML_LOADER

__all__ = [
    "HOME_ENV",
    "MAX_FILE_BYTES",
    "MAX_ARCHIVE_BYTES",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_FEATURES",
    "UPLOAD_SUFFIXES",
    "FileInfo",
    "app_home",
    "datasets_dir",
    "saved_datasets",
    "dataset_slug",
    "stage_files",
    "guess_role",
    "inspect_file",
    "model_fields",
    "suggest_columns",
    "commit_dataset",
    "VERSION_FILE",
    "PREVIOUS_DIR",
    "previous_version",
    "restore_previous",
]

log = logging.getLogger(__name__)

#: Environment variable naming the folder where the app keeps saved datasets (default ``~/.coverage-map``).
HOME_ENV = "COVERAGE_MAP_HOME"
#: Largest single uploaded file (bytes).
MAX_FILE_BYTES = MAX_UPLOAD_BYTES
#: Largest total size an uploaded .zip/.kmz may expand to (bytes); most members: :data:`MAX_ARCHIVE_MEMBERS`.
MAX_ARCHIVE_BYTES = 500 * 1024**2
#: Folder (under :func:`datasets_dir`) keeping the version each saved dataset replaced, one sub-folder each.
PREVIOUS_DIR = ".previous"
#: Longest file name written (bytes of UTF-8; file systems allow 255, Vietnamese letters take 2–3 bytes).
_MAX_NAME_BYTES = 180
#: Most features (rows) one uploaded layer may hold; national village boundaries are ~70,000.
MAX_FEATURES = 1_000_000
#: File in a saved dataset's folder saying who saved that version and when (JSON).
VERSION_FILE = ".version.json"
#: File types the page accepts.
UPLOAD_SUFFIXES = (".geojson", ".json", ".zip", ".gpkg", ".kml", ".kmz", ".csv", ".xlsx")

#: Words in a file name (diacritics removed) that point to a layer role, checked in this order.
_ROLE_WORDS = (
    ("speed_tests", ("speed", "tocdo", "ispeed", "dotoc")),
    ("bts_sites", ("bts", "tram", "site", "cell")),
    ("wifi_points", ("wifi", "wlan")),
    ("public_places", ("congcong", "public", "place", "ubnd", "diemcong")),
    ("settlements", ("dancu", "settlement", "cumdan", "khudan")),
    ("unit_stats", ("chitieu", "stats", "solieu", "thongke", "baocao")),
    ("villages", ("thon", "ban", "village", "todanpho", "tdp", "khupho", "ap")),
    ("districts", ("huyen", "district", "quan", "thixa")),
    ("communes", ("xa", "phuong", "commune", "ward", "thitran")),
    ("provinces", ("tinh", "province")),
)
#: File column names (as :func:`geo.io.tables.column_key` gives them) that usually hold a model field.
#: Column name beginnings that usually hold a unit's name or code ("TEN_XA", "MA_TX").
_FIELD_PREFIXES = {"name": "ten", "code": "ma"}
_SLUG = re.compile(r"[^\w-]+", re.UNICODE)


@dataclass(frozen=True)
class FileInfo:
    """What one staged file (or one layer of a GeoPackage/KML) holds: ``role`` guessed (or ``None``),
    ``geometry`` type ("" for a table), ``n_features``, ``columns``, ``suggested`` column mapping, and
    ``error_*`` (plain words, both languages) when it cannot be opened."""

    path: Path
    role: str | None
    layer: str | None = None
    geometry: str = ""
    n_features: int = 0
    columns: tuple[str, ...] = ()
    error_vi: str = ""
    error_en: str = ""
    suggested: dict[str, str] = field(default_factory=dict)


def _now_text() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def app_home() -> Path:
    """Return the app's data folder: ``$COVERAGE_MAP_HOME`` or ``~/.coverage-map`` (not created here)."""
    return Path(os.environ.get(HOME_ENV) or Path.home() / ".coverage-map")


def datasets_dir() -> Path:
    """Return the folder holding saved datasets (one sub-folder each), created when missing."""
    folder = app_home() / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def saved_datasets() -> dict[str, Path]:
    """Return the saved datasets by folder name (those with a ``dataset.yaml``), sorted by name."""
    folders = sorted(
        p.parent for p in datasets_dir().glob("*/dataset.yaml") if not p.parent.name.startswith(".")
    )
    return {p.name: p for p in folders}


def dataset_slug(name: str) -> str:
    """Return a folder name for dataset ``name`` (letters incl. Vietnamese, digits, ``-``, ``_``).

    Raises :class:`DataError` when nothing usable is left (e.g. ``"../.."``).
    """
    slug = _SLUG.sub("-", unicodedata.normalize("NFC", name)).strip("-_. ")
    if not slug:
        raise DataError(
            f"Tên bộ dữ liệu '{name}' không dùng được làm tên thư mục.",
            f"Dataset name '{name}' cannot be used as a folder name.",
        )
    return slug[:80]


def stage_files(
    files: Mapping[str, bytes], *, staging: Path | None = None, max_bytes: int = MAX_FILE_BYTES
) -> tuple[Path, list[DataError]]:
    """Write uploaded ``files`` ({file name: content}) into a new staging folder and return it with the
    refusals. Only the bare file name is kept (``../../x.csv`` is written as ``x.csv``); files of an
    unknown type, larger than ``max_bytes`` or unsafe archives are refused (one :class:`DataError` each,
    not written). ``staging`` defaults to a new folder under :func:`datasets_dir`.
    """
    staging = staging or datasets_dir() / f".staging-{uuid.uuid4().hex}"
    staging.mkdir(parents=True, exist_ok=True)
    refused: list[DataError] = []
    accepted = ", ".join(UPLOAD_SUFFIXES)
    for raw_name, content in files.items():
        name = PurePosixPath(str(raw_name).replace("\\", "/")).name.strip()
        suffix = Path(name).suffix.lower()
        if not name or name.startswith(".") or suffix not in UPLOAD_SUFFIXES:
            refused.append(
                DataError(
                    f"{raw_name}: loại tệp không nhận ({suffix or 'không có đuôi'}); dùng {accepted}.",
                    f"{raw_name}: file type not accepted ({suffix or 'no extension'}); use {accepted}.",
                )
            )
            continue
        size_mb, limit_mb = len(content) / 1024**2, max_bytes / 1024**2
        if len(content) > max_bytes:
            refused.append(
                DataError(
                    f"{name}: tệp {size_mb:.0f} MB, quá giới hạn {limit_mb:.0f} MB. "
                    "Chia nhỏ tệp hoặc chỉ giữ vùng cần xem.",
                    f"{name}: file of {size_mb:.0f} MB, over the {limit_mb:.0f} MB limit. "
                    "Split the file or keep only the area you need.",
                )
            )
            continue
        name = _short_name(name)
        target = staging / name
        try:
            target.write_bytes(content)
        except OSError as exc:  # a name the file system refuses, a full disk: refuse this file, go on
            target.unlink(missing_ok=True)
            refused.append(
                DataError(
                    f"{raw_name}: không ghi được tệp ({exc.strerror or exc}). "
                    "Đổi tên tệp ngắn hơn rồi tải lại.",
                    f"{raw_name}: the file could not be written ({exc.strerror or exc}). Give it a shorter "
                    "name and upload it again.",
                )
            )
            continue
        if suffix in (".zip", ".kmz"):
            try:
                check_archive(target, max_bytes=MAX_ARCHIVE_BYTES, max_members=MAX_ARCHIVE_MEMBERS)
            except DataError as exc:
                target.unlink()
                refused.append(exc)
    return staging, refused


def _short_name(name: str) -> str:
    """``name`` NFC, shortened (suffix kept) to fit :data:`_MAX_NAME_BYTES` bytes of UTF-8."""
    name = unicodedata.normalize("NFC", name)
    if len(name.encode("utf-8")) <= _MAX_NAME_BYTES:
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    tag = uuid.uuid5(uuid.NAMESPACE_URL, name).hex[:6]
    room = _MAX_NAME_BYTES - len(suffix.encode("utf-8")) - len(tag) - 1
    short = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip()
    return f"{short}~{tag}{suffix}"


def guess_role(file_name: str, geometry: str = "") -> str | None:
    """Return the layer role a file probably holds, from words in its name (Vietnamese or English,
    diacritics ignored) and else from its geometry: a table without geometry → ``unit_stats``;
    ``None`` when nothing points anywhere (the planner picks)."""
    words = [column_key(w) for w in re.split(r"[^\w]+|_", Path(file_name).stem) if w]
    joined = "".join(words)
    for role, keys in _ROLE_WORDS:
        if any(k in words or (len(k) > 3 and k in joined) for k in keys):
            return role
    return "unit_stats" if geometry == "" and Path(file_name).suffix.lower() in TABLE_SUFFIXES else None


def model_fields(role: str) -> list[str]:
    """Return the model fields a file of ``role`` can map (required first; ``x``/``y`` for tables)."""
    if role == "unit_stats":
        return ["code", "name", "level", "year"]
    spec = LAYER_FIELDS[role]
    return [*spec["required"], *spec["optional"]]


def suggest_columns(role: str, columns: tuple[str, ...]) -> dict[str, str]:
    """Return {model field: file column} for fields whose column is recognisable by name (diacritics and
    case ignored), plus ``x``/``y`` for point tables. Fields already named canonically are left out."""
    keys = {column_key(c): c for c in columns}
    found: dict[str, str] = {}
    for model_field in model_fields(role):
        if model_field in columns:
            continue
        column = next((keys[w] for w in FIELD_WORDS.get(model_field, ()) if w in keys), None)
        prefix = _FIELD_PREFIXES.get(model_field)
        if column is None and prefix:
            column = next((c for k, c in keys.items() if k.startswith(prefix)), None)
        if column is not None and column not in found.values():
            found[model_field] = column
    return found


def _layers(path: Path) -> list[str | None]:
    """GeoPackage/KML layer names when the file holds more than one, else ``[None]``."""
    if path.suffix.lower() in TABLE_SUFFIXES:
        return [None]
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    return names if len(names) > 1 else [None]


def _count_lines(path: Path) -> int:
    """Lines of a text file, counted in blocks without parsing it."""
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def _inspect_layer(path: Path, layer: str | None) -> FileInfo:
    if path.suffix.lower() in (".csv", ".txt", ".tsv") and (lines := _count_lines(path)) > MAX_FEATURES + 50:
        return FileInfo(
            path,
            None,
            layer,
            "",
            lines,
            (),
            error_vi=f"{path.name}: khoảng {lines} dòng, quá giới hạn {MAX_FEATURES}. Cắt theo vùng cần xem.",
            error_en=f"{path.name}: about {lines} rows, over the {MAX_FEATURES} limit. Clip it to your area.",
        )
    if path.suffix.lower() in TABLE_SUFFIXES:
        df, _ = read_table(path)
        columns = tuple(str(c) for c in df.columns if c != "source_row")
        geometry, n = ("Point" if find_xy_columns(columns) else ""), len(df)
    else:
        info = pyogrio.read_info(path, layer=layer)
        columns = tuple(str(c) for c in info["fields"])
        geometry, n = str(info["geometry_type"] or ""), int(info["features"])
    label = f"{path.name} [{layer}]" if layer else path.name
    if n > MAX_FEATURES:
        return FileInfo(
            path,
            None,
            layer,
            geometry,
            n,
            columns,
            error_vi=f"{label}: {n} đối tượng, quá giới hạn {MAX_FEATURES}. Cắt theo vùng cần xem.",
            error_en=f"{label}: {n} features, over the {MAX_FEATURES} limit. Clip it to your area.",
        )
    role = guess_role(layer or path.name, geometry) or guess_role(path.name, geometry)
    suggested = suggest_columns(role, columns) if role else {}
    return FileInfo(path, role, layer, geometry, n, columns, suggested=suggested)


def inspect_file(path: Path) -> list[FileInfo]:
    """Return what ``path`` holds without reading it all, one :class:`FileInfo` per layer (GeoPackage and
    KML files may hold several): geometry type, feature count, columns, role guess and column
    suggestions. A file that cannot be opened gives one FileInfo with ``error_*`` set; so does a layer
    over :data:`MAX_FEATURES` (the message gives the limit). Never raises for a bad file."""
    try:
        return [_inspect_layer(path, layer) for layer in _layers(path)]
    except Exception as exc:  # any reader failure is reported on the page, never raised
        foreseen = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, zipfile.BadZipFile)
        if isinstance(exc, DataError):
            message = exc.en
        elif isinstance(exc, foreseen):  # a broken file: GDAL's own words say what is wrong
            message = str(exc)
        else:  # not a bad file the readers foresaw: logged with its traceback for a report
            message = unexpected_problem(path.name, exc).message_en
        return [
            FileInfo(
                path,
                None,
                error_vi=f"{path.name}: không mở được ({message}). Mở trong QGIS/Excel, lưu lại rồi tải lên.",
                error_en=f"{path.name}: cannot be opened ({message}). Open in QGIS/Excel, save, re-upload.",
            )
        ]


def _saved_name(folder: Path) -> str | None:
    """The ``name:`` of the saved dataset in ``folder`` (its folder name when the manifest has none)."""
    try:
        raw = yaml.load((folder / MANIFEST_NAME).read_text(encoding="utf-8-sig"), Loader=YAML_LOADER)
    except (OSError, yaml.YAMLError):
        return folder.name
    return str(raw.get("name") or folder.name) if isinstance(raw, dict) else folder.name


def _same_name(a: str, b: str) -> bool:
    return (
        unicodedata.normalize("NFC", a).strip().casefold()
        == unicodedata.normalize("NFC", b).strip().casefold()
    )


def _unreadable_staged(
    staging: Path, refused: Sequence[DataError], inspected: Sequence[FileInfo] | None
) -> list[Problem]:
    """One error per uploaded file that was refused or cannot be opened: the whole set must read.
    ``inspected`` are the staged files' :class:`FileInfo` when already known (else they are inspected)."""
    problems = [p for exc in refused for p in (exc.problems or [Problem("error", "", str(exc), exc.en)])]
    if inspected is None:
        files = [
            p for p in sorted(staging.iterdir())
            if p.name != MANIFEST_NAME and not p.name.startswith(".") and p.is_file()
        ]  # fmt: skip
        inspected = [info for path in files for info in inspect_file(path)]
    problems += [
        Problem(
            "error",
            info.path.name,
            f"{info.error_vi} Bộ dữ liệu chỉ được lưu khi mọi tệp tải lên đều đọc được.",
            f"{info.error_en} A dataset is saved only when every uploaded file reads.",
            fix_vi="Sửa hoặc bỏ tệp này khỏi lần tải lên rồi thử lại.",
            fix_en="Fix this file or leave it out of the upload, then retry.",
        )
        for info in inspected
        if info.error_vi
    ]
    return problems


def commit_dataset(
    staging: Path,
    *,
    name: str,
    layers: Mapping[str, tuple[FileInfo, Mapping[str, str]]],
    crs: str | None = None,
    refused: Sequence[DataError] = (),
    inspected: Sequence[FileInfo] | None = None,
    user: Actor | str = "",
) -> tuple[Dataset, Path | None]:
    """Write ``staging``'s ``dataset.yaml`` and read it; when the whole uploaded set reads with no error,
    move it to ``datasets_dir()/<slug of name>`` and return the dataset with its new folder; otherwise
    return the dataset (its problems say why) and ``None`` and leave every saved dataset untouched.

    Nothing is lost: a set with a file that was ``refused`` at staging or cannot be opened is not saved
    (even when that file was skipped); a saved dataset is replaced in two renames (the old folder to
    ``.previous/<slug>``, the new one in its place), so :func:`restore_previous` brings it back; and a
    name whose folder already holds *another* dataset ("Mường Lay/2024" and "Mường Lay-2024" share the
    folder ``Mường-Lay-2024``) is refused, never overwritten.

    ``layers`` maps a role to (the staged file's :class:`FileInfo`, {model field: file column}); ``x``/``y``
    keys are the coordinate columns of tables; ``inspected`` the :class:`FileInfo` of every staged file
    when the caller has them (else each staged file is inspected again). ``user`` (an
    :class:`geo.auth.Actor`; a bare name is the local single planner) must be allowed to upload datasets
    (:class:`geo.auth.AccessDenied` otherwise, nothing read or saved); who saved the version and when is
    kept in its folder's :data:`VERSION_FILE`. Raises :class:`DataError` for an unusable name, a name
    clash or a refused user.
    """
    actor = require(user, Action.UPLOAD_DATASETS)
    slug = dataset_slug(name)
    target = datasets_dir() / slug
    if target.exists() and not _same_name(_saved_name(target) or "", name):
        other = _saved_name(target)
        raise DataError(
            f"Tên '{name}' trùng thư mục '{slug}' với bộ dữ liệu đã lưu '{other}'; không ghi đè. "
            "Đặt tên khác, "
            f"hoặc ghi đúng tên '{other}' nếu muốn thay bộ dữ liệu đó.",
            f"The name '{name}' maps to the folder '{slug}' of the saved dataset '{other}'; not overwritten. "
            f"Choose another name, or type '{other}' exactly to replace that dataset.",
        )
    specs = tuple(
        LayerSpec(
            role=role,
            path=info.path,
            layer=info.layer,
            x=columns.get("x"),
            y=columns.get("y"),
            columns={k: v for k, v in columns.items() if k not in ("x", "y") and v},
        )
        for role, (info, columns) in layers.items()
    )
    write_manifest(Manifest(folder=staging, name=name, crs=crs, layers=specs))
    unreadable = _unreadable_staged(staging, refused, inspected)
    try:
        dataset = read_dataset(staging)
    except DataError as exc:
        dataset = Dataset(name=name, folder=str(staging))
        dataset.problems += exc.problems or [Problem("error", MANIFEST_NAME, str(exc), exc.en)]
    except Exception as exc:  # a reader bug: report it, save nothing
        dataset = Dataset(name=name, folder=str(staging))
        dataset.problems.append(unexpected_problem(staging.name, exc))
    dataset.problems = unreadable + dataset.problems
    if errors_in(dataset.problems):
        return dataset, None
    version = {"name": name, "saved_by": actor.label, "role": str(actor.role), "saved_at": _now_text()}
    (staging / VERSION_FILE).write_text(json.dumps(version, ensure_ascii=False, indent=1), encoding="utf-8")
    _swap_in(staging, target)
    dataset.folder = str(target)
    log.info("saved dataset %s in %s by %s", name, target, actor.label)
    return dataset, target


def _swap_in(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``; an existing ``target`` becomes ``.previous/<name>`` (replacing the
    one kept before). Each step is one rename; a failed second rename puts the old folder back."""
    previous = datasets_dir() / PREVIOUS_DIR / target.name
    if not target.exists():
        new.rename(target)
        return
    previous.parent.mkdir(exist_ok=True)
    if previous.exists():
        older = previous.with_name(f".old-{target.name}-{uuid.uuid4().hex[:8]}")
        previous.rename(older)
        shutil.rmtree(older, ignore_errors=True)
    target.rename(previous)
    try:
        new.rename(target)
    except OSError:
        previous.rename(target)
        raise


def previous_version(name: str) -> Path | None:
    """The folder of the version dataset ``name`` (a name or folder name) replaced, or ``None``."""
    folder = datasets_dir() / PREVIOUS_DIR / dataset_slug(name)
    return folder if (folder / MANIFEST_NAME).exists() else None


def restore_previous(name: str) -> Path:
    """Bring back the version dataset ``name`` replaced, and keep the current one as the previous
    (so a restore can itself be undone). Returns the dataset's folder; raises :class:`DataError` when
    there is no previous version."""
    previous = previous_version(name)
    if previous is None:
        raise DataError(
            f"Bộ dữ liệu '{name}' không có phiên bản trước để khôi phục.",
            f"The dataset '{name}' has no previous version to restore.",
        )
    target = datasets_dir() / previous.name
    if not target.exists():
        previous.rename(target)
        return target
    swap = target.with_name(f".restore-{target.name}-{uuid.uuid4().hex[:8]}")
    target.rename(swap)
    previous.rename(target)
    swap.rename(previous)
    log.info("restored the previous version of %s", name)
    return target
