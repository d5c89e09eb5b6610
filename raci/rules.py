"""The rules a matrix must keep before it can be put in force, with their Swedish messages.

- exactly one role is accountable (H) for each activity;
- at least one role is responsible (U) for it;
- the accountable role is one that acts on the activity (`Activity.accountable_roles`).

The checks work on plain data (the activities, the roles and a letter per cell), so a draft in
the database, a form being saved and a file being imported are judged by the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisation.models import Role

from .models import Activity, Letter

Letters = Mapping[tuple[int, int], str]  # (activity id, role id) -> "H", "U", "K" or "I"


def _names(roles: Iterable[Role]) -> str:
    return ", ".join(role.name for role in roles)


def activity_problems(
    activity: Activity,
    letters: Mapping[int, str],
    roles: Mapping[int, Role],
    accountable_ids: set[int] | None = None,
) -> list[str]:
    """What is wrong with one row: `letters` maps role id to letter (empty cells left out)."""
    problems: list[str] = []
    accountable = sorted(
        (roles[rid] for rid, letter in letters.items() if letter == Letter.H), key=role_sort_key
    )
    if not accountable:
        problems.append(_("No role is accountable (H): mark exactly one."))
    elif len(accountable) > 1:
        problems.append(
            _("%(count)d roles are accountable (H): %(roles)s. Exactly one may be.")
            % {"count": len(accountable), "roles": _names(accountable)}
        )
    if not any(letter == Letter.U for letter in letters.values()):
        problems.append(_("No role is responsible (U): mark at least one."))
    if accountable_ids is None:
        accountable_ids = {role.pk for role in activity.accountable_roles.all()}
    for role in accountable:
        if role.pk not in accountable_ids:
            allowed = sorted(
                (roles[rid] for rid in accountable_ids if rid in roles), key=role_sort_key
            )
            problems.append(
                _("%(role)s cannot be accountable (H) here: the role does not act on this "
                  "activity. May be accountable: %(allowed)s.")
                % {"role": role.name, "allowed": _names(allowed) or "–"}
            )
    return problems


def matrix_problems(
    activities: Iterable[Activity], roles: Iterable[Role], letters: Letters
) -> dict[int, list[str]]:
    """The problems of every row that has any, by activity id (an empty dict: all good)."""
    roles_by_id = {role.pk: role for role in roles}
    rows: dict[int, dict[int, str]] = {}
    for (activity_id, role_id), letter in letters.items():
        if letter:
            rows.setdefault(activity_id, {})[role_id] = letter
    found: dict[int, list[str]] = {}
    for activity in activities:
        problems = activity_problems(activity, rows.get(activity.pk, {}), roles_by_id)
        if problems:
            found[activity.pk] = problems
    return found


ROLE_ORDER = {code: index for index, code in enumerate(Role.Code.values)}


def role_sort_key(role: Role) -> tuple[int, str]:
    """Columns in the order of the organisation: orderer's side, ordering function, chiefs,
    operations, provider (the order of `Role.Code`), not alphabetical."""
    return (ROLE_ORDER.get(role.code, len(ROLE_ORDER)), role.name)


def problems_summary(count: int) -> str:
    return ngettext(
        "%(count)d activity needs correcting before the draft can be published.",
        "%(count)d activities need correcting before the draft can be published.",
        count,
    ) % {"count": count}
