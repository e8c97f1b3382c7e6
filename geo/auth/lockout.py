"""Repeated wrong passwords slow down, per user: after :data:`MAX_FAILURES` failures in a row the user
is locked out for :data:`LOCKOUT_S` seconds (every further :data:`MAX_FAILURES` failures lock again).

:class:`SignOuts` remembers when each user last signed out, so a sign-in cookie issued before that is
refused by the server even if the browser kept it (signing out signs that user out of every browser).

The counts are kept in a small JSON file beside the users file (``users.lockout.json``, mode 0600), so a
page reload, a new browser or a restarted server does not reset them; a right password resets the
count. The clock is injectable for tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from geo.auth.accounts import private_file

__all__ = ["MAX_FAILURES", "LOCKOUT_S", "Lockout", "lockout_path", "SignOuts", "signouts_path"]

log = logging.getLogger(__name__)

#: Wrong passwords in a row before a lockout.
MAX_FAILURES = 5
#: How long a lockout lasts (seconds).
LOCKOUT_S = 60.0


def lockout_path(users_file: str | Path) -> Path:
    """Where the failure counts of ``users_file`` are kept."""
    path = Path(users_file)
    return path.with_name(f"{path.stem}.lockout.json")


@contextlib.contextmanager
def _json_state(path: Path) -> Iterator[dict]:
    """The JSON object in ``path`` under an exclusive lock, written back (0600) when changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            try:
                state = json.loads(path.read_text(encoding="utf-8"))
                state = state if isinstance(state, dict) else {}
            except FileNotFoundError:
                state = {}
            except (OSError, ValueError):
                log.warning("state file %s unreadable; starting again", path)
                state = {}
            before = json.dumps(state, sort_keys=True)
            yield state
            if json.dumps(state, sort_keys=True) != before:
                private_file(path, json.dumps(state, ensure_ascii=False, indent=1))
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Lockout:
    """Failure counts and lockouts of one users file (``path`` from :func:`lockout_path`)."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        max_failures: int = MAX_FAILURES,
        lockout_s: float = LOCKOUT_S,
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self.max_failures = max_failures
        self.lockout_s = lockout_s

    def _state(self):
        """The counts, locked for a read-modify-write (written back when changed)."""
        return _json_state(self.path)

    def locked_for(self, username: str) -> float:
        """Seconds left of ``username``'s lockout (0 when they may try)."""
        with self._state() as state:
            entry = state.get(username) or {}
        return max(0.0, float(entry.get("locked_until", 0)) - self.clock())

    def failed(self, username: str) -> float:
        """Record a wrong password; return the seconds of lockout it started (0 when none)."""
        now = self.clock()
        with self._state() as state:
            entry = state.setdefault(username, {"failures": 0, "locked_until": 0})
            entry["failures"] = int(entry.get("failures", 0)) + 1
            if entry["failures"] >= self.max_failures:
                entry["failures"] = 0
                entry["locked_until"] = now + self.lockout_s
                log.warning(
                    "sign-in: %s locked out for %.0f s after %d wrong passwords",
                    username,
                    self.lockout_s,
                    self.max_failures,
                )
                return self.lockout_s
        return 0.0

    def succeeded(self, username: str) -> None:
        """Forget ``username``'s failures after a right password."""
        with self._state() as state:
            state.pop(username, None)


def signouts_path(users_file: str | Path) -> Path:
    """Where the sign-out times of ``users_file`` are kept."""
    path = Path(users_file)
    return path.with_name(f"{path.stem}.signouts.json")


class SignOuts:
    """When each user of one users file last signed out (``path`` from :func:`signouts_path`)."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock

    def signed_out(self, username: str) -> None:
        """Record that ``username`` signed out now."""
        with _json_state(self.path) as state:
            state[username] = self.clock()

    def valid(self, username: str, issued_at: float) -> bool:
        """Whether a sign-in of ``username`` made at ``issued_at`` (a cookie's time) still stands."""
        with _json_state(self.path) as state:
            return issued_at > float(state.get(username, 0))
