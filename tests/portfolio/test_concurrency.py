"""The ranked portfolio and a project edited by two people at the same moment (PostgreSQL:
SQLite serialises every writer, so it cannot show that the row locks do their work)."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio import services
from portfolio.models import PortfolioEntry, Project, RankChange
from tests.concurrency import as_user, run_together
from tests.factories import DepartmentFactory, make_change_manager

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def projects(manager, names):
    department = DepartmentFactory()
    return [
        services.project_create(actor=manager, data={
            "name": name, "sponsor_department": department, "manager": manager,
            "planned_start": date(2026, 1, 1), "planned_end": date(2026, 6, 30),
        })
        for name in names
    ]


def test_two_moves_that_cross_each_other_at_once_apply_one_and_refuse_the_other():
    manager = make_change_manager()
    a, _b, c = projects(manager, "ABC")
    entry_a = PortfolioEntry.objects.get(project=a)
    entry_c = PortfolioEntry.objects.get(project=c)
    moves = [(entry_a.pk, 3, 1), (entry_c.pk, 1, 3)]  # (entry, to, the place the user saw)

    results = run_together(2, lambda i: services.portfolio_move(
        entry_id=moves[i][0], actor=as_user(manager), to_rank=moves[i][1],
        reason=f"Flytt {i}", expected_rank=moves[i][2]))

    refused = [r for r in results if isinstance(r, services.StaleVersion)]
    assert len(refused) == 1, results
    ranks = list(PortfolioEntry.objects.order_by("rank").values_list("rank", flat=True))
    assert ranks == [1, 2, 3]
    assert RankChange.objects.filter(from_rank__isnull=False).count() == 1


def test_two_saves_of_the_same_project_version_at_once_keep_one():
    manager = make_change_manager()
    (project,) = projects(manager, ["Ett"])
    phases = ["planning", "closing"]

    results = run_together(2, lambda i: services.project_update(
        project_id=project.pk, actor=as_user(manager), data={"phase": phases[i]},
        expected_version=project.version))

    assert sum(isinstance(r, services.StaleVersion) for r in results) == 1, results
    saved = Project.objects.get(pk=project.pk)
    assert saved.phase in phases
    assert saved.version == project.version + 1
