"""Attribute values as planners write them become the model's canonical values, or are reported by row."""

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.io.validate import (
    parse_flags,
    parse_networks,
    parse_numbers,
    parse_operators,
    parse_technologies,
    validate_layer,
)


def test_numbers_with_decimal_comma_thousands_and_percent():
    numbers, bad = parse_numbers(pd.Series(["37,7", "1.234,5", " 80% ", "", None, "n/a"]))
    assert numbers.iloc[:3].tolist() == [37.7, 1234.5, 80.0]
    assert numbers.iloc[3:].isna().all()
    assert bad.tolist() == [False, False, False, False, False, True]


def test_flags_in_vietnamese_and_english():
    flags, bad = parse_flags(pd.Series(["Có", "không", "x", "0", "", None, "có lẽ"]))
    assert flags.iloc[:4].tolist() == [True, False, True, False]
    assert flags.iloc[4:].isna().all()
    assert bad.tolist() == [False] * 6 + [True]


def test_operator_spellings_become_one_canonical_set():
    ops, bad = parse_operators(
        pd.Series(["VNPT-Vinaphone, viettel", "Mobifone / Vinaphone", "Viettel;Viettel", "FPT"])
    )
    assert ops.iloc[:3].tolist() == ["Viettel;VNPT", "VNPT;MobiFone", "Viettel"]
    assert bad.tolist() == [False, False, False, True]


def test_technologies_and_networks():
    techs, _ = parse_technologies(pd.Series(["5g, 4G, 2G", "LTE"]))
    assert techs.tolist() == ["2G;4G;5G", "4G"]
    nets, bad = parse_networks(pd.Series(["Cố định", "di động", "vệ tinh"]))
    assert nets.iloc[:2].tolist() == ["fixed", "mobile"]
    assert bad.tolist() == [False, False, True]


def test_validate_layer_reports_bad_cells_by_row_and_keeps_rows():
    gdf = gpd.GeoDataFrame(
        {
            "operators": ["Viettel", "", "Vinaphone"],
            "technologies": ["4G", "4G", "6G"],
            "height_m": ["30", "ba mươi", "42,5"],
            "source_row": [2, 3, 4],
        },
        geometry=[Point(103.2, 22.0)] * 3,
        crs="EPSG:4326",
    )
    out, problems = validate_layer(gdf, layer="bts_sites", file="tram.xlsx")
    assert len(out) == 3
    assert out["height_m"].tolist()[0] == 30.0 and out["height_m"].tolist()[2] == 42.5
    where = sorted((p.row, p.message_en.split("'")[1]) for p in problems)
    assert where == [(3, "height_m"), (3, "operators"), (4, "technologies")]
    assert all(p.file == "tram.xlsx" and p.severity == "error" for p in problems)
    assert "Viettel" in problems[0].fix_vi or "2G" in problems[0].fix_vi


def test_missing_required_column_names_the_manifest_key():
    gdf = gpd.GeoDataFrame({"source_row": [2]}, geometry=[Point(103.2, 22.0)], crs="EPSG:4326")
    _, problems = validate_layer(gdf, layer="speed_tests", file="do_toc_do.csv")
    missing = {p.message_en.split("'")[3] for p in problems}
    assert missing == {"download_mbps", "network"}
    assert "dataset.yaml" in problems[0].fix_vi


def test_wifi_points_are_free_unless_said_otherwise():
    gdf = gpd.GeoDataFrame(
        {"free": ["Không", None], "source_row": [2, 3]}, geometry=[Point(103.2, 22.0)] * 2, crs="EPSG:4326"
    )
    out, _ = validate_layer(gdf, layer="wifi_points", file="wifi.csv")
    assert out["free"].tolist() == [False, True]


def test_long_columns_keep_each_rows_value_and_index():
    index = pd.RangeIndex(5000, 8000)
    networks, bad = parse_networks(pd.Series(["cố định", "di động", "vệ tinh"] * 1000, index=index))
    assert networks.index.equals(index) and bad.index.equals(index) and networks.dtype == "string"
    assert networks[[5000, 5001, 7998]].tolist() == ["fixed", "mobile", "mobile"]
    assert networks[[5002, 7999]].isna().all() and bad[[5002, 7999]].all()
    assert int(bad.sum()) == 1000
    ops, bad_ops = parse_operators(pd.Series(["Vinaphone, viettel", None] * 1500, index=index))
    assert ops[5000] == ops[7998] == "Viettel;VNPT" and ops[5001] is pd.NA and not bad_ops.any()


def test_a_true_in_a_number_column_is_reported_not_read_as_one():
    numbers, bad = parse_numbers(pd.Series([1, True, "1", "37,7"], dtype=object))
    assert numbers.tolist()[0] == 1.0 and numbers.tolist()[2:] == [1.0, 37.7] and pd.isna(numbers[1])
    assert bad.tolist() == [False, True, False, False]
