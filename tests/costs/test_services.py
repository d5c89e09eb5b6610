"""The writes: starting a year, its keys and figures, cost pools and publishing, each allowed
and refused; the sharing of the example year worked out by hand; and a published year that
never changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from costs import services
from costs.models import CostItem, CostPool, DepartmentEntry, KeySet
from costs.selectors import allocation_of, department_lines
from servicecatalog.models import Contract, Licence, Service
from tests import factories

from .conftest import YEAR

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def shares(allocation, code):
    kind = next(k for k in allocation.kinds if k.code == code)
    return {row.name: row.shares[allocation.kinds.index(kind)]
            for row in allocation.departments}


# --- the example year -------------------------------------------------------------------------


def test_the_draft_shares_every_kind_by_its_key_to_the_ore(draft):
    allocation = allocation_of(draft)
    assert [k.code for k in allocation.kinds][:3] == ["contracts", "licences", "projects"]
    # Contracts 365 000 by systems owned 2 : 1 : 0 = 243 333.333… and 121 666.666…; the
    # öre left over goes to the larger remainder, SOC's.
    assert shares(allocation, "contracts") == {
        "Barn- och utbildningsförvaltningen": D("243333.33"),
        "Kultur- och fritidsförvaltningen": D("0.00"),
        "Socialförvaltningen": D("121666.67")}
    assert shares(allocation, "licences") == {
        "Barn- och utbildningsförvaltningen": D("250000.00"),
        "Kultur- och fritidsförvaltningen": D("0.00"),
        "Socialförvaltningen": D("50000.00")}
    assert shares(allocation, "projects") == {
        "Barn- och utbildningsförvaltningen": D("90000.00"),
        "Kultur- och fritidsförvaltningen": D("15000.00"),
        "Socialförvaltningen": D("45000.00")}
    assert allocation.total == D("915000.00") == allocation.shared_total
    assert [row.total for row in allocation.departments] == [
        D("643333.33"), D("25000.00"), D("246666.67")]
    assert allocation.errors == []


def test_a_departments_report_shows_the_key_its_weight_and_the_weight_of_all(draft,
                                                                           department):
    allocation = allocation_of(draft)
    lines = department_lines(allocation, allocation.department(department.pk))
    contracts = lines[0]
    assert (contracts.kind.basis_label, contracts.weight, contracts.weight_total) == (
        "Ägda system", 2, 3)
    assert contracts.percent == D("66.67")
    assert contracts.amount == D("243333.33")
    assert sum(line.amount for line in lines) == D("643333.33")


# --- starting a year ----------------------------------------------------------------------------


def test_the_it_chief_and_the_deputy_start_a_year(it_chief, deputy):
    assert services.key_set_create(actor=it_chief, year=2025).is_draft
    assert services.key_set_create(actor=deputy, year=2026).based_on.year == 2025


@pytest.mark.parametrize("who", ["it_lead", "coordinator", "change_manager", "orderer",
                                 "outsider"])
def test_nobody_else_starts_a_year(request, who):
    with pytest.raises(services.NotAllowed) as refused:
        services.key_set_create(actor=request.getfixturevalue(who), year=2025)
    assert refused.value.status_code == 403
    assert refused.value.message == "IT:s kostnader och fördelningsnycklar förs av IT-chefen."
    assert not KeySet.objects.exists()


def test_a_year_is_started_once_and_within_range(it_chief):
    services.key_set_create(actor=it_chief, year=2025)
    with pytest.raises(services.CostError) as twice:
        services.key_set_create(actor=it_chief, year=2025)
    assert (twice.value.message, twice.value.field) == ("Året 2025 är redan påbörjat.", "year")
    with pytest.raises(services.CostError) as outside:
        services.key_set_create(actor=it_chief, year=1999)
    assert outside.value.message == "Ange ett år från 2000 till 2100."


def test_a_new_year_starts_from_the_latest_earlier_years_keys_pools_and_figures(
        published, it_chief, department, third_department):
    third_department.is_active = False
    third_department.save()
    following = services.key_set_create(actor=it_chief, year=YEAR + 1)
    assert following.based_on == published
    assert (following.contracts_basis, following.projects_basis) == ("systems", "users")
    assert [(p.name, p.amount, p.basis) for p in following.pools.all()] == [
        ("Nätverk", D("100000.00"), "users")]
    entries = {e.department_id: (e.users, e.fixed_share) for e in following.entries.all()}
    assert entries[department.pk] == (600, D("50.00"))
    assert third_department.pk not in entries
    assert following.entries.filter(licences_held__isnull=False).count() == 0


# --- keys and figures -------------------------------------------------------------------------


def figures(department, other_department, third_department, shares=(50, 30, 20)):
    return {department.pk: (10, D(shares[0])), other_department.pk: (10, D(shares[1])),
            third_department.pk: (10, D(shares[2]))}


def test_the_keys_and_figures_are_saved_with_their_history(draft, it_chief, department,
                                                           other_department,
                                                           third_department):
    services.key_set_update(
        key_set_id=draft.pk, actor=it_chief, revision=draft.revision,
        data={"contracts_basis": "fixed", "licences_basis": "orders",
              "projects_basis": "users", "note": ""},
        entries=figures(department, other_department, third_department, (60, 25, 15)))
    draft.refresh_from_db()
    assert (draft.contracts_basis, draft.licences_basis) == ("fixed", "orders")
    assert DepartmentEntry.objects.get(key_set=draft, department=department).fixed_share == 60
    record = draft.history.first()
    assert (record.history_user, record.history_change_reason) == (it_chief, "Nycklar sparade")


def test_fixed_shares_in_use_must_add_up_to_100(draft, it_chief, department,
                                                 other_department, third_department):
    with pytest.raises(services.CostError) as refused:
        services.key_set_update(
            key_set_id=draft.pk, actor=it_chief, revision=draft.revision,
            data={"contracts_basis": "fixed"},
            entries=figures(department, other_department, third_department, (50, 30, 7.5)))
    assert refused.value.message == (
        "De fasta andelarna är tillsammans 87,50 %; de ska vara tillsammans 100 %.")
    draft.refresh_from_db()
    assert draft.contracts_basis == "systems"


def test_unused_fixed_shares_may_be_left_at_zero_but_never_half_entered(
        draft, it_chief, department, other_department, third_department):
    services.key_set_update(key_set_id=draft.pk, actor=it_chief, revision=draft.revision,
                            data={}, entries=figures(department, other_department,
                                                     third_department, (0, 0, 0)))
    draft.refresh_from_db()
    with pytest.raises(services.CostError):
        services.key_set_update(key_set_id=draft.pk, actor=it_chief, revision=draft.revision,
                                data={}, entries=figures(department, other_department,
                                                         third_department, (40, 0, 0)))


def test_a_form_opened_before_someone_saved_is_refused(draft, it_chief, deputy):
    services.key_set_update(key_set_id=draft.pk, actor=deputy, revision=draft.revision,
                            data={"note": "Först"}, entries={})
    with pytest.raises(services.StaleRevision) as stale:
        services.key_set_update(key_set_id=draft.pk, actor=it_chief, revision=draft.revision,
                                data={"note": "Sedan"}, entries={})
    assert stale.value.status_code == 409
    draft.refresh_from_db()
    assert draft.note == "Först"


def test_an_it_lead_cannot_change_the_keys(draft, it_lead):
    with pytest.raises(services.NotAllowed):
        services.key_set_update(key_set_id=draft.pk, actor=it_lead, revision=draft.revision,
                                data={"note": "x"}, entries={})


# --- cost pools -----------------------------------------------------------------------------


def test_a_cost_pool_is_added_edited_and_removed(draft, it_chief):
    pool = services.cost_pool_create(key_set_id=draft.pk, actor=it_chief,
                                     revision=draft.revision,
                                     data={"name": "Servicedesk", "amount": D("50000.50"),
                                           "basis": "systems", "description": ""})
    draft.refresh_from_db()
    services.cost_pool_update(pool_id=pool.pk, actor=it_chief, revision=draft.revision,
                              data={"amount": D("60000.00")})
    draft.refresh_from_db()
    assert CostPool.objects.get(pk=pool.pk).amount == D("60000.00")
    services.cost_pool_delete(pool_id=pool.pk, actor=it_chief, revision=draft.revision)
    assert not CostPool.objects.filter(pk=pool.pk).exists()
    assert CostPool.history.filter(id=pool.pk, history_type="-").exists()


def test_a_cost_pool_is_refused_a_taken_name_a_negative_amount_or_unready_fixed_shares(
        draft, it_chief):
    def add(**data):
        draft.refresh_from_db()
        return services.cost_pool_create(key_set_id=draft.pk, actor=it_chief,
                                         revision=draft.revision,
                                         data={"name": "Drift", "amount": D("1.00"),
                                               "basis": "users", **data})

    with pytest.raises(services.CostError) as taken:
        add(name="Nätverk")
    assert taken.value.message == "Året har redan en kostnadspost med det namnet."
    with pytest.raises(services.CostError) as negative:
        add(amount=D("-1.00"))
    assert negative.value.message == "Beloppet kan inte vara negativt."
    # The draft's fixed shares add up to 100: a pool may be shared by them.
    assert add(basis="fixed").basis == "fixed"


def test_no_pool_is_shared_by_fixed_shares_that_do_not_add_up(world, it_chief):
    key_set = services.key_set_create(actor=it_chief, year=YEAR)
    with pytest.raises(services.CostError) as refused:
        services.cost_pool_create(key_set_id=key_set.pk, actor=it_chief,
                                  revision=key_set.revision,
                                  data={"name": "Drift", "amount": D("1.00"), "basis": "fixed"})
    assert refused.value.field == "basis"


# --- publishing ---------------------------------------------------------------------------


def test_publishing_fixes_the_year_with_its_costs_and_counted_weights(published, it_chief,
                                                                      department):
    assert published.status == KeySet.Status.PUBLISHED
    assert (published.published_by, published.total, published.department_count) == (
        it_chief, D("915000.00"), 3)
    assert CostItem.objects.filter(key_set=published).count() == 4
    entry = DepartmentEntry.objects.get(key_set=published, department=department)
    assert (entry.licences_held, entry.systems_owned, entry.orders_delivered) == (500, 2, 1)
    assert published.history.first().history_change_reason == "Fastställd"


def test_a_published_year_reads_the_same_whatever_happens_to_its_sources(published,
                                                                         department):
    before = allocation_of(published)
    Contract.objects.update(value=D("9999999.00"))
    Licence.objects.update(yearly_cost=D("1.00"))
    Service.objects.filter(department=department).update(department=None)
    after = allocation_of(published)
    assert [k.total for k in after.kinds] == [k.total for k in before.kinds]
    assert [r.shares for r in after.departments] == [r.shares for r in before.departments]


def test_a_published_year_is_never_changed_again(published, it_chief):
    pool = published.pools.get()
    attempts = [
        lambda: services.key_set_update(key_set_id=published.pk, actor=it_chief,
                                        revision=published.revision, data={"note": "x"},
                                        entries={}),
        lambda: services.cost_pool_create(key_set_id=published.pk, actor=it_chief,
                                          revision=published.revision,
                                          data={"name": "Ny", "amount": D("1.00"),
                                                "basis": "users"}),
        lambda: services.cost_pool_update(pool_id=pool.pk, actor=it_chief,
                                          revision=published.revision,
                                          data={"amount": D("1.00")}),
        lambda: services.cost_pool_delete(pool_id=pool.pk, actor=it_chief,
                                          revision=published.revision),
        lambda: services.key_set_publish(key_set_id=published.pk, actor=it_chief,
                                         revision=published.revision),
    ]
    for attempt in attempts:
        with pytest.raises(services.InvalidTransition) as refused:
            attempt()
        assert refused.value.message == "Året 2025 är fastställt och kan inte längre ändras."
    assert published.pools.get().amount == D("100000.00")


@pytest.mark.parametrize("who", ["it_lead", "coordinator", "change_manager"])
def test_only_the_it_chief_and_deputy_publish(draft, request, who):
    with pytest.raises(services.NotAllowed):
        services.key_set_publish(key_set_id=draft.pk, actor=request.getfixturevalue(who),
                                 revision=draft.revision)
    draft.refresh_from_db()
    assert draft.is_draft


def test_the_deputy_publishes(draft, deputy):
    assert services.key_set_publish(key_set_id=draft.pk, actor=deputy,
                                    revision=draft.revision).published_by == deputy


def test_a_cost_that_cannot_be_shared_stops_publishing_with_a_clear_message(draft, it_chief):
    Service.objects.update(department=None)  # no department owns a system any more
    with pytest.raises(services.CostError) as refused:
        services.key_set_publish(key_set_id=draft.pk, actor=it_chief, revision=draft.revision)
    assert refused.value.message == (
        "Avtal kan inte fördelas efter ”Ägda system”: alla förvaltningar har vikten 0. "
        "Licenser kan inte fördelas efter ”Innehavda licenser”: alla förvaltningar har "
        "vikten 0.")
    draft.refresh_from_db()
    assert draft.is_draft
    assert not CostItem.objects.exists()


def test_publishing_from_a_page_older_than_the_draft_is_refused(draft, it_chief):
    with pytest.raises(services.StaleRevision):
        services.key_set_publish(key_set_id=draft.pk, actor=it_chief,
                                 revision=draft.revision - 1)


def test_a_department_that_is_no_longer_active_takes_no_part_in_the_published_year(
        draft, it_chief, third_department):
    third_department.is_active = False
    third_department.save()
    published = services.key_set_publish(key_set_id=draft.pk, actor=it_chief,
                                          revision=draft.revision)
    assert not published.entries.filter(department=third_department).exists()
    allocation = allocation_of(published)
    assert allocation.total == allocation.shared_total == D("915000.00")
    assert published.department_count == 2


def test_a_new_department_takes_part_in_the_draft_at_once(draft):
    new = factories.DepartmentFactory(name="Nya förvaltningen", short_name="NY")
    allocation = allocation_of(draft)
    row = allocation.department(new.pk)
    assert row is not None and row.total == D("0.00")
    assert allocation.total == allocation.shared_total
