"""What every view does with a refused write (tyreso_it.core.errors.ServiceError).

A service refuses with a message fit to show, the field it belongs beside and an HTTP status.
A view that has the form on the page puts the message beside that field (or on the form as a
whole, when the form has no such field); a view without one tells it as an error message. In
both cases the page is answered with the refusal's status code, which `show_refusal` returns.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from tyreso_it.core.errors import ServiceError


def show_refusal(
    request: HttpRequest, exc: ServiceError, form=None, *, fallback: str | None = None
) -> int:
    """Show `exc` on `form` beside its field, or as a message when there is no form; return
    the status code the page answers with.

    A form may name its fields differently from the service: `SERVICE_FIELDS` on the form maps
    the service's name to the form's. `fallback` is the field a refusal that names none of the
    form's fields goes beside (for a form of one field); without it, on the form as a whole.
    """
    if form is None:
        messages.error(request, exc.message)
        return exc.status_code
    field = getattr(form, "SERVICE_FIELDS", {}).get(exc.field, exc.field)
    if field not in form.fields:
        field = fallback
    form.add_error(field, exc.message)
    return exc.status_code
