"""``python -m geo users add|list|disable|enable|passwd``: the accounts of a shared office.

The users file is ``--file``, else ``$COVERAGE_MAP_USERS``, else ``~/.coverage-map/users.yaml``
(``$COVERAGE_MAP_HOME/users.yaml``). A new password is typed twice and never echoed
(:func:`getpass.getpass`); ``--password-stdin`` reads it from the first line of standard input instead,
for scripts. Passwords are never printed or logged. Exit codes: 0 done, 1 refused (name taken, unknown
user, password too short, passwords differ), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from geo.auth.accounts import add_account, read_accounts, set_disabled, set_password, users_path
from geo.auth.roles import ROLE_LABELS, Role
from geo.errors import GeoError

__all__ = ["default_users_file", "build_users_parser", "users_main"]


def default_users_file() -> Path:
    """``$COVERAGE_MAP_USERS``, else ``users.yaml`` in the app's data folder."""
    from geo.io.upload import app_home

    return users_path() or app_home() / "users.yaml"


def _say(args: argparse.Namespace, vi: str, en: str, *, err: bool = False) -> None:
    print(vi if args.lang == "vi" else en, file=sys.stderr if err else sys.stdout)


def _password(args: argparse.Namespace) -> str | None:
    """The new password: stdin's first line (``--password-stdin``) or typed twice without echo."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    vi = args.lang == "vi"
    first = getpass.getpass("Mật khẩu: " if vi else "Password: ")
    second = getpass.getpass("Nhập lại mật khẩu: " if vi else "Repeat the password: ")
    if first != second:
        _say(
            args,
            "Hai lần nhập mật khẩu khác nhau; không có gì thay đổi.",
            "The two passwords differ; nothing was changed.",
            err=True,
        )
        return None
    return first


def _add(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 1
    account = add_account(args.file, args.name, password, args.role, args.full_name or "")
    role_vi, role_en = ROLE_LABELS[account.role]
    _say(
        args,
        f"Đã thêm người dùng '{account.username}' (vai trò {role_vi}) vào {args.file}.",
        f"Added user '{account.username}' (role {role_en}) to {args.file}.",
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    accounts = read_accounts(args.file)
    if not accounts:
        _say(args, f"{args.file}: chưa có người dùng nào.", f"{args.file}: no users yet.")
        return 0
    vi = args.lang == "vi"
    if vi:
        head = ("tên đăng nhập", "họ tên", "vai trò", "trạng thái", "tạo lúc")
        states = ("đang dùng", "đã khóa")
    else:
        head = ("username", "full name", "role", "status", "created")
        states = ("active", "disabled")
    rows = [
        (a.username, a.full_name, ROLE_LABELS[a.role][0 if vi else 1], states[a.disabled], a.created_at)
        for a in accounts.values()
    ]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _disable(args: argparse.Namespace, disabled: bool = True) -> int:
    account = set_disabled(args.file, args.name, disabled)
    if disabled:
        _say(
            args,
            f"Đã khóa '{account.username}': không đăng nhập được nữa.",
            f"Disabled '{account.username}': they can no longer sign in.",
        )
    else:
        _say(args, f"Đã mở lại '{account.username}'.", f"Enabled '{account.username}' again.")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 1
    account = set_password(args.file, args.name, password)
    _say(args, f"Đã đổi mật khẩu của '{account.username}'.", f"Changed the password of '{account.username}'.")
    return 0


def build_users_parser(prog: str = "python -m geo users") -> argparse.ArgumentParser:
    """Return the parser of the ``users`` subcommands."""
    parser = argparse.ArgumentParser(prog=prog, description="Người dùng (văn phòng dùng chung) / users")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ / language (vi)")
    sub = parser.add_subparsers(dest="command", required=True)
    file_help = "tệp người dùng / users file (default: $COVERAGE_MAP_USERS or ~/.coverage-map/users.yaml)"

    def command(name: str, help_text: str, func, *, named: bool = True, password: bool = False):
        cmd = sub.add_parser(name, help=help_text)
        if named:
            cmd.add_argument("name", help="tên đăng nhập / username")
        cmd.add_argument("--file", type=Path, default=None, help=file_help)
        cmd.add_argument("--lang", choices=["vi", "en"], default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        if password:
            cmd.add_argument(
                "--password-stdin",
                action="store_true",
                help="đọc mật khẩu từ dòng đầu của stdin / read the password from stdin's first line",
            )
        cmd.set_defaults(func=func)
        return cmd

    add = command("add", "thêm người dùng / add a user", _add, password=True)
    add.add_argument(
        "--role", required=True, choices=[str(r) for r in Role], help="viewer|editor|approver|admin"
    )
    add.add_argument("--full-name", help="họ tên hiển thị / full name shown beside the username")
    command("list", "liệt kê người dùng / list users", _list, named=False)
    command("disable", "khóa người dùng / disable a user", _disable)
    command("enable", "mở lại người dùng / enable a user again", lambda a: _disable(a, False))
    command("passwd", "đổi mật khẩu / change a password", _passwd, password=True)
    return parser


def users_main(argv: list[str]) -> int:
    """Run ``python -m geo users ...`` with ``argv`` (the words after ``users``); return the exit code."""
    args = build_users_parser().parse_args(argv)
    args.file = args.file or default_users_file()
    try:
        return args.func(args)
    except GeoError as exc:
        print(str(exc) if args.lang == "vi" else exc.en, file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        return 1
