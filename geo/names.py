"""One normalisation of Vietnamese unit names, used by every join.

Planners' files spell the same unit many ways: "Xã Hà Đông", "xã  hà đông", "HÀ ĐÔNG";
"Hoà"/"Hòa" (new vs old tone-mark placement); "Ð" (Icelandic eth) for "Đ"; decomposed tone
marks from Windows-1258 files; "BìnhMinh" without its space; "Thôn 3" / "thôn 03" /
"Thôn số 3". :func:`name_key` turns all of these into one key; :func:`display_name` only
tidies a name for showing; :func:`fold_key` drops diacritics too and is used only to
suggest candidates, never to match (it would merge "Hà" and "Hạ").

Decisions:

- Tone marks: the key puts the tone of the open diphthongs oa, oe, uy on the second vowel
  ("hoà", "khoẻ", "thuỷ", "uý"), the placement the 2025 national boundary data uses; "hòa",
  "khỏe", "thủy", "úy" map to it. Diacritics are kept otherwise.
- Spaces, case and punctuation (apostrophes, dots, hyphens) are dropped from the key, so
  "Bản Nà Luồng" = "Bản NàLuồng" and "Pa Ham'" = "Pa Ham’" = "Pa Ham".
- Unit-type prefixes (:data:`PREFIXES`) are removed from the key and returned by
  :func:`split_prefix`. Which prefixes are removed depends on ``level`` (a layer name of
  ``geo.settings.UNIT_LEVELS``): a commune named "Bản Nguyên" or a city named "Buôn Ma Thuột"
  keeps its first word at commune/district level, where "Bản"/"Buôn" are not unit types.
  With ``level=None`` every prefix of every level is removed.
- Numbered villages keep their kind: "Thôn 3" → ``"thôn3"``, "TDP 05" → ``"tổdânphố5"``; "Tổ 3"
  stays distinct from "Thôn 3". Leading zeros of numbers and the word "số" before a number
  are dropped ("Thôn số 03" = "Thôn 3").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "PREFIXES",
    "display_name",
    "display_names",
    "split_prefix",
    "name_key",
    "name_keys",
    "fold_key",
    "fold_keys",
    "fold_text",
    "fold_word",
]

#: Unit-type prefixes by level: canonical kind → spellings accepted (lower case, without the
#: final dot). Single-letter abbreviations ("P.", "Q.", "H.") need their dot.
PREFIXES: dict[str, dict[str, tuple[str, ...]]] = {
    "provinces": {"tỉnh": ("tỉnh",), "thành phố": ("thành phố", "tp")},
    "districts": {
        "thành phố": ("thành phố", "tp"),
        "quận": ("quận", "q."),
        "huyện": ("huyện", "h."),
        "thị xã": ("thị xã", "tx"),
    },
    "communes": {
        "xã": ("xã",),
        "phường": ("phường", "p."),
        "thị trấn": ("thị trấn", "tt"),
        "đặc khu": ("đặc khu",),
    },
    "villages": {
        "thôn": ("thôn",),
        "bản": ("bản",),
        "ấp": ("ấp",),
        "tổ dân phố": ("tổ dân phố", "tdp"),
        "khu phố": ("khu phố", "kp"),
        "khu dân cư": ("khu dân cư", "kdc"),
        "tổ": ("tổ",),
        "xóm": ("xóm",),
        "khu": ("khu",),
        "khối": ("khối",),
        "làng": ("làng",),
        "buôn": ("buôn",),
        "bon": ("bon",),
        "plei": ("plei", "plơi"),
        "sóc": ("sóc",),
    },
}

_TRANSLATE = str.maketrans(
    {
        "\u00d0": "Đ",  # Ð Icelandic eth, common in Latin-1 / VNI files
        "\u0189": "Đ",  # Ɖ African D
        "\u00f0": "đ",
        "\u0256": "đ",
        **dict.fromkeys("’‘ʼʻ`´′＇", "'"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", None),  # zero-width, soft hyphen
    }
)
_LATIN = [chr(i) for i in range(0x41, 0x1F00)]
_LOWER = re.escape("".join(c for c in _LATIN if c.isalpha() and c.islower()))
_UPPER = re.escape("".join(c for c in _LATIN if c.isalpha() and c.isupper()))
_CAMEL = re.compile(rf"(?<=[{_LOWER}])(?=[{_UPPER}])")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")
_DOT_LETTER = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")
_SPACES = re.compile(r"\s+")
_NUMBER_WORD = re.compile(r"(?<!\w)số\s*(?=\d)")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_NOT_WORD = re.compile(r"[\W_]+")


def _tone_map() -> dict[str, str]:
    """Old placement (tone on the first vowel of open oa/oe/uy) → new placement (second vowel)."""
    tones = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    pairs = {}
    for first, second in ("oa", "oe", "uy"):
        for tone in tones:
            old = unicodedata.normalize("NFC", first + tone) + second
            pairs[old] = first + unicodedata.normalize("NFC", second + tone)
    return pairs


_TONES = _tone_map()
_TONE_RE = re.compile("|".join(_TONES))


def _as_text(name: object) -> str:
    """Return ``name`` as text: ``""`` for missing values, ``"3"`` for an Excel float 3.0."""
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    if isinstance(name, float) and name.is_integer():
        return str(int(name))
    return str(name)


def display_name(name: object) -> str:
    """Return ``name`` tidied for showing: NFC, "Ð" → "Đ", straight apostrophes, one space
    between words, a space restored in "BìnhMinh" and after "TP." (case and tone marks kept).
    Missing values give ``""``.
    """
    text = unicodedata.normalize("NFC", _as_text(name)).translate(_TRANSLATE)
    text = _CAMEL.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    text = _DOT_LETTER.sub(". ", text)
    return _SPACES.sub(" ", text).strip()


@cache
def _prefix_re(level: str | None) -> tuple[re.Pattern[str], dict[str, str]]:
    """Return the prefix regex and spelling → kind map for ``level`` (``None``: all levels)."""
    if level is not None and level not in PREFIXES:
        raise ValueError(f"unknown level {level!r}; expected one of {sorted(PREFIXES)} or None")
    levels = [level] if level else list(PREFIXES)
    kind_of = {
        spelling.rstrip("."): kind
        for lvl in levels
        for kind, spellings in PREFIXES[lvl].items()
        for spelling in spellings
    }
    words = sorted((s for s in kind_of if len(s) > 1), key=len, reverse=True)
    letters = sorted(s for s in kind_of if len(s) == 1)
    word_alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    alternatives = [rf"(?P<word>{word_alt})[\s.]+"]
    if letters:
        alternatives.append(rf"(?P<letter>[{''.join(letters)}])\.\s*")
    pattern = re.compile(rf"^(?:{'|'.join(alternatives)})(?P<rest>\S.*)$", re.IGNORECASE)
    return pattern, kind_of


def split_prefix(name: object, *, level: str | None = None) -> tuple[str, str]:
    """Split a unit-type prefix off ``name``.

    Returns ``(kind, bare_name)``: ``kind`` is the canonical lower-case Vietnamese type
    ("xã", "thành phố", "tổ dân phố", ...; see :data:`PREFIXES`) or ``""`` when there is
    none; ``bare_name`` is the rest as :func:`display_name` shows it. ``level`` (a layer name
    such as ``"communes"``) limits the prefixes to that level's; ``None`` accepts all.
    A name that is only a prefix ("Thôn") is not split.
    """
    text = display_name(name)
    pattern, kind_of = _prefix_re(level)
    match = pattern.match(text)
    if match is None:
        return "", text
    spelling = _SPACES.sub(" ", (match.group("word") or match.group("letter")).lower())
    return kind_of[spelling], match.group("rest")


@lru_cache(maxsize=65536)
def name_key(name: object, *, level: str | None = None) -> str:
    """Return the join key of a unit name (see the module docstring for every rule).

    ``"Xã Hà Đông"``, ``"HÀ  ĐÔNG"`` and ``"Hà Đông"`` → ``"hàđông"``; ``"Phường Việt Hòa"`` →
    ``"việthoà"``; ``"Thôn số 03"`` → ``"thôn3"``. Missing values give ``""``. ``level``
    chooses which prefixes are removed, as in :func:`split_prefix`.
    """
    kind, bare = split_prefix(name, level=level)
    text = _TONE_RE.sub(lambda m: _TONES[m.group(0)], bare.lower())
    text = _NUMBER_WORD.sub("", text)
    text = _LEADING_ZEROS.sub("", text)
    key = _NOT_WORD.sub("", text)
    if key[:1].isdigit():
        return _NOT_WORD.sub("", kind) + key
    return key


def fold_key(name: object, *, level: str | None = None) -> str:
    """Return :func:`name_key` without diacritics ("hàđông" → "hadong").

    Only for suggesting candidates: it makes "Hà" and "Hạ" equal, so never match on it.
    """
    return _fold(name_key(name, level=level))


def fold_text(text: object) -> str:
    """Return ``text`` without diacritics: tone and vowel marks dropped, đ → d, Đ → D.

    The one diacritic folding of the project; case, spaces and other characters are kept
    ("Hà Đông" → "Ha Dong"). Precomposed and decomposed (Windows-1258) text fold alike.
    """
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_word(text: object) -> str:
    """Return :func:`fold_text` of ``text`` case-folded, letters and digits only ("Cố định" → "codinh").

    The key for short coded words: column names, level words, coded cells.
    """
    return _NOT_ALNUM.sub("", fold_text(text).casefold())


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _fold(key: str) -> str:
    return fold_text(key)


def _map_unique(values: pd.Series, func) -> pd.Series:
    """``func`` of every value, same index, ``""`` for missing ones; each distinct value computed once.

    Cells that are not text are compared as the text they stand for (:func:`_as_text`), so ``1`` and
    ``True`` (equal to Python's hashing) are not taken for one another.
    """
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        values = values.map(_as_text)
    codes, uniques = pd.factorize(values)
    mapped = np.array([func(value) for value in uniques] + [""], dtype=object)  # code -1 (missing) → ""
    return pd.Series(mapped[codes], index=values.index, name=values.name, dtype=str)


def display_names(values: pd.Series) -> pd.Series:
    """Return :func:`display_name` of every value, same index; missing values give ``""``.

    Each distinct name is tidied once, so long columns with repeated names stay cheap.
    """
    return _map_unique(values, display_name)


def name_keys(values: pd.Series, *, level: str | None = None) -> pd.Series:
    """Return :func:`name_key` of every value, same index; missing values give ``""``.

    Each distinct name is keyed once, so long columns with repeated names stay cheap.
    """
    return _map_unique(values, lambda value: name_key(value, level=level))


def fold_keys(values: pd.Series, *, level: str | None = None) -> pd.Series:
    """Return :func:`fold_key` of every value, same index; missing values give ``""``."""
    return _map_unique(values, lambda value: fold_key(value, level=level))
