"""Secrecy marking of an order: who may set and clear it, and who reads the need text and the
attachments of a marked order (the ordering function, the department's IT lead and the
orderer) while everyone else who sees the order reads "Sekretessmarkerad uppgift" instead,
in the page, its history, the search, its files, the board's brief and the emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from board import services as board_services
from orders import secrecy, selectors, services
from orders.models import Order
from tests import factories, pdftext
from tests.uploads import PDF
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

S = Order.Status
NEED = "Skyddade uppgifter om larmsystemet i kommunhuset."
SHOWN = "Sekretessmarkerad uppgift"
LOGIN = reverse("login")
with translation.override("sv"):
    REQUIRED = str(forms.CharField().error_messages["required"])


@pytest.fixture
def secret(make_order, coordinator):
    order = make_order(S.IN_PREPARATION, need=NEED)
    services.attachment_add(order_id=order.pk, actor=order.orderer,
                            upload=SimpleUploadedFile("ritning.pdf", PDF))
    return services.order_mark_secret(order_id=order.pk, actor=coordinator,
                                      provision="OSL 18 kap. 8 §", reason="Larmets placering.")


def page(client, user, order):
    client.force_login(user)
    return client.get(reverse("orders:detail", args=[order.pk]))


# --- the services --------------------------------------------------------------------------


def test_the_ordering_function_marks_an_order_and_the_history_keeps_it(secret, coordinator):
    secret.refresh_from_db()
    assert secret.is_secret and secret.secrecy_provision == "OSL 18 kap. 8 §"
    record = secret.history.latest()
    assert record.history_user == coordinator
    assert record.history_change_reason == "Sekretessmarkerad"
    services.order_unmark_secret(order_id=secret.pk, actor=coordinator)
    secret.refresh_from_db()
    assert not secret.is_secret and secret.secrecy_reason == ""
    assert secret.history.latest().history_change_reason == "Sekretessmarkering hävd"


@pytest.mark.parametrize("who", ["orderer", "it_lead", "it_chief", "provider_user"])
def test_only_the_ordering_function_may_mark_or_clear(request, make_order, secret, who):
    person = request.getfixturevalue(who)
    plain = make_order(S.SUBMITTED)
    with pytest.raises(services.NotAllowed):
        services.order_mark_secret(order_id=plain.pk, actor=person, provision="OSL 18 kap. 8 §",
                                   reason="x")
    with pytest.raises(services.NotAllowed):
        services.order_unmark_secret(order_id=secret.pk, actor=person)
    plain.refresh_from_db()
    secret.refresh_from_db()
    assert not plain.is_secret and secret.is_secret


def test_a_marking_needs_a_provision_and_a_reason(make_order, coordinator):
    order = make_order(S.SUBMITTED)
    with pytest.raises(services.OrderError) as no_reason:
        services.order_mark_secret(order_id=order.pk, actor=coordinator,
                                   provision="OSL 18 kap. 8 §", reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(services.OrderError) as no_provision:
        services.order_mark_secret(order_id=order.pk, actor=coordinator, provision="",
                                   reason="Skäl")
    assert no_provision.value.field == "provision"
    with pytest.raises(services.InvalidTransition):
        services.order_unmark_secret(order_id=order.pk, actor=coordinator)


# --- who reads ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["orderer", "it_lead", "coordinator", "change_manager"])
def test_those_who_handle_it_read_the_need_and_the_files(request, client, secret, who):
    response = page(client, request.getfixturevalue(who), secret)
    text = response.content.decode()
    assert NEED in text and "ritning.pdf" in text
    assert "Larmets placering." in text  # the reason, too
    attachment = secret.attachments.get()
    download = client.get(reverse("orders:attachment", args=[secret.pk, attachment.pk]))
    assert download.status_code == 200


@pytest.mark.parametrize("who", ["colleague", "it_chief"])
def test_others_who_see_the_order_read_the_marking_only(request, client, secret, who):
    person = request.getfixturevalue(who)
    response = page(client, person, secret)
    assert response.status_code == 200
    text = response.content.decode()
    assert NEED not in text and "ritning.pdf" not in text and "Larmets placering." not in text
    assert SHOWN in text and "OSL 18 kap. 8 §" in text
    attachment = secret.attachments.get()
    download = client.get(reverse("orders:attachment", args=[secret.pk, attachment.pk]))
    assert download.status_code == 404
    with pytest.raises(services.NotAllowed):
        services.attachment_add(order_id=secret.pk, actor=person,
                                upload=SimpleUploadedFile("mer.pdf", PDF))


def test_the_provider_reads_the_marking_only(client, make_order, coordinator, provider,
                                             provider_user):
    order = make_order(S.PLANNED, need=NEED, provider=provider, provider_user=provider_user)
    services.order_mark_secret(order_id=order.pk, actor=coordinator, provision="OSL 19 kap. 3 §",
                               reason="Upphandling pågår.")
    text = page(client, provider_user, order).content.decode()
    assert NEED not in text and SHOWN in text


def test_an_unmarked_order_is_read_by_everyone_who_sees_it(client, make_order, colleague):
    order = make_order(S.SUBMITTED, need=NEED)
    assert NEED in page(client, colleague, order).content.decode()


def test_the_rule_ends_with_the_it_lead_role(department, secret, it_lead):
    assert secrecy.can_read_secret(it_lead, secret)
    department.it_lead = None
    department.save()
    assert not secrecy.can_read_secret(factories.fresh(it_lead), secret)


def test_the_database_answers_as_the_rule_does(secret, orderer, colleague, it_lead, it_chief,
                                               coordinator, make_order):
    plain = make_order(S.SUBMITTED)
    for person in (orderer, colleague, it_lead, it_chief, coordinator):
        rows = dict(secrecy.with_secret_readable(Order.objects.all(), person)
                    .values_list("pk", "secret_readable"))
        assert rows == {secret.pk: secrecy.can_read_secret(person, secret), plain.pk: True}


# --- history, search, board ----------------------------------------------------------------


def test_a_change_of_the_need_is_not_told_in_the_history(client, make_order, orderer,
                                                         coordinator, it_chief):
    order = make_order(S.AWAITING_SUPPLEMENT, need="Första texten.")
    order.refresh_from_db()
    services.order_update_request(order_id=order.pk, actor=orderer, data={"need": NEED},
                                  expected_version=order.version)
    services.order_mark_secret(order_id=order.pk, actor=coordinator, provision="OSL 18 kap. 8 §",
                               reason="Larmets placering.")
    client.force_login(it_chief)
    text = client.get(reverse("orders:detail", args=[order.pk]) + "?historik=alla"
                      ).content.decode()
    assert "Första texten." not in text and NEED not in text
    client.force_login(orderer)
    text = client.get(reverse("orders:detail", args=[order.pk]) + "?historik=alla"
                      ).content.decode()
    assert "Första texten." in text


def test_searching_the_need_finds_a_marked_order_only_for_its_readers(secret, colleague,
                                                                      orderer, it_chief):
    filters = {"q": "larmsystemet"}
    assert list(selectors.order_list(colleague, filters)) == []
    assert list(selectors.order_list(it_chief, filters)) == []
    assert selectors.order_count(colleague, filters) == 0
    assert [o.pk for o in selectors.order_list(orderer, filters)] == [secret.pk]
    # The title is public: found by everyone who sees the order.
    assert selectors.order_count(colleague, {"q": "Bokning"}) == 1


# --- the marking page ----------------------------------------------------------------------


def test_marking_from_the_page(client, make_order, coordinator):
    order = make_order(S.SUBMITTED)
    client.force_login(coordinator)
    url = reverse("orders:secrecy_mark", args=[order.pk])
    response = client.post(url, {"provision_choice": "other", "provision_other": "OSL 21 kap. 1 §",
                                 "reason": "Hälsouppgifter."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.secrecy_provision == "OSL 21 kap. 1 §"
    response = client.post(reverse("orders:secrecy_unmark", args=[order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert not order.is_secret


def test_a_marking_without_provision_or_reason_is_told_next_to_the_fields(client, make_order,
                                                                          coordinator):
    order = make_order(S.SUBMITTED)
    client.force_login(coordinator)
    response = client.post(reverse("orders:secrecy_mark", args=[order.pk]),
                           {"provision_choice": "", "reason": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Välj det lagrum som gäller." in text
    assert REQUIRED in text
    order.refresh_from_db()
    assert not order.is_secret


def test_the_marking_form_is_offered_to_the_ordering_function_only(client, secret, coordinator,
                                                                   orderer):
    mark = reverse("orders:secrecy_mark", args=[secret.pk])
    assert mark in page(client, coordinator, secret).content.decode()
    assert mark not in page(client, orderer, secret).content.decode()


@pytest.mark.parametrize("who", ["orderer", "it_lead", "it_chief"])
def test_marking_is_refused_to_others_who_see_the_order(request, client, make_order, who):
    order = make_order(S.SUBMITTED)
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("orders:secrecy_mark", args=[order.pk]),
                           {"provision_choice": "OSL 18 kap. 8 §", "reason": "x"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert not order.is_secret


def test_marking_another_departments_order_is_a_404(client, secret, other_orderer):
    client.force_login(other_orderer)
    for name in ("orders:secrecy_mark", "orders:secrecy_unmark"):
        response = client.post(reverse(name, args=[secret.pk]),
                               {"provision_choice": "OSL 18 kap. 8 §", "reason": "x"})
        assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.is_secret


def test_marking_asks_an_anonymous_visitor_to_log_in(client, secret):
    response = client.post(reverse("orders:secrecy_unmark", args=[secret.pk]))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    secret.refresh_from_db()
    assert secret.is_secret


# --- emails ---------------------------------------------------------------------------------


def test_no_email_about_a_marked_order_holds_its_need(secret, coordinator, orderer):
    services.order_request_supplement(order_id=secret.pk, actor=coordinator,
                                      question="Vilka dörrar gäller det?")
    services.order_supplement(order_id=secret.pk, actor=orderer, answer="Entrén.")
    services.comment_add(order_id=secret.pk, actor=coordinator, body="Tack.")
    bodies = list(OutboxMessage.objects.values_list("subject", "body"))
    assert bodies
    assert not any(NEED in subject or NEED in body for subject, body in bodies)


# --- exports and the board --------------------------------------------------------------------


def test_the_order_export_never_holds_a_secret_need(client, secret, it_chief, orderer):
    for person in (it_chief, orderer):
        client.force_login(person)
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse("orders:export", args=[fmt]))
            content = b"".join(response.streaming_content) if response.streaming else (
                response.content)
            assert response.status_code == 200
            assert NEED.encode() not in content


@pytest.fixture
def on_agenda(make_order, coordinator, change_manager):
    order = make_order(S.READY_FOR_DECISION, need=NEED)
    services.order_mark_secret(order_id=order.pk, actor=coordinator, provision="OSL 18 kap. 8 §",
                               reason="Larmets placering.")
    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timedelta(days=20))
    assert board_services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=change_manager)
    assert meeting.items.filter(order=order).exists()
    return meeting


def test_the_boards_brief_shows_a_secret_need_only_to_its_readers(client, on_agenda, it_chief,
                                                                  change_manager):
    url = reverse("board:print", args=[on_agenda.pk])
    client.force_login(it_chief)
    text = client.get(url).content.decode()
    assert NEED not in text and SHOWN in text
    client.force_login(change_manager)
    assert NEED in client.get(url).content.decode()


def test_the_meeting_pdf_never_holds_a_secret_need(client, on_agenda, change_manager):
    client.force_login(change_manager)
    response = client.get(reverse("board:pdf", args=[on_agenda.pk]))
    assert response.status_code == 200
    text = pdftext.compact(pdftext.text(response.content))
    assert pdftext.compact(NEED) not in text and pdftext.compact(SHOWN) in text
