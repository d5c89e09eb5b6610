"""The benchmark's data generator, at a small size: what it writes is valid and consistent,
as if the services had written it over the years (bench.dataset)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from bench.dataset import BENCH_USERS, TZ, Size, generate
from board.models import AgendaItem, Meeting
from orders.models import Comment, Order, OrderEvent, ReferenceCounter
from organisation.models import Department, OrdererRegistration, Provider, User
from organisation.selectors import _read_standing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

S = Order.Status
SIZE = Size(orders=200, departments=3, users=80, services=12, projects=6, meetings=4, seed=7)
REFERENCE = re.compile(r"^B-(\d{4})-(\d{4,})$")


@pytest.fixture(scope="module")
def built(module_transaction):
    return generate(SIZE)


@pytest.fixture
def orders(built):
    return list(Order.objects.all())


def person(role: str) -> User:
    return User.objects.get(username=BENCH_USERS[role])


def test_it_makes_what_was_asked_for(built):
    assert Order.objects.count() == SIZE.orders + 2  # and the long and the short history
    assert Department.objects.count() == SIZE.departments
    assert User.objects.count() >= SIZE.users
    assert built.counts["orders"] == SIZE.orders + 2
    assert Meeting.objects.count() == SIZE.meetings
    created = Order.objects.order_by("created_at").values_list("created_at", flat=True)
    assert created[0] > timezone.now() - timedelta(days=365 * SIZE.years + 2)
    assert created.last() <= timezone.now()


def test_every_orderer_was_on_the_register_on_the_day_or_leads_the_department(orders):
    registrations = defaultdict(list)
    for reg in OrdererRegistration.objects.all():
        registrations[(reg.department_id, reg.person_id)].append(reg)
    leads = dict(Department.objects.values_list("pk", "it_lead_id"))
    for order in orders:
        if order.orderer_id == leads[order.department_id]:
            continue
        day = timezone.localtime(order.created_at).date()
        assert any(
            reg.valid_from <= day and (reg.valid_until is None or day <= reg.valid_until)
            for reg in registrations[(order.department_id, order.orderer_id)]
        ), f"{order} was written by someone not on the register that day"


def test_the_departments_people_belong_to_today_are_those_on_the_register_today(built):
    today = timezone.localdate()
    for department in Department.objects.all():
        on_register = set(OrdererRegistration.objects.valid_on(today).filter(
            department=department).values_list("person_id", flat=True))
        assert on_register, department
        for person_id in on_register | {department.it_lead_id}:
            assert department.pk in _read_standing(User(pk=person_id)).member
    ended = OrdererRegistration.objects.exclude(
        pk__in=OrdererRegistration.objects.valid_on(today)).first()
    assert ended is not None
    if not OrdererRegistration.objects.valid_on(today).filter(
            person=ended.person, department=ended.department).exists():
        assert ended.department_id not in _read_standing(ended.person).member


def test_references_are_unique_and_gap_free_per_year_with_the_counters_set(orders):
    numbers = defaultdict(list)
    for order in orders:
        if order.status == S.DRAFT:
            assert order.reference is None and order.submitted_at is None
            continue
        year, number = REFERENCE.match(order.reference).groups()
        assert int(year) == timezone.localtime(order.submitted_at, TZ).year
        numbers[int(year)].append((order.submitted_at, int(number)))
    counters = dict(ReferenceCounter.objects.values_list("year", "last"))
    assert set(counters) == set(numbers)
    for year, taken in numbers.items():
        in_order = [number for _at, number in sorted(taken)]
        assert in_order == list(range(1, len(taken) + 1)), year
        assert counters[year] == len(taken)


def test_every_order_has_its_history_and_its_last_record_is_the_order(orders):
    records = defaultdict(list)
    for record in Order.history.order_by("history_date", "history_id"):
        records[record.id].append(record)
    for order in orders:
        mine = records[order.pk]
        assert mine[0].history_type == "+"
        assert all(r.history_type == "~" for r in mine[1:])
        assert len(mine) == order.version
        assert mine[-1].status == order.status
        assert mine[-1].reference == order.reference
        assert mine[-1].handler_id == order.handler_id


def test_states_agree_with_timestamps_and_transitions(orders):
    decided = {S.APPROVED, S.REJECTED, S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED}
    events = defaultdict(list)
    for event in OrderEvent.objects.order_by("at", "pk"):
        events[event.order_id].append(event)
    for order in orders:
        steps = [order.created_at, order.submitted_at, order.decided_at, order.delivered_at,
                 order.closed_at]
        known = [at for at in steps if at is not None]
        assert known == sorted(known), order
        assert (order.submitted_at is not None) == (order.status != S.DRAFT)
        assert (order.closed_at is not None) == (order.status == S.CLOSED)
        assert (order.decided_at is not None) == (order.status in decided)
        assert (order.delivered_at is not None) == (order.status in {S.DELIVERED, S.CLOSED})
        if order.status in {S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED}:
            assert order.provider_id and order.planned_start and order.planned_end
        if order.status == S.REJECTED:
            assert order.rejection_reason
        if order.status == S.DRAFT:
            assert not events[order.pk]
        else:
            chain = events[order.pk]
            assert chain[0].from_status == S.DRAFT and chain[-1].to_status == order.status
            assert all(a.to_status == b.from_status for a, b in zip(chain, chain[1:],
                                                                     strict=False))
            assert order.status_changed_at >= order.submitted_at


def test_the_long_and_the_short_history(built):
    long = Order.objects.get(pk=built.long_order_id)
    short = Order.objects.get(pk=built.short_order_id)
    assert long.status == short.status == S.IN_PREPARATION
    assert long.history.count() >= 190
    assert Comment.objects.filter(order=long, kind=Comment.Kind.COMMENT).count() == 100
    assert short.comments.count() == 0
    assert long.orderer == short.orderer == person("orderer")


def test_who_sees_what(orders):
    orderer, provider_user = person("orderer"), person("provider")
    department = OrdererRegistration.objects.filter(person=orderer).get().department
    expected = {o.pk for o in orders if o.department_id == department.pk and (
        o.status != S.DRAFT or o.orderer_id == orderer.pk)}
    assert set(Order.objects.visible_to(orderer).values_list("pk", flat=True)) == expected
    others = Order.objects.exclude(department=department)
    assert not Order.objects.visible_to(orderer).filter(pk__in=others).exists()
    it_unit = Provider.objects.get(members=provider_user, kind=Provider.Kind.INTERNAL)
    assert set(Order.objects.visible_to(provider_user).values_list("pk", flat=True)) == set(
        Order.objects.filter(provider=it_unit).values_list("pk", flat=True))
    assert Order.objects.visible_to(person("coordinator")).count() == len(orders)
    assert Order.objects.visible_to(person("it_lead")).filter(department=department).count() == (
        Order.objects.filter(department=department).count())


def test_meetings_hold_the_decisions_taken_at_them(built):
    adjusted = Meeting.objects.filter(status=Meeting.Status.ADJUSTED)
    assert adjusted.count() == SIZE.meetings - 2
    for meeting in adjusted.annotate(n=Count("items")):
        assert meeting.number and meeting.n >= 1
        for item in meeting.items.filter(kind=AgendaItem.Kind.ORDER):
            assert OrderEvent.objects.filter(
                order_id=item.order_id, action=f"board_{item.outcome}",
                at__date__gte=timezone.localtime(meeting.starts_at).date(),
            ).exists()
    upcoming = Meeting.objects.get(pk=built.agenda_meeting_id)
    assert upcoming.status == Meeting.Status.PLANNED and upcoming.agenda_built_at
    ready = set(Order.objects.filter(status=S.READY_FOR_DECISION).values_list("pk", flat=True))
    on_agenda = set(upcoming.items.filter(kind=AgendaItem.Kind.ORDER)
                    .values_list("order_id", flat=True))
    assert on_agenda == ready
