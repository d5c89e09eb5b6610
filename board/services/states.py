"""The meeting's states and the one table of their transitions.

    planned ──send_agenda──▶ agenda_sent ──hold──▶ held ──adjust──▶ adjusted
       │  └──────────────────hold─────────────────▲
       └──────────cancel (also from agenda_sent)──▶ cancelled

The calendar is part of the table. Before the meeting starts its agenda can be sent and the
meeting cancelled; from its start neither, and its minutes open: `hold` may be taken only
once it has started, by the agenda scanner at the start or by the first write to the minutes,
whichever comes first, and `adjust` (the second signature) only after that. Nothing else
changes `Meeting.status`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisation.models import User
from tyreso_it.core.workflow import Transition, Workflow

from ..models import Meeting
from .common import BoardError, NotAllowed, S, WrongState, is_chair, is_signer
from .notices import _meeting_when


def _chair_or_scanner(actor: User | None, meeting: Meeting) -> bool:
    return actor is None or is_chair(actor, meeting)


def _signer_or_scanner(actor: User | None, meeting: Meeting) -> bool:
    return actor is None or is_signer(actor, meeting)


def _agenda_still_to_send(meeting: Meeting) -> str | None:
    if meeting.has_started:
        return _("The meeting has started: its agenda is no longer sent.")
    return None


def _not_started_yet(meeting: Meeting) -> str | None:
    if meeting.has_started:
        return _("The meeting has started and can no longer be cancelled.")
    return None


def _minutes_open(meeting: Meeting) -> str | None:
    if not meeting.has_started:
        return _("The minutes open when the meeting starts, %(when)s.") % {
            "when": _meeting_when(meeting)}
    return None


def _invalid(transition: Transition, meeting: Meeting) -> BoardError:
    if meeting.status == S.ADJUSTED:
        return WrongState(_("The minutes are adjusted and can no longer be changed."))
    if meeting.status == S.CANCELLED:
        return WrongState(_("The meeting is cancelled."))
    message = {
        "send_agenda": _("The agenda has already been sent."),
        "cancel": _("Only a meeting that has not been held can be cancelled."),
        "adjust": _("The meeting has not been held."),
    }.get(transition.action)
    return WrongState(message or _("The meeting is now “%(status)s”: reload the page.") % {
        "status": meeting.get_status_display()})


def _not_allowed(transition: Transition, meeting: Meeting) -> BoardError:
    if transition.action == "adjust":
        return NotAllowed(_("Only the chair and the adjuster sign the minutes."))
    return NotAllowed(_("Only the chair of the meeting can do this."))


MEETING_FLOW: Workflow[Meeting] = Workflow(
    [
        Transition("send_agenda", gettext_lazy("Freeze and send the agenda now"),
                   frozenset({S.PLANNED}), S.AGENDA_SENT, _chair_or_scanner,
                   when=_agenda_still_to_send),
        Transition("hold", gettext_lazy("Open the minutes"),
                   frozenset({S.PLANNED, S.AGENDA_SENT}), S.HELD, _signer_or_scanner,
                   when=_minutes_open),
        Transition("adjust", gettext_lazy("Adjust the minutes"), frozenset({S.HELD}),
                   S.ADJUSTED, is_signer, when=_minutes_open),
        Transition("cancel", gettext_lazy("Cancel the meeting"),
                   frozenset({S.PLANNED, S.AGENDA_SENT}), S.CANCELLED, is_chair,
                   needs_reason=True, when=_not_started_yet),
    ],
    invalid=_invalid,
    not_allowed=_not_allowed,
    no_reason=lambda transition, meeting: BoardError(_("Give a reason."), field="reason"),
    not_now=lambda transition, meeting, message: WrongState(message),
)


def minutes_open(meeting: Meeting) -> bool:
    """Whether the minutes are kept now: the meeting is held, or has started and is held at
    the first write (what the minutes page offers follows this)."""
    if meeting.status == S.HELD:
        return _minutes_open(meeting) is None
    return MEETING_FLOW.permits("hold", None, meeting)
