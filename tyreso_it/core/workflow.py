"""One pattern for every model with states: a table of its transitions, checked in one place.

A transition names the states it leaves from, the state it leads to, who may take it
(`allowed`), whether it needs a reason and, where the time matters, when it may be taken
(`when`). A service looks its transition up in the model's `Workflow`, lets the table check
it against the object as locked, the actor and the reason, and then does its own work: the
table changes nothing but the state field, and only in `advance`.

The table knows no app. Each app gives it the errors to raise, with its own messages:
`invalid` when the object's state does not allow the action (often someone else was first),
`not_allowed` when `allowed` refuses the actor, `no_reason` when a reason is missing and
`not_now` with the message `when` returned. Buttons are offered from `available`, so a page
offers exactly what the service would accept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


def anyone(actor: Any, obj: Any) -> bool:
    """The guard of a transition whose actor is checked elsewhere, or that anyone may take."""
    return True


@dataclass(frozen=True)
class Transition[T]:
    """One allowed change of state.

    `label` is what a person reads (a lazy translation). `target` may be one of `sources`: a
    transition can record a step without moving the object (an order deferred by the board
    stays ready for decision). `allowed(actor, obj)` says who may take it; `actor` is None
    for the system's own steps (a scanner), which a guard accepts only if it says so.
    `when(obj)` returns None while the transition may be taken, otherwise the reason why not,
    fit to show (for example when the minutes open).
    """

    action: str
    label: Any
    sources: frozenset[str]
    target: str
    allowed: Callable[[Any, T], bool] = anyone
    needs_reason: bool = False
    when: Callable[[T], str | None] | None = None


class Workflow[T]:
    """The transitions of one model, by action, and their checks."""

    def __init__(
        self,
        transitions: Iterable[Transition[T]],
        *,
        invalid: Callable[[Transition[T], T], Exception],
        not_allowed: Callable[[Transition[T], T], Exception],
        no_reason: Callable[[Transition[T], T], Exception] | None = None,
        not_now: Callable[[Transition[T], T, str], Exception] | None = None,
        state: str = "status",
    ) -> None:
        self.transitions: dict[str, Transition[T]] = {}
        for transition in transitions:
            if transition.action in self.transitions:
                raise ValueError(f"two transitions named {transition.action!r}")
            self.transitions[transition.action] = transition
        if no_reason is None and any(t.needs_reason for t in self.transitions.values()):
            raise ValueError("a transition needs a reason: say what to raise without one")
        if not_now is None and any(t.when for t in self.transitions.values()):
            raise ValueError("a transition has a time: say what to raise outside it")
        self.invalid = invalid
        self.not_allowed = not_allowed
        self.no_reason = no_reason
        self.not_now = not_now
        self.state = state

    def __getitem__(self, action: str) -> Transition[T]:
        return self.transitions[action]

    def __iter__(self) -> Iterator[Transition[T]]:
        return iter(self.transitions.values())

    def get(self, action: str) -> Transition[T]:
        """The transition named `action`; an unknown name is a programming error (KeyError)."""
        return self.transitions[action]

    def _refusal(self, transition: Transition[T], obj: T, actor: Any,
                 ) -> Callable[[], Exception] | None:
        """What refuses `transition` now, as a maker of the app's error (made only when it is
        raised: the pages ask of every transition whether it is offered), or None."""
        if getattr(obj, self.state) not in transition.sources:
            return lambda: self.invalid(transition, obj)
        if not transition.allowed(actor, obj):
            return lambda: self.not_allowed(transition, obj)
        if transition.when is not None:
            reason = transition.when(obj)
            if reason is not None:
                return lambda: self.not_now(transition, obj, reason)
        return None

    def check(self, action: str, obj: T, actor: Any, reason: str | None = None) -> Transition[T]:
        """Raise the app's error unless `actor` may take `action` on `obj` now.

        The state is checked first, then the actor, then the time, then the reason (unless
        `reason` is None: the service asks for it later). Returns the transition.
        """
        transition = self.transitions[action]
        refusal = self._refusal(transition, obj, actor)
        if refusal is not None:
            raise refusal()
        if reason is not None and transition.needs_reason and not reason.strip():
            raise self.no_reason(transition, obj)
        return transition

    def permits(self, action: str, actor: Any, obj: T) -> bool:
        """Whether `check` would accept `action` now, the reason aside."""
        return self._refusal(self.transitions[action], obj, actor) is None

    def available(self, actor: Any, obj: T) -> list[Transition[T]]:
        """The transitions `actor` may take on `obj` now, in the table's order."""
        return [t for t in self.transitions.values() if self._refusal(t, obj, actor) is None]

    def advance(self, action: str, obj: T, actor: Any, reason: str | None = None) -> str:
        """Check `action`, then set the object's state to its target (unsaved); returns the
        state it left."""
        transition = self.check(action, obj, actor, reason)
        previous = getattr(obj, self.state)
        setattr(obj, self.state, transition.target)
        return previous
