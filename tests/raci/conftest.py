"""Fixtures for the HUKI matrix.

    deputy          the deputy IT chief: the process owner, who edits and publishes the matrix
    in_force        the version in force (the default matrix, version 1, unless a test
                    published another)
    activity        `activity("ordering-submit")`: an activity by its code
    role            `role("change_manager")`: a role by its code
    publish         `publish(deputy, {("delivery-deliver", "it_chief"): "I"})`: a new version
                    with those cells changed ("" empties one), published and returned
    draft_with      the same, saved as a draft and not published

The default matrix is written by migrate's post_migrate; `ensure_matrix` writes it again
where a transactional test's flush removed it.
"""

from __future__ import annotations

import pytest

from organisation.models import Role
from raci import selectors, services
from raci.defaults import default_seed
from raci.models import Activity, MatrixVersion
from tests.factories import ensure_roles, make_role_user


def ensure_matrix() -> MatrixVersion:
    ensure_roles()
    default_seed()
    return MatrixVersion.objects.get(status=MatrixVersion.Status.PUBLISHED)


@pytest.fixture
def in_force(db) -> MatrixVersion:
    return ensure_matrix()


@pytest.fixture
def deputy(db):
    return make_role_user(Role.Code.DEPUTY_IT_CHIEF, username="deputy", first_name="Fredrik",
                          last_name="Lund")


@pytest.fixture
def activity(in_force):
    return lambda code: Activity.objects.get(code=code)


@pytest.fixture
def role(db):
    ensure_roles()
    return lambda code: Role.objects.get(code=code)


def letters_with(version: MatrixVersion, changes: dict[tuple[str, str], str]) -> dict:
    letters = selectors.version_letters(version)
    activities = {a.code: a.pk for a in Activity.objects.all()}
    roles = {r.code: r.pk for r in Role.objects.all()}
    for (activity_code, role_code), letter in changes.items():
        letters[(activities[activity_code], roles[role_code])] = letter
    return letters


def save_draft(actor, changes: dict[tuple[str, str], str]):
    draft = services.draft_start(actor=actor)
    saved, problems = services.draft_save(
        actor=actor, version_id=draft.pk, expected_revision=draft.revision,
        letters=letters_with(draft, changes),
    )
    return saved, problems


@pytest.fixture
def draft_with(in_force):
    return save_draft


@pytest.fixture
def publish(in_force):
    def publish(actor, changes: dict[tuple[str, str], str], note: str = "") -> MatrixVersion:
        draft, problems = save_draft(actor, changes)
        assert problems == {}, problems
        return services.draft_publish(actor=actor, version_id=draft.pk,
                                      expected_revision=draft.revision, note=note)

    return publish
