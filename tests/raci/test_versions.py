"""Versions of the matrix: a draft, then a published version with who published it and when;
earlier versions stay as they were, readable and comparable cell by cell."""

import pytest

from organisation.models import Role
from raci import selectors, services
from raci.models import Activity, Cell, MatrixVersion
from tests.factories import make_coordinator, make_it_chief, make_role_user

from .conftest import letters_with

pytestmark = pytest.mark.django_db

R = Role.Code
V = MatrixVersion.Status


def test_a_new_draft_is_a_copy_of_the_version_in_force_numbered_next(in_force, deputy):
    draft = services.draft_start(actor=deputy)

    assert (draft.number, draft.status, draft.based_on) == (2, V.DRAFT, in_force)
    assert selectors.version_letters(draft) == selectors.version_letters(in_force)
    assert services.draft_start(actor=deputy) == draft  # one draft at a time


def test_publishing_records_who_and_when_and_supersedes_the_version_in_force(
    publish, deputy, in_force
):
    version = publish(deputy, {("delivery-deliver", R.IT_CHIEF): "I"}, note="IT-chefen vill veta")

    in_force.refresh_from_db()
    assert (version.number, version.status, version.published_by) == (2, V.PUBLISHED, deputy)
    assert version.published_at is not None
    assert version.note == "IT-chefen vill veta"
    assert in_force.status == V.SUPERSEDED
    assert selectors.version_in_force() == version
    assert version.history.first().history_change_reason == "Publicerad"
    assert in_force.history.first().history_change_reason == "Ersatt av version 2"


def test_the_old_version_stays_intact_and_the_two_compare_cell_by_cell(publish, deputy,
                                                                        in_force, activity):
    before = selectors.version_letters(in_force)

    version = publish(deputy, {
        ("delivery-deliver", R.IT_CHIEF): "I",
        ("delivery-deliver", R.SERVICE_DESK): "",
        ("delivery-plan", R.IT_OPERATIONS_MANAGER): "I",
    })

    assert selectors.version_letters(MatrixVersion.objects.get(pk=in_force.pk)) == before
    changes = selectors.compare(in_force, version)
    assert [(c.activity.code, c.role.code, c.before, c.after, c.kind) for c in changes] == [
        ("delivery-plan", R.IT_OPERATIONS_MANAGER, "K", "I", "changed"),
        ("delivery-deliver", R.IT_CHIEF, "", "I", "added"),
        ("delivery-deliver", R.SERVICE_DESK, "I", "", "removed"),
    ]
    assert selectors.compare(in_force, in_force) == []


def test_saving_with_an_old_revision_is_refused_and_writes_nothing(in_force, deputy):
    draft = services.draft_start(actor=deputy)
    mine = letters_with(draft, {("delivery-deliver", R.IT_CHIEF): "I"})
    theirs = letters_with(draft, {("delivery-deliver", R.IT_CHIEF): "K"})
    services.draft_save(actor=deputy, version_id=draft.pk, expected_revision=draft.revision,
                        letters=theirs)

    with pytest.raises(services.StaleDraft) as refused:
        services.draft_save(actor=deputy, version_id=draft.pk,
                            expected_revision=draft.revision, letters=mine)

    assert refused.value.status_code == 409
    assert "sparade utkastet medan du ändrade i det" in refused.value.message
    assert selectors.version_letters(draft) == theirs | {}
    with pytest.raises(services.StaleDraft):
        services.draft_publish(actor=deputy, version_id=draft.pk,
                               expected_revision=draft.revision)


def test_saving_some_rows_keeps_the_others(in_force, deputy, activity):
    draft = services.draft_start(actor=deputy)
    plan = activity("delivery-plan")
    letters = letters_with(draft, {("delivery-plan", R.IT_CHIEF): "I",
                                   ("delivery-deliver", R.IT_CHIEF): "I"})

    services.draft_save(actor=deputy, version_id=draft.pk, expected_revision=draft.revision,
                        letters=letters, activity_ids=[plan.pk])

    saved = selectors.version_letters(draft)
    chief = Role.objects.get(code=R.IT_CHIEF).pk
    assert saved[(plan.pk, chief)] == "I"
    assert (activity("delivery-deliver").pk, chief) not in saved


def test_every_change_to_a_cell_is_in_the_history(in_force, deputy):
    draft = services.draft_start(actor=deputy)
    letters = letters_with(draft, {("delivery-deliver", R.IT_CHIEF): "I",
                                   ("delivery-deliver", R.SERVICE_DESK): "K",
                                   ("delivery-deliver", R.CHANGE_MANAGER): ""})

    services.draft_save(actor=deputy, version_id=draft.pk, expected_revision=draft.revision,
                        letters=letters)

    records = Cell.history.filter(version_id=draft.pk, history_user=deputy)
    kinds = sorted(records.values_list("history_type", flat=True))
    # One copied in per cell of version 1, then one added, one changed, one removed.
    assert kinds.count("+") == Cell.objects.filter(version=in_force).count() + 1
    assert kinds.count("~") == 1
    assert kinds.count("-") == 1


def test_discarding_the_draft_leaves_the_version_in_force(in_force, deputy):
    draft = services.draft_start(actor=deputy)

    services.draft_discard(actor=deputy, version_id=draft.pk, expected_revision=draft.revision)

    assert not MatrixVersion.objects.filter(status=V.DRAFT).exists()
    assert selectors.version_in_force() == in_force
    assert services.draft_start(actor=deputy).number == 2


def test_a_retired_activity_is_left_out_of_new_drafts_but_old_versions_keep_it(
    in_force, deputy, publish, activity
):
    retired = activity("desk-on-site")
    retired.is_active = False
    retired.save()

    version = publish(deputy, {})

    assert retired not in selectors.version_activities(version)
    assert retired in selectors.version_activities(in_force)
    kinds = {c.kind for c in selectors.compare(in_force, version) if c.activity == retired}
    assert kinds == {"removed"}


@pytest.mark.parametrize("who", ["coordinator", "change_manager", "orderer"])
def test_only_the_process_owner_and_the_it_chief_change_the_matrix(who, in_force, deputy,
                                                                     department):
    from tests.factories import make_change_manager, make_orderer

    person = {"coordinator": make_coordinator, "change_manager": make_change_manager,
              "orderer": lambda: make_orderer(department)}[who]()
    draft = services.draft_start(actor=deputy)

    for attempt in (
        lambda: services.draft_start(actor=person),
        lambda: services.draft_save(actor=person, version_id=draft.pk,
                                    expected_revision=draft.revision, letters={}),
        lambda: services.draft_publish(actor=person, version_id=draft.pk,
                                       expected_revision=draft.revision),
        lambda: services.draft_discard(actor=person, version_id=draft.pk,
                                       expected_revision=draft.revision),
    ):
        with pytest.raises(services.NotAllowed) as refused:
            attempt()
        assert refused.value.status_code == 403
    assert MatrixVersion.objects.get(pk=draft.pk).revision == draft.revision


def test_the_it_chief_and_a_superuser_may_edit(in_force):
    chief = make_it_chief()
    admin = make_role_user(R.SERVICE_DESK, is_superuser=True)

    draft = services.draft_start(actor=chief)
    saved, _ = services.draft_save(actor=admin, version_id=draft.pk,
                                   expected_revision=draft.revision,
                                   letters=selectors.version_letters(draft))
    services.draft_publish(actor=chief, version_id=saved.pk, expected_revision=saved.revision)

    assert selectors.version_in_force().number == 2


def test_the_draft_shows_every_activity_in_use(in_force, deputy):
    added = Activity.objects.create(code="desk-new", process="service_desk",
                                    name="Ny aktivitet", position=9999)
    draft = services.draft_start(actor=deputy)

    grid = selectors.grid(draft)

    assert added in grid.activities
    assert grid.problems[added.pk]
    assert added not in selectors.version_activities(in_force)
