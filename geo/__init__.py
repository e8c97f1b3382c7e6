"""Geo package: reading, checking, computing and exporting coverage data."""
