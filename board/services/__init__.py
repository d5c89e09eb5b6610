"""Every write of Beslutsråd IT: meetings, agendas, minutes and justering.

Each service runs in one transaction, locks the meeting row it changes and refuses what the
actor or the meeting's state does not allow, with a Swedish message. The services are kept
by what they do (meetings, the agenda, the minutes, the emails) and named here, so callers
import them from `board.services` whichever module holds them.
"""

from .agenda import (
    KIND_RANK,
    REMOVED_BY_CHAIR,
    agenda_add_item,
    agenda_build,
    agenda_freeze_and_send,
    agenda_move_item,
    agenda_remove_item,
    agenda_update_item,
    next_open_meeting,
)
from .common import BoardError, MinutesNotApplied, NeedsConfirmation, NotAllowed, S, WrongState
from .meetings import (
    MEMBER_ROLES,
    board_visible_meetings,
    default_members,
    meeting_cancel,
    meeting_create,
    meeting_set_members,
    meeting_update,
    series_dates,
    series_generate,
)
from .minutes import (
    ORDER_OUTCOMES,
    item_record_decision,
    meeting_hold,
    meeting_record_attendance,
    meeting_set_adjuster,
    minutes_correct,
    minutes_missing,
    minutes_sign,
)
from .notices import _log_once, _meeting_when
from .states import MEETING_FLOW, minutes_open

__all__ = [
    "KIND_RANK",
    "MEETING_FLOW",
    "MEMBER_ROLES",
    "ORDER_OUTCOMES",
    "REMOVED_BY_CHAIR",
    "S",
    "BoardError",
    "MinutesNotApplied",
    "NeedsConfirmation",
    "NotAllowed",
    "WrongState",
    "_log_once",
    "_meeting_when",
    "agenda_add_item",
    "agenda_build",
    "agenda_freeze_and_send",
    "agenda_move_item",
    "agenda_remove_item",
    "agenda_update_item",
    "board_visible_meetings",
    "default_members",
    "item_record_decision",
    "meeting_cancel",
    "meeting_create",
    "meeting_hold",
    "meeting_record_attendance",
    "meeting_set_adjuster",
    "meeting_set_members",
    "meeting_update",
    "minutes_correct",
    "minutes_missing",
    "minutes_open",
    "minutes_sign",
    "next_open_meeting",
    "series_dates",
    "series_generate",
]
