"""The pages of records and personal data, under /gallring/.

Who sees what is `records.permissions`: a page a person may not open answers 404, as one
that does not exist. Writes go through `records.services`, which check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orders.models import Order
from organisation.models import User
from tyreso_it.core.exports import export_response

from . import selectors, services, subject_access
from .forms import HoldForm, LiftForm, PersonSearchForm, PseudonymiseForm, RuleForm
from .models import LegalHold, RetentionRule, pseudonym_of
from .permissions import handles_personal_data, holds_orders, keeps_records


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404(_("No such page."))


def _refused(form, exc: services.RecordsError) -> int:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return exc.status_code


# --- the schedule --------------------------------------------------------------------------


@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    """The retention schedule, the latest culling records and the way to a dry run."""
    _require(keeps_records(request.user))
    return render(request, "records/schedule.html", {
        "rules": list(selectors.rule_list()),
        "records": list(selectors.culling_records()[:20]),
        "holds": selectors.active_holds().count(),
    })


@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(keeps_records(request.user))
    rule = get_object_or_404(RetentionRule, pk=pk)
    form = RuleForm(request.POST or None, rule=rule)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.retention_rule_update(rule_id=rule.pk, actor=request.user,
                                               **form.cleaned_data)
            except services.RecordsError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("The rule for “%(kind)s” is saved.") % {
                    "kind": rule.kind_label})
                return redirect("records:schedule")
    return render(request, "records/rule_form.html", {"rule": rule, "form": form},
                  status=status)


@require_GET
def dry_run(request: HttpRequest) -> HttpResponse:
    """What the schedule would do if it ran now; nothing is changed."""
    _require(keeps_records(request.user))
    return render(request, "records/dry_run.html", {"steps": services.retention_dry_run()})


@require_GET
def culling_log(request: HttpRequest) -> HttpResponse:
    _require(keeps_records(request.user))
    page = Paginator(selectors.culling_records(), 50).get_page(request.GET.get("page"))
    return render(request, "records/culling_log.html", {"page": page})


# --- legal holds ---------------------------------------------------------------------------


def _holds_page(request: HttpRequest, form: HoldForm, status: int = 200) -> HttpResponse:
    return render(request, "records/holds.html", {
        "holds": list(selectors.active_holds()), "form": form, "lift_form": LiftForm(),
    }, status=status)


@require_http_methods(["GET", "POST"])
def holds(request: HttpRequest) -> HttpResponse:
    """The orders under a legal hold, and a form to hold one more."""
    _require(holds_orders(request.user))
    form = HoldForm(request.POST or None)
    if request.method != "POST":
        return _holds_page(request, form)
    if not form.is_valid():
        return _holds_page(request, form, 400)
    order = (Order.objects.visible_to(request.user)
             .filter(reference__iexact=form.cleaned_data["reference"].strip()).first())
    if order is None:
        form.add_error("reference", _("No order has that reference."))
        return _holds_page(request, form, 400)
    try:
        services.legal_hold_set(order_id=order.pk, actor=request.user,
                                reason=form.cleaned_data["reason"])
    except services.RecordsError as exc:
        if exc.field == "order":
            exc.field = "reference"
        return _holds_page(request, form, _refused(form, exc))
    messages.success(request, _("%(reference)s is under a legal hold.") % {
        "reference": order.reference})
    return redirect("records:holds")


@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    _require(holds_orders(request.user))
    hold = get_object_or_404(LegalHold, pk=pk)
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the hold is lifted."))
        return redirect("records:holds")
    try:
        services.legal_hold_lift(hold_id=hold.pk, actor=request.user,
                                 reason=form.cleaned_data["reason"])
    except services.RecordsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The legal hold on %(reference)s is lifted.") % {
            "reference": hold.order.reference})
    return redirect("records:holds")


# --- personal data -------------------------------------------------------------------------


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Find a person, for their subject-access export or pseudonymisation."""
    _require(handles_personal_data(request.user))
    form = PersonSearchForm(request.GET or None)
    found = selectors.people_matching(form.cleaned_data["q"]) if form.is_valid() else []
    return render(request, "records/people.html", {"form": form, "people": found})


@require_GET
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's subject-access export (registerutdrag) as a spreadsheet."""
    _require(handles_personal_data(request.user))
    person = get_object_or_404(User, pk=pk)
    name = _("Subject access export %(person)s") % {"person": person.username}
    return export_response("xlsx", name, subject_access.headers(),
                           subject_access.rows(person))


@require_http_methods(["GET", "POST"])
def person_pseudonymise(request: HttpRequest, pk: int) -> HttpResponse:
    _require(handles_personal_data(request.user))
    person = get_object_or_404(User, pk=pk)
    form = PseudonymiseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.person_pseudonymise(person_id=person.pk, actor=request.user,
                                             reason=form.cleaned_data["reason"])
            except services.RecordsError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("The person is pseudonymised as “%(name)s”.") % {
                    "name": pseudonym_of(person.pk)})
                return redirect("records:people")
    return render(request, "records/person_pseudonymise.html",
                  {"person": person, "form": form}, status=status)
