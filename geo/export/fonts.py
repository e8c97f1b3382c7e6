"""Fonts and matplotlib settings for printed output: Vietnamese text that embeds and prints right.

matplotlib ships DejaVu Sans, which has every Vietnamese letter and tone mark (precomposed and
combining). :data:`PRINT_RC` makes every exported figure use it, embed it as TrueType in PDFs
(``pdf.fonttype 42``: text stays selectable and searchable) and draw SVG text as paths (the SVG
looks the same on a machine without the font). :func:`print_font` checks the font is really
there instead of letting matplotlib fall back silently.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib import font_manager

from geo.errors import GeoError

__all__ = ["FONT_FAMILY", "PRINT_RC", "print_font"]

#: The one font family of printed maps, atlases and annex tables (DOCX uses it by name too).
FONT_FAMILY = "DejaVu Sans"

#: matplotlib rc settings of every exported figure (use with ``matplotlib.rc_context``).
PRINT_RC = {
    "font.family": FONT_FAMILY,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "geo-export",
    "hatch.linewidth": 0.6,
    "axes.unicode_minus": False,
}


def print_font() -> Path:
    """Return the path of the print font's file; raise :class:`GeoError` when matplotlib cannot find it.

    Without it Vietnamese tone marks would print as empty boxes, so the export stops instead.
    """
    try:
        return Path(font_manager.findfont(FONT_FAMILY, fallback_to_default=False))
    except ValueError as exc:
        raise GeoError(
            f"Không tìm thấy phông chữ {FONT_FAMILY} để in tiếng Việt: cài lại matplotlib.",
            f"Font {FONT_FAMILY} for Vietnamese text not found: reinstall matplotlib.",
        ) from exc
