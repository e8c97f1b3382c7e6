"""The ``dem`` layer: a digital elevation model (GeoTIFF of ground heights in metres, any CRS).

Planners get one from SRTM or ALOS 30 m tiles (EPSG:4326) or from their province (VN-2000);
the manifest names it ``dem: {path: dem.tif}``. :func:`open_dem` reads the header with
rasterio and returns a :class:`Dem` (the raster itself is read once, on first use, as
float32 metres with NaN where the file holds nodata) plus the problems found: an
unreadable file is an error; a file without a CRS is kept (so every village can say why
it falls back to the model without terrain) but marked unusable.

:meth:`Dem.heights` looks heights up at points given in any CRS (the cell holding each
point: DEM cells are the resolution of the data, never interpolated), NaN outside the
raster or on nodata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from pyproj import CRS, Transformer

from geo.errors import Problem

__all__ = ["Dem", "open_dem", "NO_CRS_FIX"]

#: How a planner gives a DEM a CRS (both languages).
NO_CRS_FIX = (
    "Gán hệ toạ độ cho tệp (QGIS: Raster › Phép chiếu › Gán phép chiếu; hoặc "
    "gdal_edit.py -a_srs EPSG:4326 TỆP.tif cho ô SRTM/ALOS).",
    "Assign the file a CRS (QGIS: Raster › Projections › Assign Projection; or "
    "gdal_edit.py -a_srs EPSG:4326 FILE.tif for SRTM/ALOS tiles).",
)


@dataclass
class Dem:
    """One elevation raster: header from the file, heights read on first use.

    ``crs`` is the raster's CRS as text (``None`` when the file has none: then
    :attr:`usable` is false); ``inverse`` is the affine transform from CRS coordinates to
    (column, row) pixel coordinates; ``cell`` the cell size in CRS units (x, y).
    """

    path: Path
    crs: str | None
    width: int
    height: int
    transform: tuple[float, ...]
    nodata: float | None
    problems: list[Problem] = field(default_factory=list)
    _heights: np.ndarray | None = field(default=None, repr=False)

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def usable(self) -> bool:
        """True when the raster has a CRS (without one its cells cannot be placed)."""
        return self.crs is not None

    @property
    def cell(self) -> tuple[float, float]:
        a, b, _, d, e, _ = self.transform[:6]
        return float(np.hypot(a, d)), float(np.hypot(b, e))

    @property
    def inverse(self) -> tuple[float, ...]:
        """(a, b, c, d, e, f) of the inverse transform: col = a·x + b·y + c, row = d·x + e·y + f."""
        a, b, c, d, e, f = self.transform[:6]
        det = a * e - b * d
        ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
        return ia, ib, -(ia * c + ib * f), id_, ie, -(id_ * c + ie * f)

    def array(self) -> np.ndarray:
        """The cells as stored (rows × columns, file's type; :meth:`lookup` makes nodata NaN), read once."""
        if self._heights is None:
            import rasterio

            with rasterio.open(self.path) as src:
                self._heights = src.read(1)
        return self._heights

    def pixels(self, x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
        """Return fractional (column, row) pixel coordinates of points given in ``crs``."""
        gx, gy = _transformer(crs, self.crs).transform(np.asarray(x, float), np.asarray(y, float))
        a, b, c, d, e, f = self.inverse
        gx, gy = np.asarray(gx, float), np.asarray(gy, float)
        return a * gx + b * gy + c, d * gx + e * gy + f

    def lookup(self, col: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Heights of the cells at fractional pixel coordinates; NaN outside the raster or on nodata."""
        heights = self.array()
        inside = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)
        flat = np.where(inside, row.astype(np.intp) * self.width + col.astype(np.intp), 0)
        values = heights.reshape(-1)[flat].astype(np.float32)
        bad = ~inside
        if self.nodata is not None:
            bad |= values == np.float32(self.nodata)
        values[bad] = np.nan
        return values

    def heights(self, x: np.ndarray, y: np.ndarray, crs: str) -> np.ndarray:
        """Ground heights (m) at points given in ``crs``; NaN outside the raster or on nodata."""
        if not self.usable:
            return np.full(np.shape(x), np.nan, dtype=np.float32)
        return self.lookup(*self.pixels(x, y, crs))


@lru_cache(maxsize=16)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def open_dem(path: str | Path, *, crs: str | None = None) -> tuple[Dem | None, list[Problem]]:
    """Open the DEM GeoTIFF at ``path`` (header only) and return it with the problems found.

    ``crs`` (the manifest's ``crs:`` of the entry) replaces a missing CRS of the file. Returns
    ``(None, [error])`` when the file cannot be read as a raster.
    """
    import rasterio
    from rasterio.errors import RasterioError

    path = Path(path)
    try:
        with rasterio.open(path) as src:
            file_crs = src.crs.to_string() if src.crs else None
            header = dict(
                width=src.width, height=src.height, transform=tuple(src.transform)[:6], nodata=src.nodata
            )
    except (RasterioError, OSError) as exc:
        return None, [
            Problem(
                "error",
                path.name,
                f"Không đọc được mô hình số độ cao (DEM) '{path.name}': {exc}.",
                f"Cannot read the elevation model (DEM) '{path.name}': {exc}.",
                fix_vi="Dùng tệp GeoTIFF độ cao (m), ví dụ ô SRTM hoặc ALOS 30 m.",
                fix_en="Use an elevation GeoTIFF (metres), e.g. an SRTM or ALOS 30 m tile.",
                layer="dem",
            )
        ]
    problems = []
    if file_crs is None and crs:
        file_crs = CRS.from_user_input(crs).to_string()
    if file_crs is None:
        problems.append(
            Problem(
                "error",
                path.name,
                "Mô hình số độ cao (DEM) không có hệ toạ độ (CRS): không dùng được mô hình địa hình, "
                "mọi thôn tính theo mô hình không địa hình.",
                "The elevation model (DEM) has no CRS: the terrain model cannot use it, every village "
                "falls back to the model without terrain.",
                fix_vi=NO_CRS_FIX[0],
                fix_en=NO_CRS_FIX[1],
                layer="dem",
            )
        )
    return Dem(path=path, crs=file_crs, problems=problems, **header), problems
