"""One dataset's assessment: every derived piece (hierarchy, sites, coverage, indicators, evaluations)
built once, lazily, and shared by every consumer (CLI, page, exports, benchmark).

The pieces depend on one another — the evaluation needs the indicators and the hierarchy, the
indicators need the village coverage, the coverage needs the sites, the sites need the hierarchy —
and each is a ``functools.cached_property`` (or a per-argument cache), so asking for any of them
builds exactly what it needs, once. The compute functions underneath take their inputs explicitly
(:func:`geo.compute.indicators.compute_indicators`, :func:`geo.plans.evaluate.evaluate`, ...) and never
rebuild a missing one: this object is the only place that decides what is built from what.

Settings are the dataset's own (``dataset.settings``, merged from its manifest), so the object takes
only the dataset: a separate ``settings`` argument could disagree with the one the data were read with.
The tables it returns are shared (the page serves them to every session): read them, never change them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from functools import cached_property

import geopandas as gpd
import pandas as pd

from geo.compute.coverage import SiteModel, prepare_sites
from geo.compute.hierarchy import Hierarchy, build_hierarchy
from geo.compute.incremental import updated_indicators, updated_village_coverage
from geo.compute.indicators import compute_indicators, village_coverage
from geo.compute.measured import MEASURED, measured_coverage
from geo.compute.reported import served_areas
from geo.model import Dataset
from geo.plans.evaluate import evaluate, reevaluate, unit_geometries
from geo.plans.spots import spot_rows
from geo.plans.targets import Plan

__all__ = ["Assessment", "PIECES"]

#: The expensive pieces a prepared cache may hold (:meth:`Assessment.built`, :meth:`Assessment.restored`).
PIECES = ("hierarchy", "village_coverage", "computed")


class Assessment:
    """The assessment of one read dataset: ``Assessment(read_dataset(folder))``.

    ``hierarchy``, ``sites``, ``village_coverage`` and ``computed`` (every spatial indicator) are
    built on first use; :meth:`evaluate`, :meth:`geometries` and :meth:`coverage` keep one answer per
    argument.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._base: tuple[Assessment, frozenset[str]] | None = None
        self._evaluations: dict[tuple[str, int, str], tuple[Plan, pd.DataFrame]] = {}
        self._geometries: dict[str, gpd.GeoDataFrame] = {}
        self._coverage: dict[tuple[str | tuple[str, ...], bool], gpd.GeoDataFrame] = {}
        self._sources: dict[str, Assessment] = {}
        self._spots: dict[str, pd.DataFrame] = {}

    @classmethod
    def of(cls, source: Dataset | Assessment) -> Assessment:
        """Return ``source`` when it is an assessment, else a new one of the dataset ``source``
        (for the export functions, which accept either)."""
        return source if isinstance(source, Assessment) else cls(source)

    @classmethod
    def restored(cls, dataset: Dataset, **pieces: object) -> Assessment:
        """An assessment of ``dataset`` whose ``pieces`` (names from :data:`PIECES`) are already built,
        e.g. loaded from the prepared cache (:mod:`geo.cache.prepared`); the others are built on use."""
        unknown = set(pieces) - set(PIECES)
        if unknown:
            raise TypeError(f"unknown assessment pieces: {sorted(unknown)}; known: {PIECES}")
        assessment = cls(dataset)
        assessment.__dict__.update(pieces)  # what cached_property would have stored
        return assessment

    @classmethod
    def derived(
        cls, dataset: Dataset, base: Assessment, *, moves: Collection[str], same_units: bool
    ) -> Assessment:
        """The assessment of ``dataset``: ``base``'s dataset changed only in ways that can move the
        indicators ``moves`` (ids), e.g. with a scenario applied (:mod:`geo.scenarios.compare`).

        ``base``'s tables are reused: its hierarchy when ``same_units`` (the unit layers and their FTTH
        flags unchanged); the village coverage of the units no changed site reaches; the rows of the
        other indicators; the evaluation rows of their targets (:mod:`geo.compute.incremental`,
        :func:`geo.plans.evaluate.reevaluate`). Every table equals the one a fresh assessment builds.
        """
        assessment = cls(dataset)
        assessment._base = (base, frozenset(moves))
        if same_units:
            assessment.__dict__["hierarchy"] = base.hierarchy  # what cached_property would have stored
        return assessment

    def built(self) -> dict[str, object]:
        """The pieces of :data:`PIECES` built (or restored) so far, by name."""
        return {name: self.__dict__[name] for name in PIECES if name in self.__dict__}

    @property
    def settings(self):
        """The dataset's settings (:class:`geo.settings.Settings`)."""
        return self.dataset.settings

    @cached_property
    def hierarchy(self) -> Hierarchy:
        """The unit hierarchy (:func:`geo.compute.hierarchy.build_hierarchy`)."""
        return build_hierarchy(self.dataset)

    @cached_property
    def sites(self) -> SiteModel:
        """The BTS sites ready for coverage tests (:func:`geo.compute.coverage.prepare_sites`)."""
        return prepare_sites(self.dataset, self.hierarchy)

    @property
    def source(self) -> str:
        """The source of coverage this assessment uses (``settings.coverage.source``)."""
        return self.settings.coverage.source

    def with_source(self, source: str | None) -> Assessment:
        """The assessment of the same dataset with coverage from ``source`` (``auto``, ``reported``,
        ``modelled`` or ``measured``; None = the dataset's own): ``self`` for the dataset's own source,
        else one assessment per source, kept here, sharing this one's hierarchy and sites (they do not
        depend on the source), so the page's source choice computes each source's coverage,
        indicators and evaluations once per dataset version."""
        if source is None or source == self.source:
            return self
        if source not in self._sources:
            coverage = replace(self.settings.coverage, source=source)
            dataset = replace(self.dataset, settings=replace(self.settings, coverage=coverage))
            other = Assessment(dataset)
            other.__dict__.update(hierarchy=self.hierarchy, sites=self.sites)
            self._sources[source] = other
        return self._sources[source]

    @cached_property
    def village_coverage(self) -> pd.DataFrame:
        """Coverage per unit of the deepest unit layer (:func:`geo.compute.indicators.village_coverage`,
        or only the reached villages updated from the base of a derived assessment; under the ``measured``
        source, then :func:`geo.compute.measured.measured_coverage`)."""
        if self._base is not None:
            base = self._base[0]
            table = updated_village_coverage(
                base.village_coverage, base.sites, self.dataset, self.hierarchy, self.sites
            )
        else:
            table = village_coverage(self.dataset, self.hierarchy, self.sites)
        if self.source == MEASURED:
            table = measured_coverage(self.dataset, self.hierarchy, table)
        return table

    @cached_property
    def computed(self) -> pd.DataFrame:
        """Every spatial indicator of every unit (:func:`geo.compute.indicators.compute_indicators`)."""
        needs_coverage = self.dataset.layer("bts_sites") is not None and self.hierarchy.base_layer is not None
        coverage = self.village_coverage if needs_coverage else pd.DataFrame()
        if self._base is not None:
            base, moves = self._base
            return updated_indicators(
                base.computed, self.dataset, self.hierarchy, self.sites, coverage, moves
            )
        return compute_indicators(self.dataset, self.hierarchy, self.sites, coverage)

    def indicators(self, level: str | None = None) -> pd.DataFrame:
        """The computed indicators (:attr:`computed`), only those of ``level`` when given."""
        computed = self.computed
        return computed if level is None else computed[computed["level"] == level]

    def evaluate(self, plan: Plan, year: int, level: str = "commune", *, spots: bool = False) -> pd.DataFrame:
        """The status table of ``plan`` for ``year`` at ``level`` (:func:`geo.plans.evaluate.evaluate`), once
        per plan, year and level; with ``spots``, followed by the white/grey-spot rows of
        :meth:`spot_rows` (information without a target, empty ``status``)."""
        if spots:
            return pd.concat([self.evaluate(plan, year, level), self.spot_rows(level)], ignore_index=True)
        key = (plan.id, int(year), level)
        kept = self._evaluations.get(key)
        if kept is None or not (kept[0] is plan or kept[0] == plan):
            if self._base is not None:
                base, moves = self._base
                table = reevaluate(
                    base.evaluate(plan, year, level), self.dataset, plan, year,
                    level=level, computed=self.computed, hierarchy=self.hierarchy, indicators=moves,
                )  # fmt: skip
            else:
                table = evaluate(
                    self.dataset, plan, year, level=level, computed=self.computed, hierarchy=self.hierarchy
                )
            kept = self._evaluations[key] = (plan, table)
        return kept[1]

    def spot_rows(self, level: str) -> pd.DataFrame:
        """White and grey spots per unit at ``level`` as informational evaluation rows
        (:func:`geo.plans.spots.spot_rows`), once per level."""
        if level not in self._spots:
            self._spots[level] = spot_rows(self.dataset, self.hierarchy, self.village_coverage, level)
        return self._spots[level]

    def geometries(self, level: str) -> gpd.GeoDataFrame:
        """The unit polygons at ``level`` (:func:`geo.plans.evaluate.unit_geometries`)."""
        if level not in self._geometries:
            self._geometries[level] = unit_geometries(self.dataset, level)
        return self._geometries[level]

    def coverage(self, tech: str | tuple[str, ...], *, per_operator: bool = True) -> gpd.GeoDataFrame:
        """The area served with ``tech`` as this assessment's source counts it
        (:func:`geo.compute.reported.served_areas`: the model, or operators' maps where they count)."""
        key = (tech, per_operator)
        if key not in self._coverage:
            self._coverage[key] = served_areas(
                self.dataset, self.sites, tech, per_operator=per_operator, source=self.source
            )
        return self._coverage[key]
