"""Throttled logins: django-axes' database handler, with a limit of its own for each thing it
counts failed logins by.

Axes counts the failed logins of the last AXES_COOLOFF_TIME by each entry of
AXES_LOCKOUT_PARAMETERS, here an account tried from one address (user name and address
together) and an address whatever the account, and refuses to log anyone in from where a
count has reached its limit, until the cool-off has passed since the last failure. Out of the
box axes holds every count to one limit (AXES_FAILURE_LIMIT). An address needs a higher one:
many people can share it (a school's or an office's network), and an address that tries many
accounts with a few passwords each (a password sprayed over the staff list) is stopped only by
its own count. `LOGIN_FAILURE_LIMITS` gives one limit per lockout parameter.

The lockout is by account *and* address, never by account alone: an attacker elsewhere then
cannot lock a person out of their own account.
"""

from __future__ import annotations

import ipaddress
import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("axes")


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler (attempts kept in the database, so every process sees them),
    with the limits of `settings.LOGIN_FAILURE_LIMITS` and a success that clears the
    account's count from its address only."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures that count against AXES_FAILURE_LIMIT, which is what axes compares:
        each lockout parameter's failures scaled from its own limit to that one, the largest.
        With integers, `failures * limit // own` reaches `limit` exactly when `failures`
        reaches `own`."""
        limit = get_failure_limit(request, credentials)
        worst = 0
        for attempts, own in zip(
            self.get_user_attempts(request, credentials),
            settings.LOGIN_FAILURE_LIMITS,
            strict=True,
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, failures * limit // own)
        return worst

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful login, forget the account's failures from this address. The
        address's failures on other accounts stand: knowing one account's password must not
        clear an address that tries many."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def client_ip(request: HttpRequest) -> str | None:
    """The address a login comes from (AXES_CLIENT_IP_CALLABLE).

    Without a reverse proxy (TRUSTED_PROXY_COUNT = 0) that is REMOTE_ADDR. Behind
    TRUSTED_PROXY_COUNT proxies it is read from X-Forwarded-For, to which each proxy appends
    the address it received the request from: the entry that many places from the right is
    the one the outermost proxy saw. Entries further left are the client's own to write and
    are never read; a header too short or not an address falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,  # noqa: ARG001 - axes' signature
    credentials: dict | None = None,  # noqa: ARG001 - axes' signature
) -> HttpResponse:
    """The page a refused login gets (AXES_LOCKOUT_CALLABLE): in Swedish, with how long the
    pause lasts, and 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)


def log_refused(sender, request: HttpRequest, username: str | None, ip_address: str | None,
                **kwargs) -> None:
    """Axes logs the failure that starts a lockout and no later one: every login refused
    for a lockout is logged here, that one and those during the pause (which are not
    counted, so that trying again too soon does not lengthen the pause)."""
    logger.warning("Login refused, locked out: username %r from address %s on %s.",
                   username, ip_address, getattr(request, "path", ""))


user_locked_out.connect(log_refused, dispatch_uid="tyreso_it_login_refused")
