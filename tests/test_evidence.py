"""Speed tests as evidence against coverage sources; disputed villages; white and grey spots (§4–5)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.compute.evidence import check_sources, disputed_villages, served_tests, white_grey_spots
from geo.plans.assessment import Assessment
from tests.builders import points, reported, sites, two_villages

VIETTEL_WEST = sites({"xy": (1000, 1000), "operators": "Viettel", "radius_m": 1500.0})


def speed_at(xy, downloads, **columns) -> pd.DataFrame:
    """Mobile speed tests at one metric offset ``xy``, one per download (Mbit/s; NaN = failed)."""
    return points([{"xy": xy, "download_mbps": d, "network": "mobile", **columns} for d in downloads])


def evidence(speed, **layers):
    a = Assessment(two_villages(bts_sites=layers.pop("bts_sites", VIETTEL_WEST), speed_tests=speed, **layers))
    return a, disputed_villages(a.dataset, a.hierarchy, a.village_coverage)


def test_served_means_download_at_least_the_technologys_threshold():
    speed = pd.concat(
        [
            speed_at((500, 500), [4.9, 5.0, np.nan]),
            speed_at((500, 500), [34.0, 35.0], technology="5G"),
        ],
        ignore_index=True,
    )
    a = Assessment(two_villages(bts_sites=VIETTEL_WEST, speed_tests=speed))
    table = served_tests(a.dataset)
    assert table["technology"].tolist() == ["4G", "4G", "4G", "5G", "5G"]
    assert table["served"].tolist() == [False, True, False, False, True]


def test_ten_failing_tests_in_a_covered_village_dispute_it_nine_do_not():
    _, disputed = evidence(speed_at((500, 500), [1.0] * 10))
    assert disputed["name"].tolist() == ["Bản X"]
    row = disputed.iloc[0]
    assert (row["covered"], row["n_tests"], row["n_not_served"], row["source"]) == (True, 10, 10, "modelled")
    assert row["tests"] == tuple(range(1, 11))
    _, nine = evidence(speed_at((500, 500), [1.0] * 9))
    assert nine.empty


def test_failing_tests_outnumbered_by_served_ones_do_not_dispute():
    _, disputed = evidence(speed_at((500, 500), [1.0] * 10 + [20.0] * 11))
    assert disputed.empty


def test_served_tests_in_an_uncovered_village_dispute_it():
    _, disputed = evidence(speed_at((3500, 1000), [20.0] * 12))
    assert disputed["name"].tolist() == ["Bản Y"]
    assert not disputed.iloc[0]["covered"]


def test_each_source_gets_agreement_and_false_covered_per_commune():
    # 3 failing tests in Bản X (model: covered), 2 served in Bản Y where Viettel's map says covered
    speed = pd.concat(
        [speed_at((500, 500), [1.0] * 3), speed_at((3500, 1000), [20.0] * 2)], ignore_index=True
    )
    a = Assessment(
        two_villages(
            bts_sites=VIETTEL_WEST,
            speed_tests=speed,
            operator_coverage=reported(("Viettel", "4G", (2000, 0, 4000, 2000))),
        )
    )
    table = check_sources(a.dataset, a.hierarchy, a.sites).set_index(["source", "uid"])
    modelled = table.loc[("modelled", "C1")]
    assert (
        modelled["n_tests"],
        modelled["agree"],
        modelled["false_covered"],
        modelled["false_uncovered"],
    ) == (
        5,
        0,
        3,
        2,
    )
    chosen = table.loc[("chosen", "C1")]
    assert (chosen["agree"], chosen["agreement_pct"]) == (5, 100.0)
    assert table.loc[("reported", "territory"), "n_tests"] == 5


def test_white_and_grey_spots_per_technology():
    two_operators = sites(
        {"xy": (1000, 1000), "operators": "Viettel", "radius_m": 1500.0},
        {"xy": (1000, 1000), "operators": "VNPT", "radius_m": 1500.0},
        {"xy": (3000, 1000), "operators": "MobiFone", "radius_m": 1500.0, "technologies": "5G"},
    )
    a = Assessment(two_villages(bts_sites=two_operators))
    spots = white_grey_spots(a.dataset, a.village_coverage).set_index(["name", "technology"])
    assert spots.loc[("Bản X", "4G"), "n_operators"] == 2 and spots.loc[("Bản X", "4G"), "spot"] == ""
    # MobiFone's 5G site counts as mobile broadband: Bản Y is grey for 4G and 5G, Bản X white for 5G
    assert tuple(spots.loc[("Bản Y", "4G"), ["spot", "operator"]]) == ("grey", "MobiFone")
    assert spots.loc[("Bản Y", "5G"), "spot"] == "grey"
    assert spots.loc[("Bản X", "5G"), "spot"] == "white"


def test_evidence_command_prints_per_commune_figures_and_disputed_villages(capsys, tmp_path):
    from geo.cli.main import main
    from geo.settings import DEMO_DIR

    out = tmp_path / "disputed.csv"
    assert main(["--lang", "en", "evidence", str(DEMO_DIR), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Check against mobile speed tests" in text and "Disputed villages (" in text
    assert "white villages (no operator)" in text
    # the demo's story: MobiFone's map and the disc model say Nà Hừ is covered; 24 failing tests say not
    assert "Bản Nà Hừ (99005/nàhừ): covered [reported], 24/44 tests not served" in text
    assert out.read_text(encoding="utf-8-sig").startswith("uid,name,parent_uid,source,covered,n_tests")
    assert main(["evidence", str(DEMO_DIR), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert ".csv" in capsys.readouterr().err


def test_map_layers_draw_white_grey_and_disputed_villages_with_escaped_tooltips():
    import folium

    from geo.palette import EVIDENCE_STYLES
    from layers.evidence import disputed_layer, spots_layer

    a, disputed = evidence(speed_at((500, 500), [1.0] * 10))
    spots = white_grey_spots(a.dataset, a.village_coverage)
    geoms = a.dataset.layer("villages")[["uid", "geometry"]]
    fmap = folium.Map()
    spots_layer(geoms.merge(spots[spots["technology"].eq("4G")], on="uid"), lang="en", name="Spots").add_to(
        fmap
    )
    disputed_layer(geoms.merge(disputed, on="uid"), lang="en", name="Disputed").add_to(fmap)
    html = fmap.get_root().render()
    assert "Only one operator" not in html  # Bản X: Viettel only → grey; Bản Y: none → white
    assert "Grey spot: only one operator covers it" in html and "White spot: no operator covers it" in html
    assert EVIDENCE_STYLES["disputed"]["color"] in html and "10/10" in html
    assert "B\\u1ea3n X" in html or "Bản X" in html
