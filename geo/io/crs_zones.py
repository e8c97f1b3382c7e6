"""The tables behind :mod:`geo.io.crs`: VN-2000 TM-3 zones, provinces' central meridians, the 2025
province mergers, the spellings planners use and the coordinate ranges of Vietnam.

Data only: :mod:`geo.io.crs` decides and transforms with them.
"""

from __future__ import annotations

__all__ = [
    "TM3_EPSG_BY_MERIDIAN",
    "DEPRECATED_TM3",
    "TM3_MERIDIAN_BY_PROVINCE",
    "PROVINCES_MERGED_2025",
    "PROVINCE_ALIASES",
    "EASTING_RANGE",
    "NORTHING_RANGE",
    "LIKELY_CODES_VI",
    "LIKELY_CODES_EN",
]

#: VN-2000 TM-3 projected CRS (k = 0.9999, FE 500 000 m) by central meridian in degrees.
TM3_EPSG_BY_MERIDIAN: dict[float, str] = {
    102.0: "EPSG:5896", 103.0: "EPSG:9205", 104.0: "EPSG:9206", 104.5: "EPSG:9207", 104.75: "EPSG:9208",
    105.0: "EPSG:5897", 105.5: "EPSG:9209", 105.75: "EPSG:9210", 106.0: "EPSG:9211", 106.25: "EPSG:9212",
    106.5: "EPSG:9213", 107.0: "EPSG:9214", 107.25: "EPSG:9215", 107.5: "EPSG:9216", 107.75: "EPSG:5899",
    108.0: "EPSG:5898", 108.25: "EPSG:9217", 108.5: "EPSG:9218",
}  # fmt: skip

#: Deprecated VN-2000 TM-3 codes (easting/northing axes swapped in their definition) → the code to use.
DEPRECATED_TM3 = {6956: "EPSG:5896", 6957: "EPSG:5897", 6958: "EPSG:5898", 6959: "EPSG:5899"}

#: Central meridian (degrees) of each of the 63 pre-July-2025 provinces' TM-3 zone, after the annex
#: of Thông tư 973/2001/TT-TCĐC. Written from memory and cross-checked against one independent
#: published copy of the table (all 63 agree); not checked against the gazetted text itself.
TM3_MERIDIAN_BY_PROVINCE: dict[str, float] = {
    "An Giang": 104.75, "Bà Rịa - Vũng Tàu": 107.75, "Bắc Giang": 107.0, "Bắc Kạn": 106.5,
    "Bạc Liêu": 105.0, "Bắc Ninh": 105.5, "Bến Tre": 105.75, "Bình Định": 108.25, "Bình Dương": 105.75,
    "Bình Phước": 106.25, "Bình Thuận": 108.5, "Cà Mau": 104.5, "Cần Thơ": 105.0, "Cao Bằng": 105.75,
    "Đà Nẵng": 107.75, "Đắk Lắk": 108.5, "Đắk Nông": 108.5, "Điện Biên": 103.0, "Đồng Nai": 107.75,
    "Đồng Tháp": 105.0, "Gia Lai": 108.5, "Hà Giang": 105.5, "Hà Nam": 105.0, "Hà Nội": 105.0,
    "Hà Tĩnh": 105.5, "Hải Dương": 105.5, "Hải Phòng": 105.75, "Hậu Giang": 105.0, "Hòa Bình": 106.0,
    "Hưng Yên": 105.5, "Khánh Hòa": 108.25, "Kiên Giang": 104.5, "Kon Tum": 107.5, "Lai Châu": 103.0,
    "Lâm Đồng": 107.75, "Lạng Sơn": 107.25, "Lào Cai": 104.75, "Long An": 105.75, "Nam Định": 105.5,
    "Nghệ An": 104.75, "Ninh Bình": 105.0, "Ninh Thuận": 108.25, "Phú Thọ": 104.75, "Phú Yên": 108.5,
    "Quảng Bình": 106.0, "Quảng Nam": 107.75, "Quảng Ngãi": 108.0, "Quảng Ninh": 107.75,
    "Quảng Trị": 106.25, "Sóc Trăng": 105.5, "Sơn La": 104.0, "Tây Ninh": 105.5, "Thái Bình": 105.5,
    "Thái Nguyên": 106.5, "Thanh Hóa": 105.0, "Hồ Chí Minh": 105.75, "Thừa Thiên Huế": 107.0,
    "Tiền Giang": 105.75, "Trà Vinh": 105.5, "Tuyên Quang": 106.0, "Vĩnh Long": 105.5, "Vĩnh Phúc": 105.0,
    "Yên Bái": 104.75,
}  # fmt: skip

#: The 23 provinces formed by merger on 1 July 2025 (Nghị quyết 202/2025/QH15) → the former provinces,
#: the one whose name it keeps first. The other 11 of the 34 (Hà Nội, Huế, Lai Châu, Điện Biên, Sơn La,
#: Lạng Sơn, Quảng Ninh, Thanh Hóa, Nghệ An, Hà Tĩnh, Cao Bằng) kept their territory. Files made
#: before the merger keep the former province's meridian, so a merged name maps to its namesake's.
PROVINCES_MERGED_2025: dict[str, tuple[str, ...]] = {
    "Tuyên Quang": ("Tuyên Quang", "Hà Giang"), "Lào Cai": ("Lào Cai", "Yên Bái"),
    "Thái Nguyên": ("Thái Nguyên", "Bắc Kạn"), "Phú Thọ": ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Ninh", "Bắc Giang"), "Hưng Yên": ("Hưng Yên", "Thái Bình"),
    "Hải Phòng": ("Hải Phòng", "Hải Dương"), "Ninh Bình": ("Ninh Bình", "Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Trị", "Quảng Bình"), "Đà Nẵng": ("Đà Nẵng", "Quảng Nam"),
    "Quảng Ngãi": ("Quảng Ngãi", "Kon Tum"), "Gia Lai": ("Gia Lai", "Bình Định"),
    "Khánh Hòa": ("Khánh Hòa", "Ninh Thuận"), "Lâm Đồng": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Đắk Lắk", "Phú Yên"), "Hồ Chí Minh": ("Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Đồng Nai": ("Đồng Nai", "Bình Phước"), "Tây Ninh": ("Tây Ninh", "Long An"),
    "Cần Thơ": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"), "Vĩnh Long": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Đồng Tháp", "Tiền Giang"), "Cà Mau": ("Cà Mau", "Bạc Liêu"),
    "An Giang": ("An Giang", "Kiên Giang"),
}  # fmt: skip

#: Other spellings planners use, by normalised key (see :func:`geo.io.crs.tm3_crs_for_province`).
PROVINCE_ALIASES = {
    "hcm": "hochiminh", "tphcm": "hochiminh", "saigon": "hochiminh", "hue": "thuathienhue",
    "daclac": "daklak", "dacnong": "daknong", "baccan": "backan", "brvt": "bariavungtau",
}  # fmt: skip

# Value ranges (metres) of VN-2000 TM-3/UTM coordinates over Vietnam: eastings stay within a few
# hundred km of the 500 000 m false easting, northings run from ~0.83 (7.5°N) to ~2.6 million (23.5°N).
EASTING_RANGE = (100_000.0, 900_000.0)
NORTHING_RANGE = (800_000.0, 2_700_000.0)

LIKELY_CODES_VI = (
    "EPSG:9205 (TM-3 103°00′: Điện Biên, Lai Châu), EPSG:5897 (TM-3 105°00′: Hà Nội, Thanh Hóa), "
    "EPSG:9209 (TM-3 105°30′: Hưng Yên, Bắc Ninh), EPSG:9210 (TM-3 105°45′: Hải Phòng, TP HCM), "
    "EPSG:5899 (TM-3 107°45′: Quảng Ninh, Đà Nẵng), EPSG:3405 (UTM 48N), EPSG:3406 (UTM 49N)"
)
LIKELY_CODES_EN = LIKELY_CODES_VI.replace("TP HCM", "HCMC")
