"""Name normalisation: every spelling planners use for one unit gives one key."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from geo.names import display_name, display_names, fold_key, fold_keys, name_key, name_keys, split_prefix


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Thuỷ Nguyên", "Thủy Nguyên"),
        ("Uý Lợi", "Úy Lợi"),
        ("Khoẻ", "Khỏe"),
        ("Hoạ Mi", "Họa Mi"),
        ("Xã Hà Đông", "HÀ  ĐÔNG"),
        ("Xã Hà Đông", "xã hà đông "),
        ("Ðiện Biên", "Điện Biên"),  # U+00D0 eth, as Latin-1 files write Đ
        ("ðiện biên", "Điện Biên"),
        ("BìnhMinh", "Bình Minh"),
        ("Bản NàLuồng", "Bản Nà Luồng"),
        ("Pa Ham'", "Pa Ham’"),
        ("Thôn 3", "thôn 03"),
        ("Thôn 3", "Thôn số 3"),
        ("Thôn3", "THÔN SỐ 03"),
        ("Tổ dân phố 5", "TDP 05"),
        ("Tổ dân phố 5", "TDP.5"),
        ("Thành phố Hải Phòng", "TP.Hải Phòng"),
        ("Thành phố Hải Phòng", "Tp Hải Phòng"),
        ("Phường Thành Đông", "P.Thành Đông"),
        ("Thị xã Mường Lay", "TX. Mường Lay"),
        ("Thị trấn Mường Chà", "TT Mường Chà"),
        ("Đặc khu Cát Hải", "ĐẶC KHU CÁT HẢI"),
        ("Khu phố 2", "KP 02"),
        ("Nà\u00a0Luồng", "Nà\u200bLuồng"),  # no-break space; zero-width space
    ],
)
def test_spellings_of_one_unit_share_a_key(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Hà", "Hạ"),  # diacritics are kept: different places
        ("Thôn 3", "Tổ 3"),  # numbered units of different kinds are different units
        ("Thôn 3", "Xóm 3"),
        ("Tổ dân phố 3", "Tổ 3"),
        ("Thôn 3", "Thôn 13"),
        ("Thôn 3", "Thôn 30"),
        ("Hòa", "Hóa"),
    ],
)
def test_different_units_keep_different_keys(left: str, right: str) -> None:
    assert name_key(left) != name_key(right)


def test_key_values() -> None:
    assert name_key("Phường Việt Hòa") == "việthoà"
    assert name_key("Thôn số 03") == "thôn3"
    assert name_key("TDP 05") == "tổdânphố5"
    assert name_key("Bản Nà Luồng") == "nàluồng"
    assert name_key(None) == ""
    assert name_key(float("nan")) == ""
    assert name_key(3.0) == "3"


def test_decomposed_input_from_windows_1258_gives_the_same_key() -> None:
    decomposed = unicodedata.normalize("NFD", "Xã Mường Toong Hòa")
    assert decomposed != "Xã Mường Toong Hòa"
    assert name_key(decomposed) == name_key("Mường Toong Hoà") == "mườngtoonghoà"
    # Windows-1258 stores a base letter and a separate tone byte: decoding keeps them apart
    decoded = b"Ho\x61\xcc".decode("cp1258")  # "Hoà" as a Vietnamese Windows file holds it: a + 0xCC
    assert decoded == "Hoa\u0300"
    assert name_key(decoded) == name_key("Hòa") == "hoà"


def test_split_prefix_returns_kind_and_bare_name() -> None:
    assert split_prefix("Xã Hà Đông") == ("xã", "Hà Đông")
    assert split_prefix("TP.Hải Phòng") == ("thành phố", "Hải Phòng")
    assert split_prefix("TDP 05") == ("tổ dân phố", "05")
    assert split_prefix("P.Thành Đông") == ("phường", "Thành Đông")
    assert split_prefix("Hà Đông") == ("", "Hà Đông")
    assert split_prefix("Thôn") == ("", "Thôn")  # only a prefix: not split


def test_level_limits_the_prefixes_removed() -> None:
    # "Bản Nguyên" is a commune: "Bản" is a village type, not a commune type
    assert name_key("Xã Bản Nguyên", level="communes") == name_key("Bản Nguyên", level="communes")
    assert split_prefix("Buôn Ma Thuột", level="districts") == ("", "Buôn Ma Thuột")
    assert name_key("Thành phố Buôn Ma Thuột", level="districts") == "buônmathuột"
    # at village level "Bản" is the unit type
    assert name_key("Bản Nà Luồng", level="villages") == name_key("Nà Luồng", level="villages")
    with pytest.raises(ValueError, match="unknown level"):
        name_key("Hà Đông", level="wards")


def test_display_name_tidies_without_changing_spelling() -> None:
    assert display_name("  Xã   Hòa\tBình ") == "Xã Hòa Bình"
    assert display_name("BìnhMinh") == "Bình Minh"
    assert display_name("TP.Hải Phòng") == "TP. Hải Phòng"
    assert display_name("Ðiện Biên") == "Điện Biên"
    assert display_name(unicodedata.normalize("NFD", "Hòa")) == "Hòa"
    assert display_name(None) == ""


def test_fold_key_drops_diacritics_for_candidates_only() -> None:
    assert fold_key("Xã Hà Đông") == "hadong"
    assert fold_key("Hạ") == fold_key("Hà") == "ha"
    assert name_key("Hạ") != name_key("Hà")


def test_vectorised_keys_keep_index_and_blank_missing_values() -> None:
    names = pd.Series(["Xã Hà Đông", None, "Hòa Bình", "Xã Hà Đông"], index=[10, 11, 12, 13])
    assert name_keys(names).tolist() == ["hàđông", "", "hoàbình", "hàđông"]
    assert name_keys(names).index.tolist() == [10, 11, 12, 13]
    assert fold_keys(names).tolist() == ["hadong", "", "hoabinh", "hadong"]


def test_display_names_per_row_and_mixed_cells_keep_their_own_text() -> None:
    names = pd.Series(["Bản  NàLuồng", None, "TP.Điện Biên Phủ", "Bản  NàLuồng"], index=[7, 8, 9, 10])
    assert display_names(names).tolist() == ["Bản Nà Luồng", "", "TP. Điện Biên Phủ", "Bản Nà Luồng"]
    assert display_names(names).index.tolist() == [7, 8, 9, 10]
    mixed = pd.Series([1, True, 3.0, "Thôn 3"], dtype=object)  # 1 == True for Python's hashing
    assert display_names(mixed).tolist() == ["1", "True", "3", "Thôn 3"]
    assert name_keys(mixed).tolist() == ["1", "true", "3", "thôn3"]


def test_fold_text_is_the_one_diacritic_folding():
    from geo.names import fold_text, fold_word

    assert fold_text("Hà Đông, Hòa Bình") == "Ha Dong, Hoa Binh"
    assert fold_text(unicodedata.normalize("NFD", "Mường Toong")) == "Muong Toong"
    assert fold_word("Cố định") == "codinh" and fold_word("Thị xã") == "thixa"
    assert fold_word("Tọa độ X") == "toadox"
