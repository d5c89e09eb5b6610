"""Every write to API tokens: made by their owner, revoked by their owner."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import User
from tyreso_it.core.errors import ServiceError

from .models import ApiToken

#: What every secret starts with, so a leaked one is recognised by secret scanners and people.
SECRET_PREFIX = "tyr_"  # noqa: S105 - a prefix, not a secret
#: The longest a token may live (days): a forgotten script stops rather than runs for ever.
MAX_DAYS = 366


class TokenError(ServiceError):
    """A refused write of API tokens (see tyreso_it.core.errors)."""


class TokenNotFound(TokenError):
    status_code = 404


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_create(*, owner: User, name: str, scope: str, expires_at: datetime) -> NewToken:
    """Make a token for `owner`; its secret is in the answer and nowhere else."""
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name."), field="name")
    if scope not in ApiToken.Scope.values:
        raise TokenError(_("Choose read or read and write."), field="scope")
    now = timezone.now()
    if expires_at <= now:
        raise TokenError(_("The expiry date must be in the future."), field="expires_at")
    if (expires_at - now).days >= MAX_DAYS:
        raise TokenError(
            _("A token may be valid for at most %(days)s days.") % {"days": MAX_DAYS},
            field="expires_at",
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)  # 32 random bytes
    token = ApiToken(owner=owner, name=name, scope=scope, expires_at=expires_at,
                     prefix=secret[: len(SECRET_PREFIX) + 6], digest=token_digest(secret))
    token._history_user = owner
    with transaction.atomic():
        token.save()
    return NewToken(token=token, secret=secret)


def token_revoke(*, token_id: int, actor: User) -> ApiToken:
    """Revoke one of the actor's own tokens: it authenticates no one from the next request."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, owner=actor).first()
        if token is None:
            raise TokenNotFound(_("The token does not exist or is not yours."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token._history_user = actor
            token._change_reason = _("Revoked")
            token.save(update_fields=["revoked_at"])
        return token


def token_touch(*, token: ApiToken, every_seconds: int = 60) -> None:
    """Note when a token was last used, at most once a minute (a conditional UPDATE: one
    write per minute per token however many requests it makes)."""
    now = timezone.now()
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() < every_seconds:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
