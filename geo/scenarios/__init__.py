"""Scenarios: named sets of planned changes on top of a dataset, and suggested sites that close the gap.

:mod:`geo.scenarios.model` reads a scenario file and applies it to a dataset (a new dataset, the
original untouched); :mod:`geo.scenarios.compare` evaluates a plan before and after;
:mod:`geo.scenarios.suggest` chooses new sites (set covering / maximal covering, greedy or exact);
:mod:`geo.scenarios.store` keeps named scenarios, every save a version (GeoPackage or PostGIS).
"""

from geo.scenarios.model import CHANGES, Scenario, apply_scenario, read_scenario, write_scenario

__all__ = ["CHANGES", "Scenario", "apply_scenario", "read_scenario", "write_scenario"]
