"""Beslutsråd IT's pages: meetings, the agenda with its briefs, the minutes and their
justering, the meeting pack (print and PDF) and the calendars.

A meeting is fetched through `board_visible_meetings`, so one a person may not open is a 404,
the same answer as a missing one. Every change is a POST handed to one service, which decides
who may do it (the chair, mostly) and in which state; its refusal is shown next to the form
with the service's status code. Forms that change a meeting carry the version the person
started from: a meeting changed meanwhile gives 409, with the input kept on the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation.predicates import is_change_manager
from tyreso_it.core.views import show_refusal

from . import forms, reminders, selectors, services
from .calendar import feed_ics, meeting_ics
from .models import AgendaItem, BoardSettings, CalendarFeed, Meeting, Reminder
from .pdf import meeting_pdf

S = Meeting.Status


class Stale(services.WrongState):
    """The meeting changed after the person loaded the page."""


def _stale_message() -> str:
    return _("The meeting was changed meanwhile, by someone else or in another window. "
             "Your input is kept below: check the page and send it again.")


@contextmanager
def _at_version(meeting_id: int, version: int) -> Iterator[None]:
    """Hold the meeting's row while the service runs, if it is still at `version`."""
    with transaction.atomic():
        current = (
            Meeting.objects.select_for_update()
            .filter(pk=meeting_id)
            .values_list("version", flat=True)
            .first()
        )
        if current != version:
            raise Stale(_stale_message())
        yield


def _get_meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(request.user, pk)
    except Meeting.DoesNotExist as exc:
        raise Http404(_("No such meeting.")) from exc


def _get_item(meeting: Meeting, item_pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


def _require_board(request: HttpRequest) -> None:
    if not selectors.board_access(request.user):
        raise Http404


def _keep_input(form, version: int) -> None:
    """Show the person's input again, now carrying the version that stands."""
    data = form.data.copy()
    data[form.add_prefix("version")] = version
    form.data = data


def _refuse(
    request: HttpRequest, form, exc: services.BoardError, meeting: Meeting | None = None
) -> int:
    """Put a refusal next to its field (or on the form) and return its status code."""
    if isinstance(exc, services.NeedsConfirmation):
        form.ask_to_confirm(exc.warnings, exc.token, exc.message)
        return exc.status_code
    status = show_refusal(request, exc, form)
    if isinstance(exc, services.WrongState) and meeting is not None:
        meeting.refresh_from_db(fields=["version"])
        _keep_input(form, meeting.version)
    return status


def _tell(request: HttpRequest, form) -> None:
    """A refused form that is not on the page tells its errors as messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- the list ---------------------------------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    upcoming, past = selectors.meetings_upcoming_and_past(request.user)
    past = Paginator(past, 20).get_page(request.GET.get("page"))
    upcoming = list(upcoming)
    next_meeting = upcoming[0] if upcoming else None
    return render(request, "board/meeting_list.html", {
        "upcoming": upcoming, "past": past, "next_meeting": next_meeting,
        "can_create": is_change_manager(request.user),
    })


def meeting_create(request: HttpRequest) -> HttpResponse:
    if not is_change_manager(request.user):
        _require_board(request)
        raise PermissionDenied
    form = forms.MeetingForm.for_new_meeting(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    actor=request.user, confirmed=form.confirmation(), **form.meeting_data())
            except services.BoardError as exc:
                status = _refuse(request, form, exc)
            else:
                if meeting.agenda_frozen_at:
                    messages.success(request, _("The meeting is planned, and its agenda is "
                                                "frozen and sent to the members."))
                else:
                    messages.success(request, _("The meeting is planned. Its agenda is built "
                                                "automatically from the orders ready for "
                                                "decision."))
                return redirect(meeting)
    return render(request, "board/meeting_form.html", {"form": form, "creating": True},
                  status=status)


# --- the meeting and its agenda ---------------------------------------------------------------


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
            _tell(request, form)
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
            _tell(request, form)
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
    return _meeting_page(request, _get_meeting(request, pk))


@require_GET
def item_brief(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An order's decision brief, opened from the agenda: htmx puts it in place under its
    item; without JavaScript it is a page of its own."""
    meeting = _get_meeting(request, pk)
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
    return _delegations_page(request, _get_meeting(request, pk))


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    if request.user.pk != meeting.chair_id:
        raise PermissionDenied
    if not meeting.is_open:
        messages.error(request, _("Only a meeting that is planned or held can be changed."))
        return redirect(meeting)
    form = forms.MeetingEditForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.meeting_update(
                    meeting_id=meeting.pk, actor=request.user, data=form.meeting_data(),
                    expected_version=form.cleaned_data["version"],
                    confirmed=form.confirmation(),
                )
            except services.BoardError as exc:
                status = _refuse(request, form, exc, meeting)
            else:
                messages.success(request, _("The meeting is changed. If the agenda was sent, "
                                            "the members get the new time."))
                return redirect(meeting)
    return render(request, "board/meeting_form.html", {"form": form, "meeting": meeting},
                  status=status)


def _meeting_write(
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
        with _at_version(meeting.pk, form.cleaned_data["version"]):
            result = call(meeting, form)
    except services.BoardError as exc:
        status = _refuse(request, form, exc, meeting)
        return page(request, _get_meeting(request, meeting.pk), bound={key: form},
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
    return _meeting_write(
        request, _get_meeting(request, pk), "cancel", forms.CancelForm,
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

    return _meeting_write(
        request, _get_meeting(request, pk), "send", forms.VersionForm, call,
        success=_("The agenda is frozen and sent to the members with a calendar invitation."),
    )


def members_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    if request.user.pk != meeting.chair_id:
        raise PermissionDenied
    if not meeting.is_open:
        messages.error(request, _("The member list of this meeting can no longer be changed."))
        return redirect(meeting)
    people = forms.board_people(meeting)
    current = selectors.members(meeting)
    initial = [
        {"person": m.person_id, "role": m.role_id, "deputy_for": m.deputy_for_id}
        for m in current
    ]
    data = request.POST if request.method == "POST" else None
    version_form = forms.VersionForm(data, initial={"version": meeting.version})
    formset = forms.MemberFormSet(data, initial=initial, prefix="members",
                                  form_kwargs={"people": people})
    for form, member in zip(formset.forms, current, strict=False):
        form.member = member
    status = 200
    if request.method == "POST":
        status = 400
        if version_form.is_valid() and formset.is_valid():
            try:
                with _at_version(meeting.pk, version_form.cleaned_data["version"]):
                    services.meeting_set_members(
                        meeting_id=meeting.pk, actor=request.user, members=formset.members()
                    )
            except services.BoardError as exc:
                status = _refuse(request, version_form, exc, meeting)
            else:
                messages.success(request, _("The member list is saved."))
                return redirect(f"{meeting.get_absolute_url()}#ledamoter")
    return render(request, "board/members_form.html", {
        "meeting": meeting, "formset": formset, "version_form": version_form,
    }, status=status)


@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    return _meeting_write(
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
    meeting = _get_meeting(request, pk)
    item = _get_item(meeting, item_pk)
    return _meeting_write(
        request, meeting, ("remove", item.pk), forms.VersionForm,
        lambda meeting, form: services.agenda_remove_item(item_id=item.pk, actor=request.user),
        success=_("The item is removed from the agenda."),
        **_item_place(meeting, item, "#dagordning"),
    )


@require_POST
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    item = _get_item(meeting, item_pk)

    def call(meeting, form):
        services.agenda_move_item(item_id=item.pk, actor=request.user, offset=form.offset)
        item.refresh_from_db(fields=["position"])

    return _meeting_write(
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
    meeting = _get_meeting(request, pk)
    item = _get_item(meeting, item_pk)
    if request.method == "GET":
        return _item_editor(request, meeting, item)
    return _meeting_write(
        request, meeting, ("update", item.pk), forms.ItemUpdateForm,
        lambda meeting, form: services.agenda_update_item(
            item_id=item.pk, actor=request.user, time_minutes=form.cleaned_data["time_minutes"],
            note=form.cleaned_data["note"]),
        success=_("The item is saved."), prefix=f"item{item.pk}",
        **_item_place(meeting, item, f"#punkt-{item.pk}"),
    )


# --- the minutes ------------------------------------------------------------------------------


def _minutes_page(request: HttpRequest, meeting: Meeting, *, bound: dict | None = None,
                  status: int = 200) -> HttpResponse:
    user = request.user
    bound = bound or {}
    items = selectors.agenda_items(meeting)
    members = selectors.members(meeting)
    is_chair = user.pk == meeting.chair_id
    recording = services.minutes_open(meeting)
    offered = set()
    context = {
        "meeting": meeting, "items": items, "members": members, "is_chair": is_chair,
        "is_adjuster": meeting.adjuster_id is not None and user.pk == meeting.adjuster_id,
        "recording": recording, "linkable": selectors.linkable_orders(user, items),
        "present": [m for m in members if m.attended],
        "absent": [m for m in members if m.attended is False],
    }
    if meeting.is_adjusted:
        context["corrections"] = list(meeting.corrections.select_related("created_by"))
        if is_chair:
            context["correction_form"] = bound.get("correct") or forms.CorrectionForm(
                prefix="correct", paragraphs=[i.paragraph for i in items if i.paragraph]
            )
            offered.add("correct")
    elif recording:
        missing = services.minutes_missing(meeting)
        context["missing"] = missing
        version = {"version": meeting.version}
        if is_chair:
            context["attendance_form"] = bound.get("attendance") or forms.AttendanceForm(
                prefix="attendance", members=members, initial=version
            )
            candidates = [
                m.person for m in members
                if m.attended is not False and m.person_id != meeting.chair_id
            ]
            context["adjuster_form"] = bound.get("adjuster") or forms.AdjusterForm(
                prefix="adjuster", candidates=candidates,
                initial={**version, "adjuster": meeting.adjuster_id},
            )
            offered.update({"attendance", "adjuster"})
            for item in items:
                key = ("decision", item.pk)
                item.decision_form = bound.get(key) or forms.DecisionForm(
                    prefix=f"d{item.pk}", item=item, initial={
                        **version, "outcome": item.outcome or None,
                        "reason": item.decision_reason, "note": item.decision_note,
                    },
                )
                offered.add(key)
        signer = (is_chair and not meeting.chair_signed_at) or (
            context["is_adjuster"] and not meeting.adjuster_signed_at)
        if signer and not missing:
            context["sign_form"] = bound.get("sign") or forms.VersionForm(
                prefix="sign", initial=version)
            offered.add("sign")
    for key, form in bound.items():
        if key not in offered:
            _tell(request, form)
    return render(request, "board/minutes.html", context, status=status)


@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_page(request, _get_meeting(request, pk))


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    return _meeting_write(
        request, meeting, "attendance", forms.AttendanceForm,
        lambda meeting, form: services.meeting_record_attendance(
            meeting_id=meeting.pk, actor=request.user, present=form.present()),
        success=_("The attendance is recorded."), anchor="#narvaro", page=_minutes_page,
        prefix="attendance", members=selectors.members(meeting),
    )


@require_POST
def adjuster(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    candidates = [m.person for m in selectors.members(meeting) if m.person_id != meeting.chair_id]
    return _meeting_write(
        request, meeting, "adjuster", forms.AdjusterForm,
        lambda meeting, form: services.meeting_set_adjuster(
            meeting_id=meeting.pk, actor=request.user, adjuster=form.cleaned_data["adjuster"]),
        success=_("The adjuster is chosen."), anchor="#justerare", page=_minutes_page,
        prefix="adjuster", candidates=candidates,
    )


@require_POST
def decision(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    item = _get_item(meeting, item_pk)
    return _meeting_write(
        request, meeting, ("decision", item.pk), forms.DecisionForm,
        lambda meeting, form: services.item_record_decision(
            item_id=item.pk, actor=request.user, outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data.get("reason", ""), note=form.cleaned_data["note"]),
        success=_("The decision is recorded."), anchor=f"#punkt-{item.pk}",
        page=_minutes_page, prefix=f"d{item.pk}", item=item,
    )


def _signed(meeting: Meeting) -> str:
    if meeting.is_adjusted:
        return _("The minutes are adjusted as %(title)s. The decisions are applied to their "
                 "orders and sent out.") % {"title": meeting.title}
    return _("Your signature is recorded. The minutes are adjusted when the other has "
             "signed too.")


@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_write(
        request, _get_meeting(request, pk), "sign", forms.VersionForm,
        lambda meeting, form: services.minutes_sign(meeting_id=meeting.pk, actor=request.user),
        success=_signed, anchor="#justering", page=_minutes_page, prefix="sign",
    )


@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    paragraphs = list(
        meeting.items.filter(paragraph__isnull=False).values_list("paragraph", flat=True)
    )
    form = forms.CorrectionForm(request.POST, prefix="correct", paragraphs=paragraphs)
    if not form.is_valid():
        return _minutes_page(request, meeting, bound={"correct": form}, status=400)
    try:
        services.minutes_correct(
            meeting_id=meeting.pk, actor=request.user, text=form.cleaned_data["text"],
            paragraph=form.cleaned_data["paragraph"],
        )
    except services.BoardError as exc:
        show_refusal(request, exc, form)
        return _minutes_page(request, meeting, bound={"correct": form},
                             status=exc.status_code)
    messages.success(request, _("The correction is added to the minutes."))
    return redirect(reverse("board:minutes", args=[meeting.pk]) + "#rattelser")


# --- the meeting pack -------------------------------------------------------------------------


def _pack(request: HttpRequest, pk: int) -> dict:
    meeting = _get_meeting(request, pk)
    items = selectors.agenda_items(meeting, briefs=not meeting.is_adjusted)
    members = selectors.members(meeting)
    return {
        "meeting": meeting,
        "items": items,
        "members": members,
        "absent": [m for m in members if m.attended is False],
        "corrections": list(meeting.corrections.select_related("created_by"))
        if meeting.is_adjusted else [],
        "cutoff_at": meeting.cutoff_at(BoardSettings.load()),
    }


@require_GET
def meeting_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "board/meeting_print.html", _pack(request, pk))


def _filename(meeting: Meeting, ext: str) -> str:
    if meeting.number:
        return f"bit-{meeting.year}-{meeting.number}.{ext}"
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"bit-{day}.{ext}"


@require_GET
def meeting_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(request, pk)
    response = HttpResponse(meeting_pdf(**pack), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(pack["meeting"], "pdf")}"'
    return response


# --- calendars --------------------------------------------------------------------------------

ICS = "text/calendar; charset=utf-8"


@require_GET
def meeting_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    body = meeting_ics(meeting, cancelled=meeting.status == S.CANCELLED)
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{_filename(meeting, "ics")}"'
    return response


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's meetings for a calendar program, found by the secret in its address."""
    calendar_feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token=token, person__is_active=True)
        .first()
    )
    if calendar_feed is None:
        raise Http404
    body = feed_ics(selectors.feed_meetings(calendar_feed.person), name=_("Beslutsråd IT"))
    # Cache-Control: private, no-store, as every response (PrivateNoStoreMiddleware): the
    # feed names meetings and people; a calendar program asks again on its own schedule.
    return HttpResponse(body, content_type=ICS)


def _feed_url(calendar_feed: CalendarFeed | None) -> str:
    if calendar_feed is None:
        return ""
    return settings.SITE_URL.rstrip("/") + reverse("board:feed", args=[calendar_feed.token])


@transaction.atomic
def _feed_renew(user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(person=user).delete()
    return CalendarFeed.objects.create(person=user)


def my_calendar(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    calendar_feed = CalendarFeed.objects.filter(person=request.user).first()
    if request.method == "POST":
        renewed = calendar_feed is not None
        calendar_feed = _feed_renew(request.user)
        messages.success(
            request,
            _("You have a new calendar address. The old one no longer works: change it in "
              "your calendar program.") if renewed
            else _("Your calendar address is ready."),
        )
        return redirect("board:my_calendar")
    return render(request, "board/my_calendar.html", {
        "calendar_feed": calendar_feed, "feed_url": _feed_url(calendar_feed),
    })


# --- reminders --------------------------------------------------------------------------------

DUE_HORIZON = timedelta(days=14)


@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    if not is_change_manager(request.user):
        raise PermissionDenied
    sent = Paginator(
        Reminder.objects.select_related("recipient", "meeting", "order").order_by(
            "-sent_at", "-pk"),
        50,
    ).get_page(request.GET.get("page"))
    due = reminders.due(horizon=DUE_HORIZON)
    for item in due:
        item.kind_label = Reminder.Kind(item.kind).label
    return render(request, "board/reminder_list.html", {
        "sent": sent, "due": due,
        "horizon_days": DUE_HORIZON.days, "now": timezone.now(),
    })
