"""The retention schedule applied to generated orders: the dry run lists what the run then
does, the run logs every action in the culling record, nothing under a legal hold is
touched, and a second run finds nothing to do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.utils import timezone

from orders.models import Attachment, Comment, Order
from organisation.models import User
from records import retention, services, tasks
from records.models import CullingRecord, LegalHold, Pseudonym, RetentionRule
from tests import factories
from tyreso_it.core.models import OutboxMessage

from .conftest import LONG_AGO, set_rules

pytestmark = pytest.mark.django_db
K = RetentionRule.Kind


def history_rows(order: Order) -> int:
    return sum(model.objects.filter(**{column: order.pk}).count()
               for model, column in retention.order_histories())


def snapshot() -> tuple:
    return (Order.objects.count(), Comment.objects.count(), Attachment.objects.count(),
            sum(model.objects.count() for model, _ in retention.order_histories()),
            CullingRecord.objects.count(), User.objects.filter(pseudonym__isnull=False).count())


def steps_by_kind() -> dict[str, retention.Step]:
    return {step.rule.kind: step for step in services.retention_dry_run()}


def test_dry_run_lists_what_is_due_and_changes_nothing(world):
    before = snapshot()
    steps = steps_by_kind()
    assert snapshot() == before
    assert steps[K.CLOSED_ORDERS].cutoff is None  # kept for ever
    assert steps[K.ATTACHMENTS].count == 1
    assert steps[K.ATTACHMENTS].sample == [world.old.reference]
    assert steps[K.COMMENTS].count == 1
    assert steps[K.COMMENTS].sample == [world.old.reference]
    assert steps[K.HISTORY].orders == 2
    assert set(steps[K.HISTORY].sample) == {world.old.reference, world.withdrawn.reference}
    assert steps[K.HISTORY].count == history_rows(world.old) + history_rows(world.withdrawn)


def test_run_does_what_the_dry_run_listed_and_logs_it(world, settings,
                                                     django_capture_on_commit_callbacks):
    planned = steps_by_kind()
    path = settings.MEDIA_ROOT / world.files["old"].file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = {o.rule.kind: o for o in services.retention_apply()}
    for kind in (K.ATTACHMENTS, K.COMMENTS):
        assert outcomes[kind].count == planned[kind].count
    assert not Attachment.objects.filter(order=world.old).exists()
    assert not Comment.objects.filter(order=world.old).exists()
    assert history_rows(world.old) == 0 and history_rows(world.withdrawn) == 0
    assert not path.exists()
    # The orders themselves are kept for ever, and the recent and open ones untouched.
    assert Order.objects.filter(pk=world.old.pk).exists()
    assert Comment.objects.filter(order=world.recent).count() == 1
    assert history_rows(world.recent) > 0 and history_rows(world.open) > 0
    record = CullingRecord.objects.get(kind=K.COMMENTS)
    assert record.rule == RetentionRule.objects.get(kind=K.COMMENTS)
    assert (record.action, record.count, record.items) == ("delete", 1, [world.old.reference])
    assert (record.period, record.unit) == (1, "years")
    assert CullingRecord.objects.get(kind=K.HISTORY).count == planned[K.HISTORY].count


def test_nothing_under_a_legal_hold_is_touched(world, settings):
    set_rules(closed_orders=(1, "years", "delete"))
    comments, files = Comment.objects.filter(order=world.held).count(), (
        settings.MEDIA_ROOT / world.files["held"].file.name)
    history = history_rows(world.held)
    assert world.held.reference not in {ref for step in services.retention_dry_run()
                                        for ref in step.sample}
    services.retention_apply()
    assert Order.objects.filter(pk=world.held.pk).exists()
    assert Comment.objects.filter(order=world.held).count() == comments == 1
    assert Attachment.objects.filter(order=world.held).count() == 1 and files.exists()
    assert history_rows(world.held) == history
    assert not any(world.held.reference in r.items for r in CullingRecord.objects.all())
    # Deleting finished orders takes the old and the withdrawn one, with their history.
    assert not Order.objects.filter(pk__in=[world.old.pk, world.withdrawn.pk]).exists()
    assert history_rows(world.old) == 0
    assert Order.objects.filter(pk__in=[world.recent.pk, world.open.pk]).count() == 2


def test_a_lifted_hold_lets_the_next_run_act(world, coordinator):
    services.retention_apply()
    assert Comment.objects.filter(order=world.held).exists()
    services.legal_hold_lift(hold_id=world.hold.pk, actor=coordinator, reason="Prövat klart")
    services.retention_apply()
    assert not Comment.objects.filter(order=world.held).exists()
    # The lifted hold is still on record, and keeps the order itself from deletion.
    assert LegalHold.objects.get(pk=world.hold.pk).lifted_by == coordinator


def test_a_second_run_finds_nothing_to_do(world):
    services.retention_apply()
    after_first = snapshot()
    outcomes = services.retention_apply()
    assert snapshot() == after_first
    assert sum(o.count for o in outcomes) == 0
    assert all(step.count == 0 for step in services.retention_dry_run())


def test_runs_in_batches_each_logged(world, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 1)
    services.retention_apply()
    records = CullingRecord.objects.filter(kind=K.HISTORY)
    assert records.count() == 2
    assert len({r.run for r in CullingRecord.objects.all()}) == 1
    assert sorted(r.items[0] for r in records) == sorted(
        [world.old.reference, world.withdrawn.reference])


def test_people_who_left_are_pseudonymised_but_not_those_on_a_held_order(world, department):
    gone = factories.make_orderer(department, username="slutat", first_name="Greta",
                                  last_name="Gustafsson", email="greta@tyreso.se")
    stays = factories.make_orderer(department, username="kvar", first_name="Kim")
    long_ago = timezone.now() - LONG_AGO
    User.objects.filter(pk__in=[gone.pk, world.held.orderer_id]).update(
        is_active=False, last_login=long_ago)
    User.objects.filter(pk=stays.pk).update(last_login=long_ago)
    AccessLog.objects.create(username="slutat", ip_address="10.0.0.1", user_agent="x")
    steps = steps_by_kind()
    assert steps[K.PERSONAL_DATA].count == 1
    assert steps[K.PERSONAL_DATA].sample == [f"Person {gone.pk}"]
    services.retention_apply()
    gone.refresh_from_db()
    assert (str(gone), gone.username, gone.email) == (
        f"Person {gone.pk}", f"person-{gone.pk}", "")
    assert not AccessLog.objects.filter(username="slutat").exists()
    assert not Pseudonym.objects.filter(user_id__in=[stays.pk, world.held.orderer_id]).exists()
    record = CullingRecord.objects.get(kind=K.PERSONAL_DATA)
    assert record.items == [f"Person {gone.pk}"]
    assert "Greta" not in str(record.items)


def test_sent_emails_and_login_records_go_after_their_period(db):
    set_rules(outbox=(3, "months", "delete"), login_records=(12, "months", "delete"))
    now = timezone.now()
    old = OutboxMessage.objects.create(recipients=["a@tyreso.se"], subject="Gammal", body="x",
                                       status="sent", sent_at=now - timedelta(days=120))
    fresh = OutboxMessage.objects.create(recipients=["a@tyreso.se"], subject="Ny", body="x",
                                         status="sent", sent_at=now - timedelta(days=10))
    pending = OutboxMessage.objects.create(recipients=["a@tyreso.se"], subject="Kö", body="x")
    OutboxMessage.objects.filter(pk=pending.pk).update(created_at=now - timedelta(days=400))
    log = AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - timedelta(days=400))
    AccessLog.objects.create(username="y", ip_address="10.0.0.1", user_agent="x")
    services.retention_apply()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {fresh.pk, pending.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["y"]
    assert CullingRecord.objects.get(kind=K.LOGIN_RECORDS).count == 1


def test_the_command_and_the_nightly_task(world, capsys):
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    assert "comments: delete 1" in out and world.old.reference in out
    assert CullingRecord.objects.count() == 0
    assert tasks.apply_retention() > 0
    assert CullingRecord.objects.filter(started_by=None).exists()
    call_command("retention")
    assert "comments: delete 0" in capsys.readouterr().out


def test_the_nightly_run_is_scheduled():
    from tyreso_it.celery import app

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "records.tasks.apply_retention" in names


def test_deleting_finished_orders_keeps_those_in_minutes(world, change_manager):
    """An order on a meeting's agenda is part of the minutes (and a project's order part of
    the project): whatever protects an order keeps it."""
    from board import services as board_services

    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timedelta(days=10))
    in_minutes = factories.make_order(Order.Status.READY_FOR_DECISION,
                                      department=world.old.department)
    board_services.agenda_add_item(meeting_id=meeting.pk, actor=change_manager,
                                   order=in_minutes)
    Order.objects.filter(pk=in_minutes.pk).update(
        status=Order.Status.CLOSED, status_changed_at=timezone.now() - LONG_AGO)
    related = {(r.related_model.__name__, r.field.name) for r in retention.protecting_relations()}
    assert {("AgendaItem", "order"), ("Project", "order"), ("LegalHold", "order")} <= related
    set_rules(closed_orders=(1, "years", "delete"))
    assert in_minutes.reference not in steps_by_kind()[K.CLOSED_ORDERS].sample
    services.retention_apply()
    assert Order.objects.filter(pk=in_minutes.pk).exists()
    assert not Order.objects.filter(pk=world.old.pk).exists()
