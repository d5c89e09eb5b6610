"""The list of meetings, a new meeting, and the forms that change one: its time and
place, and its members."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from organisation.predicates import is_change_manager

from .. import forms, selectors, services
from .common import at_version, get_meeting, refuse, require_board


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    require_board(request)
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
        require_board(request)
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
                status = refuse(request, form, exc)
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


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
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
                status = refuse(request, form, exc, meeting)
            else:
                messages.success(request, _("The meeting is changed. If the agenda was sent, "
                                            "the members get the new time."))
                return redirect(meeting)
    return render(request, "board/meeting_form.html", {"form": form, "meeting": meeting},
                  status=status)


def members_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
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
                with at_version(meeting.pk, version_form.cleaned_data["version"]):
                    services.meeting_set_members(
                        meeting_id=meeting.pk, actor=request.user, members=formset.members()
                    )
            except services.BoardError as exc:
                status = refuse(request, version_form, exc, meeting)
            else:
                messages.success(request, _("The member list is saved."))
                return redirect(f"{meeting.get_absolute_url()}#ledamoter")
    return render(request, "board/members_form.html", {
        "meeting": meeting, "formset": formset, "version_form": version_form,
    }, status=status)
