"""The owner's page of personal API tokens: make one (its secret shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import TokenForm


def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.token_create(
                    owner=request.user, name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"], expires_at=form.expires_at())
            except services.TokenError as exc:
                form.add_error(exc.field if exc.field != "expires_at" else "expires_on",
                               exc.message)
                status = exc.status_code
            else:
                form = TokenForm()
        else:
            status = 400
    return render(request, "api/token_list.html", {
        "form": form, "created": created, "tokens": list(selectors.tokens_of(request.user)),
    }, status=status)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = services.token_revoke(token_id=pk, actor=request.user)
    except services.TokenNotFound as exc:
        messages.error(request, exc.message)
        return redirect("api:tokens")
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")
