"""``python -m geo link DATASET --site SITE_ID --to LON LAT [--technology 4G] [--json]``: one path's budget.

Prints, for the path from a BTS site to a point, the distance, the free-space, median,
diffraction and total losses, the budget and margin, line of sight, the main obstruction
(distance from the site, height above the line between the antennas), whether the point is
covered, and the model used (``terrain`` when the dataset has a usable DEM, else
``pathloss``; ``radius_m`` when the site's own radius decides). Exit 0; 2 for an unknown
site, a site without the technology, or a point outside the DEM (a bilingual message).
"""

from __future__ import annotations

import argparse
import json

from geo.cli.common import UsageError, check_folder
from geo.settings import DEMO_DIR

__all__ = ["add_link_parser", "link_text"]

_LABELS = {
    "distance_m": ("khoảng cách", "distance", "m"),
    "free_space_db": ("suy hao không gian tự do", "free-space loss", "dB"),
    "median_loss_db": ("suy hao trung vị", "median loss", "dB"),
    "diffraction_db": ("suy hao nhiễu xạ địa hình", "diffraction loss", "dB"),
    "total_loss_db": ("tổng suy hao", "total loss", "dB"),
    "budget_db": ("quỹ đường truyền", "link budget", "dB"),
    "margin_db": ("dự trữ", "margin", "dB"),
}


def link_text(result: dict, *, lang: str = "vi") -> str:
    """The figures of :func:`geo.compute.terrain.link_budget` as aligned lines in ``lang``."""
    vi = lang == "vi"
    yes, no = ("có", "không") if vi else ("yes", "no")
    lines = [
        f"{'Trạm' if vi else 'Site'} {result['site']} → {result['to'][0]:.6f}, {result['to'][1]:.6f} "
        f"({result['technology']}, {result['band_mhz']:g} MHz, "
        f"{'anten' if vi else 'antenna'} {result['antenna_height_m']:g} m, {result['setting']})"
    ]
    for key, (label_vi, label_en, unit) in _LABELS.items():
        value = result[key]
        shown = "—" if value is None else f"{value:g} {unit}"
        lines.append(f"  {label_vi if vi else label_en:<28} {shown}")
    los = result["line_of_sight"]
    lines.append(
        f"  {'nhìn thẳng (LOS)' if vi else 'line of sight':<28} {'—' if los is None else yes if los else no}"
    )
    obstruction = result["obstruction"]
    if obstruction:
        text = (
            f"{obstruction['distance_m']:g} m {'từ trạm' if vi else 'from the site'}, "
            f"{obstruction['height_above_line_m']:+g} m "
            f"{'so với đường nối anten' if vi else 'above the line'}"
        )
    else:
        text = "—"
    lines.append(f"  {'vật cản chính' if vi else 'main obstruction':<28} {text}")
    if not result["in_sector"]:
        lines.append(f"  {'ngoài hướng phát của anten' if vi else 'outside the antenna sector'}")
    lines.append(f"  {'có sóng' if vi else 'covered':<28} {yes if result['covered'] else no}")
    lines.append(f"  {'mô hình' if vi else 'model':<28} {result['model']}")
    return "\n".join(lines)


def _cmd_link(args: argparse.Namespace) -> int:
    from geo.compute.terrain import LinkError, link_budget
    from geo.io.dataset import read_dataset
    from geo.plans.assessment import Assessment

    check_folder(args.dataset)
    lon, lat = args.to
    try:
        assessment = Assessment(read_dataset(args.dataset))
        result = link_budget(
            assessment.dataset, assessment.sites, args.site, lon, lat, technology=args.technology
        )
    except LinkError as exc:
        raise UsageError(exc.text("vi"), exc.text("en")) from exc
    print(json.dumps(result, ensure_ascii=False) if args.json else link_text(result, lang=args.lang))
    return 0


def add_link_parser(sub) -> None:
    """Register ``link`` on the subcommand parsers of ``python -m geo``."""
    link = sub.add_parser("link", help="suy hao một đường truyền trạm–điểm / one site–point link budget")
    link.add_argument("dataset", nargs="?", default=str(DEMO_DIR))
    link.add_argument("--site", required=True, help="mã trạm / site_id")
    link.add_argument("--to", nargs=2, type=float, required=True, metavar=("LON", "LAT"))
    link.add_argument("--technology", choices=["4G", "5G"], default="4G")
    link.add_argument("--json", action="store_true")
    link.set_defaults(func=_cmd_link)
