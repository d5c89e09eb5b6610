"""Administrators see what the outbox gave up and why, can queue it again, and the health check
reports email that waits too long or was given up.

The outbox admin is read-only but for the action "Skicka igen", which needs the permission
`core.requeue_outboxmessage` (a superuser has it) and goes through `outbox_requeue`.
"""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.queries import ACCESS_TOKEN
from tyreso_it.core.models import MailServerState, OutboxMessage
from tyreso_it.core.selectors import outbox_health
from tyreso_it.core.services import outbox_enqueue, outbox_requeue

pytestmark = pytest.mark.django_db

M = OutboxMessage.Status
CHANGELIST = reverse("admin:core_outboxmessage_changelist")
ROOT = Path(__file__).resolve().parents[2]


def message(subject: str, *, status: str = M.PENDING, age: timedelta = timedelta(),
            **fields) -> OutboxMessage:
    queued = outbox_enqueue(recipients=["a@tyreso.se"], subject=subject, body="Text")
    if status == M.FAILED:
        fields = {"attempts": 1, "failed_at": timezone.now(),
                  "last_error": "a@tyreso.se: 550 5.1.1 No such user", **fields}
    OutboxMessage.objects.filter(pk=queued.pk).update(
        status=status, created_at=timezone.now() - age, **fields
    )
    queued.refresh_from_db()
    return queued


def staff(*permissions: str):
    person = UserFactory(is_staff=True)
    person.user_permissions.set(
        Permission.objects.filter(content_type__app_label="core", codename__in=permissions)
    )
    return person


def requeue(client, *messages: OutboxMessage):
    return client.post(CHANGELIST, {"action": "requeue",
                                    "_selected_action": [m.pk for m in messages]}, follow=True)


# --- who may see and requeue -----------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(client, settings):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_staff_without_the_right_cannot_see_the_outbox(client):
    failed = message("Kallelse", status=M.FAILED)
    client.force_login(staff())

    assert client.get(CHANGELIST).status_code == 403
    assert requeue(client, failed).status_code == 403
    failed.refresh_from_db()
    assert failed.status == M.FAILED


def test_staff_who_may_only_view_see_the_reason_but_cannot_requeue(client):
    failed = message("Kallelse", status=M.FAILED)
    client.force_login(staff("view_outboxmessage"))

    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "550 5.1.1 No such user" in response.content.decode()
    assert response.context["action_form"] is None  # no action offered

    requeue(client, failed)
    failed.refresh_from_db()
    assert failed.status == M.FAILED
    assert not LogEntry.objects.exists()


def test_a_superuser_queues_failed_messages_again_and_the_history_says_who(admin_client,
                                                                          admin_user):
    failed = message("Kallelse", status=M.FAILED)
    other_failed = message("Påminnelse", status=M.FAILED)
    sent = message("Skickad", status=M.SENT)

    response = requeue(admin_client, failed, other_failed, sent)

    assert response.status_code == 200
    text = response.content.decode()
    assert "2 e-postmeddelanden köades för att skickas igen." in text
    assert "1 e-postmeddelande hade inte getts upp och lämnades som det var." in text
    for queued in (failed, other_failed):
        queued.refresh_from_db()
        assert (queued.status, queued.attempts, queued.failed_at) == (M.PENDING, 0, None)
        assert queued.next_attempt_at is None
    sent.refresh_from_db()
    assert sent.status == M.SENT
    entries = LogEntry.objects.filter(user=admin_user).order_by("object_id")
    assert [e.object_id for e in entries] == sorted([str(failed.pk), str(other_failed.pk)])
    assert entries[0].get_change_message() == "Köades för att skickas igen."
    history = admin_client.get(reverse("admin:core_outboxmessage_history", args=[failed.pk]))
    assert "Köades för att skickas igen." in history.content.decode()


def test_staff_with_the_right_to_requeue_may_requeue(client):
    failed = message("Kallelse", status=M.FAILED)
    person = staff("view_outboxmessage", "requeue_outboxmessage")
    client.force_login(person)

    requeue(client, failed)

    failed.refresh_from_db()
    assert failed.status == M.PENDING
    assert LogEntry.objects.get().user == person


def test_the_outbox_admin_changes_nothing_else(admin_client):
    pending = message("Kallelse")

    page = admin_client.get(reverse("admin:core_outboxmessage_change", args=[pending.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    admin_client.post(reverse("admin:core_outboxmessage_change", args=[pending.pk]),
                      {"subject": "Ändrad", "status": M.SENT})
    assert admin_client.get(reverse("admin:core_outboxmessage_add")).status_code == 403
    assert admin_client.post(reverse("admin:core_outboxmessage_delete", args=[pending.pk]),
                             {"post": "yes"}).status_code == 403
    pending.refresh_from_db()
    assert (pending.subject, pending.status) == ("Kallelse", M.PENDING)


def test_the_requeue_service_leaves_pending_and_sent_messages_alone(admin_user):
    pending = message("Väntar")
    sent = message("Skickad", status=M.SENT)

    assert outbox_requeue(message_ids=[pending.pk, sent.pk], actor=admin_user) == 0

    assert dict(OutboxMessage.objects.values_list("subject", "status")) == {
        "Väntar": M.PENDING, "Skickad": M.SENT}
    assert not LogEntry.objects.exists()


# --- what the list shows -----------------------------------------------------------------------


def test_the_list_filters_by_status_and_by_age(admin_client):
    message("Ny")
    message("Gammal", age=timedelta(hours=2))
    message("Uppgiven", status=M.FAILED, age=timedelta(days=2))

    def subjects(query: str) -> set[str]:
        response = admin_client.get(f"{CHANGELIST}?{query}")
        return {m.subject for m in response.context["cl"].result_list}

    assert subjects("status__exact=failed") == {"Uppgiven"}
    assert subjects("age=1h") == {"Gammal", "Uppgiven"}
    assert subjects("age=1d") == {"Uppgiven"}
    assert subjects("age=15m&status__exact=pending") == {"Gammal"}


def test_the_list_says_how_old_the_oldest_pending_email_is_and_what_was_given_up(admin_client):
    message("Gammal", age=timedelta(hours=2))
    message("Ny")
    message("Uppgiven", status=M.FAILED)
    MailServerState.objects.create(
        pk=MailServerState.ONE, failures=3, failing_since=timezone.now() - timedelta(hours=2),
        retry_at=timezone.now() + timedelta(minutes=4),
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )

    # Django writes "2 hours" with a no-break space.
    text = admin_client.get(CHANGELIST).content.decode().replace("\xa0", " ")

    assert "2 e-postmeddelanden väntar på att skickas; det äldsta har väntat 2 timmar." in text
    assert "1 e-postmeddelande gavs upp det senaste dygnet" in text
    assert "E-postservern har inte svarat sedan" in text
    assert "Connection refused" in text


def test_the_list_says_so_when_nothing_waits(admin_client):
    message("Skickad", status=M.SENT)

    text = admin_client.get(CHANGELIST).content.decode()

    assert "Inga e-postmeddelanden väntar på att skickas." in text
    assert "gavs upp" not in text


def list_queries(client) -> CaptureQueriesContext:
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return ctx


def test_the_list_takes_a_fixed_number_of_queries_whatever_the_number_of_messages(
    admin_client
):
    for i in range(3):
        message(f"Väntar {i}")
        message(f"Uppgiven {i}", status=M.FAILED)
    few = list_queries(admin_client)
    # The health summary's pending count, oldest pending, recent failures and the server's
    # state; the count of the list (not of the whole table besides); whether the board's
    # settings exist (the admin's menu); the page of messages; the person's password hash
    # (the admin's menu offers a password change to those with a usable one, and the access
    # cache keeps no hash). The session and the user come from the cache, under the access
    # token read once.
    assert len(few) == ACCESS_TOKEN + 8, "\n".join(q["sql"][:200] for q in few.captured_queries)

    for i in range(3, 30):
        message(f"Väntar {i}")
        message(f"Uppgiven {i}", status=M.FAILED)
    assert len(list_queries(admin_client)) == len(few)


# --- the health check --------------------------------------------------------------------------


def test_the_health_check_passes_while_email_flows(settings, capsys):
    settings.OUTBOX_ALERT_AFTER = 30 * 60
    message("Ny", age=timedelta(minutes=5))
    message("Uppgiven för länge sedan", status=M.FAILED,
            failed_at=timezone.now() - timedelta(days=2))

    call_command("outbox_health")

    assert "outbox: 1 pending" in capsys.readouterr().out
    assert outbox_health().healthy


def test_the_health_check_fails_when_the_oldest_pending_email_is_too_old(settings):
    settings.OUTBOX_ALERT_AFTER = 30 * 60
    message("Ny")
    message("Gammal", age=timedelta(minutes=31))
    MailServerState.objects.create(pk=MailServerState.ONE, failures=4,
                                   failing_since=timezone.now() - timedelta(minutes=31),
                                   last_error="ConnectionRefusedError: refused")

    with pytest.raises(CommandError) as failure:
        call_command("outbox_health")

    assert "the oldest of 2 pending emails has waited 31 minutes (alert after 30)" in str(
        failure.value)
    assert "the mail server has failed since" in str(failure.value)
    assert "ConnectionRefusedError: refused" in str(failure.value)


def test_the_health_check_fails_when_an_email_was_given_up_in_the_last_day():
    message("Uppgiven", status=M.FAILED, failed_at=timezone.now() - timedelta(hours=23))

    with pytest.raises(CommandError, match="1 emails given up in the last 24 hours"):
        call_command("outbox_health")


def healthcheck_script():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "scripts" /
                                                  "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_containers_outbox_health_check_reports_what_is_wrong(settings, capsys):
    settings.OUTBOX_ALERT_AFTER = 30 * 60
    script = healthcheck_script()
    message("Ny")
    assert script.main(["outbox"]) == 0

    message("Gammal", age=timedelta(hours=1))
    assert script.main(["outbox"]) == 1
    out = capsys.readouterr().out
    assert "outbox: the oldest of 2 pending emails has waited 60 minutes" in out
    assert "outbox: unhealthy" in out


def test_the_workers_container_health_check_includes_the_outbox():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["worker"]["healthcheck"]["test"][-2:] == ["worker", "outbox"]

