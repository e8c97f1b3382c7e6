"""Unit statistics in planners' layouts (wide with Vietnamese headers, long) join to units or are reported."""

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.io.dataset import read_dataset
from geo.io.stats import level_of
from geo.model import TERRITORY


def _units(folder: Path) -> None:
    gpd.GeoDataFrame(
        {"code": ["03151", "03152"], "name": ["Phường Mường Lay", "Xã Lay Nưa"]},
        geometry=[box(103.1, 22.0, 103.2, 22.1), box(103.2, 22.0, 103.3, 22.1)],
        crs="EPSG:4326",
    ).to_file(folder / "communes.geojson")


def test_wide_table_with_plan_wording_headers_and_title_rows(tmp_path: Path):
    _units(tmp_path)
    rows = [
        ["SỐ LIỆU HẠ TẦNG SỐ NĂM 2024", None, None, None, None],
        [None, None, None, None, None],
        [
            "Đơn vị",
            "Cấp",
            "Năm",
            "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cáp quang",
            "ai_blockchain_iot",
        ],
        ["Thị xã Mường Lay", "Thị xã", 2024, "59,5", "Có"],
        ["phường  mường lay", "Phường", 2024, 61, None],
        ["Xã Lay Nua", "Xã", 2024, 40, None],
    ]
    pd.DataFrame(rows).to_excel(tmp_path / "unit_stats.xlsx", header=False, index=False)
    (tmp_path / "dataset.yaml").write_text(
        "name: Thị xã Mường Lay\nlayers:\n  communes: {path: communes.geojson}\n"
        "  unit_stats: {path: unit_stats.xlsx, name: Đơn vị, level: Cấp, year: Năm}\n",
        encoding="utf-8",
    )
    dataset = read_dataset(tmp_path)
    stats = dataset.unit_stats.set_index(["uid", "indicator"])["value"].to_dict()
    assert stats == {
        (TERRITORY, "household_fibre"): 59.5,
        (TERRITORY, "ai_blockchain_iot"): 1.0,
        ("03151", "household_fibre"): 61.0,
    }
    unmatched = [p for p in dataset.problems if p.severity == "error"]
    assert (
        len(unmatched) == 1 and unmatched[0].row == 6
    )  # "Lay Nua" without diacritics: reported, not guessed
    assert "Xã Lay Nưa" in unmatched[0].fix_vi


def test_long_table_by_code_with_lost_leading_zeros(tmp_path: Path):
    _units(tmp_path)
    pd.DataFrame(
        {
            "code": [3151, 3152],
            "year": [2025, 2025],
            "indicator": ["internet_users"] * 2,
            "value": [91, "n/a"],
        }
    ).to_csv(tmp_path / "unit_stats.csv", index=False)
    dataset = read_dataset(tmp_path)
    assert dataset.unit_stats[["uid", "value"]].values.tolist() == [["03151", 91.0]]
    bad = [p for p in dataset.problems if p.severity == "error"]
    assert [(p.row, "n/a" in p.message_vi) for p in bad] == [(3, True)]


@pytest.mark.parametrize(
    ("cell", "layer"),
    [
        ("Xã", "communes"),
        ("phường", "communes"),
        ("Thôn", "villages"),
        ("TDP", "villages"),
        ("Thị xã", "districts"),
        ("?", None),
    ],
)
def test_level_words(cell: str, layer: str | None):
    assert level_of(cell) == layer
