"""Which source of coverage decided, told to a planner: per village (tooltips) and for a whole map or
annex (a footnote), in Vietnamese or English.

The words name the three sources of :mod:`geo.compute.reported` and :mod:`geo.compute.measured`
(operators' maps, the model, the speed tests) and the model by its method (radius; COST-231 Hata /
3GPP UMa; the same plus Bullington diffraction over the DEM), so a printed map and the page say the
same thing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.compute.coverage import has_technology, operator_bits
from geo.compute.measured import MEASURED
from geo.compute.reported import MODELLED, REPORTED
from geo.model import Dataset
from geo.settings import OPERATORS

__all__ = ["SOURCE_CHOICES", "model_name", "source_name", "village_sources", "sources_footnote"]

#: The values of ``settings.coverage.source`` (and of the page's source choice), default first.
SOURCE_CHOICES = ("auto", REPORTED, MODELLED, MEASURED)

_MODELS = {
    "vi": {
        "radius": "mô hình bán kính phục vụ",
        "pathloss": "mô hình suy hao (COST-231 Hata / 3GPP UMa)",
        "terrain": "mô hình địa hình (COST-231 Hata / 3GPP UMa + nhiễu xạ Bullington)",
        "radius_m": "bán kính riêng của trạm",
    },
    "en": {
        "radius": "serving-radius model",
        "pathloss": "path-loss model (COST-231 Hata / 3GPP UMa)",
        "terrain": "terrain model (COST-231 Hata / 3GPP UMa + Bullington diffraction)",
        "radius_m": "the site's own radius",
    },
}
_SOURCES = {
    "vi": {
        "auto": "tự động: bản đồ nhà mạng nơi có, mô hình nơi khác",
        REPORTED: "bản đồ nhà mạng",
        MODELLED: "mô hình",
        MEASURED: "đo kiểm tốc độ",
    },
    "en": {
        "auto": "automatic: operators' maps where given, the model elsewhere",
        REPORTED: "operators' maps",
        MODELLED: "the model",
        MEASURED: "speed tests",
    },
}
_WORDS = {
    "vi": {
        "tests": "đo kiểm: {served}/{n} phép đo đạt",
        "few": "{decided} (chỉ {n} phép đo, cần {need} để theo đo kiểm)",
        "footnote": "Nguồn phủ sóng: {parts}.",
        "at": "{what} ở {n} {unit}",
        "elsewhere": "{what} ở nơi khác",
        "everywhere": "{what}",
        "villages": "thôn",
        "communes": "xã",
        "units": "đơn vị",
        "measured": "{what} (thôn có từ {need} phép đo)",
    },
    "en": {
        "tests": "speed tests: {served}/{n} served",
        "few": "{decided} (only {n} tests, {need} needed to follow the tests)",
        "footnote": "Source of coverage: {parts}.",
        "at": "{what} in {n} {unit}",
        "elsewhere": "{what} elsewhere",
        "everywhere": "{what}",
        "villages": "villages",
        "communes": "communes",
        "units": "units",
        "measured": "{what} (villages with {need} tests or more)",
    },
}


def model_name(model: str, lang: str = "vi") -> str:
    """The coverage model ``model`` (``radius``, ``pathloss``, ``terrain``, ``radius_m``) in words."""
    return _MODELS[lang].get(model, model)


def source_name(source: str, lang: str = "vi") -> str:
    """A source choice (:data:`SOURCE_CHOICES`) in words, for the page's selector."""
    return _SOURCES[lang].get(source, source)


def _reported_by(dataset: Dataset, lang: str) -> str:
    """Operators and technologies of the ``operator_coverage`` layer, e.g. ``"MobiFone, 4G/5G"``."""
    gdf = dataset.layer("operator_coverage")
    if gdf is None or gdf.empty or "operator" not in gdf or "technology" not in gdf:
        return ""
    bits = int(np.bitwise_or.reduce(operator_bits(gdf["operator"]), initial=0))
    names = [name for i, name in enumerate(OPERATORS) if bits >> i & 1]
    techs = [t for t in ("4G", "5G") if has_technology(gdf["technology"], t).any()]
    return ", ".join(names) + (f", {'/'.join(techs)}" if techs else "")


def _decided_words(coverage: pd.DataFrame, dataset: Dataset, lang: str) -> np.ndarray:
    """Per row of ``coverage``: the reported / modelled source in words (the model named by the
    table's ``model`` column when present, else by ``settings.coverage.model``)."""
    n = len(coverage)
    model = (
        coverage["model"].astype(object).to_numpy()
        if "model" in coverage
        else np.full(n, dataset.settings.coverage.model, dtype=object)
    )
    source = coverage["source"].to_numpy(object) if "source" in coverage else np.full(n, MODELLED, object)
    reported = _SOURCES[lang][REPORTED]
    by = _reported_by(dataset, lang)
    reported = f"{reported} ({by})" if by else reported
    models = np.array([model_name(str(m), lang) for m in model], dtype=object)
    return np.where(source == REPORTED, reported, models).astype(object)


def village_sources(coverage: pd.DataFrame, dataset: Dataset, *, lang: str = "vi") -> pd.Series:
    """Which source decided each unit of ``coverage`` (the coverage table of
    :class:`geo.plans.assessment.Assessment`), in words, indexed by ``uid``: the operators' map (with
    the operators), the model (by its method), or the speed tests (served / total); under the
    ``measured`` source, a village with too few tests says so beside what decided it instead."""
    words = _WORDS[lang]
    text = _decided_words(coverage, dataset, lang)
    if "n_tests" in coverage:
        n, served = coverage["n_tests"].to_numpy(int), coverage["n_served"].to_numpy(int)
        source = coverage["source"].to_numpy(object)
        need = dataset.settings.coverage.measured_min_tests
        measured = [words["tests"].format(served=s, n=k) for s, k in zip(served, n, strict=True)]
        few = [words["few"].format(decided=d, n=k, need=need) for d, k in zip(text, n, strict=True)]
        text = np.where(source == MEASURED, measured, few).astype(object)
    return pd.Series(text, index=coverage["uid"].to_numpy(), dtype=object)


def sources_footnote(coverage: pd.DataFrame, dataset: Dataset, *, lang: str = "vi") -> str:
    """One line for a printed map or an annex: which source decided how many units, e.g. "Nguồn phủ
    sóng: bản đồ nhà mạng (MobiFone, 4G/5G) ở 52 thôn, mô hình bán kính phục vụ ở nơi khác." The
    largest group is said "elsewhere"; empty when the table is empty."""
    if coverage.empty:
        return ""
    words = _WORDS[lang]
    decided = pd.Series(_decided_words(coverage, dataset, lang), dtype=object)
    if "source" in coverage:
        measured = coverage["source"].to_numpy(object) == MEASURED
        need = dataset.settings.coverage.measured_min_tests
        decided[measured] = words["measured"].format(what=_SOURCES[lang][MEASURED], need=need)
    counts = decided.value_counts(sort=True)
    base = next((layer for layer in ("villages", "communes") if layer in dataset.layers), "units")
    unit = words[base]
    if len(counts) == 1:
        return words["footnote"].format(parts=words["everywhere"].format(what=counts.index[0]))
    parts = [words["at"].format(what=what, n=int(k), unit=unit) for what, k in counts.iloc[1:].items()]
    parts.append(words["elsewhere"].format(what=counts.index[0]))
    return words["footnote"].format(parts=", ".join(parts))
