"""The authentication backend: Django's own, with a person's permissions read in one query
and the request's user and permissions kept in the access cache (`organisation.access`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat

from . import access

#: Never kept in the access cache (see `user_row`).
NOT_CACHED = frozenset({"password"})


class PermissionBackend(ModelBackend):
    """Django's ModelBackend, except that the person's own and their groups' permissions are
    read together (one query instead of two on every page that asks `has_perm`).

    The result is the same set, cached on the user object for the request as Django caches it.
    The user of a request (`get_user`) and that user's permissions come from the access cache
    when it holds them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_login_allowed(user):
            return None
        return user

    def get_user(self, user_id):
        entry = access.load(user_id)
        if entry is None:
            return super().get_user(user_id)
        row = entry.facts.get("user")
        if row is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            entry.remember("user", user_row(user))
        else:
            user = user_from_row(row)
            if not self.user_can_authenticate(user):
                return None
        user._access = entry
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(
                access.fact(user_obj, "permissions", lambda: _permission_names(user_obj))
            )
        return user_obj._perm_cache


def passwords_restricted() -> bool:
    """True when single sign-on is on and password login is kept for break-glass only."""
    return settings.SSO_ENABLED and settings.LOCAL_PASSWORDS == "break-glass"


def password_login_allowed(user) -> bool:
    """Whether `user` may log in with a password here: everyone, unless single sign-on is on
    with LOCAL_PASSWORDS=break-glass, which keeps it for superusers and the accounts named in
    BREAK_GLASS_ACCOUNTS."""
    if not passwords_restricted():
        return True
    return user.is_superuser or user.get_username() in settings.BREAK_GLASS_ACCOUNTS


def user_row(user) -> dict[str, Any]:
    """The user as the access cache keeps it: every column but the password hash, as JSON
    types, and the session's auth hash (what Django checks a session against) in its place."""
    fields = [f.attname for f in user._meta.concrete_fields if f.attname not in NOT_CACHED]
    return {"fields": access.as_row(user, fields),
            "session_auth_hash": user.get_session_auth_hash()}


def user_from_row(row: dict[str, Any]):
    """The user `user_row` kept, as the database would give it but without the password hash
    (deferred: read from the database if anything asks for it)."""
    user = access.from_row(get_user_model(), row["fields"])
    user._session_auth_hash = row["session_auth_hash"]
    return user


def _permission_names(user) -> list[str]:
    """Every permission `user` holds, directly or through a group, as "app.codename": read
    (and its querysets built) only when the access cache does not hold them."""
    if user.is_superuser:
        return sorted(_names(Permission.objects.all()))
    own = Permission.objects.filter(user=user)
    grouped = Permission.objects.filter(group__user=user)
    return sorted(_names(own).union(_names(grouped)).order_by())


def _names(permissions):
    return (
        permissions.order_by()
        .annotate(
            perm_name=Concat(
                F("content_type__app_label"), Value("."), F("codename"), output_field=CharField()
            )
        )
        .values_list("perm_name", flat=True)
    )
