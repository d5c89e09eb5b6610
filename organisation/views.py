"""Logging in and out: with a password, and through the municipality's identity provider
(single sign-on, `organisation.oidc`) where it is configured."""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import oidc
from .backends import passwords_restricted
from .forms import LoginForm
from .services import LoginRefused

logger = logging.getLogger(__name__)

#: The provider's error codes (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6) that mean it would not
#: let the person in: an account disabled there, or a renewal without its login.
REFUSED_BY_PROVIDER = frozenset({
    "access_denied", "login_required", "interaction_required", "consent_required",
    "account_selection_required", "unauthorized_client",
})


def failure_message(reason: str) -> str:
    """What the login page says when a login through the provider fails for `reason`."""
    messages_by_reason = {
        "state": _("The login could not be completed: the answer from the municipality's "
                   "identity provider does not belong to a login begun in this browser (it "
                   "may be old, or used already). Log in again."),
        "code": _("The login could not be completed: the identity provider did not accept "
                  "the login code (it may have been used already or have expired). Log in "
                  "again."),
        "expired": _("The login was refused: the identity provider's proof of who you are "
                     "has expired. Log in again; if this happens again, the computer's or "
                     "the server's clock may be wrong."),
        "tampered": _("The login was refused: the identity provider's proof of who you are "
                      "could not be verified. Log in again; if this happens again, contact "
                      "the service desk."),
        "disabled": _("The municipality's identity provider did not let you in: your account "
                      "may be disabled there, or your login there has ended. Log in again, "
                      "or contact the service desk."),
        "inactive": _("Your account in IT ordering is deactivated. Contact the IT "
                      "coordinator if you need access."),
        "provider": _("The municipality's identity provider could not be reached. Try again "
                      "in a while, or contact the service desk."),
    }
    return messages_by_reason.get(reason, messages_by_reason["provider"])


def _refuse(request: HttpRequest, reason: str, message: str | None = None,
            detail: str = "", end_login: bool = True) -> HttpResponse:
    """Shows the login page with the reason, having ended the request's login unless told
    not to (an answer that belongs to no login begun here must not log anyone out: anyone
    can send a link to one)."""
    logger.warning("Single sign-on refused (%s) for %s from %s: %s", reason,
                   request.user.get_username() if request.user.is_authenticated else "-",
                   request.META.get("REMOTE_ADDR", "-"), detail or "-")
    if end_login and request.user.is_authenticated:
        auth.logout(request)
    messages.error(request, message or failure_message(reason))
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


class LoginView(auth_views.LoginView):
    """The login page: the button to the municipality's identity provider when single
    sign-on is configured, and the password form (with LOCAL_PASSWORDS=break-glass, for
    the break-glass administrators only)."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.SSO_ENABLED
        context["passwords_restricted"] = passwords_restricted()
        return context


class LogoutView(View):
    """Ends the session here and, for a login made through the provider when it offers
    RP-initiated logout, goes on to end the provider's too."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        url = oidc.provider_logout_url(request)
        auth.logout(request)
        return HttpResponseRedirect(url)


class OIDCAuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (authorization code flow, PKCE, state and nonce)."""

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:  # noqa: N802 (the library's name)
        return oidc.discovery()["authorization_endpoint"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.SSO_ENABLED:
            raise Http404
        try:
            return super().get(request)
        except (requests.RequestException, ValueError) as error:
            return _refuse(request, "provider", detail=str(error))


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the state must be one this browser's
    session began (then spent), the code is exchanged once, the ID token checked. Every
    failure ends on the login page with a message in Swedish, and is logged."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.SSO_ENABLED:
            raise Http404
        states = request.session.get("oidc_states")
        states = states if isinstance(states, dict) else {}
        state = request.GET.get("state", "")
        if request.GET.get("error"):
            genuine = bool(state) and states.pop(state, None) is not None
            if genuine:
                request.session["oidc_states"] = states
            error = request.GET["error"]
            reason = "disabled" if error in REFUSED_BY_PROVIDER else "provider"
            if not genuine:
                reason = "state"
            return _refuse(request, reason, end_login=genuine, detail=f"{error}: "
                           f"{request.GET.get('error_description', '')}")
        code = request.GET.get("code")
        entry = states.pop(state, None) if state else None
        if not code or entry is None:
            return _refuse(request, "state", end_login=False,
                           detail="no such state in the session")
        # Spent before anything else happens: the same answer cannot be used twice.
        request.session["oidc_states"] = states
        request.session.save()
        try:
            self.user = auth.authenticate(request=request, nonce=entry.get("nonce"),
                                          code_verifier=entry.get("code_verifier"))
        except LoginRefused as refused:
            return _refuse(request, refused.reason, message=refused.message)
        except requests.HTTPError as error:
            response = error.response
            invalid_grant = (response is not None and response.status_code == 400
                             and "invalid_grant" in response.text)
            return _refuse(request, "code" if invalid_grant else "provider", detail=str(error))
        except (requests.RequestException, ValueError) as error:
            return _refuse(request, "provider", detail=str(error))
        except jwt.ExpiredSignatureError as error:
            return _refuse(request, "expired", detail=str(error))
        except (jwt.InvalidTokenError, SuspiciousOperation, KeyError) as error:
            return _refuse(request, "tampered", detail=f"{type(error).__name__}: {error}")
        if self.user is None:
            return _refuse(request, "tampered", detail="no user from the claims")
        if not self.user.is_active:
            return _refuse(request, "inactive")
        logger.info("Single sign-on: %s logged in.", self.user.get_username())
        return self.login_success()
