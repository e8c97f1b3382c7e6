"""What every ``python -m geo`` command shares: bilingual usage errors and the guard around a command.

A misuse of the command line (a bad argument, a year, level, indicator, unit or file type the
data cannot answer, a missing folder) ends in one line "tiếng Việt / English" and exit code 2;
a problem in the data in one line in ``--lang`` and exit 1; anything unexpected in a one-line
"please report" message, its traceback written to the log file, exit 1. Never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from geo.errors import ERROR_LOG, GeoError, log_unexpected

__all__ = ["UsageError", "BilingualParser", "LOG_FILE", "guarded", "check_folder", "check_suffix"]

#: Where unexpected errors are logged with their traceback.
LOG_FILE = ERROR_LOG


class UsageError(GeoError):
    """The command line asks for something the tool or the data cannot answer (exit code 2)."""

    def line(self) -> str:
        """The message in one line, Vietnamese then English."""
        return f"{self}" if not self.en or self.en == str(self) else f"{self} / {self.en}"


class BilingualParser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`UsageError` (one bilingual line) instead of an exit."""

    def error(self, message: str) -> NoReturn:
        text = f"Lệnh không hợp lệ / invalid command ({self.prog}): {message} — xem / see: {self.prog} -h"
        raise UsageError(text, text)


def check_folder(folder: str) -> None:
    """Raise :class:`UsageError` when the dataset folder ``folder`` does not exist."""
    if not Path(folder).is_dir():
        raise UsageError(
            f"Không tìm thấy thư mục dữ liệu '{folder}'.", f"Dataset folder '{folder}' not found."
        )


def check_suffix(out: str | None, suffixes: Iterable[str], what_vi: str, what_en: str) -> None:
    """Raise :class:`UsageError` when ``out`` (if given) does not end in one of ``suffixes``."""
    allowed = tuple(suffixes)
    if out is not None and Path(out).suffix.lower() not in allowed:
        listed = ", ".join(allowed)
        raise UsageError(
            f"Tệp '{out}' không hợp lệ cho {what_vi}: dùng {listed}.",
            f"File '{out}' is not valid for {what_en}: use {listed}.",
        )


def guarded(run: Callable[[], int], data_error: Callable[[GeoError], str]) -> int:
    """Run ``run`` and return its exit code; misuse → 2, data errors → 1, anything else → 1 and a log entry.

    ``data_error`` turns a :class:`GeoError` into the text printed (in the chosen language).
    """
    try:
        return run()
    except UsageError as exc:
        print(exc.line(), file=sys.stderr)
        return 2
    except GeoError as exc:
        print(data_error(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng. / Stopped.", file=sys.stderr)
        return 130
    except Exception as exc:
        _log_unexpected(exc)
        print(
            f"Lỗi ngoài dự kiến ({type(exc).__name__}); vui lòng báo lại kèm tệp {LOG_FILE} / "
            f"Unexpected problem ({type(exc).__name__}); please report it with the file {LOG_FILE}",
            file=sys.stderr,
        )
        return 1


def _log_unexpected(exc: Exception) -> None:
    """Append ``exc`` with its traceback to :data:`LOG_FILE` (never to the terminal)."""
    log_unexpected(exc, "python -m geo " + " ".join(sys.argv[1:]))
