"""A scenario: a named set of changes on top of a dataset, read from a file and applied to a copy.

One table, one row per change, column ``change`` naming the kind (Vietnamese or English word):

=================  ===========================  ==============================================
change             columns used                 effect on the applied dataset
=================  ===========================  ==============================================
``new_site``       point, operators,            a new ``bts_sites`` row (``height_m``,
(``tram_moi``)     technologies                 ``azimuth_deg``, ``site_id`` optional)
``upgrade``        site_id, technologies        the technologies are added to every row of
(``nang_cap``)                                  that site id
``share``          site_id, operators,          a new row at the site's point for the added
(``dung_chung``)   technologies (optional)      operator (the site's technologies by default)
``wifi``           point, name (optional)       a new free ``wifi_points`` row
``ftth``           village (uid or name)        the village's ``ftth`` becomes true
=================  ===========================  ==============================================

Files: GeoJSON (points as geometry), KML (via GDAL; read and written) or XLSX/CSV (``lon``/``lat``
columns, EPSG:4326).
Rows that cannot be used are reported as bilingual :class:`geo.errors.Problem` s naming the file and
the row (1-based, header included for tables; feature number for GeoJSON), never dropped silently.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import DataError, Problem
from geo.model import Dataset
from geo.names import fold_word, name_keys
from geo.settings import STORAGE_CRS

__all__ = [
    "CHANGES",
    "CHANGE_WORDS",
    "COLUMNS",
    "Scenario",
    "read_scenario",
    "scenario_from_table",
    "scenario_points",
    "scenario_table",
    "write_scenario",
    "apply_scenario",
]

#: Change kinds, keyed by the folded words a planner may write.
CHANGES = {
    "newsite": "new_site",
    "trammoi": "new_site",
    "upgrade": "upgrade",
    "nangcap": "upgrade",
    "share": "share",
    "sharing": "share",
    "dungchung": "share",
    "wifi": "wifi",
    "ftth": "ftth",
    "capquang": "ftth",
}
#: How a planner reads each change kind, by language (the page's table; files keep the kinds themselves).
CHANGE_WORDS = {
    "vi": {
        "new_site": "Trạm mới",
        "upgrade": "Nâng cấp công nghệ",
        "share": "Thêm nhà mạng dùng chung",
        "wifi": "Điểm Wi-Fi miễn phí",
        "ftth": "Thôn có cáp quang",
    },
    "en": {
        "new_site": "New site",
        "upgrade": "Technology upgrade",
        "share": "Operator added (sharing)",
        "wifi": "Free Wi-Fi point",
        "ftth": "Village gets fibre",
    },
}
#: Columns of a scenario table, in the order written.
COLUMNS = [
    "change",
    "site_id",
    "operators",
    "technologies",
    "height_m",
    "azimuth_deg",
    "village",
    "name",
    "kind",
    "why",
]
_SUFFIXES = (".geojson", ".json", ".kml", ".xlsx", ".csv")


@dataclass
class Scenario:
    """A named set of changes (:data:`COLUMNS` plus a point geometry, EPSG:4326) and what did not fit."""

    name: str
    changes: gpd.GeoDataFrame
    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    def of(self, change: str) -> gpd.GeoDataFrame:
        """The rows of one change kind (``new_site``, ``upgrade``, ``share``, ``wifi``, ``ftth``)."""
        return self.changes[self.changes["change"] == change]


def _column_name(column: object) -> str:
    """``"Site ID"`` → ``"site_id"``: column names as the scenario table spells them."""
    return str(column).strip().casefold().replace(" ", "_")


def _problem(file: str, row: int, vi: str, en: str, fix_vi: str, fix_en: str) -> Problem:
    return Problem("error", file, vi, en, fix_vi, fix_en, layer="scenario", row=row)


def read_scenario(path: str | Path, *, name: str | None = None) -> Scenario:
    """Read a scenario file (GeoJSON, KML, XLSX or CSV; see the module docstring).

    Raises :class:`geo.errors.DataError` for a file that cannot be read at all; rows with an
    unknown ``change`` or a missing point are left out and reported in ``problems``.
    """
    path = Path(path)
    if path.suffix.lower() not in _SUFFIXES or not path.exists():
        raise DataError(
            f"{path.name}: không đọc được kịch bản — cần tệp .geojson, .kml, .xlsx hoặc .csv có sẵn.",
            f"{path.name}: cannot read the scenario — give an existing .geojson, .kml, .xlsx or .csv file.",
        )
    try:
        if path.suffix.lower() in (".xlsx", ".csv"):
            df = pd.read_excel(path) if path.suffix.lower() == ".xlsx" else pd.read_csv(path)
            return scenario_from_table(df, name=name or path.stem, file=path.name, first_row=2)
        gdf = gpd.read_file(path).to_crs(STORAGE_CRS)
        gdf.columns = [c if c == "geometry" else _column_name(c) for c in gdf.columns]
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(
            f"{path.name}: tệp kịch bản hỏng ({exc}) — lưu lại từ QGIS/Excel rồi thử lại.",
            f"{path.name}: the scenario file is broken ({exc}) — save it again from QGIS/Excel and retry.",
        ) from None
    return _checked(gdf.reset_index(drop=True), path.name, name or path.stem, 1)


def scenario_from_table(df: pd.DataFrame, *, name: str, file: str, first_row: int = 1) -> Scenario:
    """A scenario from a table of changes (:data:`COLUMNS`, point as ``lon``/``lat`` in EPSG:4326; column
    names as a planner writes them, ``"Site ID"`` for ``site_id``): a sheet, or the table edited on the page.

    ``file`` names the table in problems and ``first_row`` is the number of its first data row (2 for a
    sheet with a header); unusable rows are left out and reported in ``problems``, as for a file.
    """
    df = pd.DataFrame(df).copy()
    df.columns = [_column_name(c) for c in df.columns]
    lon = pd.to_numeric(df.get("lon", pd.Series(np.nan, index=df.index)), errors="coerce")
    lat = pd.to_numeric(df.get("lat", pd.Series(np.nan, index=df.index)), errors="coerce")
    located = np.isfinite(lon.to_numpy(float)) & np.isfinite(lat.to_numpy(float))
    geometry = np.where(located, shapely.points(lon.to_numpy(float), lat.to_numpy(float)), None)
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"], errors="ignore"), geometry=geometry, crs=STORAGE_CRS
    )
    return _checked(gdf.reset_index(drop=True), file, name, first_row)


def scenario_table(scenario: Scenario) -> pd.DataFrame:
    """The scenario's changes as a plain table: :data:`COLUMNS` then ``lon``/``lat`` (EPSG:4326, empty for
    changes without a point) — what :func:`scenario_from_table` reads back."""
    gdf = scenario.changes
    df = pd.DataFrame(gdf[COLUMNS]).reset_index(drop=True)
    df["lon"], df["lat"] = shapely.get_x(gdf.geometry.values), shapely.get_y(gdf.geometry.values)
    return df


def _checked(gdf: gpd.GeoDataFrame, file: str, name: str, first_row: int) -> Scenario:
    """Normalise columns and kinds, report unusable rows."""
    for column in COLUMNS:
        if column not in gdf:
            gdf[column] = None
    words = gdf["change"].astype("string").fillna("").str.strip()
    kind = words.map(lambda w: CHANGES.get(fold_word(w), ""))
    gdf["change"] = kind.to_numpy()
    rows = np.arange(len(gdf)) + first_row
    problems: list[Problem] = []
    unknown = (kind == "").to_numpy()
    problems += [
        _problem(
            file,
            int(r),
            f"thay đổi '{w}' không rõ",
            f"unknown change '{w}'",
            "ghi new_site, upgrade, share, wifi hoặc ftth ở cột change",
            "write new_site, upgrade, share, wifi or ftth in the change column",
        )
        for r, w in zip(rows[unknown], words[unknown], strict=True)
    ]
    needs_point = kind.isin(["new_site", "wifi"]).to_numpy()
    no_point = needs_point & (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    problems += [
        _problem(
            file,
            int(r),
            "trạm/điểm mới không có toạ độ",
            "the new site or point has no location",
            "điền lon/lat (WGS84) hoặc vẽ điểm",
            "fill lon/lat (WGS84) or draw the point",
        )
        for r in rows[no_point]
    ]
    needs_site = kind.isin(["upgrade", "share"]).to_numpy()
    no_site = needs_site & gdf["site_id"].isna().to_numpy()
    problems += [
        _problem(
            file,
            int(r),
            "thiếu mã trạm (site_id)",
            "the site id (site_id) is missing",
            "ghi mã trạm có sẵn",
            "write an existing site id",
        )
        for r in rows[no_site]
    ]
    keep = ~(unknown | no_point | no_site)
    gdf["source_row"] = rows
    changes = gpd.GeoDataFrame(gdf.loc[keep, [*COLUMNS, "source_row", "geometry"]], crs=STORAGE_CRS)
    return Scenario(name=name, changes=changes.reset_index(drop=True), problems=problems, source=file)


def write_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` as GeoJSON, KML (both EPSG:4326; changes without a point have no geometry) or
    XLSX (sheet ``kich_ban``, ``lon``/``lat`` columns); returns the path. Each reads back with
    :func:`read_scenario` to the same changes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        scenario_table(scenario).to_excel(path, index=False, sheet_name="kich_ban")
    elif suffix == ".kml":
        gdf = scenario.changes[[*COLUMNS, "geometry"]].astype({c: "string" for c in COLUMNS})
        gdf.to_file(path, driver="KML")
    else:
        scenario.changes[[*COLUMNS, "geometry"]].to_file(path, driver="GeoJSON")
    return path


def scenario_points(dataset: Dataset, scenario: Scenario) -> gpd.GeoDataFrame:
    """Where each change of ``scenario`` is on the map (EPSG:4326; :data:`COLUMNS` + geometry): new sites and
    Wi-Fi points at their own point, ``share``/``upgrade`` at the existing site they name (its first row);
    changes of unknown sites and FTTH (a village, not a point) are left out."""
    changes = scenario.changes
    sites = dataset.layers.get("bts_sites")
    at_site = changes["change"].isin(["share", "upgrade"]).to_numpy()
    geometry = changes.geometry.to_numpy().copy()
    if sites is not None and "site_id" in sites and at_site.any():
        ids = _text(sites["site_id"])
        first = pd.Series(sites.geometry.to_numpy(), index=ids.to_numpy())
        first = first[~first.index.duplicated()]
        geometry[at_site] = _text(changes["site_id"])[at_site].map(first).to_numpy()
    out = gpd.GeoDataFrame(changes[COLUMNS].copy(), geometry=list(geometry), crs=STORAGE_CRS)
    located = out.geometry.notna() & ~out.geometry.is_empty & (out["change"] != "ftth")
    return out[located.to_numpy()].reset_index(drop=True)


def _text(series: pd.Series) -> pd.Series:
    """Stripped text, blanks for missing values, as Python strings (object dtype: fast ``isin``)."""
    return series.astype("string").fillna("").str.strip().astype(object)


def _union_tech(old: pd.Series, added: pd.Series) -> pd.Series:
    """';'-joined union of technology lists, order kept (``"2G;3G" + "4G" → "2G;3G;4G"``)."""
    joined = _text(old) + ";" + _text(added)
    parts = joined.str.replace(",", ";").str.split(";")
    return parts.map(lambda p: ";".join(dict.fromkeys(x.strip() for x in p if x.strip())))


def apply_scenario(dataset: Dataset, scenario: Scenario) -> Dataset:
    """Return a new :class:`Dataset` (same name: its territory keeps its name) with ``scenario`` applied;
    ``dataset`` is never changed.

    Unknown site ids (upgrade, share) and villages (ftth) are reported in the new dataset's
    ``problems`` (and the scenario's), naming the scenario file and row.
    """
    layers = dict(dataset.layers)
    problems: list[Problem] = []
    sites = layers.get("bts_sites")
    if sites is None:
        sites = gpd.GeoDataFrame(
            {"operators": [], "technologies": [], "site_id": []}, geometry=[], crs=STORAGE_CRS
        )
    sites = sites.copy()
    site_ids = _text(sites["site_id"]) if "site_id" in sites else pd.Series("", index=sites.index)

    def unknown(rows: gpd.GeoDataFrame, what_vi: str, what_en: str) -> None:
        problems.extend(
            _problem(
                scenario.source,
                int(r),
                f"không có {what_vi} '{v}' trong bộ dữ liệu",
                f"no {what_en} '{v}' in the dataset",
                "kiểm tra lại mã/tên",
                "check the id or name",
            )
            for r, v in zip(
                rows["source_row"], rows["site_id" if what_en != "village" else "village"], strict=True
            )
        )

    upgrades = scenario.of("upgrade")
    up_ids = _text(upgrades["site_id"])
    unknown(upgrades[~up_ids.isin(site_ids).to_numpy()], "trạm", "site")
    added = up_ids.groupby(up_ids.to_numpy()).apply(
        lambda s: ";".join(_text(upgrades.loc[s.index, "technologies"]))
    )
    hit = site_ids.isin(added.index).to_numpy()
    sites.loc[hit, "technologies"] = _union_tech(
        sites.loc[hit, "technologies"], site_ids[hit].map(added)
    ).to_numpy()

    shares = scenario.of("share")
    share_ids = _text(shares["site_id"])
    found = share_ids.isin(site_ids).to_numpy()
    unknown(shares[~found], "trạm", "site")
    first = pd.Series(np.arange(len(sites)), index=site_ids.to_numpy())
    first = first[~first.index.duplicated()]
    base = sites.iloc[first[share_ids[found]].to_numpy()].copy()
    own_tech = _text(shares.loc[found, "technologies"]).to_numpy()
    base["technologies"] = np.where(own_tech != "", own_tech, _text(base["technologies"]).to_numpy())
    base["operators"] = _text(shares.loc[found, "operators"]).to_numpy()
    base["site_id"] = share_ids[found].to_numpy() + "+" + base["operators"].to_numpy()

    new = scenario.of("new_site")
    new_rows = gpd.GeoDataFrame(
        {
            "site_id": np.where(
                _text(new["site_id"]) != "", _text(new["site_id"]), "KB-" + new["source_row"].astype(str)
            ),
            "operators": _text(new["operators"]).to_numpy(),
            "technologies": _text(new["technologies"]).replace("", "4G").to_numpy(),
            "height_m": pd.to_numeric(new["height_m"], errors="coerce").to_numpy(float),
            "azimuth_deg": pd.to_numeric(new["azimuth_deg"], errors="coerce").to_numpy(float),
        },
        geometry=new.geometry.to_numpy(),
        crs=STORAGE_CRS,
    )
    parts = [p for p in (sites, base, new_rows) if len(p)]
    if parts:
        layers["bts_sites"] = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=STORAGE_CRS)

    wifi = scenario.of("wifi")
    if len(wifi):
        points = gpd.GeoDataFrame(
            {"name": _text(wifi["name"]).to_numpy(), "free": True},
            geometry=wifi.geometry.to_numpy(),
            crs=STORAGE_CRS,
        )
        old = layers.get("wifi_points")
        layers["wifi_points"] = gpd.GeoDataFrame(
            pd.concat([p for p in (old, points) if p is not None], ignore_index=True), crs=STORAGE_CRS
        )

    ftth = scenario.of("ftth")
    villages = layers.get("villages")
    if len(ftth) and villages is not None:
        wanted = _text(ftth["village"])
        by_uid = _text(villages["uid"]).isin(wanted)
        keys = name_keys(wanted)
        own = villages["name_key"] if "name_key" in villages else name_keys(villages["name"])
        by_name = own.isin(keys)
        known = wanted.isin(_text(villages["uid"])) | keys.isin(own)
        unknown(ftth[~known.to_numpy()], "thôn", "village")
        villages = villages.copy()
        flag = (villages["ftth"] if "ftth" in villages else pd.Series(None, index=villages.index)).astype(
            object
        )
        flag[(by_uid | by_name).to_numpy()] = True
        villages["ftth"] = flag
        layers["villages"] = villages

    scenario.problems += problems
    return dataclasses.replace(
        dataset,
        layers=layers,
        problems=[*dataset.problems, *problems],
        sources=list(dataset.sources),
    )
