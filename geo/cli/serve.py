"""``python -m geo serve [--shared]``: start the map app.

Without ``--shared`` it is the single planner's app, as ``streamlit run app.py``: it listens on
127.0.0.1 only (``.streamlit/config.toml``) and asks for no sign-in. With ``--shared`` it listens on
the office network (``--address``, default 0.0.0.0) and every page needs sign-in against the users
file (``--users``, else ``$COVERAGE_MAP_USERS``, else ``~/.coverage-map/users.yaml``), which must hold
at least one enabled user; the cookie secret is made beside it on first start.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from geo.auth.accounts import USERS_ENV, cookie_key, read_accounts
from geo.errors import DataError, GeoError

__all__ = ["ROOT", "build_serve_parser", "serve_command", "serve_main"]

ROOT = Path(__file__).resolve().parents[2]


def build_serve_parser(prog: str = "python -m geo serve") -> argparse.ArgumentParser:
    """Return the parser of ``serve``."""
    parser = argparse.ArgumentParser(prog=prog, description="Chạy ứng dụng bản đồ / start the map app")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ / language (vi)")
    parser.add_argument(
        "--shared", action="store_true", help="văn phòng dùng chung: mạng LAN + đăng nhập / LAN + sign-in"
    )
    parser.add_argument("--users", type=Path, help="tệp người dùng / users file (with --shared)")
    parser.add_argument("--address", help="địa chỉ lắng nghe / listen address (shared default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=8501, help="cổng / port (8501)")
    return parser


def serve_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The ``streamlit run`` command line and environment for ``args``; :class:`DataError` when shared mode
    has no usable users file (the app is then not started)."""
    from geo.cli.users import default_users_file

    env = dict(os.environ)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(args.port),
    ]
    if args.shared:
        users = (args.users or default_users_file()).expanduser().resolve()
        accounts = read_accounts(users)
        if not any(not a.disabled for a in accounts.values()):
            raise DataError(
                f"{users}: chưa có người dùng nào đang dùng; thêm bằng: "
                f"python -m geo users add TÊN --role admin --file {users}",
                f"{users}: no enabled user; add one with: "
                f"python -m geo users add NAME --role admin --file {users}",
            )
        cookie_key(users)  # made now, beside the users file, so the first sign-in does not wait for it
        env[USERS_ENV] = str(users)
        command += ["--server.address", args.address or "0.0.0.0"]
    else:
        env.pop(USERS_ENV, None)
        command += ["--server.address", args.address or "127.0.0.1"]
    return command, env


def serve_main(argv: list[str]) -> int:
    """Run ``python -m geo serve ...``; return Streamlit's exit code (1 when it cannot start)."""
    args = build_serve_parser().parse_args(argv)
    try:
        command, env = serve_command(args)
    except GeoError as exc:
        print(str(exc) if args.lang == "vi" else exc.en, file=sys.stderr)
        return 1
    try:
        return subprocess.call(command, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0
