"""Copy Leaflet.draw's files from the installed ``django-leaflet`` package into the app's ``static/`` folder.

Run at start-up beside :func:`views.common.install_static`. The package folder is found with
``importlib.util.find_spec`` — django-leaflet's own Python code needs a configured Django and is never
imported; only the JS, CSS and sprite files it ships are used.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
from pathlib import Path

from layers.offline import DRAW_STATIC_FILES

__all__ = ["install_draw_static"]

log = logging.getLogger(__name__)


def install_draw_static(root: Path) -> None:
    """Copy :data:`layers.offline.DRAW_STATIC_FILES` into ``root/static`` (served as ``/app/static``), each
    unless an identical-size copy is already there. Without the package the zones page still works, but
    without drawing tools: the missing package is logged, nothing is raised."""
    for (package, source), target in DRAW_STATIC_FILES.items():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            log.warning("package %s (django-leaflet) is not installed: no drawing tools on the map", package)
            return
        src = Path(spec.submodule_search_locations[0]) / source
        dst = root / "static" / target
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
