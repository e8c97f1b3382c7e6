"""``python -m geo zones add/list/export/history --store STORE``: weak-signal zones from scripts.

STORE is a ``.gpkg`` file (created on first use) or a ``postgresql://`` URL. Exit codes: 0 done,
1 bad input or an unusable store (every problem printed with its file, feature and fix; nothing is
written when any feature has an error), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import getpass
import sys

import pandas as pd

from geo.cli.common import BilingualParser, guarded
from geo.errors import DataError, GeoError, Problem, errors_in
from geo.zones import open_store
from geo.zones.files import export_zones, import_zones
from geo.zones.record import zone_status_label

__all__ = ["build_zones_parser", "zones_main", "zones_table"]

_LIST_COLUMNS = [
    "zone_id",
    "name",
    "status",
    "technology",
    "operators",
    "severity",
    "households",
    "updated_at",
]


def zones_table(gdf: pd.DataFrame, *, lang: str = "vi") -> str:
    """Return the zones as a plain-text table (one line per zone, status in ``lang``), or "no zones"."""
    if gdf.empty:
        return "Chưa có vùng lõm sóng nào." if lang == "vi" else "No weak-signal zones yet."
    df = pd.DataFrame(gdf[_LIST_COLUMNS]).copy()
    df["status"] = df["status"].map(lambda s: zone_status_label(s, lang))
    df.loc[gdf["deleted"].to_numpy(bool), "status"] += " (đã xóa)" if lang == "vi" else " (deleted)"
    return df.to_string(index=False)


def _problems_text(problems: list[Problem], lang: str) -> str:
    return "\n".join(p.text(lang) for p in problems)


def _add(args: argparse.Namespace) -> int:
    dataset = None
    if args.dataset:
        from geo.io.dataset import read_dataset

        dataset = read_dataset(args.dataset)
    with open_store(args.store) as store:
        ids, problems = import_zones(args.files, store, user=args.user, crs=args.crs, dataset=dataset)
    if problems:
        print(_problems_text(problems, args.lang), file=sys.stderr)
    if errors_in(problems):
        print(
            "Không thêm vùng nào; sửa các lỗi trên rồi chạy lại."
            if args.lang == "vi"
            else "No zone was added; fix the errors above and run again.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Đã thêm {len(ids)} vùng vào {args.store}."
        if args.lang == "vi"
        else f"Added {len(ids)} zones to {args.store}."
    )
    print("\n".join(ids))
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        print(zones_table(store.list(include_deleted=args.all), lang=args.lang))
    return 0


def _export(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        gdf = store.list(include_deleted=args.all)
    path = export_zones(gdf, args.out)
    print(
        f"Đã xuất {len(gdf)} vùng ra {path}."
        if args.lang == "vi"
        else f"Exported {len(gdf)} zones to {path}."
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        print(store.history(args.zone_id).to_string(index=False))
    return 0


def build_zones_parser(prog: str = "python -m geo zones") -> argparse.ArgumentParser:
    """Return the parser of the ``zones`` subcommands (each needs ``--store``)."""
    parser = BilingualParser(prog=prog, description="Vùng lõm sóng / weak-signal zones")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ / language (vi)")
    sub = parser.add_subparsers(dest="command", required=True)
    store_help = "tệp .gpkg hoặc postgresql://... / a .gpkg file or a postgresql:// URL"

    add = sub.add_parser("add", help="thêm vùng từ GeoJSON/KML/KMZ/GPKG / add zones from files")
    add.add_argument("--store", required=True, help=store_help)
    add.add_argument("files", nargs="+", help="GeoJSON, KML/KMZ, GPKG")
    add.add_argument("--user", default=getpass.getuser(), help="người nhập / who adds them")
    add.add_argument(
        "--crs", help="hệ tọa độ của tệp không khai báo / CRS of files that state none, e.g. EPSG:9210"
    )
    add.add_argument(
        "--dataset", help="bộ dữ liệu để gắn thôn/xã / dataset folder for village/commune checks"
    )
    add.set_defaults(func=_add)

    listing = sub.add_parser("list", help="liệt kê vùng / list zones")
    listing.add_argument("--store", required=True, help=store_help)
    listing.add_argument("--all", action="store_true", help="cả vùng đã xóa / include deleted zones")
    listing.set_defaults(func=_list)

    export = sub.add_parser("export", help="xuất vùng / export zones (.geojson, .kml, .gpkg, .xlsx)")
    export.add_argument("--store", required=True, help=store_help)
    export.add_argument("--out", required=True, help="FILE.geojson | .kml | .gpkg | .xlsx")
    export.add_argument("--all", action="store_true", help="cả vùng đã xóa / include deleted zones")
    export.set_defaults(func=_export)

    history = sub.add_parser("history", help="lịch sử thay đổi / change history")
    history.add_argument("--store", required=True, help=store_help)
    history.add_argument("zone_id", nargs="?", help="mã vùng (bỏ trống: tất cả) / zone id (empty: all)")
    history.set_defaults(func=_history)
    return parser


def zones_main(argv: list[str]) -> int:
    """Run ``python -m geo zones ...`` with ``argv`` (the words after ``zones``); return the exit code."""
    state: dict[str, str] = {"lang": "vi"}

    def run() -> int:
        args = build_zones_parser().parse_args(argv)
        state["lang"] = args.lang
        return args.func(args)

    def data_error(exc: GeoError) -> str:
        problems = exc.problems if isinstance(exc, DataError) else []
        lang = state["lang"]
        return _problems_text(problems, lang) if problems else exc.text(lang)

    return guarded(run, data_error)
