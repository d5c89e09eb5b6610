"""The catalogue's reminder scanners: the yearly review of management plans and the notice
dates of contracts. Each reminder is queued once, on the right day in Europe/Stockholm,
however often the scanner runs, and with several scanners at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from organisation.models import Role
from servicecatalog import plans, reminders, tasks
from servicecatalog.models import Contract, ManagementPlan, Service, Supplier
from tests.amounts import shows_amount
from tests.concurrency import run_together
from tests.factories import UserFactory, ensure_roles, make_role_user
from tyreso_it.celery import app as celery_app
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")


def local(*args) -> datetime:
    """A moment on Stockholm's wall clock."""
    return datetime(*args, tzinfo=STOCKHOLM)


def messages(prefix: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(dedupe_key__startswith=prefix).order_by("pk"))


def keys(prefix: str) -> list[str]:
    return [m.dedupe_key for m in messages(prefix)]


# --- yearly review of management plans ---------------------------------------------------


@pytest.fixture
def manager(db):
    return UserFactory(username="forvaltare", email="forvaltare@tyreso.se")


@pytest.fixture
def owner(db):
    return UserFactory(username="agare", email="agare@tyreso.se")


@pytest.fixture
def system(owner, manager):
    return Service.objects.create(name="Lönesystemet", system_owner=owner,
                                  system_manager=manager, review_month=10)


def review_keys(system, year=2026):
    return [f"plan-review:{system.pk}:{year}:1", f"plan-review:{system.pk}:{year}:2"]


def test_the_system_manager_is_reminded_on_the_first_of_the_review_month_in_stockholm(system):
    # 23:59 on 30 September in Stockholm: not yet.
    assert reminders.plan_reminders_send(local(2026, 9, 30, 23, 59)) == 0
    # 00:05 on 1 October in Stockholm is still 30 September in UTC: due all the same.
    moment = local(2026, 10, 1, 0, 5)
    assert moment.astimezone(UTC).date() == date(2026, 9, 30)
    assert reminders.plan_reminders_send(moment) == 1
    [message] = messages("plan-review:")
    assert message.dedupe_key == review_keys(system)[0]
    assert message.recipients == ["forvaltare@tyreso.se"]
    assert "Lönesystemet" in message.subject and "2026" in message.subject
    assert reminders.service_plans_path(system) in message.body
    # Running again, the same day or later in the month, queues nothing.
    assert reminders.plan_reminders_send(moment) == 0
    assert reminders.plan_reminders_send(local(2026, 10, 30, 23, 0)) == 0
    assert keys("plan-review:") == review_keys(system)[:1]


def test_a_second_reminder_comes_thirty_days_later_and_then_no_more(system):
    reminders.plan_reminders_send(local(2026, 10, 1, 8))
    assert reminders.plan_reminders_send(local(2026, 10, 30, 23, 59)) == 0
    assert reminders.plan_reminders_send(local(2026, 10, 31, 0, 1)) == 1
    assert reminders.plan_reminders_send(local(2026, 10, 31, 12)) == 0
    for day in (local(2026, 11, 15, 8), local(2026, 12, 31, 8), local(2027, 2, 1, 8)):
        assert reminders.plan_reminders_send(day) == 0
    assert keys("plan-review:") == review_keys(system)
    second = messages("plan-review:")[1]
    assert second.subject != messages("plan-review:")[0].subject


def test_an_approved_plan_stops_the_reminders(system, owner):
    reminders.plan_reminders_send(local(2026, 10, 1, 8))
    plan = plans.plan_create(service=system, year=2026, actor=owner,
                             data={"goals": "Mål", "activities": "Aktiviteter"})
    plans.plan_approve(plan_id=plan.pk, actor=owner)
    assert reminders.plan_reminders_send(local(2026, 10, 31, 8)) == 0
    assert keys("plan-review:") == review_keys(system)[:1]


def test_a_draft_plan_is_reminded_with_a_link_to_it(system, owner):
    plan = plans.plan_create(service=system, year=2026, actor=owner)
    reminders.plan_reminders_send(local(2026, 10, 2, 8))
    [message] = messages("plan-review:")
    assert plan.get_absolute_url() in message.body


def test_last_years_approved_plan_does_not_count_for_this_year(system, owner):
    plan = plans.plan_create(service=system, year=2025, actor=owner,
                             data={"goals": "Mål", "activities": "Aktiviteter"})
    plans.plan_approve(plan_id=plan.pk, actor=owner)
    assert reminders.plan_reminders_send(local(2026, 10, 1, 8)) == 1


def test_without_a_system_manager_the_owner_is_reminded(system):
    system.system_manager = None
    system.save()
    reminders.plan_reminders_send(local(2026, 10, 1, 8))
    assert messages("plan-review:")[0].recipients == ["agare@tyreso.se"]


def test_a_system_without_owner_or_manager_or_out_of_use_is_not_reminded(owner):
    Service.objects.create(name="Ingen ansvarig", review_month=10)
    Service.objects.create(name="Avvecklad", review_month=10, system_owner=owner,
                           lifecycle=Service.Lifecycle.RETIRED)
    Service.objects.create(name="Planerad", review_month=10, system_owner=owner,
                           lifecycle=Service.Lifecycle.PLANNED)
    assert reminders.plan_reminders_send(local(2026, 10, 1, 8)) == 0


def test_a_scanner_that_was_down_sends_only_the_step_that_is_due_now(system, owner):
    other = Service.objects.create(name="Ekonomisystemet", system_owner=owner, review_month=10)
    # Down on 1 October; back on the 20th: the first reminder, late.
    assert reminders.plan_reminders_send(local(2026, 10, 20, 8)) == 2
    # The other system's scanner run was missed until November: only the second one.
    OutboxMessage.objects.filter(dedupe_key__startswith=f"plan-review:{other.pk}:").delete()
    assert reminders.plan_reminders_send(local(2026, 11, 5, 8)) == 2
    assert set(keys("plan-review:")) == {
        *review_keys(system), review_keys(other)[1]}


def test_decembers_second_reminder_is_caught_up_in_january(system):
    system.review_month = 12
    system.save()
    reminders.plan_reminders_send(local(2026, 12, 1, 8))
    # 31 December was missed; on 2 January the 2026 plan's second reminder is still sent.
    assert reminders.plan_reminders_send(local(2027, 1, 2, 8)) == 1
    assert keys("plan-review:") == review_keys(system)


# --- notice dates of contracts -----------------------------------------------------------


@pytest.fixture
def delivery_manager(db):
    return UserFactory(username="leverans", email="helena.strand@tyreso.se")


@pytest.fixture
def role_people(db):
    ensure_roles()
    return [
        make_role_user(Role.Code.DELIVERY_MANAGER, username="roll1", email="roll1@tyreso.se"),
        make_role_user(Role.Code.DELIVERY_MANAGER, username="roll2", email="roll2@tyreso.se"),
    ]


@pytest.fixture
def supplier(db):
    return Supplier.objects.create(name="Lönebolaget AB", contact_email="avtal@lonebolaget.se")


@pytest.fixture
def contract(supplier, delivery_manager, role_people):
    # Notice date 27 July 2026: 120 days before is 29 March 2026, the night Stockholm
    # moves its clocks from 02:00 to 03:00 (summer time starts).
    contract = Contract.objects.create(
        supplier=supplier, title="Lönesystem", starts_on=date(2023, 1, 28),
        ends_on=date(2027, 1, 27), notice_months=6, delivery_manager=delivery_manager,
        renewal_terms="Förlängs två år om det inte sägs upp.", value=Decimal("900000"),
    )
    assert contract.notice_date == date(2026, 7, 27)
    assert contract.notice_date - timedelta(days=120) == date(2026, 3, 29)
    return contract


def notice_key(contract, days):
    return f"contract-notice:{contract.pk}:20260727:{days}"


def test_the_120_day_reminder_comes_on_the_day_summer_time_starts(contract):
    assert reminders.contract_reminders_send(local(2026, 3, 28, 23, 59)) == 0
    # 00:30 in Stockholm on 29 March is 23:30 UTC on 28 March (UTC+1 until 02:00).
    moment = local(2026, 3, 29, 0, 30)
    assert moment.astimezone(UTC).date() == date(2026, 3, 28)
    assert reminders.contract_reminders_send(moment) == 1
    # 03:30 the same night (after the clocks moved) and the next day: nothing more.
    assert reminders.contract_reminders_send(local(2026, 3, 29, 3, 30)) == 0
    assert reminders.contract_reminders_send(local(2026, 3, 30, 8)) == 0
    [message] = messages("contract-notice:")
    assert message.dedupe_key == notice_key(contract, 120)
    assert message.recipients == ["helena.strand@tyreso.se", "roll1@tyreso.se",
                                  "roll2@tyreso.se"]
    assert "avtal@lonebolaget.se" not in message.recipients
    assert "27 juli 2026" in message.subject
    assert "Lönesystem" in message.subject and "Lönebolaget AB" in message.subject
    assert "120 dagar" in message.body
    assert "Uppsägningstid: 6 månader." in message.body
    assert "Förlängs två år" in message.body
    assert contract.get_absolute_url() in message.body
    assert not shows_amount(900000, message.body)  # the value stays out of email


def test_a_notice_period_of_one_month_is_written_in_the_singular(supplier, delivery_manager,
                                                                  role_people):
    Contract.objects.create(supplier=supplier, title="Kort avtal", starts_on=date(2024, 1, 1),
                            ends_on=date(2026, 8, 27), notice_months=1,
                            delivery_manager=delivery_manager)
    assert reminders.contract_reminders_send(local(2026, 6, 27, 8)) == 1  # 30 days before
    [message] = messages("contract-notice:")
    assert "Uppsägningstid: 1 månad." in message.body


def test_each_step_is_sent_once_on_its_day(contract):
    days = {120: date(2026, 3, 29), 60: date(2026, 5, 28), 30: date(2026, 6, 27)}
    for step, day in days.items():
        before = local(day.year, day.month, day.day, 0, 0) - timedelta(minutes=1)
        assert reminders.contract_reminders_send(before) == 0, step
        for hour in (0, 6, 23):
            reminders.contract_reminders_send(local(day.year, day.month, day.day, hour))
        assert keys("contract-notice:")[-1] == notice_key(contract, step)
    # Up to and on the notice date: nothing more; after it: nothing at all.
    for moment in (local(2026, 7, 20, 8), local(2026, 7, 27, 23, 59), local(2026, 7, 28, 8)):
        assert reminders.contract_reminders_send(moment) == 0
    assert keys("contract-notice:") == [notice_key(contract, d) for d in (120, 60, 30)]


def test_a_scanner_that_was_down_sends_the_latest_step_late_but_never_a_stale_one(contract):
    # Down from before the 120-day day until 45 days before: only the 60-day reminder.
    assert reminders.contract_reminders_send(local(2026, 6, 12, 8)) == 1
    assert keys("contract-notice:") == [notice_key(contract, 60)]
    # Down again over the 30-day day: it comes late, up to the notice date itself.
    assert reminders.contract_reminders_send(local(2026, 7, 27, 16)) == 1
    assert keys("contract-notice:") == [notice_key(contract, 60), notice_key(contract, 30)]


def test_a_reminder_is_not_sent_once_the_notice_date_has_passed(contract):
    assert reminders.contract_reminders_send(local(2026, 7, 28, 0, 1)) == 0
    assert keys("contract-notice:") == []


def test_a_terminated_contract_gets_no_reminders(contract):
    contract.is_terminated = True
    contract.save()
    for moment in (local(2026, 3, 29, 8), local(2026, 5, 28, 8), local(2026, 7, 1, 8)):
        assert reminders.contract_reminders_send(moment) == 0


def test_a_moved_end_date_gets_reminders_for_its_new_notice_date(contract):
    reminders.contract_reminders_send(local(2026, 3, 29, 8))
    contract.ends_on = date(2027, 2, 27)  # notice date 27 August 2026
    contract.save()
    assert reminders.contract_reminders_send(local(2026, 4, 29, 8)) == 1
    assert keys("contract-notice:")[-1] == f"contract-notice:{contract.pk}:20260827:120"


def test_the_steps_come_from_the_settings(contract, settings):
    settings.CONTRACT_NOTICE_REMINDER_DAYS = (90, 14)
    assert reminders.contract_reminders_send(local(2026, 3, 29, 8)) == 0
    assert reminders.contract_reminders_send(local(2026, 4, 28, 8)) == 1  # 90 days before
    assert keys("contract-notice:") == [f"contract-notice:{contract.pk}:20260727:90"]


def test_the_end_of_summer_time_does_not_move_the_day(supplier, delivery_manager):
    # Notice date 24 November 2026: 30 days before is 25 October, when the clocks go back.
    contract = Contract.objects.create(
        supplier=supplier, title="Kartor", starts_on=date(2024, 1, 1),
        ends_on=date(2027, 2, 24), notice_months=3, delivery_manager=delivery_manager)
    assert contract.notice_date - timedelta(days=30) == date(2026, 10, 25)
    reminders.contract_reminders_send(local(2026, 10, 24, 8))  # the 60-day step
    # 00:30 on 25 October in Stockholm (UTC+2) is 22:30 UTC on the 24th.
    assert reminders.contract_reminders_send(local(2026, 10, 25, 0, 30)) == 1
    # 02:30 comes twice that night; neither sends again.
    first = datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM, fold=0)
    second = datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM, fold=1)
    assert first.utcoffset() != second.utcoffset()
    assert reminders.contract_reminders_send(first) == 0
    assert reminders.contract_reminders_send(second) == 0
    assert keys("contract-notice:")[-1] == f"contract-notice:{contract.pk}:20261124:30"


def test_a_contract_without_anyone_to_remind_queues_nothing(supplier):
    Contract.objects.create(supplier=supplier, title="Ingen", starts_on=date(2024, 1, 1),
                            ends_on=date(2027, 1, 27), notice_months=6)
    assert reminders.contract_reminders_send(local(2026, 3, 29, 8)) == 0


# --- the tasks and beat --------------------------------------------------------------------


def test_the_tasks_send_what_is_due_today(supplier, delivery_manager, owner):
    today = timezone.localdate()
    # A notice date 10 to 13 days from now: the 30-day reminder is due.
    Contract.objects.create(
        supplier=supplier, title="Snart", starts_on=date(2024, 1, 1),
        ends_on=today + timedelta(days=41), notice_months=1, delivery_manager=delivery_manager)
    # Reviewed this month: the first reminder is due (or the second, on the 31st).
    Service.objects.create(name="Granskas nu", system_owner=owner, review_month=today.month)
    assert tasks.send_contract_notice_reminders() == 1
    assert tasks.send_contract_notice_reminders() == 0
    assert tasks.send_plan_review_reminders() == 1
    assert tasks.send_plan_review_reminders() == 0


def test_beat_runs_both_scanners_with_tasks_the_worker_knows():
    celery_app.loader.import_default_modules()
    schedule = celery_app.conf.beat_schedule
    for name, task in [
        ("servicecatalog-plan-review-reminders", tasks.send_plan_review_reminders),
        ("servicecatalog-contract-notice-reminders", tasks.send_contract_notice_reminders),
    ]:
        entry = schedule[name]
        assert entry["task"] == task.name
        assert entry["task"] in celery_app.tasks
        assert 0 < entry["schedule"] <= 24 * 3600


# --- two scanners at once ------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_scanners_running_at_the_same_moment_queue_each_reminder_once():
    ensure_roles()
    manager = UserFactory(email="forvaltare@tyreso.se")
    make_role_user(Role.Code.DELIVERY_MANAGER, email="roll@tyreso.se")
    supplier = Supplier.objects.create(name="Samtidigt AB")
    for n in range(5):
        Contract.objects.create(supplier=supplier, title=f"Avtal {n}",
                                starts_on=date(2023, 1, 28), ends_on=date(2027, 1, 27),
                                notice_months=6, delivery_manager=manager)
        Service.objects.create(name=f"System {n}", system_manager=manager, review_month=3)
    moment = local(2026, 3, 29, 0, 30)

    def scan(i: int) -> int:
        return reminders.contract_reminders_send(moment) + reminders.plan_reminders_send(moment)

    results = run_together(6, scan)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 10
    assert OutboxMessage.objects.filter(dedupe_key__startswith="contract-notice:").count() == 5
    assert OutboxMessage.objects.filter(dedupe_key__startswith="plan-review:").count() == 5
    assert ManagementPlan.objects.count() == 0
