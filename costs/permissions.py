"""Who may see and keep IT's costs and their sharing: the one place these rules live.

- The IT chief and the deputy IT chief (and a superuser, or whoever is given
  `costs.keep_costs` in the administration) keep the costs and keys of every year and see
  every report, drafts included.
- A department's IT lead (who coordinates its orders) sees the report of their own
  department for each published year: its share of each kind of cost, with the kind's total
  for the municipality, the key, the department's weight and the weight of all departments.
  What other departments pay is not theirs to see, and a draft is the IT chief's work in
  progress.
- Everyone else sees nothing of it: the pages answer 404, as for a page that does not exist.

Contract values are internal to IT (`servicecatalog.permissions.sees_contract_values`); an
IT lead sees only totals per kind, never a contract's or a licence's own cost.
"""

from __future__ import annotations

from django.db.models import QuerySet

from organisation.models import Role, User
from organisation.roles import role_codes
from organisation.selectors import standing_of

from .models import KeySet

KEEPER_ROLES = {Role.Code.IT_CHIEF.value, Role.Code.DEPUTY_IT_CHIEF.value}


def keeps_costs(user: User) -> bool:
    """The IT chief and deputy: keep the costs and keys and see every report."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("costs.keep_costs"):
        return True
    return bool(KEEPER_ROLES & role_codes(user))


def reported_departments(user: User) -> list[int] | None:
    """The departments whose reports `user` may see: None for every department (a keeper),
    else the ids of those they coordinate (none for most people)."""
    if keeps_costs(user):
        return None
    if not user.is_authenticated:
        return []
    return list(standing_of(user).coordinate)


def sees_costs(user: User) -> bool:
    """May `user` open the cost pages at all (the menu's link asks this)."""
    return reported_departments(user) != []


def key_sets_visible_to(user: User) -> QuerySet[KeySet]:
    """The years `user` may open: every year for a keeper, the published ones for an IT
    lead, none for anyone else."""
    departments = reported_departments(user)
    if departments is None:
        return KeySet.objects.all()
    if not departments:
        return KeySet.objects.none()
    return KeySet.objects.filter(status=KeySet.Status.PUBLISHED)
