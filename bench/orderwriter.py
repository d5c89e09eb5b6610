"""Turning the simulated orders into rows, written with COPY (a part of bench/dataset.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from orders import services as order_services
from orders.models import Comment, Order, OrderEvent, SolutionOption

from .common import COMMENTS, DAY, Plan, S
from .copy import NULL, copy_lines, fmt

if TYPE_CHECKING:
    from .dataset import Generator


class OrderWriter:
    """Turns simulated orders into the rows the services would have written, via COPY."""

    def __init__(self, generator: Generator):
        self.g = generator
        self.counts: dict[str, int] = defaultdict(int)
        self.history_model = Order.history.model
        self.comment_history = Comment.history.model
        self.option_history = SolutionOption.history.model
        self.order_fields = [f.attname for f in Order._meta.concrete_fields]
        tracked = [f.attname for f in self.history_model.tracked_fields]
        self.history_fields = [*tracked, "history_date", "history_change_reason",
                               "history_type", "history_user_id"]
        self.tracked = tracked
        self.comment_pk = (Comment.objects.order_by("-pk").values_list("pk", flat=True)
                           .first() or 0) + 1
        self.option_pk = (SolutionOption.objects.order_by("-pk").values_list("pk", flat=True)
                          .first() or 0) + 1
        labels = {action: str(t.label) for action, t in order_services.TRANSITIONS.items()}
        self.reasons = {
            **labels,
            "create": _("Draft written"),
            "prepare": _("Preparation updated"),
            "score": _("Priority scored"),
        }
        self.model_id = fmt(generator.priority_model.pk)
        generator.final_status = {}
        self.targets = {a: t.target for a, t in order_services.TRANSITIONS.items()}

    def write(self, plans: list[Plan]) -> None:
        orders, history, events, comments, comment_history = [], [], [], [], []
        options, option_history = [], []
        for plan in plans:
            self._order(plan, orders, history, events, comments, comment_history, options,
                        option_history)
        copy_lines(Order, self.order_fields, orders)
        copy_lines(self.history_model, self.history_fields, history)
        copy_lines(OrderEvent, EVENT_FIELDS, events)
        copy_lines(Comment, COMMENT_FIELDS, comments)
        copy_lines(self.comment_history, COMMENT_HISTORY_FIELDS, comment_history)
        copy_lines(SolutionOption, OPTION_FIELDS, options)
        copy_lines(self.option_history, OPTION_HISTORY_FIELDS, option_history)
        for name, rows in (("orders", orders), ("order_history", history), ("events", events),
                           ("comments", comments), ("comment_history", comment_history),
                           ("options", options)):
            self.counts[name] += len(rows)

    def _order(self, plan, orders, history, events, comments, comment_history, options,
               option_history) -> None:
        g, rng = self.g, self.g.rng
        money = plan.money
        state: dict[str, str] = {
            "id": fmt(plan.pk), "reference": NULL, "title": fmt(plan.title),
            "department_id": fmt(plan.department), "orderer_id": fmt(plan.orderer),
            "kind": plan.kind, "service_id": fmt(plan.service), "need": fmt(plan.need),
            "functional_requirements": "Ska fungera med kommunens e-legitimation.",
            "expected_benefit": "Kortare handläggningstid och färre samtal.",
            "one_off_cost": fmt(money["one_off_cost"]), "yearly_cost": fmt(money["yearly_cost"]),
            "lifetime_years": fmt(money["lifetime_years"]),
            "yearly_benefit": fmt(money["yearly_benefit"]),
            "desired_date": fmt((plan.created + timedelta(days=120)).date()),
            "legal_driver": "", "personal_data": "t" if plan.pk % 3 == 0 else "f",
            "secrecy_provision": "", "secrecy_reason": "",
            "status": S.DRAFT, "handler_id": NULL, "it_requirements": "",
            "architecture_review": "", "estimated_cost": NULL, "estimated_hours": NULL,
            "risk_level": "", "risk_description": "", "recommendation": "",
            "priority_model_id": NULL, "priority_values": "{}", "priority_score": NULL,
            "decision_note": "", "rejection_reason": "", "delegated_decision": "f",
            "provider_id": NULL, "planning_priority": NULL, "planned_start": NULL,
            "planned_end": NULL, "created_at": fmt(plan.created), "submitted_at": NULL,
            "decided_at": NULL, "delivered_at": NULL, "closed_at": NULL,
            "status_changed_at": fmt(plan.created),
        }
        tracked = self.tracked
        status = S.DRAFT
        last_at = plan.created
        for action, at, actor, data in plan.steps:
            when = fmt(at)
            reason = self.reasons.get(action, action)
            event_reason = ""
            if action == "create":
                pass
            elif action == "prepare":
                version = data or 0
                state["it_requirements"] = fmt(
                    f"Webbformulär kopplat till verksamhetssystemet (version {version + 1}).")
                state["architecture_review"] = "Följer kommunens referensarkitektur."
                state["estimated_cost"] = fmt(money["estimated_cost"] + version * 1000)
                state["estimated_hours"] = fmt(money["estimated_hours"])
                state["risk_level"] = money["risk_level"]
                state["recommendation"] = "Genomför alternativ A."
            elif action == "score":
                values = dict(money["values"])
                if data:  # a later scoring changes one factor
                    values[g.factor_weights[0][0]] = data % 6
                score = sum((w * values[c] for c, w in g.factor_weights), Decimal(0))
                state["priority_model_id"] = self.model_id
                state["priority_values"] = fmt(values)
                state["priority_score"] = fmt(score.quantize(Decimal("0.01")))
            else:
                target = self.targets[action]
                from_status = status
                if action == "submit":
                    state["submitted_at"] = when
                    state["reference"] = fmt(plan.reference)
                elif action == "take_on":
                    # The handler sees the order through the ordering function's role.
                    state["handler_id"] = fmt(data)
                elif action in {"request_supplement", "supplement", "withdraw",
                                "decide_delegated", "report_deviation"}:
                    event_reason = data or ""
                    reason = event_reason[:100]
                    if action in {"request_supplement", "supplement"}:
                        kind = (Comment.Kind.SUPPLEMENT_REQUEST
                                if action == "request_supplement" else Comment.Kind.SUPPLEMENT)
                        due = (at + timedelta(days=10)).date() if kind == "supplement_request" \
                            else None
                        self._comment(plan, actor, kind, event_reason, due, at, comments,
                                      comment_history)
                    if action == "decide_delegated":
                        state["delegated_decision"] = "t"
                        state["decided_at"] = when
                        state["decision_note"] = fmt(event_reason)
                        g.delegations.append((plan.pk, at, _("Delegated decision: %(reference)s "
                                                            "%(title)s") % {
                            "reference": plan.reference, "title": plan.title}))
                    if action == "report_deviation":
                        state["delivered_at"] = NULL
                elif action.startswith("board_"):
                    meeting = data
                    note = _("Beslutsråd IT %(when)s") % {
                        "when": meeting.strftime("%Y-%m-%d")}
                    state["decision_note"] = fmt(note)
                    if action in {"board_approve", "board_reject"}:
                        state["decided_at"] = when
                    if action in {"board_reject", "board_return"}:
                        event_reason = "Ryms inte i årets budget."
                        reason = event_reason
                    if action == "board_reject":
                        state["rejection_reason"] = fmt(event_reason)
                    title = f"{plan.reference} {plan.title} ({g.dept_short[plan.department]})"
                    g.board_items.append((plan.pk, action, at, title))
                elif action == "plan":
                    state["provider_id"] = fmt(plan.provider)
                    state["planned_start"] = fmt(data[0])
                    state["planned_end"] = fmt(data[1])
                    state["planning_priority"] = fmt(rng.randint(1, 5))
                    if plan.kind in {Order.Kind.NEW_FUNCTION, Order.Kind.PROJECT}:
                        self._options(plan, actor, at, options, option_history)
                elif action == "deliver":
                    state["delivered_at"] = when
                elif action == "accept":
                    state["closed_at"] = when
                status = target
                state["status"] = status
                if from_status != target:
                    state["status_changed_at"] = when
                events.append("\t".join((
                    fmt(plan.pk), action, from_status, target, fmt(actor), fmt(event_reason),
                    when)) + "\n")
            history.append("\t".join(state[a] for a in tracked) + "\t" + "\t".join((
                when, fmt(reason), "+" if action == "create" else "~", fmt(actor))) + "\n")
            last_at = at
        # Comments between the orderer's side and the handler, after submission.
        if plan.comments and plan.submitted:
            span = max((last_at - plan.submitted).total_seconds(), 3600)
            for n in range(plan.comments):
                at = plan.submitted + timedelta(seconds=span * (n + 1) / (plan.comments + 1))
                author = plan.orderer if n % 2 == 0 or plan.handler is None else plan.handler
                self._comment(plan, author, Comment.Kind.COMMENT, COMMENTS[(plan.pk + n) % 8],
                              None, at, comments, comment_history)
        g.final_status[plan.pk] = status
        versions = len(plan.steps)
        orders.append("\t".join(
            state.get(a) if a in state else (fmt(last_at) if a == "updated_at"
                                             else fmt(versions))
            for a in self.order_fields
        ) + "\n")
        self.counts[f"status_{status}"] += 1

    def _comment(self, plan, author, kind, body, due, at, comments, comment_history) -> None:
        pk = self.comment_pk
        self.comment_pk += 1
        when = fmt(at)
        comments.append("\t".join((fmt(pk), fmt(plan.pk), fmt(author), kind, fmt(body),
                                   fmt(due), when)) + "\n")
        comment_history.append("\t".join((fmt(pk), kind, fmt(body), fmt(due), when, when, NULL,
                                          "+", fmt(author), fmt(author), fmt(plan.pk))) + "\n")

    def _options(self, plan, actor, at, options, option_history) -> None:
        titles = ("Alternativ A: standardsystem", "Alternativ B: egen utveckling")
        for n, title in enumerate(titles):
            pk = self.option_pk
            self.option_pk += 1
            cost = fmt(plan.money["estimated_cost"] * (n + 1))
            row = (fmt(pk), fmt(plan.pk), fmt(title), "", "Snabbt i drift." if n == 0 else
                   "Passar verksamheten exakt.", "Låst till leverantören." if n == 0 else
                   "Dyrare att förvalta.", cost, "t" if n == 0 else "f")
            options.append("\t".join(row) + "\n")
            option_history.append("\t".join((*row[:1], *row[2:], fmt(at - DAY), NULL, "+",
                                             fmt(actor), fmt(plan.pk))) + "\n")


EVENT_FIELDS = ["order_id", "action", "from_status", "to_status", "actor_id", "reason", "at"]
COMMENT_FIELDS = ["id", "order_id", "author_id", "kind", "body", "due_date", "created_at"]
COMMENT_HISTORY_FIELDS = ["id", "kind", "body", "due_date", "created_at", "history_date",
                          "history_change_reason", "history_type", "author_id",
                          "history_user_id", "order_id"]
OPTION_FIELDS = ["id", "order_id", "title", "description", "pros", "cons", "estimated_cost",
                 "recommended"]
OPTION_HISTORY_FIELDS = ["id", "title", "description", "pros", "cons", "estimated_cost",
                         "recommended", "history_date", "history_change_reason", "history_type",
                         "history_user_id", "order_id"]
