"""Personal API tokens: made, shown once, scoped, expiring, revocable, throttled."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api import services as token_services
from api.models import ApiToken
from orders.models import Order
from tests.api.conftest import ApiClient, make_token

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


def test_only_the_digest_is_stored(orderer):
    made = token_services.token_create(owner=orderer, name="Power BI", scope="read",
                                       expires_at=timezone.now() + timedelta(days=5))
    token = ApiToken.objects.get(pk=made.token.pk)
    assert made.secret.startswith("tyr_") and len(made.secret) > 40
    assert token.digest == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {token.digest, token.prefix, token.name}
    assert made.secret.startswith(token.prefix)


def test_a_token_reads_with_its_owners_rights_and_is_marked_used(orderer):
    secret = make_token(orderer, "read")
    response = ApiClient(secret).get(ORDERS)
    assert response.status_code == 200
    assert ApiToken.objects.get(owner=orderer).last_used_at is not None


def test_a_read_only_token_is_refused_on_writes(orderer, department):
    client = ApiClient(make_token(orderer, "read"))
    response = client.post(ORDERS, {"department": department.pk, "title": "X",
                                     "kind": "new_function", "need": "Y"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "bara läsa" in response.json()["detail"]
    assert not Order.objects.exists()


def test_an_expired_token_is_refused(orderer):
    secret = make_token(orderer)
    ApiToken.objects.filter(owner=orderer).update(expires_at=timezone.now() - timedelta(1))
    response = ApiClient(secret).get(ORDERS)
    assert response.status_code == 401
    assert response.json()["detail"] == "API-nyckeln har gått ut."


def test_a_revoked_token_is_refused_from_the_next_request(orderer):
    secret = make_token(orderer)
    client = ApiClient(secret)
    assert client.get(ORDERS).status_code == 200
    token_services.token_revoke(token_id=ApiToken.objects.get(owner=orderer).pk, actor=orderer)
    response = client.get(ORDERS)
    assert response.status_code == 401
    assert response.json()["detail"] == "API-nyckeln har återkallats."


def test_an_unknown_token_is_refused(orderer):
    response = ApiClient("tyr_" + "x" * 43).get(ORDERS)
    assert response.status_code == 401
    assert response.json()["detail"] == "API-nyckeln är inte giltig."


def test_a_deactivated_owners_token_is_refused(orderer):
    secret = make_token(orderer)
    orderer.is_active = False
    orderer.save()
    assert ApiClient(secret).get(ORDERS).status_code == 401


def test_someone_else_cannot_revoke_my_token(orderer, colleague):
    token = token_services.token_create(owner=orderer, name="A", scope="read",
                                        expires_at=timezone.now() + timedelta(days=1)).token
    with pytest.raises(token_services.TokenNotFound):
        token_services.token_revoke(token_id=token.pk, actor=colleague)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_lives_at_most_a_year(orderer):
    with pytest.raises(token_services.TokenError) as refused:
        token_services.token_create(owner=orderer, name="A", scope="read",
                                    expires_at=timezone.now() + timedelta(days=400))
    assert refused.value.field == "expires_at"


def test_requests_are_throttled_per_token_with_a_swedish_problem(settings, orderer):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api": "2/minute"}}
    cache.clear()
    first, second = ApiClient(make_token(orderer)), ApiClient(make_token(orderer))
    assert first.get(ORDERS).status_code == 200
    assert first.get(ORDERS).status_code == 200
    response = first.get(ORDERS)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert "För många anrop" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    # Another token of the same person counts on its own.
    assert second.get(ORDERS).status_code == 200
    cache.clear()


def test_the_session_writes_only_with_csrf(orderer, department):
    client = Client(enforce_csrf_checks=True)
    client.force_login(orderer)
    assert client.get(ORDERS).status_code == 200
    response = client.post(ORDERS, {"department": department.pk, "title": "X",
                                     "kind": "new_function", "need": "Y"},
                           content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- the token page ---------------------------------------------------------------------------


def test_token_page_needs_a_login(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_owner_creates_a_token_and_sees_it_once(client, orderer):
    client.force_login(orderer)
    page = client.get(reverse("api:tokens"))
    assert "Du har inga API-nycklar." in page.content.decode()
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(reverse("api:tokens"),
                           {"name": "Power BI", "scope": "read", "expires_on": expires})
    assert response.status_code == 200
    text = response.content.decode()
    token = ApiToken.objects.get(owner=orderer)
    secret = text.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.digest
    assert "den visas bara den här gången" in text
    again = client.get(reverse("api:tokens")).content.decode()
    assert "Power BI" in again and secret not in again and token.prefix in again


def test_bad_input_is_told_next_to_the_field(client, orderer):
    client.force_login(orderer)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(reverse("api:tokens"),
                           {"name": "", "scope": "read", "expires_on": yesterday})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Slutdatumet måste ligga i framtiden." in text
    assert not ApiToken.objects.exists()


def test_owner_revokes_a_token(client, orderer):
    secret = make_token(orderer)
    token = ApiToken.objects.get(owner=orderer)
    client.force_login(orderer)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert "är återkallad" in client.get(reverse("api:tokens")).content.decode()
    assert ApiClient(secret).get(ORDERS).status_code == 401


def test_another_persons_token_is_neither_listed_nor_revoked(client, orderer, colleague):
    make_token(orderer)
    token = ApiToken.objects.get(owner=orderer)
    client.force_login(colleague)
    assert token.prefix not in client.get(reverse("api:tokens")).content.decode()
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_layout_links_to_the_token_page(client, outsider):
    client.force_login(outsider)
    assert reverse("api:tokens") in client.get(reverse("home")).content.decode()
