"""Shared offices: users, roles and sign-in throttling (no Streamlit here; the sign-in page is
:mod:`views.signin`). :mod:`geo.auth.roles` holds the one table of permissions."""

from geo.auth.roles import (
    PERMISSIONS,
    ROLE_LABELS,
    AccessDenied,
    Action,
    Actor,
    Role,
    as_actor,
    require,
    zone_change_actions,
)

__all__ = [
    "PERMISSIONS",
    "ROLE_LABELS",
    "AccessDenied",
    "Action",
    "Actor",
    "Role",
    "as_actor",
    "require",
    "zone_change_actions",
]
