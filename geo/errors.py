"""Problems found in planners' files, and the project's exceptions.

A :class:`Problem` is one thing wrong (or worth knowing) about an input, in both
languages, naming the file, the row or feature, and the fix. Readers collect problems
instead of raising, so a planner sees every issue of a file at once; they raise
:class:`DataError` only when nothing usable can be read.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Problem",
    "GeoError",
    "DataError",
    "PlanError",
    "StoreError",
    "ZoneStoreError",
    "ScenarioStoreError",
    "errors_in",
    "ERROR_LOG",
    "log_unexpected",
    "unexpected_problem",
]

#: Where unexpected errors (bugs, not bad data) are logged with their traceback, for the planner to send.
ERROR_LOG = Path(tempfile.gettempdir()) / "vn-coverage-map-errors.log"

_log = logging.getLogger("geo.unexpected")
_log.propagate = False  # tracebacks go to the log file only, never to a terminal or a page

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    ``where`` names the row or feature ("dòng 12" / "row 12" is produced from ``row``;
    free text such as "feature 3 'Bản Nà Luồng'" goes in ``feature``). Rows are counted
    as the planner sees them in Excel or QGIS: 1-based, header included for tables.
    """

    severity: str
    file: str
    message_vi: str
    message_en: str
    fix_vi: str = ""
    fix_en: str = ""
    layer: str = ""
    row: int | None = None
    feature: str = ""
    #: The record's own identifier (its ``site_id``, ``name`` or ``code``), shown after the row number.
    record: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def where(self, lang: str = "vi") -> str:
        """Return the location as the planner reads it, e.g. ``"tram.csv, dòng 12"``."""
        parts = [self.file] if self.file else []
        if self.row is not None:
            row = f"dòng {self.row}" if lang == "vi" else f"row {self.row}"
            parts.append(f"{row} ({self.record})" if self.record else row)
        if self.feature:
            named = self.row is None and self.record and self.record not in self.feature
            parts.append(f"{self.feature} ({self.record})" if named else self.feature)
        elif self.row is None and self.record:
            parts.append(self.record)
        return ", ".join(parts)

    def text(self, lang: str = "vi") -> str:
        """Return one line: location, message and fix in ``lang`` (``"vi"`` or ``"en"``)."""
        message = self.message_vi if lang == "vi" else self.message_en
        fix = self.fix_vi if lang == "vi" else self.fix_en
        label = {"vi": {"error": "LỖI", "warning": "CẢNH BÁO", "info": "THÔNG TIN"}, "en": {}}
        head = label.get(lang, {}).get(self.severity, self.severity.upper())
        line = f"{head} [{self.where(lang)}] {message}"
        if fix:
            line += f" → {'Cách sửa' if lang == 'vi' else 'Fix'}: {fix}"
        return line


class GeoError(Exception):
    """Base of the project's exceptions; ``str()`` gives the Vietnamese text, ``.en`` the English."""

    def __init__(self, message_vi: str, message_en: str = "") -> None:
        super().__init__(message_vi)
        self.en = message_en or message_vi

    def text(self, lang: str = "vi") -> str:
        """Return the message in ``lang`` (``"vi"``: Vietnamese, anything else: English)."""
        return str(self) if lang == "vi" else self.en


class DataError(GeoError):
    """An input that cannot be used at all (unreadable file, no geometry, unknown format)."""

    def __init__(
        self, message_vi: str, message_en: str = "", *, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message_vi, message_en)
        self.problems = list(problems or [])


class PlanError(GeoError):
    """A plan file or annex sheet that cannot be read (bad comparator, unknown indicator, ...)."""


class StoreError(GeoError):
    """A store (GeoPackage file or PostGIS database, :mod:`geo.store`) that cannot be opened or written
    safely (locked, corrupted, unreachable)."""


class ZoneStoreError(StoreError):
    """A weak-signal zone store that cannot be opened or written safely (locked, corrupted)."""


class ScenarioStoreError(StoreError):
    """A scenario store that cannot be opened or written safely (locked, corrupted, unreachable)."""


def errors_in(problems: list[Problem]) -> list[Problem]:
    """Return the problems of severity ``"error"`` (those that make ``geo check`` exit 1)."""
    return [p for p in problems if p.severity == "error"]


def log_unexpected(exc: BaseException, context: str) -> None:
    """Append ``exc`` with its traceback to :data:`ERROR_LOG` (and the ``geo.unexpected`` logger), never
    to the planner's screen; ``context`` says what was being done (a command, a page, a file)."""
    try:
        handler = logging.FileHandler(ERROR_LOG, encoding="utf-8")
    except OSError:  # an unwritable temp folder must not turn one error into two
        logging.getLogger("geo").error("unexpected error: %s: %r", context, exc)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    _log.addHandler(handler)
    try:
        _log.error("unexpected error: %s", context, exc_info=exc)
    finally:
        _log.removeHandler(handler)
        handler.close()


def unexpected_problem(file: str, exc: BaseException, *, layer: str = "") -> Problem:
    """The bilingual error a reader reports when ``file`` made it fail in a way nobody foresaw.

    The traceback goes to :data:`ERROR_LOG`; the planner reads the file name, the exception in one line
    and where to send it. Used at every reader boundary, so a bug in one reader costs one layer, never the
    whole dataset, the command or the page.
    """
    log_unexpected(exc, f"reading {file} ({layer or 'file'})")
    detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    return Problem(
        "error",
        file,
        f"Lỗi ngoài dự kiến khi đọc tệp {file}: {detail}; vui lòng báo lại kèm tệp này và {ERROR_LOG}.",
        f"Unexpected problem reading {file}: {detail}; please report it with this file and {ERROR_LOG}.",
        fix_vi="Kiểm tra tệp có mở được trong QGIS/Excel không, lưu lại rồi thử lần nữa.",
        fix_en="Check that the file opens in QGIS/Excel, save it again and retry.",
        layer=layer,
    )
