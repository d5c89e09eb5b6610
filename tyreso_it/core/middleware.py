"""Middleware of the product's own: what every response may be cached as, and how long a
login lasts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

#: Nothing the app makes may be kept by a shared cache or written to a browser's disk.
PRIVATE_NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response whose view set no Cache-Control
    of its own.

    The pages, fragments and files of the app show orders, meetings and minutes, plans,
    exports and PDFs with personal data: no proxy may keep them, and no browser may write
    them to disk where the next person at a shared computer finds them (in its cache, or
    through the back button after logging out). Static files never reach this middleware:
    WhiteNoise, earlier in MIDDLEWARE, serves them with their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response


# --- how long a login lasts -------------------------------------------------------------------

#: Session keys: when the login began and when the person was last seen (Unix seconds).
SESSION_STARTED = "_login_started"
SESSION_SEEN = "_login_seen"
#: The last-seen time is written at most this often (seconds), not on every request: the
#: session lives in the cache and the database, and most requests then write neither.
SEEN_WRITE_INTERVAL = 60

logger = logging.getLogger(__name__)


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="tyreso_it_login_started")
def login_started(sender, request: HttpRequest, user, **kwargs) -> None:
    """A login's clock starts when it begins."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_STARTED] = session[SESSION_SEEN] = _now()


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page_of(request: HttpRequest) -> str | None:
    """The page to come back to after logging in again: for htmx the page the fragment was
    asked for from, for a plain GET the page itself; none for a form's POST."""
    if _is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.path:
            return current.path + (f"?{current.query}" if current.query else "")
        return None
    if request.method in {"GET", "HEAD"}:
        return request.get_full_path()
    return None


def _to_login(request: HttpRequest) -> HttpResponse:
    """To the login page, in a way htmx follows too: a redirect that htmx's request would
    follow would only swap the login page into a part of the page."""
    page = _page_of(request)
    url = redirect_to_login(page).url if page else resolve_url(settings.LOGIN_URL)
    if _is_htmx(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class SessionTimeoutMiddleware:
    """Ends a login after SESSION_IDLE_SECONDS without a request and SESSION_MAX_SECONDS after
    it began, whichever comes first: a computer left logged in (in a meeting room, at a
    reception) stops showing orders and minutes. The person is logged out (the session is
    flushed) and sent to the login page with a message saying why, and back to the page
    after logging in again.

    Also turns the login-required redirect of an htmx request (a session already gone) into
    one htmx follows with the whole page (HX-Redirect).

    After AuthenticationMiddleware and MessageMiddleware, before LoginRequiredMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ended = self._end_if_over(request)
        if ended is not None:
            return ended
        response = self.get_response(request)
        if _is_htmx(request) and response.status_code in {301, 302}:
            location = urlsplit(response.get("Location", ""))
            if location.path == urlsplit(resolve_url(settings.LOGIN_URL)).path:
                return _to_login(request)
        return response

    def _end_if_over(self, request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        session = request.session
        now = _now()
        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        if started is None or seen is None:
            # A login from before these limits: its clock starts now.
            session[SESSION_STARTED] = started or now
            session[SESSION_SEEN] = now
            return None
        if now - started >= settings.SESSION_MAX_SECONDS:
            reason = "max"
            message = _("You have been logged out: a login lasts %(duration)s at most. "
                        "Log in again to go on.") % {
                "duration": _duration(settings.SESSION_MAX_SECONDS)}
        elif now - seen >= settings.SESSION_IDLE_SECONDS:
            reason = "idle"
            message = _("You have been logged out after %(duration)s without activity. "
                        "Log in again to go on.") % {
                "duration": _duration(settings.SESSION_IDLE_SECONDS)}
        else:
            if now - seen >= SEEN_WRITE_INTERVAL:
                session[SESSION_SEEN] = now
            return None
        logger.info("Login of %s ended (%s): began %d s ago, last seen %d s ago.",
                    request.user.get_username(), reason, now - started, now - seen)
        response = _to_login(request)
        logout(request)
        messages.info(request, message)
        return response
