"""Fixtures shared by several test modules (pytest finds them here; test modules do not import each other
for them)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 writes Vietnamese: base letters precomposed, tone marks as combining bytes."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and ch not in TONES and out:
            out[-1] = unicodedata.normalize("NFC", out[-1][0] + ch) + out[-1][1:]
        elif ch in TONES and out:
            out[-1] += ch
        else:
            out.append(ch)
    return "".join(out).encode("cp1258")


@pytest.fixture(scope="session")
def cp1258() -> Callable[[str], bytes]:
    """The Windows-1258 encoder of old Vietnamese Excel/ArcGIS files (tone marks as combining bytes)."""
    return _cp1258
