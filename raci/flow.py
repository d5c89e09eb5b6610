"""Where the order flow meets the matrix: each transition of `orders.services.TRANSITIONS` is
an activity, and each state of an order waits on one activity, its current step.

At a transition the product reads the matrix in force:

- the roles with I on the activity just carried out are told it was done;
- the roles with K on the step the order has now reached are asked for their view while the
  step is under way (consulted before the step is done, informed after: the usual reading of
  a RACI/HUKI matrix).

Both are data of the matrix, so publishing a new version changes who is asked and told.
"""

from __future__ import annotations

from orders.models import Order

S = Order.Status

#: The activity each transition carries out.
ACTION_ACTIVITY: dict[str, str] = {
    "submit": "ordering-submit",
    "supplement": "ordering-supplement",
    "withdraw": "ordering-withdraw",
    "take_on": "preparation-take-on",
    "request_supplement": "preparation-request-supplement",
    "mark_ready": "preparation-brief",
    "decide_delegated": "decision-delegated",
    "board_approve": "decision-board",
    "board_reject": "decision-board",
    "board_defer": "decision-board",
    "board_return": "decision-board",
    "plan": "delivery-plan",
    "start": "delivery-start",
    "deliver": "delivery-deliver",
    "accept": "delivery-accept",
    "report_deviation": "delivery-deviation",
}

#: The step an order in each state waits on (a finished order waits on none).
STATUS_STEP: dict[str, str] = {
    S.DRAFT: "ordering-submit",
    S.SUBMITTED: "preparation-take-on",
    S.IN_PREPARATION: "preparation-brief",
    S.AWAITING_SUPPLEMENT: "ordering-supplement",
    S.READY_FOR_DECISION: "decision-board",
    S.APPROVED: "delivery-plan",
    S.PLANNED: "delivery-start",
    S.IN_PROGRESS: "delivery-deliver",
    S.DELIVERED: "delivery-accept",
}

ORDER_STEP_CODES: frozenset[str] = frozenset(ACTION_ACTIVITY.values())

#: How far along the flow each step is. A supplement round belongs to preparation, so the
#: consultations of the preparation stay open through it; once an order has reached a later
#: step, the open consultations of earlier ones lapse.
STEP_RANK: dict[str, int] = {
    "ordering-submit": 0,
    "preparation-take-on": 1,
    "preparation-brief": 2,
    "ordering-supplement": 2,
    "decision-board": 3,
    "delivery-plan": 4,
    "delivery-start": 5,
    "delivery-deliver": 6,
    "delivery-accept": 7,
}


def activity_of_action(action: str) -> str | None:
    return ACTION_ACTIVITY.get(action)


def step_of_status(status: str) -> str | None:
    return STATUS_STEP.get(status)


def is_past(step: str, status: str) -> bool:
    """Has an order in `status` gone past `step` (or finished)?"""
    reached = STATUS_STEP.get(status)
    if reached is None:
        return True
    rank = STEP_RANK.get(step)
    return rank is not None and rank < STEP_RANK[reached]
