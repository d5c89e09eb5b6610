"""The meeting's page: its agenda with the briefs, the delegated decisions, and the
changes made from it (the agenda's items, sending the agenda, cancelling)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import forms, selectors, services
from ..models import AgendaItem, BoardSettings, Meeting
from .common import at_version, get_item, get_meeting, refuse, tell

#: Delegated decisions listed per page: the agenda summarises them, the list is paged.
DELEGATIONS_PER_PAGE = 50


def _items_url(meeting: Meeting) -> str:
    """The address every item's own address starts with (board/urls.py: `punkter/<item>/…`),
    reversed once for a page that links hundreds of them."""
    return reverse("board:item_add", args=[meeting.pk])


def _meeting_page(request: HttpRequest, meeting: Meeting, *, bound: dict | None = None,
                  status: int = 200) -> HttpResponse:
    """The agenda: the items the board decides in full, with their briefs and the chair's
    tools; the delegated decisions, which the board only notes, counted in one block whose
    list is paged on a page of its own (`delegations`)."""
    user = request.user
    bound = bound or {}
    items = selectors.agenda_items(meeting, delegations=False)
    delegations = selectors.delegation_summary(meeting)
    # The block stands where its first item stands on the agenda.
    delegations_placed = False
    if delegations.count:
        for item in items:
            if item.position > delegations.first:
                item.delegations_before = True
                delegations_placed = True
                break
    members = selectors.members(meeting)
    is_chair = user.pk == meeting.chair_id
    is_open = meeting.is_open
    can_arrange = is_chair and is_open and meeting.agenda_frozen_at is None
    cutoff_at = meeting.cutoff_at(BoardSettings.load())
    offered = set()
    context = {
        "meeting": meeting, "items": items, "members": members, "is_chair": is_chair,
        "can_arrange": can_arrange, "can_edit_items": is_chair and is_open,
        "linkable": selectors.linkable_orders(user, items),
        "cutoff_at": cutoff_at, "cutoff_passed": cutoff_at <= timezone.now(),
        "can_send_agenda": services.MEETING_FLOW.permits("send_agenda", user, meeting),
        "delegations": delegations, "delegations_placed": delegations_placed,
        "items_url": _items_url(meeting),
        "last_position": max(
            [items[-1].position if items else 0, delegations.last or 0]),
    }
    if is_chair and is_open:
        version = {"version": meeting.version}
        context["add_form"] = bound.get("add") or forms.ItemAddForm(
            prefix="add", orders=selectors.addable_orders(meeting), initial=version
        )
        offered.add("add")
        # Each item's time-box and note is plain HTML (`item_update` reads its prefix); a
        # refused one is shown again as its bound form, with the errors by its fields.
        for item in items:
            key = ("update", item.pk)
            item.update_form = bound.get(key)
            offered.add(key)
        if services.MEETING_FLOW.permits("cancel", user, meeting):
            context["cancel_form"] = bound.get("cancel") or forms.CancelForm(
                prefix="cancel", initial=version
            )
            offered.add("cancel")
    for key, form in bound.items():
        if key not in offered:
            tell(request, form)
    context["agenda_html"] = _agenda_html(context)
    return render(request, "board/meeting_detail.html", context, status=status)


#: Changed with the agenda's markup, so a cache kept across a deploy never serves the former.
AGENDA_FORMAT = 2
#: A bound on how long a rendered agenda is kept (its key changes with what it shows).
AGENDA_SECONDS = 24 * 60 * 60


def _agenda_html(context: dict) -> str:
    """The agenda's list as HTML, rendered once for what it shows and then kept in the cache.

    The key is a digest of everything the list renders (each item as read for this request,
    the delegated decisions' counts, which orders this person may open, the chair's tools)
    and of the language: a change to any of them is a new key, so what is kept cannot go
    stale. A refused form shown again on an item is not kept.
    """
    items = context["items"]
    if any(item.update_form for item in items if hasattr(item, "update_form")):
        return render_to_string("board/meeting_detail.html#agenda", context)
    delegations = context["delegations"]
    linkable = context["linkable"]
    shown = (
        AGENDA_FORMAT, get_language(), get_script_prefix(), context["meeting"].pk,
        context["can_edit_items"], context["can_arrange"], context["last_position"],
        context["delegations_placed"], delegations.count, delegations.first, delegations.last,
        delegations.by_department, delegations.by_kind,
        [(item.pk, item.position, item.kind, item.title, item.note, item.is_late,
          item.is_deferred, item.time_minutes, item.outcome, item.order_id,
          item.order.reference if item.order_id else None, item.order_id in linkable,
          getattr(item, "delegations_before", False)) for item in items],
    )
    key = "board:agenda:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string("board/meeting_detail.html#agenda", context)
        cache.set(key, html, AGENDA_SECONDS)
    return html


def _delegations_page(request: HttpRequest, meeting: Meeting, *, bound: dict | None = None,
                      status: int = 200, page_number: int | str | None = None) -> HttpResponse:
    """One page of the delegated decisions on the agenda, with the chair's tools for each.

    Asked by htmx it is the list alone, put in place on the meeting page; otherwise a page
    of its own with the summary, so the list can be read without JavaScript."""
    user = request.user
    bound = bound or {}
    page = Paginator(selectors.delegation_items(meeting), DELEGATIONS_PER_PAGE).get_page(
        page_number or request.GET.get("page")
    )
    items = list(page.object_list)
    is_chair = user.pk == meeting.chair_id
    is_open = meeting.is_open
    offered = set()
    if is_chair and is_open:
        for item in items:
            key = ("update", item.pk)
            item.update_form = bound.get(key)
            offered.add(key)
    for key, form in bound.items():
        if key not in offered:
            tell(request, form)
    partial = bool(request.htmx and request.htmx.target == "delegerade-lista")
    can_arrange = is_chair and is_open and meeting.agenda_frozen_at is None
    context = {
        "meeting": meeting, "page": page, "items": items, "is_chair": is_chair,
        "can_arrange": can_arrange, "can_edit_items": is_chair and is_open,
        "linkable": selectors.linkable_orders(user, items), "swapped": partial,
        "items_url": _items_url(meeting),
        # Moving down stops at the agenda's last item.
        "last_position": (meeting.items.aggregate(n=Max("position"))["n"] or 0)
        if can_arrange else 0,
    }
    template = "board/meeting_delegations.html"
    if partial:
        template += "#list"
    else:
        context["delegations"] = selectors.delegation_summary(meeting)
    return render(request, template, context, status=status)


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, get_meeting(request, pk))


@require_GET
def item_brief(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An order's decision brief, opened from the agenda: htmx puts it in place under its
    item; without JavaScript it is a page of its own."""
    meeting = get_meeting(request, pk)
    try:
        item = selectors.agenda_brief(meeting, item_pk)
    except AgendaItem.DoesNotExist as exc:
        raise Http404 from exc
    template = "board/item_brief.html"
    if request.htmx:
        template = "board/meeting_detail.html#brief"
    return render(request, template, {
        "meeting": meeting, "item": item,
        "linkable": selectors.linkable_orders(request.user, [item]),
    })


@require_GET
def delegations(request: HttpRequest, pk: int) -> HttpResponse:
    return _delegations_page(request, get_meeting(request, pk))


def meeting_write(
    request: HttpRequest, meeting: Meeting, key, form_class, call: Callable, *,
    success: str | Callable, anchor: str = "", page: Callable | None = None,
    target: Callable[[], str] | None = None, **form_kwargs,
) -> HttpResponse:
    """Validate a versioned form, run `call(meeting, form)` at that version, and either go
    back to the page (`target()`, asked after the write) or show it again with the refusal
    next to the form."""
    page = page or _meeting_page
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        return page(request, meeting, bound={key: form}, status=400)
    try:
        with at_version(meeting.pk, form.cleaned_data["version"]):
            result = call(meeting, form)
    except services.BoardError as exc:
        status = refuse(request, form, exc, meeting)
        return page(request, get_meeting(request, meeting.pk), bound={key: form},
                    status=status)
    if success:
        messages.success(request, success(result) if callable(success) else success)
    if target is not None:
        return redirect(target() + anchor)
    url = meeting.get_absolute_url() if page is _meeting_page else reverse(
        "board:minutes", args=[meeting.pk])
    return redirect(url + anchor)


@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return meeting_write(
        request, get_meeting(request, pk), "cancel", forms.CancelForm,
        lambda meeting, form: services.meeting_cancel(
            meeting_id=meeting.pk, actor=request.user, reason=form.cleaned_data["reason"]),
        success=_("The meeting is cancelled. The members are told, and its orders go to the "
                  "next meeting."),
        prefix="cancel",
    )


@require_POST
def send_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    def call(meeting, form):
        if not services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=request.user):
            raise services.WrongState(_("The agenda has already been sent."))

    return meeting_write(
        request, get_meeting(request, pk), "send", forms.VersionForm, call,
        success=_("The agenda is frozen and sent to the members with a calendar invitation."),
    )


@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    return meeting_write(
        request, meeting, "add", forms.ItemAddForm,
        lambda meeting, form: services.agenda_add_item(
            meeting_id=meeting.pk, actor=request.user, **form.cleaned_data_for_service()),
        success=_("The item is added to the agenda."), anchor="#dagordning",
        prefix="add", orders=selectors.addable_orders(meeting),
    )


def _item_place(meeting: Meeting, item: AgendaItem, anchor: str) -> dict:
    """Where a write on `item` returns to, and where its refusal is shown: the agenda, or for
    a delegated decision the page of the list it is on."""
    if item.kind != AgendaItem.Kind.DELEGATION:
        return {"anchor": anchor}
    number = selectors.delegation_page_of(item, DELEGATIONS_PER_PAGE)
    url = reverse("board:delegations", args=[meeting.pk])

    def target() -> str:
        if not AgendaItem.objects.filter(pk=item.pk).exists():
            return f"{url}?page={number}"
        return f"{url}?page={selectors.delegation_page_of(item, DELEGATIONS_PER_PAGE)}"

    def page(request, meeting, **kwargs):
        return _delegations_page(request, meeting, page_number=number, **kwargs)

    return {"anchor": anchor if anchor.startswith("#punkt") else "#delegerade-lista",
            "target": target, "page": page}


@require_POST
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    item = get_item(meeting, item_pk)
    return meeting_write(
        request, meeting, ("remove", item.pk), forms.VersionForm,
        lambda meeting, form: services.agenda_remove_item(item_id=item.pk, actor=request.user),
        success=_("The item is removed from the agenda."),
        **_item_place(meeting, item, "#dagordning"),
    )


@require_POST
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    item = get_item(meeting, item_pk)

    def call(meeting, form):
        services.agenda_move_item(item_id=item.pk, actor=request.user, offset=form.offset)
        item.refresh_from_db(fields=["position"])

    return meeting_write(
        request, meeting, ("move", item.pk), forms.ItemMoveForm, call,
        success="", **_item_place(meeting, item, f"#punkt-{item.pk}"),
    )


def _item_editor(request: HttpRequest, meeting: Meeting, item: AgendaItem) -> HttpResponse:
    """The chair's time-box and note of one item, opened from the agenda: htmx puts the form
    in place of its link; without JavaScript it is a page of its own."""
    if request.user.pk != meeting.chair_id:
        raise PermissionDenied
    if not meeting.is_open:
        messages.error(request, _("Only a meeting that is planned or held can be changed."))
        return redirect(meeting)
    form = forms.ItemUpdateForm(prefix=f"item{item.pk}", initial={
        "version": meeting.version, "time_minutes": item.time_minutes, "note": item.note,
    })
    template = "board/item_form.html"
    if request.htmx:
        # The form takes the link's place: the cursor goes to its first field.
        form.fields["time_minutes"].widget.attrs["autofocus"] = True
        template = "board/meeting_detail.html#item-form"
    place = _item_place(meeting, item, f"#punkt-{item.pk}")
    back = place["target"]() if "target" in place else meeting.get_absolute_url()
    return render(request, template, {
        "meeting": meeting, "item": item, "form": form, "items_url": _items_url(meeting),
        "back": back + place["anchor"],
    })


@require_http_methods(["GET", "POST"])
def item_update(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    item = get_item(meeting, item_pk)
    if request.method == "GET":
        return _item_editor(request, meeting, item)
    return meeting_write(
        request, meeting, ("update", item.pk), forms.ItemUpdateForm,
        lambda meeting, form: services.agenda_update_item(
            item_id=item.pk, actor=request.user, time_minutes=form.cleaned_data["time_minutes"],
            note=form.cleaned_data["note"]),
        success=_("The item is saved."), prefix=f"item{item.pk}",
        **_item_place(meeting, item, f"#punkt-{item.pk}"),
    )
