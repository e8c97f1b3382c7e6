"""The terrain-aware coverage model: ITU-R P.526 accuracy, the demo's ridge, DEM problems and fallback."""

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

rasterio = pytest.importorskip("rasterio")
from affine import Affine  # noqa: E402  (installed with rasterio)

from geo.compute.diffraction import EARTH_RADIUS_M, K_FACTOR, bullington  # noqa: E402
from geo.compute.terrain import MODEL_FALLBACK, MODEL_TERRAIN, path_losses  # noqa: E402
from geo.dem import open_dem  # noqa: E402
from geo.io.dataset import read_dataset  # noqa: E402
from geo.plans.assessment import Assessment  # noqa: E402
from geo.settings import DEMO_DIR  # noqa: E402

UTM = "EPSG:32648"
CELL = 30.0
X0, Y0 = 500_000.0, 2_400_000.0
WAVELENGTH = 299_792_458.0 / 1.8e9


def _write_tif(path, heights, *, transform, crs=UTM, nodata=None):
    profile = dict(driver="GTiff", width=heights.shape[1], height=heights.shape[0], count=1)
    profile |= dict(dtype=str(heights.dtype), transform=transform, compress="deflate")
    if crs:
        profile["crs"] = crs
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(heights, 1)
    return path


def _flat_dem(tmp_path, ridge_col=None, ridge_height=0.0):
    heights = np.full((21, 200), 100.0, dtype=np.float32)
    if ridge_col is not None:
        heights[:, ridge_col] += ridge_height
    path = _write_tif(tmp_path / "flat.tif", heights, transform=Affine(CELL, 0, X0, 0, -CELL, Y0))
    dem, problems = open_dem(path)
    assert not problems
    return dem


def _fresnel_knife_edge_db(v: float) -> float:
    """J(v) from the Fresnel integrals themselves (ITU-R P.526 eq. 26), not from the approximation."""
    t = np.linspace(0.0, v, 200_001)
    c = np.trapezoid(np.cos(np.pi * t**2 / 2), t)
    s = np.trapezoid(np.sin(np.pi * t**2 / 2), t)
    return float(-20 * np.log10(np.hypot(1 - c - s, c - s) / 2))


def _path(dem, col0, col1, row=10):
    """Pixel coordinates and length of a path along one DEM row between two cell centres."""
    x = X0 + (np.array([col0, col1]) + 0.5) * CELL
    y = np.full(2, Y0 - (row + 0.5) * CELL)
    c, r = dem.pixels(x, y, UTM)
    return (c[:1], r[:1]), (c[1:], r[1:]), np.array([x[1] - x[0]])


@pytest.mark.parametrize("ridge_height", [17.0, 22.0, 30.0, 45.0, 60.0])
def test_single_knife_edge_gives_p526_loss_within_1_db(tmp_path, ridge_height):
    dem = _flat_dem(tmp_path, ridge_col=30, ridge_height=ridge_height)
    site, point, length = _path(dem, 0, 80)
    losses = path_losses(dem, site, point, length, np.array([30.0]), 1.5, np.array([1800.0]))
    d1, total = 30 * CELL, length[0]
    d2 = total - d1
    line = 130.0 + (101.5 - 130.0) * d1 / total
    bulge = d1 * d2 / (2 * K_FACTOR * EARTH_RADIUS_M)
    v = (100.0 + ridge_height + bulge - line) * np.sqrt(2 * total / (WAVELENGTH * d1 * d2))
    assert -0.7 < v < 6
    assert losses.diffraction_db[0] == pytest.approx(_fresnel_knife_edge_db(v), abs=1.0)
    assert losses.obstruction_m[0] == pytest.approx(d1, abs=CELL)
    assert bool(losses.line_of_sight[0]) == (100.0 + ridge_height + bulge < line)


@pytest.mark.parametrize("end", [40, 160, 199])
def test_unobstructed_path_has_no_diffraction(tmp_path, end):
    dem = _flat_dem(tmp_path)
    site, point, length = _path(dem, 0, end)
    losses = path_losses(dem, site, point, length, np.array([30.0]), 1.5, np.array([1800.0]))
    assert losses.diffraction_db[0] == 0.0
    assert losses.line_of_sight[0]
    assert losses.obstruction_height_m[0] < 0


def test_valley_path_is_clear_and_a_hill_in_it_is_not():
    x = np.linspace(0, 3000, 101)
    valley = 400 - 250 * np.sin(np.pi * x / 3000)  # site and village on opposite slopes
    hill = valley + 320 * np.exp(-(((x - 1500) / 120) ** 2))
    b = bullington(
        np.stack([valley, hill]),
        np.array([101, 101]),
        np.full(2, 3000.0),
        np.full(2, 30.0),
        1.5,
        np.full(2, 1800.0),
    )
    assert b.loss_db[0] == 0.0 and b.line_of_sight[0]
    assert b.loss_db[1] > 20 and not b.line_of_sight[1]
    assert b.obstruction_m[1] == pytest.approx(1500, abs=30)


def test_profiles_are_vectorised_in_chunks(tmp_path, monkeypatch):
    """Many paths of different lengths at once, in small chunks, give the answers of one path at a time."""
    import geo.compute.terrain as terrain

    dem = _flat_dem(tmp_path, ridge_col=60, ridge_height=40.0)
    ends = np.arange(20, 200, 7)
    x = X0 + (np.r_[0, ends] + 0.5) * CELL
    c, r = dem.pixels(x, np.full(len(x), Y0 - 10.5 * CELL), UTM)
    site = (np.full(len(ends), c[0]), np.full(len(ends), r[0]))
    args = (np.asarray((ends * CELL), float), np.full(len(ends), 30.0), 1.5, np.full(len(ends), 1800.0))
    together = path_losses(dem, site, (c[1:], r[1:]), *args)
    monkeypatch.setattr(terrain, "_CHUNK_CELLS", 500)
    chunked = path_losses(dem, site, (c[1:], r[1:]), *args)
    length, tx, rx, band = args
    alone = [
        path_losses(
            dem, (site[0][:1], site[1][:1]), (c[[k + 1]], r[[k + 1]]), length[[k]], tx[[k]], rx, band[[k]]
        )
        for k in range(len(ends))
    ]
    np.testing.assert_allclose(together.diffraction_db, chunked.diffraction_db)
    np.testing.assert_allclose(together.diffraction_db, [a.diffraction_db[0] for a in alone])
    assert (together.diffraction_db[ends < 60] == 0).all()
    assert (together.diffraction_db[ends > 70] > 10).all()


def _demo_copy(tmp_path, **coverage):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    manifest.setdefault("settings", {})["coverage"] = coverage
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return folder


def _by_name(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("name")


def test_ridge_turns_a_disc_covered_village_uncovered_and_the_one_in_front_stays(tmp_path):
    disc = _by_name(Assessment(read_dataset(DEMO_DIR)).village_coverage)
    pathloss = _by_name(
        Assessment(
            read_dataset(_demo_copy(tmp_path / "p", model="pathloss", source="modelled"))
        ).village_coverage
    )
    # the model alone (MobiFone's reported map, which the default source uses for MobiFone, says covered)
    dataset = read_dataset(_demo_copy(tmp_path / "t", model="terrain", source="modelled"))
    terrain = _by_name(Assessment(dataset).village_coverage)
    behind, in_front = "Bản Nà Hừ", "Bản Huổi Mí"
    # covered by discs and by the path-loss budget alone: it is the ridge that takes it away
    assert disc.loc[behind, "covered"] and pathloss.loc[behind, "covered"]
    assert not terrain.loc[behind, "covered"]
    assert terrain.loc[behind, "share_4g"] == 0.0
    assert disc.loc[in_front, "covered"] and terrain.loc[in_front, "covered"]
    assert (terrain["model"] == MODEL_TERRAIN).all()
    assert not [p for p in dataset.problems if p.layer == "dem"]
    # terrain only ever removes coverage from the path-loss discs it starts from
    assert (terrain["share_4g"] <= pathloss["share_4g"] + 1e-9).all()


def test_bundled_demo_keeps_the_disc_model_and_its_outputs(tmp_path):
    folder = tmp_path / "no_dem"
    shutil.copytree(DEMO_DIR, folder)
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    del manifest["layers"]["dem"]
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    with_dem, without = read_dataset(DEMO_DIR), read_dataset(folder)
    assert with_dem.dem is not None and without.dem is None
    assert with_dem.settings.coverage.model == "radius"
    coverage = Assessment(with_dem).village_coverage
    assert "model" not in coverage
    pd.testing.assert_frame_equal(coverage, Assessment(without).village_coverage)
    pd.testing.assert_frame_equal(Assessment(with_dem).computed, Assessment(without).computed)


def _dem_variant(tmp_path, change) -> object:
    """A terrain-model copy of the demo whose dem.tif is rewritten by ``change(heights, profile)``."""
    folder = _demo_copy(tmp_path, model="terrain")
    with rasterio.open(folder / "dem.tif") as src:
        heights, profile = src.read(1), dict(src.profile)
    heights, profile = change(heights, profile)
    (folder / "dem.tif").unlink()
    with rasterio.open(folder / "dem.tif", "w", **profile) as dst:
        dst.write(heights, 1)
    return folder


def _fallback_checks(folder, fallen):
    dataset = read_dataset(folder)
    terrain = Assessment(dataset).village_coverage
    pathloss = Assessment(read_dataset(_demo_copy(folder.parent / "p", model="pathloss"))).village_coverage
    down = fallen if isinstance(fallen, np.ndarray) else terrain["name"].isin(fallen).to_numpy()
    assert (terrain["model"][down] == MODEL_FALLBACK).all()
    assert (terrain["model"][~down] == MODEL_TERRAIN).all()
    np.testing.assert_allclose(terrain["share_4g"][down], pathloss["share_4g"][down])
    messages = [p for p in dataset.problems if p.layer == "dem" and p.feature.startswith("'")]
    named = {p.feature.strip("'") for p in messages}
    assert named == set(terrain["name"][down])
    for p in messages:
        assert p.file == "dem.tif" and p.fix_vi and p.fix_en
        assert "thôn" in p.message_vi and "village" in p.message_en and "path loss" in p.message_en
    return dataset, terrain, messages


def test_dem_without_crs_falls_back_everywhere_with_a_message_per_village(tmp_path):
    def no_crs(heights, profile):
        profile.pop("crs", None)
        return heights, profile | {"crs": None}

    folder = _dem_variant(tmp_path, no_crs)
    dataset, terrain, messages = _fallback_checks(folder, np.ones(60, bool))
    assert len(messages) == len(terrain)
    assert any(p.severity == "error" and "CRS" in p.message_en for p in dataset.problems if p.layer == "dem")
    assert "gdal_edit.py -a_srs" in messages[0].fix_en
    assert "Bản Nà Hừ" in " ".join(p.text("en") for p in messages)


def test_dem_not_covering_the_area_falls_back_in_the_villages_it_misses(tmp_path):
    def west_half(heights, profile):
        half = heights.shape[1] // 2
        return np.ascontiguousarray(heights[:, :half]), profile | {"width": half}

    folder = _dem_variant(tmp_path, west_half)
    with rasterio.open(folder / "dem.tif") as src:
        edge = src.bounds.right
        villages = read_dataset(DEMO_DIR).layer("villages").to_crs(src.crs)
    left, right = villages.bounds["minx"].to_numpy(), villages.bounds["maxx"].to_numpy()
    assert (right < edge).sum() > 10 and (left > edge).sum() > 10
    fallen = (Assessment(read_dataset(folder)).village_coverage["model"] == MODEL_FALLBACK).to_numpy()
    assert fallen[left > edge].all() and not fallen[right < edge].any()
    _, terrain, messages = _fallback_checks(folder, fallen)
    assert "Bản Nà Hừ" in set(terrain["name"][fallen])
    assert all("does not reach" in p.message_en for p in messages)


def test_dem_with_nodata_over_a_village_falls_back_there(tmp_path):
    def hole(heights, profile):
        from rasterio.features import geometry_mask

        villages = read_dataset(DEMO_DIR).layer("villages").to_crs(profile["crs"])
        village = villages.set_index("name").loc["Bản Nà Hừ"].geometry
        inside = ~geometry_mask([village], out_shape=heights.shape, transform=profile["transform"])
        return np.where(inside, np.int16(-32768), heights), profile | {"nodata": -32768}

    folder = _dem_variant(tmp_path, hole)
    _, terrain, messages = _fallback_checks(folder, {"Bản Nà Hừ"})
    assert "nodata" in messages[0].message_en and "Bản Nà Hừ" in messages[0].text("vi")
    assert terrain.set_index("name").loc["Bản Nà Hừ", "covered"]  # the path-loss model covers it


def test_terrain_model_without_a_dem_layer_says_so_and_uses_the_path_loss_model(tmp_path):
    folder = _demo_copy(tmp_path, model="terrain")
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    del manifest["layers"]["dem"]
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    dataset = read_dataset(folder)
    terrain = Assessment(dataset).village_coverage
    pathloss = Assessment(read_dataset(_demo_copy(tmp_path / "p", model="pathloss"))).village_coverage
    assert (terrain["model"] == MODEL_FALLBACK).all()
    np.testing.assert_allclose(terrain["share_4g"], pathloss["share_4g"])
    assert any("no dem layer" in p.message_en for p in dataset.problems)


def test_unreadable_dem_is_an_error_naming_the_file(tmp_path):
    bad = tmp_path / "dem.tif"
    bad.write_text("not a raster")
    dem, problems = open_dem(bad)
    assert dem is None and problems[0].severity == "error" and "dem.tif" in problems[0].text("en")


# --- cross-check against an independent implementation (Longley-Rice, itmlogic; test reference only) ---


def _itm_excess_db(heights: np.ndarray, step_m: float, band_mhz: float, tx_m: float, rx_m: float) -> float:
    """ITM point-to-point reference attenuation (dB over free space) of a profile, from itmlogic."""
    from itmlogic.preparatory_subroutines.qlrpfl import qlrpfl
    from itmlogic.preparatory_subroutines.qlrps import qlrps

    wn, gme, ens, zgnd = qlrps(band_mhz, 0, 301, 1, 15, 0.005)
    prop = {"pfl": [len(heights) - 1, step_m, *map(float, heights)], "hg": [tx_m, rx_m], "wn": wn}
    prop |= {"gme": gme, "ens": ens, "zgnd": zgnd, "kwx": 0, "lvar": 5, "mdvar": 12, "mdvarx": 12}
    prop |= {"klimx": 5, "klim": 5}
    return float(qlrpfl(prop)["aref"])


def test_random_profiles_agree_with_longley_rice_in_kind():
    """Bullington (one equivalent edge) against ITM's reference attenuation on random hilly profiles.

    ITM adds the two horizon edges' knife-edge losses and blends in a rough-earth term, so on
    obstructed paths it is about 2× our diffraction (2.0–2.2× on most, 3.6× on a grazing one);
    on clear paths ours is 0 and ITM's 2–14 dB (ground reflection, which our median model holds).
    What must agree: which paths are obstructed, and their order.
    """
    pytest.importorskip("itmlogic")
    rng = np.random.default_rng(12)
    ours, theirs, clear = [], [], []
    for _ in range(24):
        length = rng.uniform(2_000, 10_000)
        n = int(length / CELL) + 1
        x = np.linspace(0, length, n)
        heights = np.full(n, 300.0)
        for _ in range(rng.integers(1, 4)):
            heights += rng.uniform(-40, 150) * np.exp(
                -(((x - rng.uniform(0.2, 0.8) * length) / rng.uniform(150, 600)) ** 2)
            )
        b = bullington(
            heights[None, :], np.array([n]), np.array([length]), np.array([30.0]), 1.5, np.array([1800.0])
        )
        ours.append(float(b.loss_db[0]))
        clear.append(bool(b.line_of_sight[0]))
        theirs.append(_itm_excess_db(heights, length / (n - 1), 1800.0, 30.0, 1.5))
    ours, theirs, clear = np.array(ours), np.array(theirs), np.array(clear)
    assert clear.any() and (~clear).any()
    assert (ours[clear] < 1).all() and (theirs[clear] < 15).all()
    assert (ours[~clear] > 3).all() and (theirs[~clear] > 15).all()
    ratio = theirs[~clear] / ours[~clear]
    assert ((ratio > 1.5) & (ratio < 4.0)).all()
    rank = pd.Series(ours).rank().corr(pd.Series(theirs).rank())
    assert rank > 0.8
