"""Tables as planners save them: title blocks, blank and multi-line rows, uneven rows, text cells."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from geo.io.tables import nfc_text, parse_coordinates, read_table


def test_title_block_blank_lines_and_quoted_line_breaks_keep_excel_row_numbers(tmp_path):
    path = tmp_path / "tram_bts.csv"
    path.write_text(
        "DANH SÁCH TRẠM BTS\n"  # row 1: a title one cell wide
        "\n"  # row 2
        "Mã trạm;Ghi chú;Kinh độ\n"  # row 3: header
        'BTS01;"Cột dây co,\ncao 30 m";105,71\n'  # row 4 (its note spans two lines)
        "\n"  # row 5: blank
        "BTS02;;105.72\n",  # row 6
        encoding="utf-8",
    )
    df, problems = read_table(path, expect=["Mã trạm"])
    assert df.columns.tolist() == ["Mã trạm", "Ghi chú", "Kinh độ", "source_row"]
    assert df["source_row"].tolist() == [4, 6]
    assert df["Ghi chú"].tolist() == ["Cột dây co,\ncao 30 m", None]
    assert df["Kinh độ"].tolist() == ["105,71", "105.72"]
    assert problems == []


def test_cells_stay_text_with_leading_zeros_and_blanks_are_missing(tmp_path):
    path = tmp_path / "chi_tieu.csv"
    path.write_text("Mã,Tên,Năm\n00012,  Xã Hà Đông ,2024\n00345,,\n", encoding="utf-8")
    df, _ = read_table(path)
    assert df["Mã"].tolist() == ["00012", "00345"]
    assert df["Tên"].tolist() == ["Xã Hà Đông", None]  # stripped; an empty cell is missing
    assert df["Năm"].tolist() == ["2024", None]
    assert all(df[c].dtype == object for c in ("Mã", "Tên", "Năm"))


def test_rows_of_uneven_width_are_read_with_short_rows_padded(tmp_path):
    path = tmp_path / "wifi.csv"
    path.write_text("ten,lon,lat\nChợ,105.85,21.03,ghi chú thừa\nUBND,105.86\n", encoding="utf-8")
    df, _ = read_table(path)
    assert df.columns.tolist() == ["ten", "lon", "lat", "column_4", "source_row"]
    assert df.to_dict("list") == {
        "ten": ["Chợ", "UBND"],
        "lon": ["105.85", "105.86"],
        "lat": ["21.03", None],
        "column_4": ["ghi chú thừa", None],
        "source_row": [2, 3],
    }


def test_decomposed_windows_1258_text_and_padding_are_normalised():
    decomposed = unicodedata.normalize("NFD", "Thôn Hòa Bình")
    df = pd.DataFrame(
        {
            "ten": pd.Series([decomposed, " Bản Nà ", decomposed, None], dtype=object),
            "ma": pd.Series(["01", "02 ", "03", "04"], dtype="str"),
            "so": pd.Series(
                [1, 1.0, True, "x"], dtype=object
            ),  # mixed cells: the text is tidied, the numbers left as they are
        }
    )
    out = nfc_text(df)
    assert out["ten"].tolist() == ["Thôn Hòa Bình", "Bản Nà", "Thôn Hòa Bình", None]
    assert unicodedata.is_normalized("NFC", out["ten"][0])
    assert out["ma"].tolist() == ["01", "02", "03", "04"]
    assert [type(v) for v in out["so"]] == [int, float, bool, str]
    assert df["ten"][0] == decomposed  # the input is not changed


def test_coordinates_written_every_way_in_one_column():
    cells = pd.Series(
        ["105.7123", "105,7123", " 105.7123 ", "105.7123°", "2.345.678,5", "2,345,678.5", "", None, "x"]
    )
    expected = [105.7123] * 4 + [2345678.5, 2345678.5] + [np.nan] * 3
    np.testing.assert_array_equal(parse_coordinates(cells), expected)
    np.testing.assert_array_equal(parse_coordinates(pd.Series([105.5, None])), [105.5, np.nan])


def test_plain_coordinate_columns_give_the_same_numbers_as_written_ones():
    plain = pd.Series(["105.7123", None, "21.5", "-0.25", "1e2"])  # parsed by Arrow in one call
    np.testing.assert_array_equal(parse_coordinates(plain), [105.7123, np.nan, 21.5, -0.25, 100.0])
    arrow = plain.astype(pd.StringDtype("pyarrow", na_value=np.nan))
    np.testing.assert_array_equal(parse_coordinates(arrow), parse_coordinates(plain))
    one_written = pd.Series(["105.7123", "21,5"])  # one decimal comma: the whole column still reads
    np.testing.assert_array_equal(parse_coordinates(one_written), [105.7123, 21.5])


def test_point_layers_keep_distinct_text_arrow_backed_and_blanks_missing(tmp_path):
    path = tmp_path / "tram.csv"
    path.write_text("Mã trạm,Kinh độ,Ghi chú\nA1,105.1,\nA2,105.2,x\nA3,105.3,y\n", encoding="utf-8")
    df, _ = read_table(path, keep_arrow=True)
    assert df["Kinh độ"].tolist() == ["105.1", "105.2", "105.3"]
    assert isinstance(df["Kinh độ"].dtype, pd.StringDtype)  # no blank: one Arrow buffer
    assert df["Ghi chú"].tolist() == [None, "x", "y"]  # a blank: Python text, the blank missing
    assert df["Ghi chú"].dtype == object
    plain, _ = read_table(path)
    assert plain["Kinh độ"].dtype == object
