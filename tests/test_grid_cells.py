"""Operators' reported coverage as a grid CSV of cells (geo.io.grid_cells): centres turned into square
cells, cells below the signal threshold not covering, bad rows reported with file, row and fix."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml
from pyproj import Transformer

from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.settings import DEMO_DIR

GRID = "vung_phu_viettel_luoi.csv"


def _centres(polygon, cell_m: float, crs: str) -> list[tuple[float, float]]:
    """Lon/lat centres of a ``cell_m`` grid (in ``crs``) over ``polygon``'s bounds."""
    to_metric = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    x0, y0 = to_metric.transform(*polygon.bounds[:2])
    x1, y1 = to_metric.transform(*polygon.bounds[2:])
    xs, ys = np.meshgrid(np.arange(x0, x1 + cell_m, cell_m), np.arange(y0, y1 + cell_m, cell_m))
    lon, lat = back.transform(xs.ravel(), ys.ravel())
    return list(zip(lon, lat, strict=True))


def _folder(tmp_path: Path, settings: dict | None = None) -> Path:
    """The demo with Viettel's 4G map as a grid CSV: strong cells over Bản Nà Hừ, weak (-115 dBm) cells
    over Bản Háng Lìa, and two bad rows."""
    folder = Path(shutil.copytree(DEMO_DIR, tmp_path / "luoi"))
    demo = read_dataset()
    villages, crs = demo.layers["villages"].set_index("name").geometry, demo.settings.metric_crs
    strong = _centres(villages["Bản Nà Hừ"], 100, crs)
    weak = _centres(villages["Bản Háng Lìa"], 200, crs)
    rows = [(lon, lat, "Viettel", "4G", -90, "") for lon, lat in strong]
    rows += [(lon, lat, "Viettel", "4G", -115, 200) for lon, lat in weak]
    rows.insert(0, (*rows[0][:4], -90, "-5"))  # row 2 of the file: a negative cell side
    rows.insert(1, (*rows[1][:4], "mạnh", ""))  # row 3: a signal level that is not a number
    with (folder / GRID).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["kinh_do", "vi_do", "nha_mang", "cong_nghe", "muc_tin_hieu", "canh_o"])
        writer.writerows(rows)
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    manifest["layers"]["operator_coverage"] = {
        "path": GRID, "x": "kinh_do", "y": "vi_do", "operator": "nha_mang", "technology": "cong_nghe",
        "signal_dbm": "muc_tin_hieu", "cell_m": "canh_o",
    }  # fmt: skip
    coverage = {"source": "reported", **(settings or {})}
    manifest["settings"] = {**manifest.get("settings", {}), "coverage": coverage}
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    return read_dataset(_folder(tmp_path_factory.mktemp("grid")))


def test_cell_centres_become_squares_of_their_side(grid):
    cells = grid.layers["operator_coverage"]
    assert set(shapely.get_type_id(cells.geometry.to_numpy())) == {shapely.GeometryType.POLYGON}
    metric = cells.to_crs(grid.settings.metric_crs)
    sides = np.sqrt(metric.area.to_numpy())
    assert np.allclose(sides[cells["cell_m"].isna().to_numpy()], 100, atol=0.5)  # settings default
    assert np.allclose(sides[cells["cell_m"].eq(200).to_numpy()], 200, atol=0.5)


def test_strong_cells_cover_weak_cells_do_not(grid):
    coverage = Assessment(grid).village_coverage.set_index("name")
    assert coverage.loc["Bản Nà Hừ", "share_4g_Viettel"] >= 0.8 and coverage.loc["Bản Nà Hừ", "covered"]
    assert coverage.loc["Bản Háng Lìa", "share_4g_Viettel"] == 0  # -115 dBm < -105 dBm
    assert coverage.loc["Bản Nà Hừ", "source"] == "reported"


def test_the_threshold_is_a_setting(tmp_path):
    lenient = read_dataset(_folder(tmp_path, {"reported_min_dbm": {"4G": -120}}))
    coverage = Assessment(lenient).village_coverage.set_index("name")
    assert coverage.loc["Bản Háng Lìa", "share_4g_Viettel"] >= 0.8


def test_bad_rows_are_reported_with_file_row_and_fix(grid):
    mine = [p for p in grid.problems if p.file == GRID]
    side = next(p for p in mine if "cell_m" in p.message_vi)
    assert side.row == 2 and "bị bỏ qua" in side.message_vi and "left out" in side.message_en
    assert "100" in side.fix_vi and "settings.coverage.reported_cell_m" in side.fix_en
    signal = next(p for p in mine if p.row == 3)
    assert "mạnh" in signal.message_vi
    lines = (Path(grid.folder) / GRID).read_text(encoding="utf-8").splitlines()
    assert len(grid.layers["operator_coverage"]) == len(lines) - 2  # header and the negative side left out
