"""The transition-table pattern every model with states uses (tyreso_it.core.workflow).

A door that is opened by its owner during office hours, closed by anyone, and broken open
with a reason, is enough to show each check and the order they come in; the order flow's own
table is shown to fit the pattern field for field.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tyreso_it.core.workflow import Transition, Workflow


@dataclass
class Door:
    owner: str
    status: str = "closed"
    office_hours: bool = True


class Refused(Exception):
    def __init__(self, kind: str, message: str = ""):
        super().__init__(kind, message)
        self.kind = kind
        self.message = message


def _office_hours(door: Door) -> str | None:
    return None if door.office_hours else "Dörren öppnas kl. 8."


DOOR = Workflow(
    [
        Transition("open", "Öppna", frozenset({"closed"}), "open",
                   lambda actor, door: actor == door.owner, when=_office_hours),
        Transition("close", "Stäng", frozenset({"open"}), "closed"),
        Transition("break", "Bryt upp", frozenset({"closed"}), "broken",
                   lambda actor, door: actor is None, needs_reason=True),
    ],
    invalid=lambda t, door: Refused("invalid", f"{door.status}: {t.label}"),
    not_allowed=lambda t, door: Refused("not_allowed", str(t.label)),
    no_reason=lambda t, door: Refused("no_reason"),
    not_now=lambda t, door, message: Refused("not_now", message),
)


def refusal(action: str, door: Door, actor, reason: str | None = None) -> Refused:
    with pytest.raises(Refused) as refused:
        DOOR.check(action, door, actor, reason)
    return refused.value


def test_a_transition_from_a_state_it_does_not_leave_is_invalid_whoever_asks():
    door = Door(owner="anna", status="open")

    assert refusal("open", door, "anna").kind == "invalid"
    assert refusal("open", door, "anna").message == "open: Öppna"
    assert refusal("break", door, None, reason="").kind == "invalid"


def test_the_guard_refuses_the_wrong_actor_before_the_time_is_asked():
    door = Door(owner="anna", office_hours=False)

    assert refusal("open", door, "bertil").kind == "not_allowed"
    assert (refusal("open", door, "anna").kind,
            refusal("open", door, "anna").message) == ("not_now", "Dörren öppnas kl. 8.")
    assert DOOR.check("open", Door(owner="anna"), "anna") is DOOR["open"]


def test_a_missing_reason_is_refused_only_when_the_reason_is_given_to_check():
    door = Door(owner="anna")

    assert refusal("break", door, None, reason="  ").kind == "no_reason"
    assert DOOR.check("break", door, None, reason="Brand").target == "broken"
    # Without a reason to check (the service asks for it later) the rest is still checked.
    assert DOOR.check("break", door, None) is DOOR["break"]
    assert refusal("break", door, "anna").kind == "not_allowed"


def test_available_and_permits_say_what_check_would_accept():
    door = Door(owner="anna")

    assert [t.action for t in DOOR.available("anna", door)] == ["open"]
    assert [t.action for t in DOOR.available(None, door)] == ["break"]
    assert DOOR.permits("open", "anna", door)
    assert not DOOR.permits("open", "anna", Door(owner="anna", office_hours=False))
    assert not DOOR.permits("close", "anna", door)
    for actor in ("anna", "bertil", None):
        for state in ("closed", "open", "broken"):
            for hours in (True, False):
                each = Door(owner="anna", status=state, office_hours=hours)
                for transition in DOOR:
                    try:
                        DOOR.check(transition.action, each, actor)
                    except Refused:
                        accepted = False
                    else:
                        accepted = True
                    assert DOOR.permits(transition.action, actor, each) is accepted
                    assert (transition in DOOR.available(actor, each)) is accepted


def test_advance_moves_the_state_only_when_the_check_passes():
    door = Door(owner="anna")

    assert DOOR.advance("open", door, "anna") == "closed"
    assert door.status == "open"
    with pytest.raises(Refused):
        DOOR.advance("open", door, "anna")
    assert door.status == "open"
    assert DOOR.advance("close", door, "bertil") == "open"
    assert door.status == "closed"


def test_a_table_without_the_errors_its_transitions_need_is_refused_when_it_is_made():
    timed = Transition("open", "Öppna", frozenset({"closed"}), "open", when=_office_hours)
    reasoned = Transition("break", "Bryt", frozenset({"closed"}), "broken", needs_reason=True)
    errors = {"invalid": lambda t, o: Refused("invalid"),
              "not_allowed": lambda t, o: Refused("not_allowed")}

    with pytest.raises(ValueError, match="time"):
        Workflow([timed], **errors)
    with pytest.raises(ValueError, match="reason"):
        Workflow([reasoned], **errors)
    with pytest.raises(ValueError, match="two transitions"):
        Workflow([reasoned, reasoned], **errors, no_reason=lambda t, o: Refused("no_reason"))


def test_orders_meetings_plans_and_key_sets_all_use_the_one_pattern():
    """Every model with states checks its transitions through a `Workflow` of its own."""
    from board.services.states import MEETING_FLOW
    from costs.services import WORKFLOW as KEY_SET_FLOW
    from orders import services as order_services
    from servicecatalog.plans import PLAN_FLOW

    for flow in (order_services.ORDER_FLOW, MEETING_FLOW, PLAN_FLOW, KEY_SET_FLOW):
        assert isinstance(flow, Workflow)
        assert all(isinstance(t, Transition) for t in flow)
    assert order_services.TRANSITIONS is order_services.ORDER_FLOW.transitions
