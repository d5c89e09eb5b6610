"""The building blocks of the demo orders (`demo.orders`): an order's content, its
preparation and options, and one function per step of the order flow, each `gap` days after
the previous one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The order of the scores in `Prep.prio`: the factors of the first priority model.
PRIORITY_CODES = (
    "legal", "citizen_benefit", "efficiency", "risk_reduction", "strategy", "cost_benefit",
)


@dataclass(frozen=True)
class Step:
    gap: float
    action: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prep:
    """The ordering function's preparation (beredning) and decision brief."""

    it: str
    cost: int
    hours: int
    risk: str
    rec: str
    prio: tuple[int, int, int, int, int, int]
    arch: str = ""
    risks: str = ""


@dataclass(frozen=True)
class Option:
    title: str
    description: str
    pros: str
    cons: str
    cost: int | None = None
    recommended: bool = False


@dataclass(frozen=True)
class DemoOrder:
    title: str
    department: str
    orderer: str
    kind: str
    need: str
    started: int
    steps: tuple[Step, ...] = ()
    service: str | None = None
    requirements: str = ""
    benefit: str = ""
    one_off: int | None = None
    yearly: int | None = None
    lifetime: int | None = None
    yearly_benefit: int | None = None
    desired_in: int | None = None
    legal: str = ""
    personal_data: bool = False
    prep: Prep | None = None
    options: tuple[Option, ...] = ()


# --- steps -------------------------------------------------------------------------------
# `by=None` means the orderer; the handler is whoever took the order on.


def submit(gap: float = 1, by: str | None = None) -> Step:
    return Step(gap, "submit", {"by": by})


def take_on(gap: float, handler: str, by: str = "it-samordnare") -> Step:
    return Step(gap, "take_on", {"by": by, "handler": handler})


def prepare(gap: float, partial: bool = False) -> Step:
    return Step(gap, "prepare", {"partial": partial})


def ask(gap: float, question: str, due: int = 10) -> Step:
    return Step(gap, "ask", {"question": question, "due": due})


def answer(gap: float, text: str, by: str | None = None) -> Step:
    return Step(gap, "answer", {"text": text, "by": by})


def ready(gap: float, note: str = "") -> Step:
    return Step(gap, "ready", {"note": note})


def delegated(gap: float, reason: str) -> Step:
    return Step(gap, "delegated", {"reason": reason})


def board(gap: float, outcome: str, reason: str = "", note: str = "") -> Step:
    return Step(gap, "board", {"outcome": outcome, "reason": reason, "note": note})


def plan(
    gap: float, provider: str, start_in: int, weeks: int, priority: int | None = None,
    note: str = "",
) -> Step:
    return Step(gap, "plan", {"provider": provider, "start_in": start_in, "weeks": weeks,
                              "priority": priority, "note": note})


def start(gap: float, by: str, note: str = "") -> Step:
    return Step(gap, "start", {"by": by, "note": note})


def deliver(gap: float, by: str, note: str = "") -> Step:
    return Step(gap, "deliver", {"by": by, "note": note})


def deviation(gap: float, reason: str, by: str | None = None) -> Step:
    return Step(gap, "deviation", {"reason": reason, "by": by})


def accept(gap: float, note: str = "", by: str | None = None) -> Step:
    return Step(gap, "accept", {"note": note, "by": by})


def withdraw(gap: float, reason: str, by: str | None = None) -> Step:
    return Step(gap, "withdraw", {"reason": reason, "by": by})


def comment(gap: float, by: str | None, text: str) -> Step:
    return Step(gap, "comment", {"by": by, "text": text})
