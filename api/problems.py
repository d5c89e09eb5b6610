"""Errors as RFC 9457 problem details (`application/problem+json`), through one handler.

Every refusal of the API becomes one shape: `type` (a URI naming the kind of problem),
`title` (the kind, in words), `status`, `detail` (this occurrence, for a person) and, for
bad input, `errors`: one entry per field (`field`, `detail`). A service's refusal
(`tyreso_it.core.errors.ServiceError`, with its `status_code` and `field`) is mapped here too,
so no endpoint catches it itself. The words are Swedish, or English when the request's
Accept-Language prefers it (`api.views.base`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tyreso_it.core.errors import ServiceError

PROBLEM_TYPE = "application/problem+json"
#: The base of every problem's `type`: documented in the API's description.
TYPE_BASE = "/api/problems/"


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: ("invalid-request", _("The request is not valid")),
        401: ("not-authenticated", _("Not logged in")),
        403: ("forbidden", _("Not allowed")),
        404: ("not-found", _("Not found")),
        405: ("method-not-allowed", _("Method not allowed")),
        406: ("not-acceptable", _("Format not available")),
        409: ("conflict", _("Conflict with the current state")),
        415: ("unsupported-media-type", _("Unsupported format")),
        429: ("too-many-requests", _("Too many requests")),
        503: ("unavailable", _("Not available right now")),
    }


def problem(status_code: int, detail: str, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    slug, title = _titles().get(status_code, ("error", _("Error")))
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug, "title": str(title), "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_TYPE
    return response


def _field_errors(data: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested validation errors as a flat list of (field, detail)."""
    found: list[dict[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = key if key != "non_field_errors" else ""
            found += _field_errors(value, f"{prefix}.{name}" if prefix and name else
                                   (prefix or name))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if isinstance(value, (dict, list)):
                found += _field_errors(value, f"{prefix}[{index}]" if prefix else str(index))
            else:
                found.append({"field": prefix, "detail": str(value)})
    else:
        found.append({"field": prefix, "detail": str(data)})
    return found


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error the API answers with."""
    if isinstance(exc, ServiceError):
        errors = [{"field": exc.field, "detail": exc.message}] if exc.field else None
        return problem(exc.status_code, exc.message, errors)
    if isinstance(exc, Http404):
        return problem(404, _("It does not exist, or you may not see it."))
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return problem(400, _("Correct the fields named below."), _field_errors(exc.detail))
    if isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        headers = {"Retry-After": str(int(wait))} if wait is not None else None
        seconds = int(wait) if wait is not None else 60
        return problem(
            429,
            _("Too many requests with this token. Try again in %(seconds)s seconds.")
            % {"seconds": seconds},
            headers=headers,
        )
    if isinstance(exc, exceptions.APIException):
        response = drf_exception_handler(exc, context)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if isinstance(exc, exceptions.NotAuthenticated):
            detail = _("Log in, or send a personal API token: Authorization: Bearer <token>.")
        elif isinstance(exc, exceptions.PermissionDenied) and (
                str(detail) == str(exceptions.PermissionDenied.default_detail)):
            detail = _("You may not do this.")
        headers = {}
        if response is not None:
            for name in ("WWW-Authenticate", "Allow", "Retry-After"):
                if name in response:
                    headers[name] = response[name]
        return problem(exc.status_code, detail, headers=headers or None)
    return None

