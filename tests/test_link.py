"""``python -m geo link``: one site–point path, both languages, JSON, and the bilingual usage errors."""

import json

import pytest

pytest.importorskip("rasterio")

from geo.cli.main import main
from geo.io.dataset import read_dataset
from geo.settings import DEMO_DIR

SITE = "VTL-DBN-127"  # Viettel at the mouth of the Huổi Mí valley
KEYS = {
    "distance_m", "free_space_db", "median_loss_db", "diffraction_db", "total_loss_db", "budget_db",
    "line_of_sight", "obstruction", "covered", "model",
}  # fmt: skip


def _village_point(name: str) -> tuple[float, float]:
    village = read_dataset(DEMO_DIR).layer("villages").set_index("name").loc[name].geometry
    point = village.representative_point()
    return point.x, point.y


def _link(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_link_json_behind_the_ridge_and_in_front_of_it(capsys):
    behind, front = _village_point("Bản Nà Hừ"), _village_point("Bản Huổi Mí")
    code, out, _ = _link(capsys, "link", str(DEMO_DIR), "--site", SITE, "--to", *map(str, behind), "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result) >= KEYS
    assert result["model"] == "terrain"
    assert result["line_of_sight"] is False and result["covered"] is False
    assert result["diffraction_db"] > 20
    assert result["total_loss_db"] == pytest.approx(
        result["median_loss_db"] + result["diffraction_db"], abs=0.11
    )
    assert result["median_loss_db"] <= result["budget_db"]  # the ridge, not the distance, takes it away
    assert result["median_loss_db"] >= result["free_space_db"]
    obstruction = result["obstruction"]
    assert 0 < obstruction["distance_m"] < result["distance_m"] and obstruction["height_above_line_m"] > 50
    code, out, _ = _link(capsys, "link", str(DEMO_DIR), "--site", SITE, "--to", *map(str, front), "--json")
    result = json.loads(out)
    assert code == 0 and result["covered"] is True and result["line_of_sight"] is True
    assert result["diffraction_db"] == 0.0


def test_link_text_in_both_languages(capsys):
    behind = _village_point("Bản Nà Hừ")
    code, vi, _ = _link(capsys, "link", str(DEMO_DIR), "--site", SITE, "--to", *map(str, behind))
    assert code == 0
    for label in (
        "khoảng cách",
        "suy hao nhiễu xạ",
        "tổng suy hao",
        "quỹ đường truyền",
        "vật cản chính",
        "có sóng",
    ):
        assert label in vi
    assert "terrain" in vi
    code, en, _ = _link(
        capsys, "--lang", "en", "link", str(DEMO_DIR), "--site", SITE, "--to", *map(str, behind)
    )
    assert code == 0
    for label in (
        "distance",
        "free-space loss",
        "median loss",
        "diffraction loss",
        "total loss",
        "link budget",
    ):
        assert label in en
    assert "line of sight" in en and "main obstruction" in en and "from the site" in en
    assert "covered                      no" in en


@pytest.mark.parametrize(
    ("args", "vi", "en"),
    [
        (["--site", "NO-SUCH-SITE", "--to", "103.2", "22.05"], "Không có trạm", "No site with id"),
        (["--site", "VTL-DBN-129", "--to", "103.2", "22.05"], "không phát 4G", "does not serve 4G"),
        (["--site", SITE, "--to", "103.6", "22.4"], "ngoài mô hình số độ cao", "outside the elevation model"),
    ],
)
def test_link_usage_errors_exit_2_in_both_languages(capsys, args, vi, en):
    code, out, err = _link(capsys, "link", str(DEMO_DIR), *args)
    assert code == 2 and not out and vi in err
    code, out, err = _link(capsys, "--lang", "en", "link", str(DEMO_DIR), *args)
    assert code == 2 and not out and en in err


def test_link_without_a_dem_uses_the_median_loss(capsys, tmp_path):
    import shutil

    import yaml

    folder = tmp_path / "no_dem"
    shutil.copytree(DEMO_DIR, folder)
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    del manifest["layers"]["dem"]
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    behind = _village_point("Bản Nà Hừ")
    code, out, _ = _link(capsys, "link", str(folder), "--site", SITE, "--to", *map(str, behind), "--json")
    result = json.loads(out)
    assert code == 0 and result["model"] == "pathloss" and result["diffraction_db"] is None
    assert result["covered"] is True and result["total_loss_db"] == result["median_loss_db"]
