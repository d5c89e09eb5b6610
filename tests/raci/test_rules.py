"""The rules of the matrix: exactly one H per activity, held by a role that acts on it, and at
least one U. A draft may break them while it is edited; it cannot be published."""

import pytest

from orders.models import Order
from orders.services import TRANSITIONS
from organisation.models import Role
from raci import flow, selectors, services
from raci.defaults import DEFAULT_ACTIVITIES
from raci.models import Activity, MatrixVersion
from raci.rules import matrix_problems

pytestmark = pytest.mark.django_db

R = Role.Code
NO_H = "Ingen roll är huvudansvarig (H): markera exakt en."
NO_U = "Ingen roll är utförare (U): markera minst en."


def problems_of(draft, code):
    activity = Activity.objects.get(code=code)
    return selectors.grid(draft).problems.get(activity.pk, [])


def test_the_default_matrix_is_in_force_as_version_one_and_keeps_every_rule(in_force, deputy):
    assert (in_force.number, in_force.status) == (1, MatrixVersion.Status.PUBLISHED)
    assert set(Activity.objects.values_list("code", flat=True)) == {
        spec.code for spec in DEFAULT_ACTIVITIES
    }
    draft = services.draft_start(actor=deputy)
    assert selectors.grid(draft).problems == {}


def test_the_default_matrix_gives_every_role_a_letter_and_names_activities_in_swedish(in_force):
    letters = selectors.version_letters(in_force)
    assert {role_id for _activity, role_id in letters} == set(
        Role.objects.values_list("pk", flat=True)
    )
    assert Activity.objects.get(code="ordering-submit").name == "Skicka in beställningen"


def test_an_activity_without_an_accountable_role_cannot_be_published(draft_with, deputy,
                                                                       in_force):
    draft, problems = draft_with(deputy, {("ordering-submit", R.DEPARTMENT_IT_LEAD): ""})

    assert problems_of(draft, "ordering-submit") == [NO_H]
    with pytest.raises(services.InvalidMatrix) as refused:
        services.draft_publish(actor=deputy, version_id=draft.pk,
                               expected_revision=draft.revision)
    assert refused.value.message == (
        "1 aktivitet behöver rättas innan utkastet kan publiceras."
    )
    assert refused.value.problems == problems
    draft.refresh_from_db()
    assert draft.status == MatrixVersion.Status.DRAFT
    assert MatrixVersion.objects.get(status="published") == in_force


def test_two_accountable_roles_are_refused_with_both_named(draft_with, deputy):
    draft, _ = draft_with(deputy, {("preparation-estimate", R.IT_COORDINATOR): "H"})

    assert problems_of(draft, "preparation-estimate") == [
        "2 roller är huvudansvariga (H): IT-samordnare, Ändringsansvarig. "
        "Exakt en får vara det."
    ]
    with pytest.raises(services.InvalidMatrix):
        services.draft_publish(actor=deputy, version_id=draft.pk,
                               expected_revision=draft.revision)


def test_an_activity_without_a_responsible_role_cannot_be_published(draft_with, deputy):
    draft, problems = draft_with(deputy, {("ordering-submit", R.ORDERER): "I"})

    assert problems_of(draft, "ordering-submit") == [NO_U]
    assert list(problems.values()) == [[NO_U]]
    with pytest.raises(services.InvalidMatrix):
        services.draft_publish(actor=deputy, version_id=draft.pk,
                               expected_revision=draft.revision)


def test_a_role_that_does_not_act_on_an_activity_is_flagged_as_accountable(draft_with, deputy):
    draft, _ = draft_with(deputy, {
        ("ordering-submit", R.DEPARTMENT_IT_LEAD): "",
        ("ordering-submit", R.CHANGE_MANAGER): "H",
    })

    assert problems_of(draft, "ordering-submit") == [
        "Ändringsansvarig kan inte vara huvudansvarig (H) här: rollen agerar inte i den här "
        "aktiviteten. Kan vara huvudansvarig: Behörig beställare, Samordnande IT-ansvarig."
    ]
    with pytest.raises(services.InvalidMatrix):
        services.draft_publish(actor=deputy, version_id=draft.pk,
                               expected_revision=draft.revision)


def test_an_empty_row_breaks_both_rules(in_force):
    activity = Activity.objects.get(code="delivery-plan")
    roles = list(Role.objects.all())

    assert matrix_problems([activity], roles, {}) == {activity.pk: [NO_H, NO_U]}


def test_a_cell_holds_only_a_huki_letter(draft_with, deputy, in_force):
    draft = services.draft_start(actor=deputy)
    key = next(iter(selectors.version_letters(draft)))

    with pytest.raises(services.MatrixError, match="H, U, K, I eller ingenting"):
        services.draft_save(actor=deputy, version_id=draft.pk,
                            expected_revision=draft.revision, letters={key: "A"})


def test_a_draft_that_is_corrected_can_be_published(draft_with, deputy):
    draft, _ = draft_with(deputy, {("ordering-submit", R.ORDERER): ""})
    letters = selectors.version_letters(draft)
    letters[(Activity.objects.get(code="ordering-submit").pk,
             Role.objects.get(code=R.ORDERER).pk)] = "U"

    saved, problems = services.draft_save(actor=deputy, version_id=draft.pk,
                                          expected_revision=draft.revision, letters=letters)
    version = services.draft_publish(actor=deputy, version_id=saved.pk,
                                     expected_revision=saved.revision)

    assert problems == {}
    assert version.status == MatrixVersion.Status.PUBLISHED


# --- the order flow's steps are activities of the matrix -----------------------------------


def test_every_transition_of_the_order_flow_is_an_activity_of_the_matrix(in_force):
    codes = set(Activity.objects.values_list("code", flat=True))

    assert set(flow.ACTION_ACTIVITY) == set(TRANSITIONS)
    assert set(flow.ACTION_ACTIVITY.values()) <= codes
    assert set(flow.STATUS_STEP.values()) <= codes
    open_states = {s for s in Order.Status.values
                   if s not in {"closed", "rejected", "withdrawn"}}
    assert set(flow.STATUS_STEP) == open_states


# Who the product lets take each step (orders.services.TRANSITIONS): the default matrix gives
# every step's U to those roles, and lets only roles acting on the step hold its H.
PERFORMERS = {
    "ordering-submit": {R.ORDERER, R.DEPARTMENT_IT_LEAD},
    "ordering-supplement": {R.ORDERER, R.DEPARTMENT_IT_LEAD},
    "ordering-withdraw": {R.ORDERER, R.DEPARTMENT_IT_LEAD},
    "delivery-accept": {R.ORDERER, R.DEPARTMENT_IT_LEAD},
    "delivery-deviation": {R.ORDERER, R.DEPARTMENT_IT_LEAD},
    "preparation-take-on": {R.IT_COORDINATOR, R.REQUIREMENTS_ANALYST, R.IT_ARCHITECT,
                            R.DELIVERY_MANAGER, R.CHANGE_MANAGER},
    "preparation-request-supplement": {R.IT_COORDINATOR, R.REQUIREMENTS_ANALYST,
                                       R.IT_ARCHITECT, R.DELIVERY_MANAGER, R.CHANGE_MANAGER},
    "preparation-brief": {R.IT_COORDINATOR, R.REQUIREMENTS_ANALYST, R.IT_ARCHITECT,
                          R.DELIVERY_MANAGER, R.CHANGE_MANAGER},
    "delivery-plan": {R.IT_COORDINATOR, R.REQUIREMENTS_ANALYST, R.IT_ARCHITECT,
                      R.DELIVERY_MANAGER, R.CHANGE_MANAGER},
    "decision-board": {R.CHANGE_MANAGER},
    "decision-delegated": {R.CHANGE_MANAGER},
    "delivery-start": {R.PROVIDER},
    "delivery-deliver": {R.PROVIDER},
}


@pytest.mark.parametrize("code", sorted(PERFORMERS))
def test_the_default_matrix_gives_each_order_step_to_the_roles_that_can_take_it(code, in_force):
    assert set(PERFORMERS) == flow.ORDER_STEP_CODES
    activity = Activity.objects.get(code=code)
    letters = {
        role.code: letter
        for (activity_id, role_id), letter in selectors.version_letters(in_force).items()
        if activity_id == activity.pk
        for role in [Role.objects.get(pk=role_id)]
    }
    responsible = {code for code, letter in letters.items() if letter == "U"}
    assert responsible and responsible <= PERFORMERS[code]
    accountable = {code for code, letter in letters.items() if letter == "H"}
    may_lead = set(activity.accountable_roles.values_list("code", flat=True))
    assert accountable <= may_lead
