"""``python -m geo scenarios list/show/import/export/history/restore``: the scenario store from scripts.

The store is ``--store STORE`` (a ``.gpkg`` file, created on first use, or a ``postgresql://`` URL) or the
one of the dataset ``--dataset FOLDER`` (:func:`geo.scenarios.store.dataset_scenario_store`). Exit codes:
0 done, 1 bad data or an unusable store (every problem printed with its file, row and fix; a file with an
unusable row is not imported), 2 a misuse of the command line (one line, Vietnamese / English).
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

import pandas as pd

from geo.cli.common import BilingualParser, UsageError, check_suffix, guarded
from geo.errors import DataError, GeoError
from geo.scenarios.model import read_scenario, scenario_table, write_scenario
from geo.scenarios.store import ScenarioStore, dataset_scenario_store, open_scenario_store

__all__ = ["build_scenarios_parser", "scenarios_main"]

_FILES = (".geojson", ".json", ".kml", ".xlsx", ".csv")
_OUT = (".geojson", ".kml", ".xlsx")


def _store(args: argparse.Namespace, *, create: bool = True) -> ScenarioStore:
    """The store of ``--store`` or ``--dataset``; UsageError when neither, or when a missing one is read."""
    if bool(args.store) == bool(args.dataset):
        raise UsageError(
            "Cần đúng một trong --store KHO hoặc --dataset THƯ_MỤC.",
            "Give exactly one of --store STORE or --dataset FOLDER.",
        )
    if args.dataset and not Path(args.dataset).is_dir():
        raise UsageError(
            f"Không tìm thấy thư mục dữ liệu '{args.dataset}'.", f"Dataset folder '{args.dataset}' not found."
        )
    name = args.store or dataset_scenario_store(args.dataset)
    store = open_scenario_store(name, create=create)
    if store is None:
        raise UsageError(f"Chưa có kho kịch bản {name}.", f"There is no scenario store {name} yet.")
    return store


def _say(args: argparse.Namespace, vi: str, en: str) -> None:
    print(vi if args.lang == "vi" else en)


def _list(args: argparse.Namespace) -> int:
    with _store(args, create=False) as store:
        listed = store.list()
    if listed.empty:
        _say(args, "Chưa có kịch bản nào.", "No scenarios yet.")
    else:
        print(listed.to_string(index=False))
    return 0


def _show(args: argparse.Namespace) -> int:
    with _store(args, create=False) as store:
        scenario = store.get(args.name, args.version)
    _say(
        args,
        f"{scenario.source}: {len(scenario.changes)} thay đổi",
        f"{scenario.source}: {len(scenario.changes)} changes",
    )
    table = scenario_table(scenario)
    print(table.dropna(axis="columns", how="all").to_string(index=False))
    return 0


def _import(args: argparse.Namespace) -> int:
    if not Path(args.file).is_file():
        raise UsageError(f"Không có tệp '{args.file}'.", f"File '{args.file}' not found.")
    check_suffix(args.file, _FILES, "kịch bản", "a scenario")
    scenario = read_scenario(args.file, name=args.name)
    with _store(args) as store:
        version = store.save(
            scenario, user=args.user, name=args.name, action="import", note=Path(args.file).name
        )
    _say(
        args,
        f"Đã nhập {len(scenario.changes)} thay đổi vào kịch bản '{args.name}' (phiên bản {version}).",
        f"Imported {len(scenario.changes)} changes into scenario '{args.name}' (version {version}).",
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    check_suffix(args.out, _OUT, "kịch bản", "a scenario")
    with _store(args, create=False) as store:
        scenario = store.get(args.name, args.version)
    path = write_scenario(scenario, args.out)
    _say(
        args,
        f"Đã xuất {len(scenario.changes)} thay đổi ra {path}.",
        f"Exported {len(scenario.changes)} changes to {path}.",
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    with _store(args, create=False) as store:
        history = store.history(args.name)
    print(pd.DataFrame(history).fillna("").to_string(index=False))
    return 0


def _restore(args: argparse.Namespace) -> int:
    with _store(args, create=False) as store:
        version = store.restore(args.name, args.version, user=args.user)
    _say(
        args,
        f"Đã khôi phục phiên bản {args.version} của '{args.name}' thành phiên bản {version}.",
        f"Restored version {args.version} of '{args.name}' as version {version}.",
    )
    return 0


def build_scenarios_parser(prog: str = "python -m geo scenarios") -> argparse.ArgumentParser:
    """Return the parser of the ``scenarios`` subcommands (each takes ``--store`` or ``--dataset``)."""
    parser = BilingualParser(prog=prog, description="Kho kịch bản / the scenario store")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ / language (vi)")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str, func) -> argparse.ArgumentParser:
        part = sub.add_parser(name, help=text)
        part.add_argument(
            "--store", help="tệp .gpkg hoặc postgresql://... / a .gpkg file or a postgresql:// URL"
        )
        part.add_argument("--dataset", help="thư mục dữ liệu (kho bên cạnh) / dataset folder (its own store)")
        part.set_defaults(func=func)
        return part

    command("list", "liệt kê kịch bản / list the scenarios", _list)
    show = command("show", "xem các thay đổi / show a scenario's changes", _show)
    show.add_argument("name", help="tên kịch bản / scenario name")
    show.add_argument(
        "--version", type=int, help="phiên bản (mặc định: mới nhất) / version (default: latest)"
    )
    imported = command(
        "import", "nhập kịch bản từ tệp / import a scenario file (.geojson .kml .xlsx .csv)", _import
    )
    imported.add_argument("file", help="FILE.geojson | .kml | .xlsx | .csv")
    imported.add_argument("--name", required=True, help="tên kịch bản / scenario name")
    imported.add_argument("--user", default=getpass.getuser(), help="người nhập / who imports it")
    export = command("export", "xuất kịch bản / export a scenario (.geojson .kml .xlsx)", _export)
    export.add_argument("name", help="tên kịch bản / scenario name")
    export.add_argument("--out", required=True, help="FILE.geojson | .kml | .xlsx")
    export.add_argument(
        "--version", type=int, help="phiên bản (mặc định: mới nhất) / version (default: latest)"
    )
    history = command("history", "các lần lưu / save history", _history)
    history.add_argument("name", help="tên kịch bản / scenario name")
    restore = command("restore", "khôi phục một phiên bản / restore a version as the newest", _restore)
    restore.add_argument("name", help="tên kịch bản / scenario name")
    restore.add_argument("--version", type=int, required=True, help="phiên bản / version")
    restore.add_argument("--user", default=getpass.getuser(), help="người khôi phục / who restores it")
    return parser


def scenarios_main(argv: list[str]) -> int:
    """Run ``python -m geo scenarios ...`` with ``argv`` (the words after ``scenarios``); return the exit."""
    state: dict[str, str] = {"lang": "vi"}

    def run() -> int:
        args = build_scenarios_parser().parse_args(argv)
        state["lang"] = args.lang
        return args.func(args)

    def data_error(exc: GeoError) -> str:
        problems = exc.problems if isinstance(exc, DataError) else []
        lines = [exc.text(state["lang"]), *(p.text(state["lang"]) for p in problems)]
        return "\n".join(lines)

    return guarded(run, data_error)
