"""Warm the page before the planners arrive: the demo and the last-used dataset prepared at server start.

``streamlit run app.py`` imports ``app.py`` once as the server's ``st.App``, whose lifespan is
:func:`server_lifespan`: before the server answers its first request it imports what the map page's
script imports and prepares the dataset chosen last (noted by :func:`views.common.dataset_choice`, else
the demo), then prepares the demo in the background. Preparing a dataset (:func:`warm`) loads it through
the same ``st.cache_resource`` function the pages use (:func:`views.common.prepared`), evaluates the
page's opening choice (default plan and year, commune level, all targets), builds and renders that map
(:func:`views.map_cache.map_payload`), and saves the assessment's pieces to the prepared cache
(:mod:`geo.cache`) so the next server start loads them from disk.

:func:`start_warmup` (called by ``app.py`` on every run of its script) does the same in a background
thread when the script runs without that server (``AppTest``); after the server's warm-up it does nothing.
After the server's warm-up, what it holds is left out of later garbage collections (:func:`_keep_warmed`).
A failure is logged, never shown: the page then simply does the work itself.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from geo.model import TERRITORY
from geo.settings import DEMO_DIR
from geo.vocab import Level
from views import common
from views.map_build import DEFAULT_LAYERS, MapRequest
from views.map_cache import map_payload, register_component
from views.map_data import ALL_TARGETS, available_levels, default_plan, default_year

__all__ = ["PAGE_IMPORTS", "START_WAIT_S", "server_lifespan", "start_warmup", "warm", "opening_request"]

log = logging.getLogger(__name__)
_STARTED = threading.Event()
#: Modules the map page's script (views/map_view.py) imports that ``app.py`` does not: imported at server
#: start, so the first visit does not wait for them.
PAGE_IMPORTS = ("geo.plans.cells", "views.map_export")
#: Longest the server start waits for the first dataset's warm-up (s) before it serves anyway (a national
#: dataset read for the first time takes longer: the planner then sees the page working rather than no page).
START_WAIT_S = 60.0


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
    common.evaluation(folder, stamp, request.plan_id, request.year, TERRITORY)  # the page's summary
    map_payload(request, stamp, common.zones_stamp(folder))
    common.save_pieces(folder, stamp)


def _run(folders: list[str]) -> None:
    for folder in folders:
        try:
            warm(folder)
            log.info("warmed %s", folder)
        except Exception:  # the warm-up is an optimisation: the page does the work itself if it fails
            log.exception("warm-up of %s failed", folder)


def _folders() -> list[str]:
    """The folders to warm, first the one chosen last (else the demo), then the demo."""
    return list(dict.fromkeys([common.last_dataset() or str(DEMO_DIR), str(DEMO_DIR)]))


def start_warmup() -> bool:
    """Start the warm-up thread once per server process (unless :func:`server_lifespan` warmed it); True
    when this call started it."""
    if _STARTED.is_set():
        return False
    _STARTED.set()
    threading.Thread(target=_run, args=(_folders(),), name="coverage-map-warmup", daemon=True).start()
    return True


def _at_start(folders: list[str], ready: threading.Event) -> None:
    """Import the map page's modules and warm ``folders[0]``, set ``ready``, then warm the others and
    :func:`_keep_warmed`."""
    try:
        for module in PAGE_IMPORTS:
            importlib.import_module(module)
        _run(folders[:1])
    finally:
        ready.set()
    _run(folders[1:])
    _keep_warmed()


def _keep_warmed() -> None:
    """Leave what the server holds after its warm-up (modules, prepared datasets, opening maps) out of
    Python's later garbage collections (``gc.freeze``).

    Streamlit collects garbage in full after every script run (``runner.postScriptGC``); with the demo
    warmed that alone took 0.15–0.4 s of every rerun, holding the interpreter while the map's files and
    messages waited. These objects live as long as the server, so a collection has nothing to find in
    them; what each run makes is still collected. Only in a running Streamlit server (nothing else, e.g.
    a test process, gets its objects frozen)."""
    from streamlit import runtime

    if runtime.exists():
        gc.collect()
        gc.freeze()


def _open_browser() -> None:
    """Open the app in the planner's browser, as ``streamlit run`` does for a script that is not an
    ``st.App``: unless ``server.headless``, at ``browser.serverAddress``, else the configured
    ``server.address``, else localhost."""
    from streamlit import cli_util, config
    from streamlit.web.server import server_util

    if config.get_option("server.headless"):
        return
    if config.is_manually_set("browser.serverAddress"):
        address = config.get_option("browser.serverAddress")
    elif config.is_manually_set("server.address"):
        address = server_util.get_display_address(config.get_option("server.address"))
    else:
        address = "localhost"
    cli_util.open_browser(server_util.get_url(address))


@asynccontextmanager
async def server_lifespan(_app: object) -> AsyncIterator[None]:
    """The ``st.App`` lifespan of ``app.py``: warm the page's imports and the dataset chosen last before
    the server serves (its first planner then finds the opening map ready; a warm-up longer than
    :data:`START_WAIT_S` finishes while the server already serves), the demo after, in the background;
    then open the browser as plain ``streamlit run`` would."""
    _STARTED.set()
    register_component()
    ready = threading.Event()
    threading.Thread(
        target=_at_start, args=(_folders(), ready), name="coverage-map-warmup", daemon=True
    ).start()
    await asyncio.to_thread(ready.wait, START_WAIT_S)
    _open_browser()
    yield
