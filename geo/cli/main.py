"""The command line ``python -m geo`` that planners and checks script against (README, "Dòng lệnh").

Each subcommand is a thin wrapper: parse arguments, call one function of ``geo``, print its
text, return an exit code (0 ok, 1 data errors, 2 usage errors; :mod:`geo.cli.common`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from geo.cli.common import BilingualParser, UsageError, check_folder, check_suffix, guarded
from geo.cli.evidence import add_evidence_parser
from geo.cli.link import add_link_parser
from geo.cli.scenarios import add_suggest_parser
from geo.errors import GeoError, errors_in
from geo.settings import DEMO_DIR, PLANS_DIR

__all__ = ["main", "build_parser"]


def _cmd_check(args: argparse.Namespace) -> int:
    """Read a dataset and print what was found and every problem; 1 when there are errors."""
    from geo.cache.prepared import open_prepared
    from geo.io.dataset import check_report
    from geo.io.manifest import read_manifest
    from geo.io.reference import check_province

    check_folder(args.dataset)
    prepared = open_prepared(args.dataset, use_cache=not args.no_cache)
    dataset = prepared.dataset
    files = {src.layer: src.path for src in dataset.sources}
    dataset.problems += check_province(dataset, read_manifest(args.dataset).province, files=files)
    print(check_report(dataset, lang=args.lang))
    print(_cache_line(prepared, args))
    return 1 if errors_in(dataset.problems) else 0


def _cache_line(prepared, args: argparse.Namespace) -> str:
    """The line of ``check`` saying whether the prepared cache was used (README, "Bộ nhớ đệm")."""
    vi = args.lang == "vi"
    if args.no_cache:
        return "Bộ nhớ đệm: không dùng (--no-cache)" if vi else "Prepared cache: not used (--no-cache)"
    if prepared.from_cache:
        return (
            f"Bộ nhớ đệm: đã dùng bộ nhớ đệm ({prepared.folder})"
            if vi
            else (f"Prepared cache: used the prepared cache ({prepared.folder})")
        )
    if prepared.folder is None:
        return "Bộ nhớ đệm: không ghi được (xem nhật ký -v)" if vi else "Prepared cache: not written (see -v)"
    return (
        f"Bộ nhớ đệm: đã đọc tệp nguồn và lưu bộ nhớ đệm ({prepared.folder})"
        if vi
        else (f"Prepared cache: read the sources and saved the prepared cache ({prepared.folder})")
    )


def _cmd_cache(args: argparse.Namespace) -> int:
    """``cache clear``: delete every prepared dataset; ``cache where``: print the cache folder."""
    from geo.cache.prepared import cache_root, clear_cache

    if args.action == "where":
        print(cache_root())
        return 0
    count = clear_cache()
    vi = args.lang == "vi"
    print(
        f"Đã xoá {count} bộ dữ liệu đã chuẩn bị ({cache_root()})"
        if vi
        else (f"Deleted {count} prepared dataset(s) ({cache_root()})")
    )
    return 0


def _cmd_plans(args: argparse.Namespace) -> int:
    """Print every plan's targets (text or JSON)."""
    from geo.plans.targets import load_plans, plans_report

    print(plans_report(load_plans(args.folder), as_json=args.json))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    """Evaluate a dataset against a plan and print or write the status table."""
    from geo.cache.prepared import open_prepared, save_prepared
    from geo.plans.evaluate_io import write_evaluation

    check_folder(args.dataset)
    check_suffix(args.out, (".csv", ".xlsx", ".geojson"), "bảng đánh giá", "the evaluation")
    plan = _plan(args.plan)
    _check_year(plan, args.year)
    prepared = open_prepared(args.dataset, use_cache=not args.no_cache)
    dataset, assessment = prepared.dataset, prepared.assessment
    errors = errors_in(dataset.problems)
    if errors:
        print("\n".join(p.text(args.lang) for p in errors), file=sys.stderr)
    _check_level(assessment.hierarchy, args.level)
    if args.scenario:  # before / after (geo/cli/scenarios.py)
        from geo.cli.scenarios import find_scenario
        from geo.export.text import before_after_lines
        from geo.scenarios.compare import evaluate_scenario

        scenario = find_scenario(args.scenario, args.dataset)
        table = evaluate_scenario(assessment, scenario, plan, args.year, level=args.level)
        save_prepared(prepared)
        if scenario.problems:
            print("\n".join(p.text(args.lang) for p in scenario.problems), file=sys.stderr)
        if not args.out:
            print(before_after_lines(table, lang=args.lang))
            return 0
    else:
        table = assessment.evaluate(plan, args.year, level=args.level, spots=True)
        save_prepared(prepared)
    if args.out:
        print(write_evaluation(table, dataset, Path(args.out), level=args.level))
    else:
        label = "label_vi" if args.lang == "vi" else "label_en"
        shown = ["uid", "name", label, "value", "target_text", "status", "gap"]
        print(table[shown].to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    return 0


def _plan(plan_id: str):
    """The plan ``plan_id`` from data/plans, or a GeoError listing the known ids."""
    from geo.plans.targets import load_plans

    plans = load_plans()
    if plan_id not in plans:
        known = ", ".join(plans)
        raise GeoError(
            f"Không có kế hoạch '{plan_id}'. Có: {known}.", f"No plan '{plan_id}'. Known: {known}."
        )
    return plans[plan_id]


def _check_year(plan, year: int | None) -> None:
    """Raise :class:`UsageError` when no target of ``plan`` is in force in ``year``, naming its years."""
    years = sorted({t.year for t in plan.targets if t.kind == "target"})
    if year is not None and (not years or year < years[0]):
        listed = ", ".join(map(str, years)) or "—"
        raise UsageError(
            f"Kế hoạch {plan.id} chưa có chỉ tiêu nào cho năm {year}; các năm có chỉ tiêu: {listed}.",
            f"Plan {plan.id} has no target in force in {year}; its target years: {listed}.",
        )


def _check_level(hierarchy, level: str) -> None:
    """Raise :class:`UsageError` when the dataset has no unit at ``level``, naming the levels it has."""
    present = set(hierarchy.nodes["level"])
    if level not in present:
        order = ("territory", "province", "district", "commune", "village")
        listed = ", ".join(sorted(present, key=lambda lv: order.index(lv) if lv in order else len(order)))
        raise UsageError(
            f"Bộ dữ liệu không có đơn vị cấp '{level}'; các cấp có: {listed}.",
            f"The dataset has no units at level '{level}'; levels present: {listed}.",
        )


def _check_indicator(indicator: str | None) -> None:
    """Raise :class:`UsageError` for an indicator id the catalogue does not know."""
    from geo.compute.catalogue import INDICATORS

    if indicator is not None and indicator not in INDICATORS:
        listed = ", ".join(INDICATORS)
        raise UsageError(
            f"Không có chỉ tiêu '{indicator}'; các mã: {listed}.",
            f"Unknown indicator '{indicator}'; known ids: {listed}.",
        )


def _zones(store: str | None, dataset_folder: str):
    """The live weak-signal zones of ``store`` (default: the dataset's own or the shared store), or None."""
    from geo.zones import dataset_store, open_store

    opened = open_store(store or dataset_store(dataset_folder), create=store is not None)
    if opened is None:
        return None
    with opened:
        return opened.list()


def _cmd_export_map(args: argparse.Namespace) -> int:
    """Write a print-ready map (or, with --atlas, the commune atlas PDF)."""
    from geo.export import export_atlas, export_map
    from geo.io.dataset import read_dataset
    from geo.plans.assessment import Assessment

    check_folder(args.dataset)
    check_suffix(args.out, (".pdf",) if args.atlas else (".png", ".pdf", ".svg"), "bản đồ", "the map")
    _check_indicator(args.indicator)
    if not args.atlas and args.indicator is None:
        raise UsageError(
            "Cần --indicator (mã chỉ tiêu) cho bản đồ in.", "A print map needs --indicator (an indicator id)."
        )
    plan = _plan(args.plan)
    _check_year(plan, args.year)
    assessment = Assessment(read_dataset(args.dataset))
    hierarchy = assessment.hierarchy
    if args.unit is not None and args.unit not in set(hierarchy.nodes["uid"].astype(str)):
        raise UsageError(
            f"Không có đơn vị mã '{args.unit}' trong bộ dữ liệu (mã xã: cột uid).",
            f"No unit with code '{args.unit}' in the dataset (commune codes: the uid column).",
        )
    _check_level(hierarchy, "village" if args.unit or args.atlas else args.level)

    def at(level: str):
        return assessment.evaluate(plan, args.year, level=level)

    zones = _zones(args.zones, args.dataset)
    layers = tuple(args.layers.split(",")) if args.layers else ("bts", "weak_zones")
    if args.atlas:
        evaluations = {"commune": at("commune"), "village": at("village")}
        out = export_atlas(
            assessment, evaluations, plan=plan, year=args.year, out=Path(args.out), indicator=args.indicator,
            weak_zones=zones, layers=layers,
        )  # fmt: skip
    else:
        level = "village" if args.unit else args.level
        out = export_map(
            assessment, at(level), plan=plan, year=args.year, indicator=args.indicator, out=Path(args.out),
            unit=args.unit, paper=args.paper, orientation=args.orientation, dpi=args.dpi, layers=layers,
            weak_zones=zones, lang=args.lang,
        )  # fmt: skip
    print(out)
    return 0


def _cmd_export_annex(args: argparse.Namespace) -> int:
    """Write the annex table (XLSX, or DOCX for the territory) in the plans' layout."""
    from geo.export import export_annex
    from geo.io.dataset import read_dataset
    from geo.plans.assessment import Assessment

    check_folder(args.dataset)
    check_suffix(args.out, (".xlsx", ".docx"), "phụ lục", "the annex")
    plan = _plan(args.plan)
    _check_year(plan, args.year)
    print(export_annex(Assessment(read_dataset(args.dataset)), plan, out=Path(args.out), year=args.year))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    """Write the deterministic demo dataset at the chosen scale."""
    from geo.demo import write_demo

    out = write_demo(Path(args.out), scale=args.scale, seed=args.seed)
    print(out)
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmark and print one JSON line per figure."""
    from geo.bench.run import one_scale, run_bench

    data = Path(args.data) if args.data else None
    if args.one:
        return one_scale(args.one, data, naive=args.naive)
    return run_bench(scales=args.scales, data=data)


def _scales(text: str) -> list[str]:
    """The ``--scales`` list (comma-separated), each one of the demo's scales."""
    from geo.demo import SCALES

    scales = text.split(",")
    unknown = [s for s in scales if s not in SCALES]
    if unknown:
        raise argparse.ArgumentTypeError(f"{', '.join(unknown)} (choose from {', '.join(SCALES)})")
    return scales


def _scheduler_option(parser: argparse.ArgumentParser) -> None:
    """``--scheduler``: the dask scheduler for speed tests given as a folder of partitions."""
    parser.add_argument(
        "--scheduler",
        help="bộ lập lịch dask / dask scheduler tcp://HOST:PORT (or COVERAGE_DASK_SCHEDULER; default: local)",
    )


def _reading_options(parser: argparse.ArgumentParser) -> None:
    """How a subcommand reads its dataset: ``--scheduler`` (dask) and ``--no-cache`` (skip the cache)."""
    _scheduler_option(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="đọc tệp nguồn, bỏ qua bộ nhớ đệm / read the sources, skip the cache",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m geo`` with every subcommand."""
    parser = BilingualParser(prog="python -m geo", description="Bản đồ phủ sóng hạ tầng số / coverage map")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ / language (vi)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="đọc và kiểm tra bộ dữ liệu / read and check a dataset")
    check.add_argument("dataset", nargs="?", default=str(DEMO_DIR))
    _reading_options(check)
    check.set_defaults(func=_cmd_check)

    cache = sub.add_parser("cache", help="bộ nhớ đệm dữ liệu đã chuẩn bị / the prepared-dataset cache")
    cache.add_argument(
        "action", choices=["clear", "where"], help="clear: xoá / delete; where: nơi lưu / folder"
    )
    cache.set_defaults(func=_cmd_cache)

    plans = sub.add_parser("plans", help="liệt kê chỉ tiêu các kế hoạch / list plan targets")
    plans.add_argument("--json", action="store_true")
    plans.add_argument("--folder", default=str(PLANS_DIR), help=argparse.SUPPRESS)
    plans.set_defaults(func=_cmd_plans)

    evaluate = sub.add_parser("evaluate", help="đánh giá theo chỉ tiêu kế hoạch / evaluate against a plan")
    evaluate.add_argument("dataset", nargs="?", default=str(DEMO_DIR))
    evaluate.add_argument("--plan", required=True, help="mã kế hoạch / plan id (python -m geo plans)")
    evaluate.add_argument("--year", type=int, required=True)
    evaluate.add_argument(
        "--level", choices=["territory", "province", "district", "commune", "village"], default="commune"
    )
    evaluate.add_argument("--out", help="FILE.csv, .xlsx or .geojson")
    evaluate.add_argument("--scenario", help="kịch bản: tệp hoặc tên / scenario file or name (before/after)")
    _reading_options(evaluate)
    evaluate.set_defaults(func=_cmd_evaluate)

    export_map = sub.add_parser("export-map", help="xuất bản đồ in / print-ready map or atlas")
    export_map.add_argument("dataset", nargs="?", default=str(DEMO_DIR))
    export_map.add_argument("--plan", required=True)
    export_map.add_argument("--year", type=int, required=True)
    export_map.add_argument(
        "--indicator", help="mã chỉ tiêu / indicator id (atlas: default village coverage)"
    )
    export_map.add_argument("--unit", help="mã xã: bản đồ các thôn của xã / commune uid: map its villages")
    export_map.add_argument("--level", choices=["district", "commune", "village"], default="commune")
    export_map.add_argument("--paper", choices=["A4", "A3"], default="A4")
    export_map.add_argument("--orientation", choices=["landscape", "portrait"], default="landscape")
    export_map.add_argument("--dpi", type=int, default=300)
    export_map.add_argument(
        "--layers", help="coverage_4g,ftth,wifi,bts,weak_zones (mặc định / default bts,weak_zones)"
    )
    export_map.add_argument("--zones", help="kho vùng lõm sóng / zone store (default: the dataset's own)")
    export_map.add_argument("--atlas", action="store_true", help="tập bản đồ các xã (PDF) / commune atlas")
    export_map.add_argument("--out", required=True, help="FILE.png, .pdf or .svg")
    export_map.set_defaults(func=_cmd_export_map)

    annex = sub.add_parser("export-annex", help="xuất phụ lục chỉ tiêu / annex table (XLSX, DOCX)")
    annex.add_argument("dataset", nargs="?", default=str(DEMO_DIR))
    annex.add_argument("--plan", required=True)
    annex.add_argument("--year", type=int, help="năm hiện trạng / current year (default: latest target year)")
    annex.add_argument("--out", required=True, help="FILE.xlsx or .docx")
    annex.set_defaults(func=_cmd_export_annex)

    demo = sub.add_parser("demo", help="tạo bộ dữ liệu mẫu / write the demo dataset")
    demo.add_argument("--scale", choices=["village", "province", "national"], default="village")
    demo.add_argument("--out", required=True)
    demo.add_argument("--seed", type=int, default=2025)
    demo.set_defaults(func=_cmd_demo)
    bench = sub.add_parser("bench", help="đo tốc độ / benchmark (JSON lines)")
    bench.add_argument("--scales", type=_scales, default="province,national")
    bench.add_argument("--data", help="thư mục chứa dữ liệu đã sinh / folder of generated scales (reused)")
    bench.add_argument("--one", choices=["village", "province", "national"], help=argparse.SUPPRESS)
    bench.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    _scheduler_option(bench)
    bench.set_defaults(func=_cmd_bench)
    add_link_parser(sub)
    add_evidence_parser(sub)
    add_suggest_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m geo`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    head, command = _global_options(argv)
    # the stores have their own parsers (geo/cli/zones.py, geo/cli/scenario_store.py)
    if command in ("zones", "scenarios"):
        from geo.cli.scenario_store import scenarios_main
        from geo.cli.zones import zones_main

        rest = argv[len(head) + 1 :]
        lang = [w for k, w in enumerate(head[1:]) if head[k] == "--lang"] + [
            w.split("=", 1)[1] for w in head if w.startswith("--lang=")
        ]
        return (zones_main if command == "zones" else scenarios_main)(
            [*(["--lang", lang[-1]] if lang else []), *rest]
        )
    if command in ("users", "serve"):  # shared offices: accounts, and starting the app (geo/cli/)
        from geo.cli.serve import serve_main
        from geo.cli.users import users_main

        return (users_main if command == "users" else serve_main)(argv[len(head) + 1 :])
    state: dict[str, str] = {"lang": "vi"}

    def run() -> int:
        args = build_parser().parse_args(argv)
        state["lang"] = args.lang
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
        if getattr(args, "scheduler", None):
            from geo.compute.speed_partitions import use_scheduler

            use_scheduler(args.scheduler)
        return args.func(args)

    return guarded(run, lambda exc: exc.text(state["lang"]))


def _global_options(argv: list[str]) -> tuple[list[str], str | None]:
    """Split ``argv`` into the options before the command (``--lang en``, ``-v``) and the command word."""
    k = 0
    while k < len(argv) and argv[k].startswith("-"):
        k += 2 if argv[k] == "--lang" else 1
    return argv[:k], argv[k] if k < len(argv) else None
