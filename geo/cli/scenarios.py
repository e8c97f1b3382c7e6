"""``python -m geo suggest-sites`` and the scenario side of ``evaluate --scenario`` (before / after lines).

A scenario is named by a file (``.geojson``, ``.kml``, ``.xlsx``, ``.csv``) or by a name looked up in
the dataset's ``scenarios/`` folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.cli.common import UsageError, check_folder, check_suffix
from geo.scenarios.model import Scenario, read_scenario, write_scenario
from geo.settings import DEMO_DIR

__all__ = ["find_scenario", "verified_zones", "add_suggest_parser"]

_SUFFIXES = (".geojson", ".json", ".kml", ".xlsx", ".csv")


def find_scenario(name_or_file: str, dataset_folder: str) -> Scenario:
    """Read the scenario ``name_or_file``: a file, else the latest version of that name in the dataset's
    scenario store (:func:`geo.scenarios.store.dataset_scenario_store`), else
    ``<dataset>/scenarios/<name>.<suffix>``."""
    from geo.scenarios.store import dataset_scenario_store, open_scenario_store

    path = Path(name_or_file)
    if not path.exists():
        store = open_scenario_store(dataset_scenario_store(dataset_folder), create=False)
        if store is not None:
            with store:
                if name_or_file in set(store.list()["scenario"]):
                    return store.get(name_or_file)
        folder = Path(dataset_folder) / "scenarios"
        found = [folder / f"{name_or_file}{s}" for s in _SUFFIXES if (folder / f"{name_or_file}{s}").exists()]
        if not found:
            known = ", ".join(sorted({p.stem for p in folder.glob("*")})) if folder.is_dir() else "—"
            raise UsageError(
                f"Không có kịch bản '{name_or_file}' (tệp, hoặc trong {folder}); có: {known}.",
                f"No scenario '{name_or_file}' (a file, or in {folder}); known: {known}.",
            )
        path = found[0]
    return read_scenario(path)


def verified_zones(dataset_folder: str):
    """The live weak-signal zones marked verified in the dataset's zone store
    (:func:`geo.zones.dataset_store`; EPSG:4326), or None when there is none: demand to cover."""
    from geo.vocab import ZoneStatus
    from geo.zones import dataset_store, open_store

    opened = open_store(dataset_store(dataset_folder), create=False)
    if opened is None:
        return None
    with opened:
        zones = opened.list()
    return zones[zones["status"] == ZoneStatus.VERIFIED]


def _cmd_suggest(args: argparse.Namespace) -> int:
    """Suggest sites, print why each, write them as a scenario file."""
    from geo.io.dataset import read_dataset
    from geo.plans.assessment import Assessment
    from geo.scenarios.suggest import CANDIDATE_KINDS, suggest_sites, suggestion_scenario

    check_folder(args.dataset)
    check_suffix(args.out, (".geojson", ".xlsx"), "kịch bản đề xuất", "the suggested scenario")
    check_suffix(args.annex, (".xlsx", ".docx"), "phụ lục vị trí trạm đề xuất", "the suggested-sites annex")
    check_suffix(args.map, (".png", ".pdf", ".svg"), "bản đồ trạm đề xuất", "the suggested-sites map")
    kinds = tuple(k.strip() for k in args.candidates.split(","))
    unknown = [k for k in kinds if k not in CANDIDATE_KINDS]
    if unknown:
        raise UsageError(
            f"Loại vị trí ứng viên không rõ: {', '.join(unknown)}; chọn trong {', '.join(CANDIDATE_KINDS)}.",
            f"Unknown candidate kinds: {', '.join(unknown)}; choose from {', '.join(CANDIDATE_KINDS)}.",
        )
    if args.goal == "cover-households" and args.max_sites is None:
        raise UsageError(
            "--goal cover-households cần --max-sites N (số trạm tối đa).",
            "--goal cover-households needs --max-sites N (the number of sites).",
        )
    exclude = None
    if args.exclude:
        from geo.zones.files import read_zones

        exclude, _ = read_zones(args.exclude)
    dataset = read_dataset(args.dataset)
    zones = verified_zones(args.dataset)
    assessment = Assessment(dataset)  # shared by the suggestion and the map
    answer = suggest_sites(
        assessment,
        goal=args.goal,
        technology=args.technology,
        max_sites=args.max_sites,
        kinds=kinds,
        operator=args.operator,
        min_spacing_m=args.min_spacing_m,
        exclude=exclude,
        zones=zones,
        exact=args.exact,
    )
    out = write_scenario(suggestion_scenario(answer, name=Path(args.out).stem), args.out)
    if args.annex:
        from datetime import date

        from geo.export.annex_sites import write_sites_xlsx
        from geo.export.annex_sites_docx import write_sites_docx

        write = write_sites_docx if Path(args.annex).suffix.lower() == ".docx" else write_sites_xlsx
        made = write(
            answer.sites, answer.uncoverable, territory=dataset.name, out=args.annex, made_on=date.today(),
            lang=args.lang, left=answer.left,
        )  # fmt: skip
        print(made)
    if args.map:
        from datetime import date

        from geo.export.sites_map import export_sites_map

        print(export_sites_map(assessment, answer.sites, out=args.map, lang=args.lang, made_on=date.today()))
    if args.json:
        print(
            json.dumps(
                {
                    "goal": answer.goal,
                    "sites": json.loads(answer.sites.to_json(drop_id=True))["features"],
                    "uncoverable": answer.uncoverable.to_dict("records"),
                    "left": answer.left.to_dict("records"),
                    "greedy": answer.greedy,
                    "exact": answer.exact,
                    "gap": answer.gap,
                    "out": str(out),
                },
                ensure_ascii=False,
                default=float,
            )
        )
        return 0
    vi = args.lang == "vi"
    for row in answer.sites.itertuples():  # printing the (few) suggestions
        print(f"{row.site_id}: {row.why.split(' / ')[0 if vi else 1]} — {row.villages}")
    for row in answer.uncoverable.itertuples():
        zone = row.kind == "zone"
        what = ("Vùng lõm sóng đã xác minh " if vi else "Verified weak-signal zone ") if zone else ""
        print(
            f"{what}{row.name}: không vị trí ứng viên nào phủ được"
            if vi
            else f"{what}{row.name}: cannot be covered by any candidate",
            file=sys.stderr,
        )
    for row in answer.left.itertuples():
        print(
            f"{row.name}: chưa được phủ trong đề xuất này (giới hạn số trạm hoặc khoảng cách tối thiểu)"
            if vi
            else f"{row.name}: left uncovered by this answer (the number of sites or the minimum spacing)",
            file=sys.stderr,
        )
    sites, households = ("trạm", "hộ") if vi else ("sites", "households")
    what = sites if answer.goal == "cover-villages" else households
    print(f"{'Tham lam' if vi else 'Greedy'}: {answer.greedy:g} {what}")
    if answer.exact is not None:
        gap = f"{100 * answer.gap:.1f}".replace(".", "," if vi else ".")
        print(
            f"{'Tối ưu' if vi else 'Optimum'}: {answer.exact:g} {what}; "
            f"{'chênh lệch' if vi else 'gap'}: {gap} %"
        )
    print(out)
    return 0


def add_suggest_parser(sub) -> None:
    """Register ``suggest-sites`` on the subcommand parsers of ``python -m geo``."""
    p = sub.add_parser("suggest-sites", help="đề xuất vị trí trạm BTS / suggest BTS sites that close the gap")
    p.add_argument("dataset", nargs="?", default=str(DEMO_DIR))
    p.add_argument("--goal", choices=["cover-villages", "cover-households"], default="cover-villages")
    p.add_argument("--technology", choices=["4G", "5G"], default="4G")
    p.add_argument("--max-sites", type=int)
    p.add_argument("--candidates", default="towers,public_places,grid", help="towers,public_places,grid")
    p.add_argument("--operator", help="nhà mạng / operator to add or build (default: per candidate)")
    p.add_argument("--min-spacing-m", type=float, default=0.0)
    p.add_argument("--exclude", help="tệp vùng loại trừ / zones file (GeoJSON, KML, GeoPackage)")
    p.add_argument("--exact", action="store_true", help="giải tối ưu (HiGHS) / exact integer program")
    p.add_argument("--out", required=True, help="FILE.geojson or .xlsx (a scenario file)")
    p.add_argument("--annex", help="phụ lục 'Danh mục vị trí trạm BTS đề xuất' / annex FILE.xlsx or .docx")
    p.add_argument(
        "--map", help="bản đồ in các trạm đề xuất / print map of the suggested sites FILE.png or .pdf"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_suggest)
