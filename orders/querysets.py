"""Who sees which orders: the one definition (SPEC "Permissions"), as NetBox's `restrict()`.

`Order.objects.visible_to(user)` is the only place the rule is written. A person sees:

- every order, when they hold "see every order" (`orders.view_all_orders`, through a role:
  the ordering function, the change manager, the IT chiefs) or are a superuser;
- every order of the departments they coordinate (their IT lead), drafts included;
- the orders of the departments they belong to (on the register today, or its deputy), but
  not a colleague's draft: a draft is its writer's own until submitted;
- the orders planned to the providers they work for, while they are staff;
- the orders shown to a role they hold by a HUKI step (consulted or informed:
  `raci.OrderRoleSight`), while they hold it.

Nothing else gives sight of an order: no per-person grant outlives the role, the handler
assignment or the registration it came from. Someone who wrote an order and has left the
department's register no longer sees it: rights follow registrations as they stand now.

Each branch is a named condition (`Visibility`), so code that counts orders by branch (the
list's count, the tallies, the timeline) combines the same conditions instead of restating
the rule.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from organisation.predicates import sees_all

if TYPE_CHECKING:
    from organisation.models import User

#: The states in which an order of a department a person belongs to is still its writer's
#: own (the member branch shows it to its orderer only).
WRITERS_OWN = ("draft",)


@dataclass(frozen=True)
class Visibility:
    """The branches of `visible_to` for one person, each a condition on the orders table.

    `everything` is the first branch; the others are None when the person has no part in
    them (so a query asks only what can match).
    """

    user_id: int | None
    everything: bool
    coordinated: tuple[int, ...] = ()  # departments seen whole, drafts included
    member: tuple[int, ...] = ()  # departments belonged to (and not coordinated)
    providers: tuple[int, ...] = ()
    roles: tuple[int, ...] = ()  # roles held that a HUKI step can show an order to

    @classmethod
    def of(cls, user: User) -> Visibility:
        if not user.is_authenticated:
            return cls(user_id=None, everything=False)
        if sees_all(user):
            return cls(user_id=user.pk, everything=True)
        from organisation.selectors import standing_of

        standing = standing_of(user)
        return cls(
            user_id=user.pk,
            everything=False,
            coordinated=standing.coordinate,
            # A department the person coordinates is seen whole; asking the member's rule of
            # it too would only make the filter an OR that the index cannot answer.
            member=tuple(pk for pk in standing.member if pk not in standing.coordinate),
            providers=tuple(sorted(standing.providers)),
            roles=standing.roles,
        )

    # --- the branches -------------------------------------------------------------------

    @property
    def coordinated_q(self) -> Q | None:
        return Q(department_id__in=self.coordinated) if self.coordinated else None

    @property
    def member_q(self) -> Q | None:
        """The departments' orders but the others' drafts: `member_shared_q` and
        `member_own_q`, which never overlap."""
        if not self.member:
            return None
        return Q(department_id__in=self.member) & (
            ~Q(status__in=WRITERS_OWN) | Q(orderer_id=self.user_id)
        )

    @property
    def member_shared_q(self) -> Q | None:
        """Of `member_q`: the orders every member sees (past their writer's own states)."""
        if not self.member:
            return None
        return Q(department_id__in=self.member) & ~Q(status__in=WRITERS_OWN)

    @property
    def member_own_q(self) -> Q | None:
        """Of `member_q`: the person's own orders still in their writer's own states."""
        if not self.member:
            return None
        return Q(department_id__in=self.member, status__in=WRITERS_OWN,
                 orderer_id=self.user_id)

    @property
    def provider_q(self) -> Q | None:
        return Q(provider_id__in=self.providers) if self.providers else None

    @property
    def huki_q(self) -> Q | None:
        if not self.roles:
            return None
        from raci.models import OrderRoleSight

        return Q(pk__in=OrderRoleSight.objects.filter(role_id__in=self.roles)
                 .values("order_id"))

    # --- put together ---------------------------------------------------------------------

    def departments_q(self, *, drafts: bool = True) -> Q | None:
        """The departments' half: coordinated and belonged to. With `drafts=False`, for rows
        known to hold no drafts (the caller filters the states), the department alone decides,
        so an index on the department answers without the state."""
        if not drafts:
            seen = sorted({*self.coordinated, *self.member})
            return Q(department_id__in=seen) if seen else None
        parts = [q for q in (self.coordinated_q, self.member_q) if q is not None]
        return reduce(operator.or_, parts) if parts else None

    def others(self, *, provider: bool = True) -> list[Q]:
        """The other ways of seeing an order, each answered by an index of its own (without
        the provider's, for a count that takes those from elsewhere)."""
        ways = (self.provider_q if provider else None, self.huki_q)
        return [q for q in ways if q is not None]

    def q(self, *, drafts: bool = True) -> Q | None:
        """All branches but `everything` as one condition; None when none applies."""
        parts = [q for q in (self.departments_q(drafts=drafts), *self.others()) if q is not None]
        return reduce(operator.or_, parts) if parts else None


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user: User, *, drafts: bool = True) -> OrderQuerySet:
        """The orders of this queryset `user` may see (see the module's rule).

        `drafts=False` promises that this queryset holds no drafts (its states are filtered
        already): the departments' branch then needs no test of the state.
        """
        visibility = Visibility.of(user)
        if visibility.everything:
            return self
        condition = visibility.q(drafts=drafts)
        if condition is None:
            return self.none()
        return self.filter(condition)
