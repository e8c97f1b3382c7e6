"""The project's shared words, one :class:`~enum.StrEnum` each, so no status or layer name is spelled twice.

Members are strings (``Status.NO_DATA == "no data"``), so every output column, plan file and CLI
option keeps the values it had; code compares against members instead of retyping the strings.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Status", "Level", "ZoneStatus", "Overlay", "PRINTED_OVERLAYS"]


class Status(StrEnum):
    """A unit's result against a target (the ``status`` column of evaluations and annexes); ``NO_DATA``
    and ``INSUFFICIENT`` are also the ``flag`` of a computed indicator value that is missing or weak."""

    MET = "met"
    MISSED = "missed"
    NO_DATA = "no data"
    INSUFFICIENT = "insufficient samples"


class Level(StrEnum):
    """Levels a plan is evaluated at (``--level``, the ``level`` column), from the whole territory down."""

    TERRITORY = "territory"
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    VILLAGE = "village"


class ZoneStatus(StrEnum):
    """Where a weak-signal zone stands in its cycle, in order."""

    REPORTED = "reported"
    VERIFIED = "verified"
    OPERATOR_RESPONDED = "operator_responded"
    RESOLVED = "resolved"


class Overlay(StrEnum):
    """Map overlays: the keys of the interactive map and of the printed map (``--layers``) alike."""

    COVERAGE_4G = "coverage_4g"
    COVERAGE_5G = "coverage_5g"
    FTTH = "ftth"
    SPEED = "speed"
    WEAK_ZONES = "weak_zones"
    MISSING_VILLAGES = "missing_villages"
    SPOTS = "spots"
    DISPUTED = "disputed"
    PLACES = "places"
    WIFI = "wifi"
    BTS = "bts"


#: Overlays a printed map can draw, in drawing order (``bts`` draws shared and single-operator sites).
PRINTED_OVERLAYS = (Overlay.COVERAGE_4G, Overlay.FTTH, Overlay.WIFI, Overlay.BTS, Overlay.WEAK_ZONES)
