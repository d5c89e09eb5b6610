"""Who may keep records and personal data: the one place these rules live.

- The retention schedule, its dry run and the culling record: the IT chief and the deputy
  IT chief, a superuser, and whoever is given `records.keep_records` in the administration
  (the municipality's archivist or registrar, who holds no role of the IT organisation).
- Legal holds: those who keep the records, and the ordering function (who handles the
  orders and is first to hear of an inquiry or a dispute).
- A person's personal data (the subject-access export and pseudonymisation): the IT chief
  and the deputy, a superuser, and whoever is given `records.handle_personal_data` (the
  data protection officer's side).
- Everyone else sees nothing of it: the pages answer 404, as a page that does not exist.
"""

from __future__ import annotations

from organisation.models import Role, User
from organisation.predicates import is_ordering_function
from organisation.roles import role_codes

CHIEF_ROLES = {Role.Code.IT_CHIEF.value, Role.Code.DEPUTY_IT_CHIEF.value}


def _chief_or(user: User, permission: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm(permission):
        return True
    return bool(CHIEF_ROLES & role_codes(user))


def keeps_records(user: User) -> bool:
    """Keeps the retention schedule and sees the dry run and the culling record."""
    return _chief_or(user, "records.keep_records")


def holds_orders(user: User) -> bool:
    """May set and lift legal holds on orders."""
    return keeps_records(user) or is_ordering_function(user)


def handles_personal_data(user: User) -> bool:
    """May export a person's personal data and pseudonymise a person who has left."""
    return _chief_or(user, "records.handle_personal_data")


def sees_records(user: User) -> bool:
    """May open the records pages at all (the menu's link asks this)."""
    return keeps_records(user) or holds_orders(user) or handles_personal_data(user)


def records_home(user: User) -> str:
    """The records page the menu leads `user` to (a URL name), or "" for none."""
    if keeps_records(user):
        return "records:schedule"
    if holds_orders(user):
        return "records:holds"
    if handles_personal_data(user):
        return "records:people"
    return ""
