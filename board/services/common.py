"""What every service of the board shares: its refusals, the meeting's lock and version, and
the checks of who may act in which state."""

from __future__ import annotations

from django.utils.translation import gettext as _

from organisation.models import User
from tyreso_it.core.errors import ServiceError

from ..models import AgendaItem, Meeting

S = Meeting.Status


class BoardError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(BoardError):
    status_code = 403


class WrongState(BoardError):
    status_code = 409


class NeedsConfirmation(BoardError):
    """Nothing is wrong, but something the person should know before saving: they see the
    warnings and save again with `token`, which stands for exactly these warnings."""

    status_code = 409

    def __init__(self, warnings: list[str], token: str):
        super().__init__(_("Read the warnings and tick “Save anyway” to save as it is."),
                         field="confirm")
        self.warnings = warnings
        self.token = token


class MinutesNotApplied(BoardError):
    """Justering stopped: one decision could not be applied, so none was."""

    status_code = 409

    def __init__(self, message: str, item: AgendaItem):
        super().__init__(message)
        self.item = item


def _lock(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _save(meeting: Meeting, actor: User | None, reason: str) -> None:
    meeting.version += 1
    meeting._history_user = actor
    meeting._change_reason = reason[:100]
    meeting.save()


def is_chair(actor: User | None, meeting: Meeting) -> bool:
    return actor is not None and actor.pk == meeting.chair_id


def is_signer(actor: User | None, meeting: Meeting) -> bool:
    """The chair and the chosen adjuster sign (justera) the minutes."""
    return actor is not None and actor.pk in {meeting.chair_id, meeting.adjuster_id}


def _require_chair(meeting: Meeting, actor: User) -> None:
    if not is_chair(actor, meeting):
        raise NotAllowed(_("Only the chair of the meeting can do this."))


def _require_signer(meeting: Meeting, actor: User) -> None:
    if not is_signer(actor, meeting):
        raise NotAllowed(_("Only the chair and the adjuster sign the minutes."))


def _require_open(meeting: Meeting) -> None:
    if meeting.status == S.ADJUSTED:
        raise WrongState(_("The minutes are adjusted and can no longer be changed."))
    if meeting.status == S.CANCELLED:
        raise WrongState(_("The meeting is cancelled."))


def _require_unfrozen(meeting: Meeting) -> None:
    _require_open(meeting)
    if meeting.agenda_frozen_at is not None:
        raise WrongState(
            _("The agenda is frozen: only late items can be added now.")
        )


def _clear_signatures(meeting: Meeting) -> None:
    # Any change to the minutes makes earlier signatures void.
    meeting.chair_signed_at = None
    meeting.adjuster_signed_at = None
