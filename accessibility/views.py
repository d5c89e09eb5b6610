"""The accessibility statement (tillgänglighetsredogörelse), public, with the form for
reporting a barrier."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tyreso_it.core.login_throttle import client_ip

from . import services
from .forms import BarrierReportForm


@login_not_required
@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest) -> HttpResponse:
    """The statement; a POST reports a barrier (stored and told to the contact)."""
    initial = {}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
        initial["name"] = request.user.get_full_name()
    form = BarrierReportForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.barrier_report_create(**form.cleaned_data,
                                               address=client_ip(request))
            except services.AccessibilityError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Thank you: your report is received and sent to "
                                            "the accessibility contact."))
                return redirect(f"{request.path}#rapportera")
        else:
            status = 400
    return render(request, "accessibility/statement.html", {
        "form": form, "contact": settings.ACCESSIBILITY_CONTACT_EMAIL}, status=status)
