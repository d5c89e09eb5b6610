"""Order pages. Objects are fetched through the restricted queryset, so another
department's order is a 404, exactly like a missing one; every change is a POST handed to
one service."""

from __future__ import annotations

import functools
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from board import selectors as board_selectors
from organisation import access
from organisation import predicates as people
from organisation.models import Department, User
from organisation.selectors import standing_of
from raci import selectors as raci_selectors
from servicecatalog.models import Service
from tyreso_it.core import kept
from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from . import exports, forms, secrecy, selectors, services
from . import permissions as perms
from .models import Attachment, Order


def _handlers():
    """People of the ordering function (who hold "prepare order"), in one query.

    Whether one holds it through a group or directly is asked as two `IN` subqueries rather
    than joins: no DISTINCT over every column of the people found, and the database hashes
    the few holders once instead of joining every person to their groups' permissions.
    """
    through_group = User.groups.through.objects.filter(
        group__permissions__content_type__app_label="orders",
        group__permissions__codename="prepare_order",
    ).values("user_id")
    direct = User.user_permissions.through.objects.filter(
        permission__content_type__app_label="orders",
        permission__codename="prepare_order",
    ).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=through_group) | Q(pk__in=direct))
        .order_by("first_name", "last_name")
    )


class _Named(NamedTuple):
    """A person offered in a select: the id and the name `str(person)` gives."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def _handler_choices(user: User) -> list[tuple[int, str]]:
    """The handlers as (id, name) pairs, from the access cache (under `user`'s request): the
    same list the order list's filter offers, renewed with every change of access."""
    return [(pk, name) for pk, name in access.shared(
        user, "order-handlers", lambda: [[person.pk, str(person)] for person in _handlers()])]


def _handler_names(user: User) -> list[_Named]:
    """The handlers to offer for "change handler"; the choice is checked against
    `_handlers()` when sent."""
    return [_Named(pk, name) for pk, name in _handler_choices(user)]


def _labels(field, queryset) -> list[tuple[int, str]]:
    return [(obj.pk, field.label_from_instance(obj)) for obj in queryset]


def _own_departments(user: User):
    """The active departments the person belongs to today (their IT lead belongs too)."""
    return Department.objects.filter(pk__in=standing_of(user).member, is_active=True)


def _get_order(request: HttpRequest, pk: int, **options) -> Order:
    try:
        return selectors.order_detail(request.user, pk, **options)
    except Order.DoesNotExist as exc:
        raise Http404(_("No such order.")) from exc


# --- start page and list --------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what this person has to do or follow, by role."""
    user = request.user
    context: dict = {"ageing_days": settings.ORDER_AGEING_DAYS}
    if people.is_ordering_function(user):
        queue = selectors.queue_for_ordering_function(user)
        context["queue"] = {
            key: selectors.order_rows(queue[key], 10) for key in selectors.QUEUE_COLUMNS
        }
        context["queue_counts"] = selectors.queue_counts(user)
        context["mine"] = selectors.handled_by(user, 10)
    provider_ids = sorted(standing_of(user).providers)
    if provider_ids:
        context["assigned"] = selectors.order_rows(
            selectors.order_list(user)
            .filter(provider_id__in=provider_ids,
                    status__in=[Order.Status.PLANNED, Order.Status.IN_PROGRESS,
                                Order.Status.DELIVERED])
            .order_by("planned_end"), 25
        )
    departments = list(_own_departments(user))
    if departments:
        context["departments"] = departments
        context["own_orders"] = selectors.order_rows(
            selectors.order_list(user).filter(orderer=user)
            .exclude(status__in=[Order.Status.CLOSED, Order.Status.WITHDRAWN]), 10
        )
        context["department_orders"] = selectors.order_rows(
            selectors.order_list(user)
            .filter(department__in=departments)
            .exclude(orderer=user)
            .exclude(status__in=[Order.Status.CLOSED, Order.Status.WITHDRAWN]), 10
        )
        context["awaiting_me"] = selectors.order_rows(
            selectors.order_list(user)
            .filter(status__in=[Order.Status.AWAITING_SUPPLEMENT, Order.Status.DELIVERED])
            .filter(Q(orderer=user) | Q(department__in=standing_of(user).coordinate)), 10
        )
    return render(request, "orders/home.html", context)


def _list_filters(request: HttpRequest,
                  ) -> tuple[forms.OrderFilterForm | forms.UnboundFilter, dict]:
    """The order list's filter form and the filters it gives (the list and its export)."""
    user = request.user

    def departments():
        return Department.objects.all() if people.sees_all(user) else _own_departments(user)

    # The filter's people and departments follow from rights (and names, which renew the
    # access cache too): kept there instead of read on every list page.
    field = forms.OrderFilterForm.base_fields["department"]
    own = [(pk, label) for pk, label in access.fact(
        user, "order-list-departments", lambda: _labels(field, departments()))]
    if not request.GET:
        # The people offered are read at most once, and only if the filter is not kept.
        return forms.UnboundFilter(own, functools.cache(lambda: _handler_choices(user)),
                                   access.token_of(user)), {}
    # The querysets check a chosen value; the choices are offered from the access cache.
    form = forms.OrderFilterForm(request.GET, departments=departments(), handlers=_handlers())
    forms.offer(form.fields["handler"], _handler_choices(user))
    forms.offer(form.fields["department"], own)
    # A bad value in one filter drops that filter only, not the others.
    form.is_valid()
    return form, getattr(form, "cleaned_data", {})


@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, filters = _list_filters(request)
    queryset = selectors.order_list(user, filters)
    paginator = selectors.OrderPaginator(
        queryset, settings.ORDER_PAGE_SIZE,
        count=lambda: selectors.order_count(user, filters),
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "orders/order_list.html"
    if request.htmx and request.htmx.target == "order-results":
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)},
    )


@require_GET
def order_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every order of the list, with its filters, as CSV or XLSX: the rows are read as the
    file is written, so a list of every order costs the same memory as a short one."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    _form, filters = _list_filters(request)
    return export_response(fmt, _("Orders"), exports.headers(),
                           exports.order_export_rows(request.user, filters))


# --- writing an order -------------------------------------------------------------------


def order_create(request: HttpRequest) -> HttpResponse:
    departments = _own_departments(request.user)
    if not departments.exists():
        messages.error(request, _("You are not registered with any department, so you "
                                  "cannot write orders. Contact your department's IT lead."))
        return redirect("home")
    initial = {}
    service = _catalogue_service(request.GET.get("service", ""))
    if service is not None:
        # "Beställ" on a service page: the service, its type and its order template.
        initial = {"service": service.pk, "kind": Order.Kind.CATALOGUE_SERVICE,
                   "need": service.order_template}
    form = forms.NewOrderForm(request.POST or None, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        department = data.pop("department")
        try:
            order = services.order_create(actor=request.user, department=department, data=data)
        except services.OrderError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("The draft is saved. Submit it when it is complete."))
            return redirect(order)
    return render(request, "orders/order_form.html", {"form": form, "creating": True},
                  status=400 if form.errors else 200)


def _catalogue_service(pk: str) -> Service | None:
    """A service that can be chosen on an order, or None for a missing or bad id."""
    if not pk.isdigit():
        return None
    return Service.objects.exclude(lifecycle=Service.Lifecycle.RETIRED).filter(pk=pk).first()


def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    if not perms.can_edit_request(request.user, order):
        messages.error(request, _("The order cannot be changed in its current state."))
        return redirect(order)
    form = forms.OrderRequestForm(request.POST or None, instance=order,
                                  initial={"version": order.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.order_update_request(
                    order_id=order.pk, actor=request.user, data=data,
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleVersion as exc:
                return _stale(request, exc, order, "orders/order_form.html", form)
            except services.OrderError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The order is saved."))
                return redirect(order)
        else:
            status = 400
    return render(request, "orders/order_form.html", {"form": form, "order": order},
                  status=status)


def _stale(request, exc, order, template, form):
    """Keep the user's input on screen, next to the newer data that now stands."""
    fresh = selectors.order_detail(request.user, order.pk)
    show_refusal(request, exc, form)
    data = form.data.copy()
    data["version"] = fresh.version
    form.data = data
    saved = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(fresh, name):
            continue
        display = getattr(fresh, f"get_{name}_display", None)
        value = display() if display else getattr(fresh, name)
        saved.append((field.label, value))
    return render(request, template, {"form": form, "order": fresh, "stale": True,
                                      "saved": saved}, status=409)


def order_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    if not perms.can_prepare(request.user, order):
        messages.error(request, _("Preparation is done by the ordering function while the "
                                  "order is in preparation."))
        return redirect(order)
    try:
        model = services.priority_model_active()
    except services.OrderError:
        model = None
    form = forms.PreparationForm(request.POST or None, instance=order,
                                 initial={"version": order.version}, priority_model=model)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in services.PREPARATION_FIELDS}
            if model is not None:
                data["priority_values"] = form.priority_values()
            try:
                services.order_update_preparation(
                    order_id=order.pk, actor=request.user, data=data,
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleVersion as exc:
                return _stale(request, exc, order, "orders/order_prepare.html", form)
            except services.OrderError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The preparation is saved."))
                return redirect(order)
        else:
            status = 400
    return render(request, "orders/order_prepare.html",
                  {"form": form, "order": order, "priority_model": model}, status=status)


# --- the order page and its actions -------------------------------------------------------

ACTION_FORMS = {
    "take_on": forms.TakeOnForm,
    "request_supplement": forms.RequestSupplementForm,
    "supplement": forms.SupplementForm,
    "plan": forms.PlanForm,
}


def _action_form(action: str, data=None, user=None):
    form_class = ACTION_FORMS.get(action, forms.ReasonForm)
    if form_class is forms.TakeOnForm:
        return form_class(data, handlers=_handlers(), initial={"handler": user.pk},
                          prefix=action)
    form = form_class(data, prefix=action)
    if form_class is forms.ReasonForm and services.TRANSITIONS[action].needs_reason:
        form.fields["reason"].required = True
    return form


def _offered(form, user: User):
    """An unbound action form as the page offers it: a handler's select lists the handlers
    from the access cache (a chosen one is checked against the database when sent)."""
    if isinstance(form, forms.TakeOnForm):
        forms.offer(form.fields["handler"], _handler_choices(user))
    return form


def _detail(request: HttpRequest, order: Order, *, bound: dict | None = None, status=200,
            comment_form=None, attachment_form=None, option_form=None,
            secrecy_form=None) -> HttpResponse:
    user = request.user
    readable = secrecy.can_read_secret(user, order)
    bound = bound or {}
    actions = [
        {"transition": t,
         "form": bound.get(t.action) or _offered(_action_form(t.action, user=user), user)}
        for t in services.available_actions(user, order)
    ]
    # A refused action that is not (or no longer) offered has no form on the page to carry
    # its errors: tell them as messages, or the person would see a 403 or 409 without a word.
    offered = {item["transition"].action for item in actions}
    for action, form in bound.items():
        if action not in offered:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    context = {
        "order": order,
        "actions": actions,
        "secret_readable": readable,
        "secret_placeholder": secrecy.PLACEHOLDER,
        "secrecy_form": (secrecy_form or forms.SecrecyForm(initial=_secrecy_initial(order)))
        if secrecy.may_mark(user) else None,
        "supplement_requests": [c for c in order.comments.all()
                                if c.kind == c.Kind.SUPPLEMENT_REQUEST],
        "breakdown": services.priority_breakdown(order),
        "brief_missing": services.brief_missing(order)
        if order.status == Order.Status.IN_PREPARATION else [],
        "can_edit": perms.can_edit_request(user, order),
        "can_prepare": perms.can_prepare(user, order),
        "can_comment": perms.can_comment(user, order),
        "can_attach": order.is_open,
        "comment_form": comment_form or forms.CommentForm(),
        "attachment_form": attachment_form or forms.AttachmentForm(),
        "option_form": (option_form or forms.OptionForm())
        if perms.can_prepare(user, order) else None,
        "handlers": _handler_names(user) if people.is_ordering_function(user) and order.status in {
            Order.Status.IN_PREPARATION, Order.Status.AWAITING_SUPPLEMENT,
            Order.Status.READY_FOR_DECISION} else None,
        "delegation_threshold": settings.DELEGATION_THRESHOLD_SEK,
        # The HUKI matrix's H, U, K and I for the current step, and the consultations.
        "raci": raci_selectors.order_raci(order, user),
    }
    context["history"] = _history(order, _recent(request), readable, context)
    if order.status == Order.Status.READY_FOR_DECISION and people.is_change_manager(user):
        # Beslutsråd IT decides it in the minutes, not on this page: say where.
        context["board_decision"] = {"meeting": board_selectors.decision_meeting(order)}
    return render(request, "orders/order_detail.html", context, status=status)


def _history(order: Order, recent: int | None, readable: bool, context: dict) -> str:
    """The order's history and comments, kept while the database stays as it was
    (tyreso_it.core.kept): the same for everyone who may read the same of the order. The
    timeline built, when it is, is also put in `context` as "timeline"."""
    def render_history() -> str:
        context["timeline"] = selectors.order_timeline(order, recent=recent,
                                                       secret_readable=readable)
        return render_to_string("orders/order_detail.html#history",
                                {"timeline": context["timeline"]})

    return kept.markup("order-history", (order.pk, recent, readable), render_history)


def _secrecy_initial(order: Order) -> dict:
    if not order.is_secret:
        return {}
    common = {value for value, _label in secrecy.COMMON_PROVISIONS}
    if order.secrecy_provision in common:
        return {"provision_choice": order.secrecy_provision, "reason": order.secrecy_reason}
    return {"provision_choice": forms.SecrecyForm.OTHER,
            "provision_other": order.secrecy_provision, "reason": order.secrecy_reason}


def _recent(request: HttpRequest) -> int | None:
    """How much of an order's history the page shows: the most recent entries, or all of it
    when asked for (?historik=alla)."""
    return None if request.GET.get("historik") == "alla" else selectors.TIMELINE_RECENT


@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_order(request, pk, recent_comments=_recent(request)))


@require_POST
def order_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST per transition; the service decides, the page tells."""
    order = _get_order(request, pk)
    if action not in services.TRANSITION_SERVICES:
        raise Http404(_("No such action."))
    form = _action_form(action, request.POST, user=request.user)
    try:
        # Someone without the right, or too late, is told so rather than about the form.
        services.transition_check(action, order, request.user)
    except services.OrderError as exc:
        # Such an action is not offered on the page, so the refusal is told as a message.
        return _detail(request, order, status=show_refusal(request, exc))
    if not form.is_valid():
        return _detail(request, order, bound={action: form}, status=400)
    data = form.cleaned_data
    kwargs: dict = {"order_id": order.pk, "actor": request.user}
    reason = data.get("reason", "")
    if action == "take_on":
        kwargs["handler"] = data["handler"]
    elif action == "request_supplement":
        kwargs.update(question=reason, due_date=data.get("due_date"))
    elif action == "supplement":
        kwargs["answer"] = reason
    elif action == "plan":
        kwargs.update(provider=data["provider"], planned_start=data["planned_start"],
                      planned_end=data["planned_end"],
                      planning_priority=data.get("planning_priority"), note=reason)
    elif action in {"decide_delegated", "report_deviation", "withdraw"}:
        kwargs["reason"] = reason
    elif action in {"mark_ready", "start", "deliver", "accept"}:
        kwargs["note"] = reason
    try:
        order = services.TRANSITION_SERVICES[action](**kwargs)
    except services.OrderError as exc:
        show_refusal(request, exc, form)
        fresh = _get_order(request, pk) if perms.can_view(request.user, order) else order
        return _detail(request, fresh, bound={action: form}, status=exc.status_code)
    messages.success(request, _("Done: the order is now “%(status)s”.")
                     % {"status": order.get_status_display()})
    if not perms.can_view(request.user, order):
        return redirect("home")
    return redirect(order)


@require_POST
def assign_handler(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    try:
        handler = _handlers().get(pk=request.POST.get("handler"))
    except (User.DoesNotExist, ValueError):
        messages.error(request, _("Choose a handler from the list."))
        return redirect(order)
    try:
        services.order_assign_handler(order_id=order.pk, actor=request.user, handler=handler)
    except services.OrderError as exc:
        show_refusal(request, exc)
        return _detail(request, order, status=exc.status_code)
    messages.success(request, _("%(name)s is now the handler.") % {"name": handler})
    return redirect(order)


@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(order_id=order.pk, actor=request.user,
                                 body=form.cleaned_data["body"])
        except services.OrderError as exc:
            show_refusal(request, exc, form, fallback="body")
            return _detail(request, order, comment_form=form, status=exc.status_code)
        messages.success(request, _("Your comment is saved."))
        return redirect(f"{order.get_absolute_url()}#historik")
    return _detail(request, order, comment_form=form, status=400)


@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(order_id=order.pk, actor=request.user,
                                    upload=form.cleaned_data["file"])
        except services.OrderError as exc:
            show_refusal(request, exc, form, fallback="file")
            return _detail(request, order, attachment_form=form, status=exc.status_code)
        messages.success(request, _("The file is attached."))
        return redirect(f"{order.get_absolute_url()}#bilagor")
    return _detail(request, order, attachment_form=form, status=400)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Serve a file only to those who may see its order, always as a download."""
    order = _get_order(request, pk)
    if not secrecy.can_read_secret(request.user, order):
        # The same answer as a missing file: the page shows no files to this person.
        raise Http404
    try:
        attachment = Attachment.objects.get(pk=attachment_pk, order=order)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                            filename=attachment.name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return response


@require_POST
def option_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    form = forms.OptionForm(request.POST)
    if form.is_valid():
        try:
            services.option_add(order_id=order.pk, actor=request.user, data=form.cleaned_data)
        except services.OrderError as exc:
            show_refusal(request, exc)
            return redirect(order)
        messages.success(request, _("The option is added."))
        return redirect(f"{order.get_absolute_url()}#alternativ")
    messages.error(request, _("The option was not added: give it at least a name."))
    return _detail(request, order, option_form=form, status=400)


@require_POST
def option_delete(request: HttpRequest, pk: int, option_pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    if not order.options.filter(pk=option_pk).exists():
        raise Http404
    try:
        services.option_delete(option_id=option_pk, actor=request.user)
    except services.OrderError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The option is removed."))
    return redirect(f"{order.get_absolute_url()}#alternativ")


# --- secrecy marking --------------------------------------------------------------------------


@require_POST
def secrecy_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or change the order's secrecy marking (the ordering function)."""
    order = _get_order(request, pk)
    form = forms.SecrecyForm(request.POST)
    if not form.is_valid():
        return _detail(request, order, secrecy_form=form, status=400)
    try:
        services.order_mark_secret(order_id=order.pk, actor=request.user,
                                   provision=form.cleaned_data["provision"],
                                   reason=form.cleaned_data["reason"])
    except services.OrderError as exc:
        if exc.status_code == 403:
            messages.error(request, exc.message)
        else:
            form.add_error({"provision": "provision_choice"}.get(exc.field, exc.field),
                           exc.message)
        return _detail(request, order, secrecy_form=form, status=exc.status_code)
    messages.success(request, _("The order is marked secret."))
    return redirect(f"{order.get_absolute_url()}#sekretess")


@require_POST
def secrecy_unmark(request: HttpRequest, pk: int) -> HttpResponse:
    """Clear the order's secrecy marking (the ordering function)."""
    order = _get_order(request, pk)
    try:
        services.order_unmark_secret(order_id=order.pk, actor=request.user)
    except services.OrderError as exc:
        messages.error(request, exc.message)
        return _detail(request, order, status=exc.status_code)
    messages.success(request, _("The secrecy marking is cleared."))
    return redirect(f"{order.get_absolute_url()}#sekretess")
