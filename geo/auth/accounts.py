"""The shared office's users file: accounts with bcrypt-hashed passwords, and the cookie secret beside it.

The file is the YAML that streamlit-authenticator reads (``credentials: usernames: NAME: {name, password,
roles}``), with two fields of ours per account: ``disabled`` and ``created_at``. Passwords are stored only
as bcrypt hashes (``$2b$12$…``, the format of ``streamlit_authenticator.Hasher``), never in clear, never
logged. Every write replaces the file atomically (temporary file + rename, under a lock) with mode 0600.

The secret that signs the sign-in cookie is made per installation on first use — 32 random bytes from
:mod:`secrets` — and kept beside the users file (``users.cookie-key`` for ``users.yaml``, mode 0600); it
is never committed (``.gitignore``) and never printed. Deleting it signs everybody out.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bcrypt
import yaml

from geo.auth.roles import Action, Actor, Role, require
from geo.errors import DataError

__all__ = [
    "USERS_ENV",
    "MIN_PASSWORD_CHARS",
    "MAX_PASSWORD_BYTES",
    "Account",
    "users_path",
    "normalise_username",
    "check_new_password",
    "hash_password",
    "read_accounts",
    "add_account",
    "set_password",
    "set_disabled",
    "login_credentials",
    "cookie_key",
    "private_file",
]

#: Environment variable naming the users file; when set, the app is in shared-office mode (sign-in).
USERS_ENV = "COVERAGE_MAP_USERS"
#: Shortest password accepted.
MIN_PASSWORD_CHARS = 8
#: bcrypt reads at most 72 bytes of a password (bcrypt 5 refuses longer ones).
MAX_PASSWORD_BYTES = 72
_USERNAME = re.compile(r"^[\w.@-]{1,64}$", re.UNICODE)


@dataclass(frozen=True)
class Account:
    """One user of the shared office (the password only as its bcrypt hash)."""

    username: str
    role: Role
    full_name: str = ""
    disabled: bool = False
    password_hash: str = ""
    created_at: str = ""

    @property
    def actor(self) -> Actor:
        """This user as the one making changes."""
        return Actor(self.username, self.role, self.full_name)


def users_path() -> Path | None:
    """The users file named by ``$COVERAGE_MAP_USERS`` (shared-office mode), or ``None`` (single planner)."""
    value = os.environ.get(USERS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def normalise_username(name: str) -> str:
    """The username as stored and compared: NFC, trimmed, lower case (streamlit-authenticator lowers
    usernames at sign-in). Raises :class:`DataError` for one that is empty or holds spaces or symbols."""
    text = unicodedata.normalize("NFC", str(name)).strip().lower()
    if not _USERNAME.match(text):
        raise DataError(
            f"Tên đăng nhập '{name}' không dùng được: 1–64 chữ cái, chữ số hoặc . _ - @, không có dấu cách.",
            f"Username '{name}' cannot be used: 1–64 letters, digits or . _ - @, no spaces.",
        )
    return text


def check_new_password(password: str, username: str = "") -> None:
    """Raise :class:`DataError` (never quoting it) when the password is too short, too long or the name."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise DataError(
            f"Mật khẩu quá ngắn: cần ít nhất {MIN_PASSWORD_CHARS} ký tự.",
            f"The password is too short: at least {MIN_PASSWORD_CHARS} characters.",
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise DataError(
            f"Mật khẩu quá dài: tối đa {MAX_PASSWORD_BYTES} byte (chữ có dấu tính 2–3 byte).",
            f"The password is too long: at most {MAX_PASSWORD_BYTES} bytes (accented letters count 2–3).",
        )
    if password != password.strip():
        raise DataError(
            "Mật khẩu không được bắt đầu hay kết thúc bằng dấu cách (khi đăng nhập chúng bị bỏ đi).",
            "The password may not start or end with a space (sign-in drops them).",
        )
    if username and password.strip().lower() == username.lower():
        raise DataError("Mật khẩu không được trùng tên đăng nhập.", "The password may not be the username.")


def hash_password(password: str) -> str:
    """The bcrypt hash of ``password`` (what streamlit-authenticator's ``Hasher.hash`` gives)."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(scratch, 0o600)
        os.replace(scratch, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        raise


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` (two ``users add`` at once cannot lose one another's write)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a", encoding="utf-8") as handle:
        os.chmod(lock, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _broken(path: Path, vi: str, en: str) -> DataError:
    return DataError(f"Tệp người dùng {path}: {vi}", f"Users file {path}: {en}")


def _read_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _broken(
            path,
            "không có. Tạo bằng: python -m geo users add TÊN --role admin --file TỆP",
            "not found. Create it with: python -m geo users add NAME --role admin --file FILE",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _broken(path, f"không đọc được ({exc}).", f"cannot be read ({exc}).") from None
    try:
        config = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise _broken(path, f"không phải YAML hợp lệ ({exc}).", f"is not valid YAML ({exc}).") from None
    if not isinstance(config, dict) or not isinstance(config.get("credentials", {}), dict):
        raise _broken(path, "thiếu mục credentials.", "has no credentials section.")
    users = config.get("credentials", {}).get("usernames")
    if users is not None and not isinstance(users, dict):
        raise _broken(
            path,
            "credentials.usernames phải là bảng tên → tài khoản.",
            "credentials.usernames must map names to accounts.",
        )
    return config


def _account(path: Path, name: str, entry: Any) -> Account:
    if not isinstance(entry, dict):
        raise _broken(path, f"tài khoản '{name}' không đúng dạng.", f"account '{name}' is malformed.")
    roles = entry.get("roles") or []
    roles = [roles] if isinstance(roles, str) else list(roles)
    known = [r for r in roles if r in set(Role)]
    if len(known) != 1 or len(roles) != 1:
        raise _broken(
            path,
            f"tài khoản '{name}' cần đúng một vai trò trong {', '.join(Role)}.",
            f"account '{name}' needs exactly one role of {', '.join(Role)}.",
        )
    password = str(entry.get("password") or "")
    if not password.startswith(("$2a$", "$2b$", "$2y$")):
        raise _broken(
            path,
            f"mật khẩu của '{name}' không phải mã băm bcrypt; đặt lại bằng python -m geo users passwd.",
            f"the password of '{name}' is not a bcrypt hash; reset it with python -m geo users passwd.",
        )
    full_name = str(entry.get("name") or "")
    return Account(
        username=normalise_username(name),
        role=Role(known[0]),
        full_name="" if full_name == name else full_name,
        disabled=bool(entry.get("disabled", False)),
        password_hash=password,
        created_at=str(entry.get("created_at") or ""),
    )


def read_accounts(path: str | Path) -> dict[str, Account]:
    """Every account of the users file by username. Raises :class:`DataError` (file named, how to fix it)
    when the file is missing or malformed — the app then stays closed, it never opens without sign-in."""
    path = Path(path)
    users = _read_config(path).get("credentials", {}).get("usernames") or {}
    return {account.username: account for account in (_account(path, n, e) for n, e in users.items())}


def _write(path: Path, accounts: dict[str, Account]) -> None:
    users = {
        a.username: {
            "name": a.full_name or a.username,
            "password": a.password_hash,
            "roles": [str(a.role)],
            "disabled": a.disabled,
            "created_at": a.created_at,
        }
        for a in accounts.values()
    }
    header = (
        "# Users of the coverage map (shared-office mode). Passwords are bcrypt hashes only.\n"
        "# Edit with: python -m geo users add|list|disable|enable|passwd --file THIS_FILE\n"
    )
    private_file(path, header + yaml.safe_dump({"credentials": {"usernames": users}}, allow_unicode=True))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_account(
    path: str | Path, username: str, password: str, role: Role | str, full_name: str = ""
) -> Account:
    """Add a user (the file is created when missing); :class:`DataError` when the name is taken or the
    role or password cannot be used."""
    path = Path(path)
    name = normalise_username(username)
    try:
        role = Role(str(role))
    except ValueError:
        raise DataError(
            f"Vai trò '{role}' không có; chọn một trong {', '.join(Role)}.",
            f"No role '{role}'; choose one of {', '.join(Role)}.",
        ) from None
    check_new_password(password, name)
    with _locked(path):
        accounts = read_accounts(path) if path.exists() else {}
        if name in accounts:
            raise DataError(
                f"Đã có người dùng '{name}'; đổi mật khẩu bằng: python -m geo users passwd {name}",
                f"User '{name}' already exists; change the password with: python -m geo users passwd {name}",
            )
        account = Account(name, role, full_name.strip(), False, hash_password(password), _now())
        accounts[name] = account
        _write(path, accounts)
    return account


def _update(path: Path, username: str, **changes: Any) -> Account:
    name = normalise_username(username)
    with _locked(path):
        accounts = read_accounts(path)
        if name not in accounts:
            known = ", ".join(accounts) or "-"
            raise DataError(
                f"Không có người dùng '{name}' trong {path}. Có: {known}.",
                f"No user '{name}' in {path}. Known: {known}.",
            )
        account = accounts[name] = Account(**{**accounts[name].__dict__, **changes})
        _write(path, accounts)
    return account


def set_password(path: str | Path, username: str, password: str) -> Account:
    """Replace a user's password."""
    check_new_password(password, normalise_username(username))
    return _update(Path(path), username, password_hash=hash_password(password))


def set_disabled(path: str | Path, username: str, disabled: bool = True, *, by: Actor | str = "") -> Account:
    """Disable (or enable again) a user: a disabled user cannot sign in, and a signed-in one is signed out
    at their next click. The account and its name in every history stay. ``by`` (the users page passes the
    signed-in user; the command line is the local admin) must be allowed to manage users."""
    require(by, Action.MANAGE_USERS)
    return _update(Path(path), username, disabled=disabled)


def login_credentials(accounts: dict[str, Account]) -> dict[str, Any]:
    """The ``credentials`` streamlit-authenticator signs in against: enabled users only (a disabled user's
    password and cookie are then refused by the library itself)."""
    return {
        "usernames": {
            a.username: {
                "name": a.full_name or a.username,
                "password": a.password_hash,
                "roles": [str(a.role)],
            }
            for a in accounts.values()
            if not a.disabled
        }
    }


def cookie_key(path: str | Path) -> str:
    """The secret signing the sign-in cookie of the users file ``path``: read from ``<stem>.cookie-key``
    beside it, made on first use (``secrets.token_urlsafe(32)``, mode 0600). A key file readable by others
    is made private again."""
    path = Path(path)
    key_file = path.with_name(f"{path.stem}.cookie-key")
    with _locked(key_file):
        if key_file.exists():
            if key_file.stat().st_mode & 0o077:
                os.chmod(key_file, 0o600)
            key = key_file.read_text(encoding="ascii").strip()
            if len(key) >= 32:
                return key
        key = secrets.token_urlsafe(32)
        private_file(key_file, key + "\n")
    return key
