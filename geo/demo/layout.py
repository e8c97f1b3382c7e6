"""The hand-made geography of the village demo (thị xã Sông Nậm): outline, communes, villages, BTS sites.

Positions are kilometres east/north of the town centre (103.20°E, 22.05°N) in EPSG:9205
(VN-2000 TM-3 103°), where :mod:`geo.demo.village` turns them into polygons and points.
The main river runs north-west to south-east through the two wards; the Huổi Mí side
valley climbs north-east, and its four upper bản (flag ``R``) are far from every 4G site.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CENTRE_LONLAT", "METRIC_CRS", "TOWN", "OUTLINE_KM", "Commune", "COMMUNES", "SITES"]

METRIC_CRS = "EPSG:9205"
CENTRE_LONLAT = (103.20, 22.05)
#: Code and name of the town (a fictional 3-digit district code).
TOWN = ("999", "Thị xã Sông Nậm (dữ liệu mô phỏng)")

# Town outline, km from the centre (x east, y north).
OUTLINE_KM = [
    (-7.3, 2.2), (-7.2, 4.4), (-6.2, 6.3), (-3.5, 6.6), (-1.0, 6.7), (1.5, 6.8), (4.0, 7.8), (6.5, 8.0),
    (8.7, 7.4), (8.8, 5.8), (7.4, 4.2), (5.6, 3.0), (4.4, 0.8), (4.4, -1.6), (5.4, -3.6), (5.4, -6.0),
    (4.2, -6.7), (2.4, -5.9), (0.6, -5.0), (-0.6, -3.4), (-2.4, -3.3), (-4.8, -3.0), (-6.4, -2.0),
    (-7.2, -0.6),
]  # fmt: skip


@dataclass(frozen=True)
class Commune:
    """One commune of the demo town and its villages, as placed by hand."""

    code: str
    name: str
    urban: bool
    maturity: float  # 0 remote … 1 town centre: drives statistics and speeds
    households: tuple[int, int]  # per village, low–high
    speed_tests: int
    # (name, x km, y km, flags): F fibre "Có", K fibre "Không", ? fibre blank, N cultural house, R remote
    villages: tuple[tuple[str, float, float, str], ...]


COMMUNES = (
    Commune("99001", "Phường Sông Nậm", True, 1.0, (140, 260), 1150, (
        ("Tổ dân phố 1", 0.0, 0.3, "FN"), ("Tổ dân phố 2", -0.6, 0.7, "F"), ("Tổ dân phố 3", 0.6, -0.2, "FN"),
        ("Tổ dân phố 4", -0.3, -0.5, "F"), ("Tổ dân phố 5", -1.1, 0.3, "FN"), ("Tổ dân phố 6", 0.4, 0.9, "F"),
        ("Tổ dân phố 7", 1.0, -0.8, "F"), ("Tổ dân phố 8", -0.9, -0.8, "F"), ("Tổ dân phố 9", -1.3, 1.2, "F"),
    )),
    Commune("99002", "Phường Na Phát", True, 0.9, (120, 220), 850, (
        ("Tổ dân phố 1", 1.6, -1.4, "F"), ("Tổ dân phố 2", 2.2, -1.0, "FN"), ("Tổ dân phố 3", 1.9, -2.1, "F"),
        ("Tổ dân phố 4", 2.6, -1.8, "FN"), ("Tổ dân phố 5", 2.5, -2.7, "F"), ("Tổ dân phố 6", 3.1, -2.4, "F"),
        ("Tổ dân phố 7", 1.2, -2.4, "F"),
    )),
    Commune("99003", "Xã Nậm Cản", False, 0.6, (60, 140), 520, (
        ("Bản Nậm Cản", -3.6, 2.0, "FN"), ("Bản Co Muông", -2.3, 1.4, "F"), ("Bản Na Ca", -2.9, 2.6, "FN"),
        ("Thôn Tân Lập", -4.3, 1.6, "F"), ("Bản Hua Ná", -4.9, 2.6, "FN"), ("Bản Pom Lót", -5.6, 3.4, "F"),
        ("Bản Huổi Sáy", -6.5, 3.0, "?N"), ("Bản Nà Lấu", -6.3, 4.2, "K"),
        ("Bản Phiêng Lơi", -3.7, 3.2, "FN"), ("Bản Xá Nhè", -5.2, 1.3, "F"),
    )),
    Commune("99004", "Xã Pá Khoang", False, 0.55, (60, 130), 330, (
        ("Bản Pá Khoang", 3.4, -4.0, "FN"), ("Thôn Hòa Bình", 2.9, -3.3, "F"), ("Bản Lói", 3.2, -5.4, "KN"),
        ("Thôn Đoàn Kết", 3.9, -3.4, "FN"), ("Bản Pá Sáng", 3.8, -4.8, "F"), ("Bản Hua Pe", 2.6, -4.6, "F"),
        ("Bản Nà Pen", 4.4, -5.6, "KN"), ("Bản Co Sản", 4.6, -4.2, "F"), ("Bản Tà Cáng", 1.6, -4.2, "F"),
    )),
    Commune("99005", "Xã Huổi Mí", False, 0.3, (40, 110), 150, (
        ("Bản Huổi Mí", 2.2, 1.4, "FN"), ("Bản Phai Cát", 1.5, 1.9, "F"), ("Thôn Tân Phong", 3.0, 1.2, "F"),
        ("Bản Nà Hừ", 2.9, 2.3, "?"), ("Bản Co Pục", 3.6, 2.8, "KN"), ("Bản Háng Pu Xi", 6.0, 5.2, "KNR"),
        ("Bản Pa Tần", 6.9, 6.2, "KR"), ("Bản Tả Phìn", 8.0, 6.6, "KNR"), ("Bản Lồng Sập", 5.8, 7.1, "KR"),
    )),
    Commune("99006", "Xã Lả Ngù", False, 0.35, (40, 120), 170, (
        ("Bản Lả Ngù", -3.6, -1.3, "FN"), ("Bản Hồng Líu", -2.4, -0.9, "FN"), ("Bản Cang", -1.6, -2.6, "K"),
        ("Bản Huổi Lóng", -4.6, -0.6, "KN"), ("Bản Nậm Piền", -5.8, 0.2, "FN"), ("Bản Lói", -4.4, -2.2, "K"),
        ("Bản Chiềng Khoang", -2.8, -2.2, "F"), ("Bản Phiêng Luông", -6.4, -0.9, "?N"),
    )),
    Commune("99007", "Xã Phìn Hồ", False, 0.25, (35, 100), 90, (
        ("Bản Phìn Hồ", -2.2, 4.3, "FN"), ("Bản Tà Lèng", -1.2, 3.3, "F"), ("Bản Sáng Tùng", -3.2, 5.2, "KN"),
        ("Bản Pu Cai", -1.0, 5.3, "KN"), ("Bản Lù Dao", -4.4, 5.6, "K"), ("Bản Xà Dề Phìn", -5.6, 5.6, "KN"),
        ("Bản Háng Lìa", 0.8, 4.4, "F"), ("Bản Chung Chải", 0.2, 6.0, "K"),
    )),
)  # fmt: skip

# BTS sites: (x km, y km, rows); a row is (operators, technologies, metres east of the site).
# Several rows at one site (or one row naming two operators) make a shared site.
SITES = (
    (0.1, 0.2, (("Viettel", "2G;3G;4G;5G", 0), ("VNPT", "2G/3G/4G/5G", 3))),
    (0.7, -0.4, (("MobiFone", "3G, 4G, 5G", 0), ("Viettel", "4G;5G", 0))),
    (-0.8, 0.6, (("Viettel, Mobifone", "2G;3G;4G", 0),)),
    (0.6, 0.9, (("Vinaphone", "2G;3G;4G", 0),)),
    (-0.4, -0.7, (("Viettel", "4G;5G", 0),)),
    (1.9, -1.7, (("Viettel", "2G;3G;4G;5G", 0), ("VNPT-Vinaphone", "4G", 5), ("MobiFone", "4G", -4))),
    (2.7, -2.6, (("Mobifone", "2G;3G;4G", 0),)),
    (1.2, -1.2, (("VNPT", "4G;5G", 0),)),
    (2.6, -1.1, (("Viettel", "2G;4G", 0),)),
    (-2.6, 1.5, (("Viettel + VNPT", "2G;3G;4G", 0),)),
    (-3.8, 2.3, (("MobiFone", "2G;3G;4G", 0),)),
    (-5.2, 2.8, (("Viettel", "2G;3G;4G", 0),)),
    (-6.3, 3.6, (("VNPT", "2G;4G", 0),)),
    (3.3, -4.1, (("Viettel", "2G;3G;4G", 0), ("Mobifone", "2G;4G", 6))),
    (4.2, -5.5, (("VNPT", "2G;3G;4G", 0),)),
    (2.2, -3.6, (("Viettel", "4G", 0),)),
    (-3.7, -1.4, (("Viettel", "2G;3G;4G", 0), ("VNPT", "2G;4G", 0))),
    (-5.8, -0.4, (("Viettel", "2G;4G", 0),)),
    (-2.0, 4.2, (("Viettel, VNPT", "2G;3G;4G", 0),)),
    (-4.2, 5.6, (("Viettel", "2G;4G", 0),)),
    (1.5, 1.0, (("Viettel", "2G;3G;4G", 0), ("Mobifone", "4G", 4))),
    (6.6, 5.8, (("Viettel", "2G", 0),)),
)  # fmt: skip
