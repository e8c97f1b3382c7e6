"""``python -m geo evidence DATASET [--json] [--out F.csv]``: coverage sources checked against speed tests.

Prints, per source (``modelled``; ``reported`` and ``chosen`` when the dataset has operators' maps) and
per commune, the tests, agreement, false covered and false uncovered (:func:`geo.compute.evidence.
check_sources`); then the disputed villages with their tests (:func:`geo.compute.evidence.
disputed_villages`) and the number of white and grey villages per technology. ``--out F.csv`` writes
the disputed villages (UTF-8 with BOM, for Excel); ``--json`` prints everything as one JSON object.
Exit 0; 2 for a missing folder or an output that is not .csv.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from geo.cli.common import check_folder, check_suffix
from geo.settings import DEMO_DIR

__all__ = ["add_evidence_parser", "evidence_text"]

_SOURCE = {
    "modelled": ("mô hình", "modelled"),
    "reported": ("nhà mạng báo cáo", "reported"),
    "chosen": ("nguồn đang dùng", "chosen"),
}


def evidence_text(
    check: pd.DataFrame, disputed: pd.DataFrame, spots: pd.DataFrame, *, lang: str = "vi"
) -> str:
    """The three tables as aligned lines in ``lang`` (``vi`` or ``en``)."""
    vi = lang == "vi"
    head = (
        f"{'nguồn' if vi else 'source':<18} {'đơn vị' if vi else 'unit':<28} "
        f"{'số đo' if vi else 'tests':>6} {'khớp' if vi else 'agree':>6} "
        f"{'báo có sai' if vi else 'false cov.':>10} {'báo không sai' if vi else 'false uncov.':>13} {'%':>6}"
    )
    lines = ["Đối chiếu với đo kiểm tốc độ di động" if vi else "Check against mobile speed tests", head]
    for r in check.itertuples():
        pct = "—" if pd.isna(r.agreement_pct) else f"{r.agreement_pct:.1f}"
        label = _SOURCE.get(r.source, (r.source, r.source))[0 if vi else 1]
        lines.append(
            f"{label:<18} {r.name!s:<28} {r.n_tests:>6} {r.agree:>6} {r.false_covered:>10} "
            f"{r.false_uncovered:>13} {pct:>6}"
        )
    lines.append("")
    lines.append(
        f"Thôn/bản bị phản bác ({len(disputed)}):" if vi else f"Disputed villages ({len(disputed)}):"
    )
    for r in disputed.itertuples():
        said = ("có sóng" if vi else "covered") if r.covered else ("không có sóng" if vi else "uncovered")
        against = r.n_not_served if r.covered else r.n_served
        what = (
            ("không đạt ngưỡng" if vi else "not served") if r.covered else ("đạt ngưỡng" if vi else "served")
        )
        shown = ", ".join(map(str, r.tests[:10])) + (" …" if len(r.tests) > 10 else "")
        lines.append(
            f"  {r.name} ({r.uid}): {said} [{r.source}], {against}/{r.n_tests} "
            f"{'lần đo' if vi else 'tests'} {what}; {'dòng' if vi else 'rows'} {shown}"
        )
    if spots is not None and not spots.empty:
        lines.append("")
        for tech, group in spots.groupby("technology", sort=True):
            white, grey = (group["spot"] == "white").sum(), (group["spot"] == "grey").sum()
            lines.append(
                f"{tech}: {white} thôn/bản vùng trắng (không nhà mạng nào), {grey} vùng xám (một nhà mạng)"
                if vi
                else f"{tech}: {white} white villages (no operator), {grey} grey (exactly one operator)"
            )
    return "\n".join(lines)


def _cmd_evidence(args: argparse.Namespace) -> int:
    from geo.compute.evidence import check_sources, disputed_villages, white_grey_spots
    from geo.io.dataset import read_dataset
    from geo.plans.assessment import Assessment

    check_folder(args.dataset)
    check_suffix(args.out, (".csv",), "bảng thôn/bản bị phản bác", "the disputed villages table")
    a = Assessment(read_dataset(args.dataset))
    check = check_sources(a.dataset, a.hierarchy, a.sites)
    disputed = disputed_villages(a.dataset, a.hierarchy, a.village_coverage)
    spots = white_grey_spots(a.dataset, a.village_coverage)
    if args.out:
        disputed.assign(tests=disputed["tests"].map(lambda t: ";".join(map(str, t)))).to_csv(
            Path(args.out), index=False, encoding="utf-8-sig"
        )
    if args.json:
        doc = {
            "check": check.to_dict(orient="records"),
            "disputed": disputed.assign(tests=disputed["tests"].map(list)).to_dict(orient="records"),
            "spots": spots.groupby(["technology", "spot"]).size().rename("villages").reset_index()
            .query("spot != ''").to_dict(orient="records"),
        }  # fmt: skip
        print(json.dumps(doc, ensure_ascii=False, default=_plain))
    else:
        print(evidence_text(check, disputed, spots, lang=args.lang))
    return 0


def _plain(value):
    """numpy scalars (and NaN) as JSON values."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value


def add_evidence_parser(sub) -> None:
    """Register ``evidence`` on the subcommand parsers of ``python -m geo``."""
    evidence = sub.add_parser(
        "evidence", help="đối chiếu vùng phủ với đo kiểm / coverage checked against speed tests"
    )
    evidence.add_argument("dataset", nargs="?", default=str(DEMO_DIR))
    evidence.add_argument("--json", action="store_true")
    evidence.add_argument("--out", help="tệp CSV thôn/bản bị phản bác / CSV of disputed villages")
    evidence.set_defaults(func=_cmd_evidence)
