"""Who may see and do what in the portfolio: the one place these rules live.

SPEC "Permissions": the change manager, the IT chief and the ordering function see every
project (they hold "see every order"); the members and IT lead of a project's sponsor
department see its projects, and a project manager sees their own. Anyone else gets a 404,
the same answer as for a project that does not exist.
"""

from django.db.models import Q, QuerySet

from organisation.models import User
from organisation.predicates import is_change_manager, sees_all
from organisation.selectors import standing_of

from .models import Project


def own_departments(user: User) -> list[int]:
    """Ids of the departments the person belongs to or coordinates (the IT lead belongs)."""
    return list(standing_of(user).member)


def projects_visible_to(
    user: User, queryset: QuerySet[Project] | None = None
) -> QuerySet[Project]:
    """Every project `user` may see (`visible_to` of SPEC "Permissions")."""
    queryset = Project.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if sees_all(user):
        return queryset
    return queryset.filter(
        Q(sponsor_department_id__in=own_departments(user)) | Q(manager=user)
    )


def portfolio_access(user: User) -> bool:
    """May `user` open the portfolio's pages at all (each then shows what they may see).

    Cached on the user object: the layout's menu link and the page ask the same question.
    """
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_portfolio_access", None)
    if cached is None:
        cached = (
            sees_all(user)
            or bool(own_departments(user))
            or Project.objects.filter(manager=user).exists()
        )
        user._portfolio_access = cached
    return cached


def sees_whole_portfolio(user: User) -> bool:
    """The IT chief's dashboard and the report to the management group are for those who see
    every order: their figures are the whole municipality's."""
    return sees_all(user)


def can_manage_portfolio(user: User) -> bool:
    """Create projects, rank the portfolio, link orders: the change manager (§5.2.2)."""
    return is_change_manager(user)


def can_edit_project(user: User, project: Project) -> bool:
    """The change manager, and the project manager for the project's day-to-day facts."""
    return user.is_authenticated and (
        is_change_manager(user) or project.manager_id == user.pk
    )


def can_report(user: User, project: Project) -> bool:
    """Status reports are written by the project's manager."""
    return user.is_authenticated and project.manager_id == user.pk
