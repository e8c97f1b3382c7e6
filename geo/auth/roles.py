"""Who may do what: the four roles, the one table of permissions, and the acting user.

Roles build on each other (each may do everything the one before it may):

========  ==========================================================================
viewer    maps, tables, exports
editor    + upload datasets; draw, edit, import, delete and restore zones; save and restore scenarios
approver  + set a zone to verified / resolved (or take it back), accept or dismiss suggestions
admin     + users
========  ==========================================================================

:data:`PERMISSIONS` is the only place this is written down: the pages hide what a role may not do
and the stores (:class:`geo.zones.store.ZoneStore`, :func:`geo.io.upload.commit_dataset`) call
:func:`require`, so a forged request from a role that may not make a change changes nothing.
A bare name given where an :class:`Actor` is expected is the single planner (or the command line)
working on their own machine: an implicit admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from geo.errors import DataError

__all__ = [
    "Role",
    "Action",
    "PERMISSIONS",
    "ROLE_LABELS",
    "APPROVAL_STATUSES",
    "Actor",
    "AccessDenied",
    "as_actor",
    "require",
    "zone_change_actions",
]


class Role(StrEnum):
    """A user's role (stored in the users file as its value)."""

    VIEWER = "viewer"
    EDITOR = "editor"
    APPROVER = "approver"
    ADMIN = "admin"


class Action(StrEnum):
    """Something a role may be allowed to do."""

    VIEW = "view"  # maps, tables
    EXPORT = "export"  # downloads: CSV/XLSX tables, print maps, zone exports
    UPLOAD_DATASETS = "upload_datasets"
    EDIT_ZONES = "edit_zones"  # draw, edit, import, delete and restore weak-signal zones
    EDIT_SCENARIOS = "edit_scenarios"  # save, import and restore scenarios of planned sites
    APPROVE_ZONES = "approve_zones"  # move a zone to or from verified / resolved
    DECIDE_SUGGESTIONS = "decide_suggestions"  # accept or dismiss a suggested zone
    MANAGE_USERS = "manage_users"


_VIEWER = frozenset({Action.VIEW, Action.EXPORT})
_EDITOR = _VIEWER | {Action.UPLOAD_DATASETS, Action.EDIT_ZONES, Action.EDIT_SCENARIOS}
_APPROVER = _EDITOR | {Action.APPROVE_ZONES, Action.DECIDE_SUGGESTIONS}
#: The table of permissions: what each role may do.
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: _VIEWER,
    Role.EDITOR: frozenset(_EDITOR),
    Role.APPROVER: frozenset(_APPROVER),
    Role.ADMIN: frozenset(_APPROVER | {Action.MANAGE_USERS}),
}
#: Role names as the page shows them (Vietnamese, English).
ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.VIEWER: ("Xem", "Viewer"),
    Role.EDITOR: ("Biên tập", "Editor"),
    Role.APPROVER: ("Phê duyệt", "Approver"),
    Role.ADMIN: ("Quản trị", "Admin"),
}
_ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.VIEW: ("xem bản đồ và bảng", "view maps and tables"),
    Action.EXPORT: ("tải xuống", "download exports"),
    Action.UPLOAD_DATASETS: ("tải bộ dữ liệu lên", "upload datasets"),
    Action.EDIT_ZONES: ("vẽ, sửa, xóa vùng lõm sóng", "draw, edit or delete weak-signal zones"),
    Action.EDIT_SCENARIOS: ("lưu hoặc khôi phục kịch bản", "save or restore scenarios"),
    Action.APPROVE_ZONES: (
        "đặt vùng sang (hoặc bỏ) trạng thái đã xác minh / đã xử lý",
        "set a zone to (or back from) verified / resolved",
    ),
    Action.DECIDE_SUGGESTIONS: ("chấp nhận hoặc bỏ qua gợi ý", "accept or dismiss suggestions"),
    Action.MANAGE_USERS: ("quản lý người dùng", "manage users"),
}
#: Zone statuses only an approver may set, or take a zone out of.
APPROVAL_STATUSES = frozenset({"verified", "resolved"})


@dataclass(frozen=True)
class Actor:
    """The user making a change: ``username`` (unique, what the history records), ``role`` and, if given,
    the ``full_name`` shown beside it."""

    username: str
    role: Role
    full_name: str = ""

    @classmethod
    def local(cls, name: str) -> Actor:
        """The single planner on their own machine (no sign-in): an implicit admin named ``name``."""
        return cls(username=name.strip(), role=Role.ADMIN)

    @property
    def label(self) -> str:
        """How changes are signed in histories: ``"Nguyễn Thị Lan (lan)"``, or the username alone."""
        full = self.full_name.strip()
        return f"{full} ({self.username})" if full and full != self.username else self.username

    def may(self, action: Action) -> bool:
        """Whether this user's role allows ``action``."""
        return action in PERMISSIONS.get(Role(self.role), frozenset())

    def __str__(self) -> str:
        return self.label


class AccessDenied(DataError):
    """A change refused because the user's role does not allow it; nothing was written."""

    def __init__(self, actor: Actor, action: Action) -> None:
        role_vi, role_en = ROLE_LABELS[Role(actor.role)]
        what_vi, what_en = _ACTION_LABELS[action]
        super().__init__(
            f"{actor.label} (vai trò {role_vi}) không được {what_vi}; không có gì bị thay đổi.",
            f"{actor.label} (role {role_en}) may not {what_en}; nothing was changed.",
        )
        self.actor = actor
        self.action = action


def as_actor(user: Actor | str) -> Actor:
    """``user`` as an :class:`Actor`; a bare name is the local single planner (:meth:`Actor.local`)."""
    return user if isinstance(user, Actor) else Actor.local(str(user))


def require(user: Actor | str, *actions: Action) -> Actor:
    """Return ``user`` as an :class:`Actor` when its role allows every one of ``actions``; else raise
    :class:`AccessDenied` naming the first one refused."""
    actor = as_actor(user)
    for action in actions:
        if not actor.may(action):
            raise AccessDenied(actor, action)
    return actor


def zone_change_actions(
    old_status: str | None, new_status: str | None, *, removing: bool = False
) -> tuple[Action, ...]:
    """What a zone change needs: editing always; approving too when the status moves to or out of
    :data:`APPROVAL_STATUSES` (``old_status`` None for a new zone), or when a zone in one of them is deleted
    or restored (``removing``), since that undoes or redoes an approval."""
    old, new = str(old_status or ""), str(new_status or "")
    touches = old in APPROVAL_STATUSES or new in APPROVAL_STATUSES
    approving = touches and (old != new or removing)
    return (Action.EDIT_ZONES, Action.APPROVE_ZONES) if approving else (Action.EDIT_ZONES,)
