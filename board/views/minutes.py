"""The minutes: attendance, the adjuster, the decisions, signing (justering) and
corrections."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tyreso_it.core.views import show_refusal

from .. import forms, selectors, services
from ..models import Meeting
from .common import get_item, get_meeting, tell
from .meeting import meeting_write


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
            tell(request, form)
    return render(request, "board/minutes.html", context, status=status)


@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_page(request, get_meeting(request, pk))


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    return meeting_write(
        request, meeting, "attendance", forms.AttendanceForm,
        lambda meeting, form: services.meeting_record_attendance(
            meeting_id=meeting.pk, actor=request.user, present=form.present()),
        success=_("The attendance is recorded."), anchor="#narvaro", page=_minutes_page,
        prefix="attendance", members=selectors.members(meeting),
    )


@require_POST
def adjuster(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    candidates = [m.person for m in selectors.members(meeting) if m.person_id != meeting.chair_id]
    return meeting_write(
        request, meeting, "adjuster", forms.AdjusterForm,
        lambda meeting, form: services.meeting_set_adjuster(
            meeting_id=meeting.pk, actor=request.user, adjuster=form.cleaned_data["adjuster"]),
        success=_("The adjuster is chosen."), anchor="#justerare", page=_minutes_page,
        prefix="adjuster", candidates=candidates,
    )


@require_POST
def decision(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    item = get_item(meeting, item_pk)
    return meeting_write(
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
    return meeting_write(
        request, get_meeting(request, pk), "sign", forms.VersionForm,
        lambda meeting, form: services.minutes_sign(meeting_id=meeting.pk, actor=request.user),
        success=_signed, anchor="#justering", page=_minutes_page, prefix="sign",
    )


@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
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
