"""A login ends after an hour without a request and after a working day whatever happens
(tyreso_it.core.middleware.SessionTimeoutMiddleware), with a Swedish message on the login
page, the way back to the page, a redirect htmx follows, and no session write per request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("orders:list")
LOGIN = reverse("login")


class Clock:
    """`timezone.now`, moved on by hand."""

    def __init__(self) -> None:
        self.moment = timezone.now()

    def __call__(self):
        return self.moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def person(client, clock):
    user = factories.make_it_chief()
    response = client.post(LOGIN, {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    return user


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_defaults_are_an_hour_idle_and_ten_hours_in_all(settings):
    assert settings.SESSION_IDLE_SECONDS == 3600
    assert settings.SESSION_MAX_SECONDS == 10 * 3600
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_SECONDS


def test_a_request_within_the_hour_keeps_the_login(client, person, clock):
    for _ in range(3):
        clock.advance(minutes=59)
        assert client.get(LIST).status_code == 200
    assert logged_in(client)


def test_an_hour_without_a_request_ends_the_login_with_a_swedish_message(client, person, clock):
    clock.advance(minutes=30)
    assert client.get(LIST).status_code == 200

    clock.advance(minutes=60)
    response = client.get(f"{LIST}?status=submitted")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/bestallningar/%3Fstatus%3Dsubmitted"
    assert not logged_in(client)
    page = client.get(response["Location"])
    assert "Du har loggats ut efter 1 timme utan aktivitet." in page.content.decode()
    # The next page asks for a login again.
    assert client.get(LIST).status_code == 302


def test_a_login_ends_after_a_working_day_however_busy(client, person, clock):
    for _ in range(19):
        clock.advance(minutes=30)
        assert client.get(LIST).status_code == 200  # nine and a half hours of work

    clock.advance(minutes=30)
    response = client.get(LIST)

    assert response.status_code == 302
    assert not logged_in(client)
    page = client.get(response["Location"])
    assert "en inloggning varar högst 10 timmar" in page.content.decode()


def test_logging_in_again_starts_a_new_day_and_returns_to_the_page(client, person, clock):
    clock.advance(hours=11)
    response = client.get(LIST)
    assert response.status_code == 302

    again = client.post(response["Location"], {"username": person.username,
                                               "password": factories.PASSWORD})

    assert again["Location"] == LIST
    assert client.get(LIST).status_code == 200


def test_both_limits_are_settings(client, person, clock, settings):
    settings.SESSION_IDLE_SECONDS = 10 * 60
    clock.advance(minutes=9)
    assert client.get(LIST).status_code == 200
    clock.advance(minutes=10)
    response = client.get(LIST)
    assert response.status_code == 302
    assert "efter 10 minuter utan aktivitet" in client.get(response["Location"]).content.decode()


def test_the_session_is_written_at_most_once_a_minute(client, person, clock):
    client.get(LIST)

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len([q for q in queries.captured_queries
                    if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")])

    clock.advance(seconds=30)
    assert session_writes() == 0
    clock.advance(seconds=20)
    assert session_writes() == 0
    clock.advance(seconds=15)  # more than a minute since the last write
    assert session_writes() == 1
    clock.advance(seconds=5)
    assert session_writes() == 0


def test_an_htmx_request_on_an_ended_login_is_sent_to_the_login_page_whole(client, person,
                                                                            clock):
    clock.advance(hours=2)
    response = client.get(LIST, headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/bestallningar/?q=skola"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN}?next=/bestallningar/%3Fq%3Dskola"
    assert not logged_in(client)


def test_an_htmx_request_without_a_login_is_sent_to_the_login_page_whole(client):
    response = client.get(LIST, headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/bestallningar/"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN}?next=/bestallningar/"


def test_a_plain_request_without_a_login_still_gets_the_usual_redirect(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/bestallningar/"


def test_a_login_from_before_the_limits_starts_its_clock_at_its_next_request(client, clock):
    user = factories.make_it_chief()
    client.force_login(user)
    session = client.session
    for key in ("_login_started", "_login_seen"):
        del session[key]
    session.save()

    clock.advance(hours=3)
    assert client.get(LIST).status_code == 200
    clock.advance(minutes=30)
    assert client.get(LIST).status_code == 200
