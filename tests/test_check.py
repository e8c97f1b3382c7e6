"""`python -m geo check` names every problem of a folder of broken files, and passes the bundled demo."""

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import Polygon, box

from geo.cli.main import main
from geo.io.dataset import read_dataset
from geo.settings import DEMO_DIR


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory, cp1258) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    bow_tie = Polygon([(103.30, 22.0), (103.40, 22.1), (103.40, 22.0), (103.30, 22.1)])
    gpd.GeoDataFrame(
        {"code": ["99001", "99001", "99003"], "name": ["Xã Ðông Sơn", "Xã Tây Sơn", "Xã BìnhMinh"]},
        geometry=[box(103.10, 22.0, 103.20, 22.1), box(103.20, 22.0, 103.30, 22.1), bow_tie],
        crs="EPSG:4326",
    ).to_file(folder / "communes.geojson")
    # BTS sites: latitude and longitude columns swapped, one row in the Gulf of Thailand... of Bengal.
    pd.DataFrame(
        {
            "lat": [103.15, 103.25, 90.0],
            "lon": [22.05, 22.06, 15.0],
            "operators": ["Viettel", "VNPT", "MobiFone"],
            "technologies": ["4G", "4G", "4G"],
        }
    ).to_csv(folder / "bts_sites.csv", index=False)
    # Wi-Fi points in VN-2000 / TM-3 103° metres, no CRS given, Windows-1258 text.
    to_tm3 = Transformer.from_crs("EPSG:4326", "EPSG:9205", always_xy=True)
    x, y = to_tm3.transform([103.15, 103.25], [22.05, 22.05])
    text = "x,y,name\n" + "".join(
        f"{a:.2f},{b:.2f},{n}\n" for a, b, n in zip(x, y, ["Nhà văn hóa Bản Nậm Cản", "UBND xã"], strict=True)
    )
    (folder / "wifi_points.csv").write_bytes(cp1258(text))
    (folder / "dataset.yaml").write_text("name: Hỏng\nprovince: Điện Biên\n", encoding="utf-8")
    return folder


def test_broken_folder_exits_1_and_names_each_problem(broken: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "communes.geojson" in out and "99001" in out  # duplicate code, both units named
    assert "Xã Tây Sơn" in out and "Xã Ðông Sơn".replace("Ð", "Đ") in out
    assert "bts_sites.csv, dòng 4" in out  # the row outside Vietnam, as Excel numbers it
    assert "hoán đổi" in out or "đổi chỗ" in out or "swap" in out.lower()  # lat/lon swapped and fixed
    assert "EPSG:9205" in out  # TM-3 zone of Điện Biên picked for the CSV without CRS


def test_broken_folder_still_reads_what_can_be_used(broken: Path):
    dataset = read_dataset(broken)
    wifi = dataset.layers["wifi_points"]
    assert wifi["name"].tolist() == ["Nhà văn hóa Bản Nậm Cản", "UBND xã"]
    assert wifi.geometry.x.round(6).tolist() == [103.15, 103.25]
    assert len(dataset.layers["bts_sites"]) == 2
    assert dataset.layers["communes"].is_valid.all()  # the bow tie is repaired


def test_bundled_demo_checks_clean(capsys: pytest.CaptureFixture[str]):
    assert main(["check", str(DEMO_DIR)]) == 0
    out = capsys.readouterr().out
    assert "Lỗi: 0" in out


def test_english_report(capsys: pytest.CaptureFixture[str]):
    assert main(["--lang", "en", "check", str(DEMO_DIR)]) == 0
    assert "Errors: 0" in capsys.readouterr().out
