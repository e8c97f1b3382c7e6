"""join_units: codes, names in other spellings, parents, and every unmatched row reported."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.errors import DataError
from geo.io.join import code_text, join_units

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.fixture
def communes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["03151", "03158", "10882", "10543"],
            "name": ["Phường Mường Lay", "Xã Sín Thầu", "Xã Hà Đông", "Phường Việt Hoà"],
            "uid": ["03151", "03158", "10882", "10543"],
        },
        index=[100, 101, 102, 103],
    )


@pytest.fixture
def villages() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Thôn 1", "Thôn 1", "Bản Nà Luồng", "Thôn Đông"],
            "parent": ["Xã Hà Đông", "Xã Sín Thầu", "Xã Sín Thầu", "Xã Hà Đông"],
            "uid": ["10882/thôn1", "03158/thôn1", "03158/nàluồng", "10882/đông"],
        }
    )


def test_codes_that_lost_leading_zeros_in_excel_are_repadded(communes: pd.DataFrame) -> None:
    table = pd.DataFrame({"code": [3151, 3158.0, "10882"], "value": [1.0, 2.0, 3.0]})
    result = join_units(communes, table)
    assert result.complete
    assert result.matched["uid"].tolist() == ["03151", "03158", "10882"]
    assert result.matched["unit_index"].tolist() == [100, 101, 102]
    assert result.matched["match"].tolist() == ["code", "code", "code"]
    assert result.matched["code"].tolist() == ["03151", "03158", "10882"]
    [warning] = result.problems
    assert warning.severity == "warning"
    assert "2 unit codes" in warning.message_en and "5 digits" in warning.message_en
    assert "5 chữ số" in warning.message_vi


def test_names_in_other_spellings_match(communes: pd.DataFrame) -> None:
    table = pd.DataFrame({"name": ["MƯỜNG LAY", "xã  sín thầu", "P. Việt Hòa", "Hà Đông"]})
    result = join_units(communes, table, code=None, level="communes")
    assert result.complete and result.problems == []
    assert result.matched["uid"].tolist() == ["03151", "03158", "10543", "10882"]
    assert set(result.matched["match"]) == {"name"}


def test_unknown_code_falls_back_to_name_with_a_warning(communes: pd.DataFrame) -> None:
    table = pd.DataFrame({"code": ["99999"], "name": ["Xã Hà Đông"]})
    result = join_units(communes, table)
    assert result.matched["uid"].tolist() == ["10882"]
    [warning] = result.problems
    assert warning.severity == "warning" and warning.row == 2
    assert "99999" in warning.message_en and "Hà Đông" in warning.message_vi


def test_code_whose_name_disagrees_is_joined_by_code_and_reported(communes: pd.DataFrame) -> None:
    table = pd.DataFrame({"code": ["10882"], "name": ["Hà Tây"]})
    result = join_units(communes, table)
    assert result.matched["uid"].tolist() == ["10882"]
    assert [p.severity for p in result.problems] == ["warning"]
    assert "Hà Tây" in result.problems[0].message_en


def test_names_repeated_across_parents_are_resolved_by_parent(villages: pd.DataFrame) -> None:
    table = pd.DataFrame({"name": ["thôn 01", "Thôn số 1", "Nà Luồng"], "xa": ["Hà Đông", "SÍN THẦU", None]})
    result = join_units(villages, table, code=None, parent="xa", units_parent="parent", level="villages")
    assert result.complete
    assert result.matched["uid"].tolist() == ["10882/thôn1", "03158/thôn1", "03158/nàluồng"]
    assert result.matched["match"].tolist() == ["name+parent", "name+parent", "name"]


def test_ambiguous_and_unknown_rows_are_returned_with_reason_and_candidates(villages: pd.DataFrame) -> None:
    table = pd.DataFrame(
        {
            "name": ["Thôn 1", "Thôn 1", "Nà Luong", "Thôn Đong", None],
            "xa": [None, "Mường Lay", None, None, None],
            "source_row": [5, 6, 7, 8, 9],
        }
    )
    result = join_units(villages, table, code=None, parent="xa", units_parent="parent")
    assert result.matched.empty
    unmatched = result.unmatched.set_index("source_row")
    assert unmatched["reason"].to_dict() == {
        5: "ambiguous",
        6: "not_in_parent",
        7: "no_such_name",
        8: "no_such_name",
        9: "no_key",
    }
    assert unmatched.at[5, "reason_en"] == "2 units are named 'Thôn 1': give the parent unit"
    assert unmatched.at[5, "reason_vi"] == "Có 2 đơn vị cùng tên “Thôn 1”, cần ghi đơn vị cấp trên"
    assert unmatched.at[5, "candidates"] == "Thôn 1 (Xã Hà Đông); Thôn 1 (Xã Sín Thầu)"
    assert unmatched.at[6, "reason_en"] == "No unit named 'Thôn 1' lies within 'Mường Lay'"
    assert unmatched.at[7, "candidates"].split("; ")[0] == "Bản Nà Luồng (Xã Sín Thầu)"
    assert unmatched.at[8, "candidates"].split("; ")[0] == "Thôn Đông (Xã Hà Đông)"
    errors = [p for p in result.problems if p.severity == "error"]
    assert [p.row for p in errors] == [5, 6, 7, 8, 9]
    assert "Bản Nà Luồng" in errors[2].fix_vi and errors[2].fix_en.startswith("Did you mean")


def test_unknown_code_without_name_is_unmatched_with_close_codes(communes: pd.DataFrame) -> None:
    table = pd.DataFrame({"code": ["03152"]})
    result = join_units(communes, table, file="chi_tieu.xlsx")
    [row] = result.unmatched.itertuples()
    assert row.reason == "no_such_code" and row.source_row == 2
    assert row.candidates.startswith("Phường Mường Lay (03151)")
    [problem] = result.problems
    assert problem.where("en") == "chi_tieu.xlsx, row 2"
    assert problem.message_vi == "Không có đơn vị nào mang mã 03152; dòng này không được ghép"


def test_no_key_columns_raises(communes: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="Don_vi"):
        join_units(communes, pd.DataFrame({"x": [1]}), name="Don_vi")


def test_code_text_keeps_text_and_fixes_excel_numbers() -> None:
    values = pd.Series([3151, 3151.0, " 03151 ", "", None], dtype=object)
    assert code_text(values).tolist()[:3] == ["3151", "3151", "03151"]
    assert code_text(values).isna().tolist() == [False, False, False, True, True]


# --- real boundaries -------------------------------------------------------------------------

_OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỷ": "ủy", "uý": "úy", "uỳ": "ùy"}
_OLD_TONES |= {"oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỹ": "ũy", "uỵ": "ụy"}


def _other_spelling(full_name: str) -> str:
    """How a statistics sheet might write a unit: old tone placement, other prefix, capitals, spaces."""
    text = re.sub("|".join(_OLD_TONES), lambda m: _OLD_TONES[m.group(0)], full_name)
    text = re.sub(r"^Phường ", "P.", text)
    text = re.sub(r"^Xã ", "xã  ", text)
    text = re.sub(r"^Đặc khu ", "ĐẶC  KHU ", text)
    return "  " + text.upper().replace(" ", "  ") + " "


@pytest.mark.realdata
@pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata is absent")
@pytest.mark.parametrize(
    ("file", "n_units"), [("hai_phong_communes_2025.geojson", 114), ("dien_bien_communes_2025.geojson", 45)]
)
def test_real_communes_join_by_other_spellings_and_by_integer_codes(file: str, n_units: int) -> None:
    units = gpd.read_file(REALDATA / file)
    assert len(units) == n_units
    by_name = pd.DataFrame({"name": units["fullName"].map(_other_spelling), "households": range(n_units)})
    assert (by_name["name"] != units["fullName"]).all()
    result = join_units(units, by_name, code=None, level="communes", file=file)
    assert len(result.matched) == n_units and result.unmatched.empty and result.problems == []
    assert (result.matched["unit_index"].to_numpy() == units.index.to_numpy()).all()

    by_code = pd.DataFrame({"code": units["code"].astype(int), "households": range(n_units)})
    result = join_units(units, by_code)
    assert len(result.matched) == n_units and result.unmatched.empty
    assert result.matched["code"].tolist() == units["code"].tolist()
    padded = (units["code"].str[0] == "0").sum()
    assert [p.severity for p in result.problems] == (["warning"] if padded else [])
