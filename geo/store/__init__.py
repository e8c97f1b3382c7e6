"""Transactional stores kept as a GeoPackage file or in PostGIS: the mechanics every store shares.

:class:`geo.store.base.SqlStore` is the interface a store's logic is written against (one write
transaction, reads, geometry encoding, placeholders); :class:`geo.store.gpkg.GpkgStore` and
:class:`geo.store.pg.PgStore` implement it. A concrete store (weak-signal zones, scenarios) subclasses
its own logic class and one backend, giving only its tables. :func:`is_url` is the one rule for what a
store name means.
"""

from geo.store.base import BUSY_TIMEOUT_S, SqlStore, is_url, now_text

__all__ = ["BUSY_TIMEOUT_S", "SqlStore", "is_url", "now_text"]
