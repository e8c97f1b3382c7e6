"""Exports for the plan documents, in one place: print-ready maps, the commune atlas, the annex tables.

- :func:`export_map` — one map sheet (A4/A3, portrait/landscape) as PNG, PDF or SVG;
- :func:`export_atlas` — the multi-page commune atlas (PDF);
- :func:`export_annex` — the annex in the plans' layout (XLSX, or DOCX for the territory).

Each takes the evaluation tables of :func:`geo.plans.targets.evaluate.evaluate` instead of recomputing them
(the annex computes the years it lacks) and a ``made_on`` date, so the same inputs give the same
files.
"""

from __future__ import annotations

from geo.export.annex import evaluate_years, export_annex
from geo.export.atlas import export_atlas
from geo.export.map import export_map

__all__ = ["export_map", "export_atlas", "export_annex", "evaluate_years"]
