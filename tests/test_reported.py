"""Operators' reported coverage as a source beside the model (issue 12 §3)."""

from __future__ import annotations

import pytest

from geo.plans.assessment import Assessment
from geo.settings import SettingsError, merged
from tests.builders import reported, sites, two_villages

# Viettel's site covers Bản X (west, 0–2 km) by the model; VNPT's covers Bản X too; Bản Y (east) by none.
MODELLED_SITES = sites(
    {"xy": (1000, 1000), "operators": "Viettel", "radius_m": 1500.0},
    {"xy": (1000, 1000), "operators": "VNPT", "radius_m": 1500.0},
)


def coverage(source: str | None = None, *, maps=None, bts=MODELLED_SITES):
    settings = {"coverage": {"source": source}} if source else None
    layers = {"operator_coverage": maps} if maps is not None else {}
    ds = two_villages(settings=settings, bts_sites=bts, **layers)
    return Assessment(ds).village_coverage.set_index("name")


# Viettel's map: Bản Y only (its 4G there from a site the model does not know of).
VIETTEL_MAP = reported(("Viettel", "4G", (2000, 0, 4000, 2000)))


def test_without_maps_every_village_is_decided_by_the_model():
    table = coverage()
    assert table["source"].tolist() == ["modelled", "modelled"]
    assert table["covered"].tolist() == [True, False]


def test_a_village_inside_an_operators_polygon_is_covered_by_reported_where_the_model_says_not():
    table = coverage(maps=VIETTEL_MAP)
    assert table.loc["Bản Y", "covered"]
    assert table.loc["Bản Y", "source"] == "reported"
    assert table.loc["Bản Y", "share_4g_Viettel"] == 1.0


def test_auto_uses_the_map_only_for_the_operator_who_gave_it():
    table = coverage(maps=VIETTEL_MAP)
    # Viettel's map replaces its model: Bản X is no longer Viettel's …
    assert table.loc["Bản X", "share_4g_Viettel"] == 0.0
    # … but VNPT gave no map, so its modelled coverage still covers Bản X
    assert table.loc["Bản X", "share_4g_VNPT"] == 1.0
    assert table.loc["Bản X", "covered"]
    assert table.loc["Bản X", "source"] == "modelled"


def test_reported_source_uses_only_maps_and_modelled_ignores_them():
    only_maps = coverage("reported", maps=VIETTEL_MAP)
    assert only_maps["covered"].tolist() == [False, True]
    assert set(only_maps["source"]) == {"reported"}
    model = coverage("modelled", maps=VIETTEL_MAP)
    assert model["covered"].tolist() == [True, False]
    assert set(model["source"]) == {"modelled"}


def test_a_5g_map_counts_for_5g_and_broadband_a_4g_map_not_for_5g():
    table = coverage(
        maps=reported(("Viettel", "4G", (2000, 0, 4000, 2000)), ("VNPT", "5G", (2000, 0, 4000, 2000)))
    )
    assert table.loc["Bản Y", "share_5g"] == 1.0
    assert table.loc["Bản Y", "share_5g_Viettel"] == 0.0


def test_unknown_source_setting_is_refused_in_both_languages():
    with pytest.raises(SettingsError) as caught:
        merged({"coverage": {"source": "guess"}})
    assert "auto, reported, modelled" in caught.value.vi and "choose one of" in str(caught.value)


def test_the_demos_kmz_is_read_as_mobifones_4g_and_5g_map_and_decides_its_villages():
    from geo.io.dataset import read_dataset
    from geo.settings import DEMO_DIR

    ds = read_dataset(DEMO_DIR)
    maps = ds.layer("operator_coverage")
    assert not [p for p in ds.problems if p.layer == "operator_coverage"]
    assert sorted(zip(maps["operator"], maps["technology"], strict=True)) == [
        ("MobiFone", "4G"),
        ("MobiFone", "5G"),
    ]
    table = Assessment(ds).village_coverage.set_index("name")
    # the map draws MobiFone's discs: Nà Hừ (behind the ridge) is covered by the report, as by the model
    assert table.loc["Bản Nà Hừ", "covered"] and table.loc["Bản Nà Hừ", "source"] == "reported"
    assert table.loc["Bản Nà Hừ", "share_4g_MobiFone"] == 1.0


def served(source: str, *, per_operator: bool = True) -> dict[str, float]:
    """km² of the 4G coverage overlay per operator as the map page and print maps draw it for ``source``."""
    ds = two_villages(
        settings={"coverage": {"source": source}}, bts_sites=MODELLED_SITES, operator_coverage=VIETTEL_MAP
    )
    areas = Assessment(ds).coverage("4G", per_operator=per_operator)
    return dict(zip(areas["operator"], areas["area_km2"].round(1), strict=True))


def test_the_coverage_overlay_follows_the_source_the_villages_are_judged_by():
    disc = round(3.14159 * 1.5**2, 1)  # a 1.5 km served radius: 7.1 km²
    assert served("modelled") == {
        "Viettel": pytest.approx(disc, abs=0.1),
        "VNPT": pytest.approx(disc, abs=0.1),
    }
    # auto: Viettel drawn from its 2 × 2 km map, VNPT (no map) from the model
    assert served("auto") == {"Viettel": 4.0, "VNPT": pytest.approx(disc, abs=0.1)}
    assert served("reported") == {"Viettel": 4.0}  # only the operators' maps
    assert served("reported", per_operator=False) == {"any": 4.0}
