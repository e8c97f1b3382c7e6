"""Shared offices without a browser: the roles table, accounts and the users file, the lockout (with an
injected clock), the stores refusing a change the user's role does not allow, and the ``users``/``serve``
commands."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import box

from geo.auth import PERMISSIONS, AccessDenied, Action, Actor, Role, zone_change_actions
from geo.auth.accounts import (
    add_account,
    cookie_key,
    login_credentials,
    read_accounts,
    set_disabled,
    set_password,
)
from geo.auth.lockout import LOCKOUT_S, MAX_FAILURES, Lockout, lockout_path
from geo.cli.main import main
from geo.errors import DataError
from geo.zones.gpkg import GpkgZoneStore
from geo.zones.record import Zone
from geo.zones.suggest import accept

ROOT = Path(__file__).resolve().parents[1]
VIEWER = Actor("minh", Role.VIEWER)
EDITOR = Actor("lan", Role.EDITOR, "Nguyễn Thị Lan")
APPROVER = Actor("hung", Role.APPROVER)
ADMIN = Actor("root", Role.ADMIN)
SQUARE = box(103.2, 22.0, 103.21, 22.01)


# -- the roles table -------------------------------------------------------------------------------------
def test_each_role_may_do_what_the_one_before_it_may_and_more():
    assert PERMISSIONS[Role.VIEWER] == {Action.VIEW, Action.EXPORT}
    assert PERMISSIONS[Role.EDITOR] - PERMISSIONS[Role.VIEWER] == {
        Action.UPLOAD_DATASETS,
        Action.EDIT_ZONES,
        Action.EDIT_SCENARIOS,
    }
    assert PERMISSIONS[Role.APPROVER] - PERMISSIONS[Role.EDITOR] == {
        Action.APPROVE_ZONES,
        Action.DECIDE_SUGGESTIONS,
    }
    assert PERMISSIONS[Role.ADMIN] - PERMISSIONS[Role.APPROVER] == {Action.MANAGE_USERS}
    assert Actor.local("Chị Lan").role == Role.ADMIN  # the single planner on their own machine


def test_setting_or_leaving_verified_or_resolved_needs_an_approver():
    assert zone_change_actions(None, "reported") == (Action.EDIT_ZONES,)
    assert zone_change_actions("reported", "operator_responded") == (Action.EDIT_ZONES,)
    for old, new in [
        (None, "verified"),
        ("reported", "verified"),
        ("verified", "reported"),
        ("x", "resolved"),
    ]:
        assert Action.APPROVE_ZONES in zone_change_actions(old, new)
    assert Action.APPROVE_ZONES in zone_change_actions("verified", "verified", removing=True)
    assert zone_change_actions("verified", "verified") == (Action.EDIT_ZONES,)  # e.g. a new note


# -- accounts --------------------------------------------------------------------------------------------
def test_accounts_are_kept_as_bcrypt_hashes_in_a_private_file_readable_by_streamlit_authenticator(tmp_path):
    users = tmp_path / "users.yaml"
    add_account(users, " Lan ", "mật-khẩu-dài", "editor", "Nguyễn Thị Lan")
    add_account(users, "hung", "another-pass", Role.APPROVER)
    text = users.read_text(encoding="utf-8")
    assert "mật-khẩu-dài" not in text and "another-pass" not in text
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    accounts = read_accounts(users)
    assert set(accounts) == {"lan", "hung"}
    assert accounts["lan"].actor == Actor("lan", Role.EDITOR, "Nguyễn Thị Lan")
    assert accounts["lan"].actor.label == "Nguyễn Thị Lan (lan)"
    from streamlit_authenticator.utilities import Hasher

    assert Hasher.check_pw("mật-khẩu-dài", accounts["lan"].password_hash)
    assert not Hasher.check_pw("wrong-password", accounts["lan"].password_hash)
    config = yaml.safe_load(text)  # streamlit-authenticator's own layout
    assert config["credentials"]["usernames"]["lan"]["roles"] == ["editor"]


def test_names_roles_and_passwords_that_cannot_be_used_are_refused_without_quoting_the_password(tmp_path):
    users = tmp_path / "users.yaml"
    add_account(users, "lan", "good-password", "editor")
    for name, password, role in [
        ("lan", "good-password", "editor"),  # taken
        ("ai đó", "good-password", "editor"),  # a space
        ("minh", "kX9!q", "viewer"),
        ("minh", "x" * 73, "viewer"),  # bcrypt reads 72 bytes
        ("minh", " padded-password ", "viewer"),
        ("minh", "good-password", "boss"),
    ]:
        with pytest.raises(DataError) as refused:
            add_account(users, name, password, role)
        assert password not in str(refused.value) + refused.value.en
    assert set(read_accounts(users)) == {"lan"}


def test_disable_and_password_change(tmp_path):
    users = tmp_path / "users.yaml"
    add_account(users, "lan", "good-password", "editor")
    add_account(users, "minh", "good-password", "viewer")
    first_hash = read_accounts(users)["lan"].password_hash
    set_password(users, "LAN", "better-password")
    assert read_accounts(users)["lan"].password_hash != first_hash
    with pytest.raises(AccessDenied):  # only an admin (or the command line, on the server) manages users
        set_disabled(users, "minh", by=APPROVER)
    assert not read_accounts(users)["minh"].disabled
    set_disabled(users, "minh", by=ADMIN)
    assert read_accounts(users)["minh"].disabled
    assert set(login_credentials(read_accounts(users))["usernames"]) == {"lan"}  # the library never sees minh
    with pytest.raises(DataError, match="nobody"):
        set_disabled(users, "nobody")


def test_a_malformed_users_file_is_refused_naming_the_file(tmp_path):
    users = tmp_path / "users.yaml"
    for text in [
        "[1, 2",
        "credentials: [a]",
        "credentials:\n  usernames:\n    a: {password: plain, roles: [viewer]}",
        "credentials:\n  usernames:\n    a: {password: '$2b$12$x', roles: [boss]}",
    ]:
        users.write_text(text, encoding="utf-8")
        with pytest.raises(DataError, match=r"users\.yaml"):
            read_accounts(users)
    with pytest.raises(DataError, match="users add"):
        read_accounts(tmp_path / "missing.yaml")


def test_the_cookie_secret_is_made_once_per_installation_private_and_beside_the_users_file(tmp_path):
    users = tmp_path / "users.yaml"
    key = cookie_key(users)
    key_file = tmp_path / "users.cookie-key"
    assert len(key) >= 40 and key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert cookie_key(users) == key
    os.chmod(key_file, 0o644)
    assert cookie_key(users) == key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert cookie_key(tmp_path / "other" / "users.yaml") != key  # another installation
    assert (
        "users.yaml" in (ROOT / ".gitignore").read_text()
        and "*.cookie-key" in (ROOT / ".gitignore").read_text()
    )


# -- lockout ---------------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_five_wrong_passwords_lock_the_user_for_a_minute_even_across_a_reload(tmp_path):
    clock = Clock()
    path = lockout_path(tmp_path / "users.yaml")
    lockout = Lockout(path, clock=clock)
    for _ in range(MAX_FAILURES - 1):
        assert lockout.failed("lan") == 0
    assert lockout.locked_for("lan") == 0
    assert lockout.failed("lan") == LOCKOUT_S
    reloaded = Lockout(path, clock=clock)  # a page reload, another session or a restarted server
    assert reloaded.locked_for("lan") == LOCKOUT_S
    assert reloaded.locked_for("hung") == 0  # per user
    clock.now += 45
    assert reloaded.locked_for("lan") == pytest.approx(15)
    clock.now += 15
    assert reloaded.locked_for("lan") == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_right_password_resets_the_count(tmp_path):
    lockout = Lockout(tmp_path / "l.json", clock=Clock())
    for _ in range(MAX_FAILURES - 1):
        lockout.failed("lan")
    lockout.succeeded("lan")
    for _ in range(MAX_FAILURES - 1):
        assert lockout.failed("lan") == 0


# -- the stores refuse what a role may not do ------------------------------------------------------------
def _store(tmp_path) -> GpkgZoneStore:
    return GpkgZoneStore(tmp_path / "vung_lom_song.gpkg")


def test_a_viewers_forged_changes_change_nothing(tmp_path):
    store = _store(tmp_path)
    zone_id = store.add(Zone(name="Bản Pá", geometry=SQUARE), user=EDITOR)
    before = (store.list(include_deleted=True).to_json(), store.history().to_json(), store.version())
    attempts = [
        lambda: store.add(Zone(name="giả", geometry=SQUARE), user=VIEWER),
        lambda: store.add_many([], user=VIEWER),
        lambda: store.update(zone_id, {"name": "đổi"}, user=VIEWER),
        lambda: store.update(zone_id, {"geometry": box(103.3, 22.1, 103.31, 22.11)}, user=VIEWER),
        lambda: store.set_status(zone_id, "verified", user=VIEWER),
        lambda: store.delete(zone_id, user=VIEWER),
        lambda: store.restore(zone_id, user=VIEWER),
        lambda: store.dismiss("s-1", user=VIEWER),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied) as refused:
            attempt()
        assert "minh" in str(refused.value) and "nothing was changed" in refused.value.en
    assert (store.list(include_deleted=True).to_json(), store.history().to_json(), store.version()) == before
    assert store.dismissed().empty


def test_an_editor_edits_but_only_an_approver_verifies_resolves_or_decides_on_suggestions(tmp_path):
    store = _store(tmp_path)
    zone_id = store.add(Zone(name="Bản Pá", geometry=SQUARE), user=EDITOR)
    store.update(zone_id, {"note": "đo lại"}, user=EDITOR)
    with pytest.raises(AccessDenied):
        store.add(Zone(name="đã xác minh", geometry=SQUARE, status="verified"), user=EDITOR)
    with pytest.raises(AccessDenied):
        store.set_status(zone_id, "verified", user=EDITOR)
    with pytest.raises(AccessDenied):
        store.dismiss("s-1", user=EDITOR)
    suggestion = {"suggestion_id": "s-2", "name": "gợi ý", "geometry": SQUARE, "reason_vi": "ít sóng"}
    with pytest.raises(AccessDenied):
        accept(suggestion, store, user=EDITOR)
    assert len(store.list()) == 1
    store.set_status(zone_id, "verified", user=APPROVER)
    with pytest.raises(AccessDenied):  # deleting a verified zone would undo the approval
        store.delete(zone_id, user=EDITOR)
    with pytest.raises(AccessDenied):
        store.set_status(zone_id, "reported", user=EDITOR)
    store.update(zone_id, {"note": "đã kiểm tra"}, user=EDITOR)
    accept(suggestion, store, user=APPROVER)
    store.set_status(zone_id, "resolved", user=ADMIN)
    history = store.history(zone_id)
    assert set(history["changed_by"]) == {"Nguyễn Thị Lan (lan)", "hung", "root"}
    status = history.loc[history["action"] == "status", ["changed_by", "new_value"]].values.tolist()
    assert status == [["hung", "verified"], ["root", "resolved"]]
    assert store.get(zone_id).updated_by == "root"
    assert set(store.dismissed()["dismissed_by"]) == {"hung"}


def test_a_bare_name_is_the_single_planner_an_implicit_admin(tmp_path):
    store = _store(tmp_path)
    zone_id = store.add(Zone(name="Bản Pá", geometry=SQUARE, status="verified"), user="Chị Lan")
    store.set_status(zone_id, "resolved", user="Chị Lan")
    assert set(store.history(zone_id)["changed_by"]) == {"Chị Lan"}


def test_a_viewer_cannot_save_a_dataset(tmp_path, monkeypatch):
    from geo.io.upload import HOME_ENV, VERSION_FILE, commit_dataset, inspect_file, stage_files

    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    shapes = [SQUARE, box(103.21, 22.0, 103.22, 22.01)]
    communes = gpd.GeoDataFrame({"name": ["Xã A", "Xã B"]}, geometry=shapes)
    staging, _ = stage_files({"xa.geojson": communes.set_crs(4326).to_json().encode()})
    layers = {"communes": (inspect_file(staging / "xa.geojson")[0], {})}
    with pytest.raises(AccessDenied):
        commit_dataset(staging, name="Thử", layers=layers, user=VIEWER)
    assert not (tmp_path / "home" / "datasets" / "Thử").exists()
    _, saved = commit_dataset(staging, name="Thử", layers=layers, user=EDITOR)
    version = yaml.safe_load((saved / VERSION_FILE).read_text(encoding="utf-8"))
    assert version["saved_by"] == "Nguyễn Thị Lan (lan)" and version["role"] == "editor"


# -- the commands ----------------------------------------------------------------------------------------
def _users(argv: list[str], monkeypatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["users", *argv])


def test_users_add_list_disable_from_a_script(tmp_path, monkeypatch, capsys):
    users = tmp_path / "users.yaml"
    args = ["--file", str(users), "--password-stdin"]
    assert _users(["add", "lan", "--role", "editor", "--full-name", "Nguyễn Thị Lan", *args], monkeypatch,
                  "mật-khẩu-dài\n") == 0  # fmt: skip
    assert _users(["add", "minh", "--role", "viewer", *args], monkeypatch, "short\n") == 1
    assert _users(["--lang", "en", "add", "lan", "--role", "viewer", *args], monkeypatch, "other-pass\n") == 1
    assert _users(["list", "--file", str(users)], monkeypatch) == 0
    assert _users(["disable", "lan", "--file", str(users)], monkeypatch) == 0
    assert _users(["--lang", "en", "list", "--file", str(users)], monkeypatch) == 0
    out, err = capsys.readouterr()
    assert "mật-khẩu-dài" not in out + err and "$2b$" not in out + err
    assert "Nguyễn Thị Lan" in out and "Biên tập" in out and "disabled" in out
    assert "already exists" in err and "ít nhất 8 ký tự" in err


def test_users_add_asks_twice_without_echo_and_refuses_a_mismatch(tmp_path, monkeypatch, capsys):
    users = tmp_path / "users.yaml"
    typed = iter(["first-password", "other-password", "same-password", "same-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["users", "add", "lan", "--role", "admin", "--file", str(users)]) == 1
    assert not users.exists()
    assert main(["users", "add", "lan", "--role", "admin", "--file", str(users)]) == 0
    assert read_accounts(users)["lan"].role == Role.ADMIN
    assert "same-password" not in capsys.readouterr().out


def test_the_users_file_defaults_to_the_environment_then_the_app_folder(tmp_path, monkeypatch):
    from geo.cli.users import default_users_file

    monkeypatch.setenv("COVERAGE_MAP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COVERAGE_MAP_USERS", raising=False)
    assert default_users_file() == tmp_path / "home" / "users.yaml"
    monkeypatch.setenv("COVERAGE_MAP_USERS", str(tmp_path / "office.yaml"))
    assert default_users_file() == tmp_path / "office.yaml"


def test_serve_listens_on_this_machine_unless_shared_and_shared_needs_a_user(tmp_path, monkeypatch, capsys):
    from geo.cli.serve import build_serve_parser, serve_command

    monkeypatch.setenv("COVERAGE_MAP_USERS", str(tmp_path / "stray.yaml"))
    command, env = serve_command(build_serve_parser().parse_args([]))
    assert command[command.index("--server.address") + 1] == "127.0.0.1" and "COVERAGE_MAP_USERS" not in env
    users = tmp_path / "users.yaml"
    assert main(["serve", "--shared", "--users", str(users)]) == 1  # no users file: the app is not started
    assert "users add" in capsys.readouterr().err
    add_account(users, "lan", "good-password", "admin")
    set_disabled(users, "lan")
    with pytest.raises(DataError, match="users add"):
        serve_command(build_serve_parser().parse_args(["--shared", "--users", str(users)]))
    set_disabled(users, "lan", False)
    command, env = serve_command(build_serve_parser().parse_args(["--shared", "--users", str(users)]))
    assert command[command.index("--server.address") + 1] == "0.0.0.0"
    assert env["COVERAGE_MAP_USERS"] == str(users.resolve())
    assert (tmp_path / "users.cookie-key").exists()


def test_the_default_config_listens_on_127_0_0_1_only():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


def test_users_command_runs_as_a_module(tmp_path):
    users = tmp_path / "users.yaml"
    command = [sys.executable, "-m", "geo", "users", "add", "lan", "--role", "viewer", "--file", str(users)]
    done = subprocess.run(
        [*command, "--password-stdin"], input="a-long-password\n", capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert read_accounts(users)["lan"].role == Role.VIEWER
