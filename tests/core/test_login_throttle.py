"""Throttled logins (django-axes with `tyreso_it.core.login_throttle`): an account tried
from one address is locked after LOGIN_FAILURE_LIMIT failures, an address after
LOGIN_ADDRESS_FAILURE_LIMIT whatever the accounts, the lockout ends after the cool-off, the
admin lists lockouts and lifts them, and /admin/login/ is throttled the same way."""

from __future__ import annotations

import logging
from datetime import timedelta

import axes.attempts
import axes.handlers.proxy
import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import checks
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tyreso_it.core.login_throttle import client_ip

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
HOME = "10.1.1.1"
ELSEWHERE = "10.2.2.2"
LOCKED_PAGE = "För många misslyckade inloggningar"


class Clock:
    """`timezone.now` for Django and axes alike, moved on by hand."""

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
    # Axes took its own reference to the function when it was imported.
    monkeypatch.setattr(axes.handlers.proxy, "now", fake)
    monkeypatch.setattr(axes.attempts, "now", fake)
    return fake


@pytest.fixture
def person():
    return factories.UserFactory(username="anna")


def log_in(client, username="anna", password="fel-lösenord", address=HOME, url=LOGIN):
    return client.post(url, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def fail(client, times, **kwargs):
    return [log_in(client, **kwargs).status_code for _ in range(times)]


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_limits_are_the_settings(settings):
    # The tests below count on these defaults.
    assert settings.LOGIN_FAILURE_LIMITS == [5, 30]
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused_in_swedish(
    client, person, clock
):
    # The first four are told the password was wrong; the fifth starts the lockout.
    assert fail(client, 5) == [200, 200, 200, 200, 429]

    response = log_in(client, password=factories.PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)
    text = response.content.decode()
    assert LOCKED_PAGE in text
    assert "Försök igen om 15 minuter" in text
    # The refused login was not counted: the pause still ends 15 minutes after the fifth.
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_the_lockout_ends_after_the_cool_off(client, person, clock):
    fail(client, 5)

    clock.advance(minutes=14, seconds=59)
    assert log_in(client, password=factories.PASSWORD).status_code == 429

    clock.advance(seconds=2)
    response = log_in(client, password=factories.PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_lockout_by_account_leaves_the_account_open_from_another_address(
    client, person, clock
):
    # Someone elsewhere cannot lock a person out of their own account.
    fail(client, 5)

    response = log_in(client, password=factories.PASSWORD, address=ELSEWHERE)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_an_address_trying_many_accounts_is_locked_by_its_own_higher_limit(
    client, person, clock
):
    # Three wrong passwords each for ten accounts: no account reaches five, the address
    # reaches thirty with the last one.
    codes = []
    for number in range(10):
        codes += fail(client, 3, username=f"person{number}")
    assert codes == [200] * 29 + [429]

    # Every account is now refused from that address, the right password too ...
    response = log_in(client, password=factories.PASSWORD)
    assert response.status_code == 429
    assert LOCKED_PAGE in response.content.decode()
    # ... and not from elsewhere.
    assert log_in(client, password=factories.PASSWORD, address=ELSEWHERE).status_code == 302


def test_a_successful_login_clears_the_accounts_failures_at_that_address_only(
    client, person, clock
):
    for number in range(5):
        fail(client, 4, username=f"person{number}")  # the address's own count: 20 of 30
    fail(client, 4)

    assert log_in(client, password=factories.PASSWORD).status_code == 302
    client.logout()

    # The account's count starts again ...
    assert fail(client, 4) == [200] * 4
    # ... and the address's stands: 20 + 4 = 24, six more reach 30.
    assert fail(client, 4, username="person5") + fail(client, 2, username="person6") == [
        200, 200, 200, 200, 200, 429]


def test_the_admin_login_is_throttled_the_same_way(client, clock):
    admin = factories.UserFactory(username="chef", is_staff=True, is_superuser=True)

    codes = fail(client, 5, username=admin.username, url=ADMIN_LOGIN)
    response = log_in(client, username=admin.username, password=factories.PASSWORD,
                      url=ADMIN_LOGIN)

    assert codes == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert LOCKED_PAGE in response.content.decode()
    assert not is_logged_in(client)
    # The same count as the login page's: the account is locked there too.
    assert log_in(client, username=admin.username, password=factories.PASSWORD).status_code == 429


def test_failed_logins_are_logged_with_the_user_name_and_the_address(
    client, person, clock, caplog
):
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, 5)
        log_in(client, password=factories.PASSWORD)

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    failures = [line for line in lines if "login failure by" in line]
    assert len(failures) == 5
    assert all('username: "anna"' in line and f'ip_address: "{HOME}"' in line
               for line in failures)
    assert any("Locking out" in line for line in lines)
    assert any(line.startswith("Login refused") and "'anna'" in line and HOME in line
               for line in lines)
    assert not any(factories.PASSWORD in line or "fel-lösenord" in line for line in lines)
    # And each failure is kept for the admin, with whether it was locked out.
    assert AccessFailureLog.objects.filter(username="anna", ip_address=HOME).count() == 5


# --- the admin ------------------------------------------------------------------------------


@pytest.fixture
def administrator():
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


def changelist(admin_client, **query):
    return admin_client.get(reverse("admin:axes_accessattempt_changelist"), query)


def test_the_admin_lists_a_lockout_and_lifts_it(client, person, clock, administrator):
    fail(client, 5)
    fail(client, 2, username="other", address=ELSEWHERE)
    admin_client = type(client)()
    admin_client.force_login(administrator)

    response = changelist(admin_client, refused="yes")

    assert response.status_code == 200
    refused = list(response.context["cl"].result_list)
    assert [(row.username, row.ip_address) for row in refused] == [("anna", HOME)]
    assert "anna" in response.content.decode()
    until = timezone.localtime(clock.moment + timedelta(minutes=15)).strftime("%H:%M")
    assert until in response.content.decode()
    open_rows = changelist(admin_client, refused="no").context["cl"].result_list
    assert [row.username for row in open_rows] == ["other"]

    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "lift_account_lockout", "_selected_action": [refused[0].pk]},
        follow=True,
    )

    assert "Spärren är hävd" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="anna").exists()
    assert AccessAttempt.objects.filter(username="other").exists()
    assert log_in(client, password=factories.PASSWORD).status_code == 302


def test_the_admin_lifts_an_address_lockout_for_every_account(client, person, clock,
                                                              administrator):
    for number in range(10):
        fail(client, 3, username=f"person{number}")
    admin_client = type(client)()
    admin_client.force_login(administrator)
    refused = changelist(admin_client, refused="yes").context["cl"].result_list
    assert len(refused) == 10  # every account's row is part of the address's lockout

    admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "lift_address_lockout", "_selected_action": [refused[0].pk]},
    )

    assert not AccessAttempt.objects.filter(ip_address=HOME).exists()
    assert log_in(client, password=factories.PASSWORD).status_code == 302


def test_only_administrators_see_the_failed_logins(client, person):
    fail(client, 1)
    staff = factories.UserFactory(is_staff=True)
    client.force_login(staff)
    assert changelist(client).status_code == 403


# --- the address behind a reverse proxy -----------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post(LOGIN, **headers)


def test_without_a_proxy_the_forwarded_header_is_not_read(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("10.0.0.9", "1.2.3.4")) == "10.0.0.9"


def test_behind_a_proxy_the_address_the_proxy_saw_is_read(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
    assert client_ip(request_from("10.0.0.1", "6.6.6.6, 192.0.2.7")) == "192.0.2.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.1", "6.6.6.6, 192.0.2.7, 10.0.0.2")) == "192.0.2.7"


def test_a_forwarded_header_too_short_or_not_an_address_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.1", "192.0.2.7")) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"


def test_behind_a_proxy_people_are_counted_by_their_own_addresses(client, person, clock,
                                                                  settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(LOGIN, {"username": "anna", "password": "fel"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")

    response = client.post(LOGIN, {"username": "anna", "password": factories.PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.8")

    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "192.0.2.7"


def test_axes_finds_nothing_wrong_with_its_configuration():
    problems = [message for message in checks.run_checks(include_deployment_checks=True)
                if message.id and message.id.startswith("axes.")]
    assert problems == []
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
