"""The prepared-dataset cache (:mod:`geo.cache.prepared`): a dataset read, validated and assessed once,
re-opened from GeoParquet under the app's home until one of its files, its manifest, its settings or
the code changes."""

from geo.cache.prepared import CACHE_FORMAT, Prepared, cache_root, clear_cache, open_prepared, save_prepared

__all__ = ["CACHE_FORMAT", "Prepared", "cache_root", "clear_cache", "open_prepared", "save_prepared"]
