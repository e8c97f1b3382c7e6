"""Warm the page before the planners arrive: the demo and the last-used dataset prepared in the background.

:func:`start_warmup` (called by ``app.py`` on the server's first run of the script; later calls do
nothing) starts one daemon thread that, for the demo and the dataset chosen last (noted by
:func:`views.common.dataset_choice`), loads the prepared dataset through the same ``st.cache_resource``
function the pages use (:func:`views.common.prepared`), evaluates the page's opening choice (default
plan and year, commune level, all targets), builds that map, and saves the assessment's pieces to the
prepared cache (:mod:`geo.cache`) so the next server start loads them from disk. A failure is logged,
never shown: the page then simply does the work itself.
"""

from __future__ import annotations

import logging
import threading

from geo.settings import DEMO_DIR
from geo.vocab import Level
from views import common
from views.map_build import DEFAULT_LAYERS, MapRequest
from views.map_data import ALL_TARGETS, available_levels, default_plan, default_year

__all__ = ["start_warmup", "warm", "opening_request"]

log = logging.getLogger(__name__)
_STARTED = threading.Event()


def opening_request(folder: str, stamp: float, lang: str = "vi") -> MapRequest | None:
    """The map request a new session opens ``folder`` with (``None`` when it has no plan or no units)."""
    dataset = common.load_dataset(folder, stamp)
    plans = common.plans()
    levels = available_levels(dataset)
    if not plans or len(levels) < 2:
        return None
    plan_id = default_plan(plans, dataset.province)
    level = Level.COMMUNE if Level.COMMUNE in levels else levels[-1]
    year = default_year(plans[plan_id])
    return MapRequest(folder, plan_id, int(year), level, ALL_TARGETS, layers=DEFAULT_LAYERS, lang=lang)


def warm(folder: str) -> None:
    """Prepare ``folder`` as the map page would open it: dataset, evaluation, opening map, saved pieces."""
    stamp = common.dataset_stamp(folder)
    request = opening_request(folder, stamp)
    if request is None:
        return
    common.evaluation(folder, stamp, request.plan_id, request.year, request.level)
    common.cached_map(request, stamp, common.zones_stamp(folder))
    common.save_pieces(folder, stamp)


def _run(folders: list[str]) -> None:
    for folder in folders:
        try:
            warm(folder)
            log.info("warmed %s", folder)
        except Exception:  # the warm-up is an optimisation: the page does the work itself if it fails
            log.exception("warm-up of %s failed", folder)


def start_warmup() -> bool:
    """Start the warm-up thread once per server process; True when this call started it."""
    if _STARTED.is_set():
        return False
    _STARTED.set()
    folders = list(dict.fromkeys([common.last_dataset() or str(DEMO_DIR), str(DEMO_DIR)]))
    threading.Thread(target=_run, args=(folders,), name="coverage-map-warmup", daemon=True).start()
    return True
