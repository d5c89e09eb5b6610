"""The REST API with access tokens of the municipality's OpenID provider (the real test
provider on the loopback): JWTs for the API's audience, checked against the provider's keys,
for the person of the employee-id claim, and each way such a token must be refused."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

from organisation.models import ExternalIdentity
from tests import factories
from tests.api.conftest import ApiClient, make_token
from tests.api.test_reads import assert_constant
from tests.oidc import CLIENT_ID, CLIENT_SECRET, account
from tests.orders.test_query_counts import bare_order
from tests.queries import ACCESS_TOKEN

pytestmark = [pytest.mark.django_db]

AUDIENCE = "https://it.tyreso.se/api"
ORDERS = "/api/v1/orders/"
CALLBACK = "http://testserver/oidc/callback/"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tokens(provider, login: str, resource: str = AUDIENCE, issued_ago: int = 0) -> dict:
    """The provider's token response for `login`, as another system acting as the person gets
    it: the authorization code flow with PKCE, asking for an access token for `resource`
    (issued `issued_ago` seconds ago)."""
    document = requests.get(provider.discovery_url, timeout=5).json()
    verifier = secrets.token_urlsafe(48)
    params = {"client_id": CLIENT_ID, "response_type": "code", "scope": "openid api",
              "redirect_uri": CALLBACK, "state": secrets.token_urlsafe(16),
              "nonce": secrets.token_urlsafe(16), "resource": resource,
              "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
              "code_challenge_method": "S256"}
    browser = requests.Session()
    back = provider.login(browser, f"{document['authorization_endpoint']}?{urlencode(params)}",
                          login)
    code = parse_qs(urlsplit(back).query)["code"][0]
    provider.clock(-issued_ago)
    try:
        response = requests.post(document["token_endpoint"], timeout=5, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "code_verifier": verifier, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "resource": resource})
    finally:
        provider.clock(0)
    assert response.status_code == 200, response.text
    return response.json()


def access_token(provider, login: str, resource: str = AUDIENCE, issued_ago: int = 0) -> str:
    return tokens(provider, login, resource, issued_ago)["access_token"]


@pytest.fixture
def api_sso(sso, settings):
    """Single sign-on against the test provider, its access tokens for AUDIENCE."""
    settings.OIDC_API_AUDIENCE = AUDIENCE
    cache.clear()  # the throttle's counts
    return sso


@pytest.fixture
def lena(api_sso, orderer):
    """The orderer, known here by the employee id the provider's account carries."""
    ExternalIdentity.objects.create(user=orderer, employee_id="E2001")
    api_sso.accounts(lena=account("E2001", []))
    return orderer


def refused(response, detail: str) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == detail
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_token_reads_the_orders_its_person_may_see(api_sso, lena, make_order,
                                                    other_orderer):
    token = access_token(api_sso, "lena")
    assert len(token.split(".")) == 3  # a JWT, checked here without asking the provider
    own = make_order("submitted")
    other = factories.make_order("submitted", orderer=other_orderer)
    response = ApiClient(token).get(ORDERS)
    assert response.status_code == 200, response.content
    shown = {row["id"] for row in response.json()["results"]}
    assert own.pk in shown
    assert other.pk not in shown
    assert ApiClient(token).get(reverse("api:order", args=[other.pk])).status_code == 404


def test_the_token_is_for_the_person_the_browser_login_made(api_sso, client):
    """Found by the employee id, as the login through the provider found them."""
    from tests.oidc.test_sso import log_in, logged_in_user

    factories.ensure_roles()
    api_sso.accounts(nils=account("E3001", ["IT-samordnare"], name="Nils Ek",
                                  email="nils.ek@tyreso.se"))
    log_in(client, api_sso, "nils")
    person = logged_in_user(client)
    assert person is not None
    response = ApiClient(access_token(api_sso, "nils")).get(ORDERS)
    assert response.status_code == 200, response.content
    assert response.wsgi_request.user.pk == person.pk


def test_the_orders_list_with_a_providers_token_costs_one_query_more(lena, api_sso,
                                                                     department):
    def rows(n):
        for _ in range(n):
            bare_order(department=department)

    # 1. the person by the employee id, then as with the session.
    client = ApiClient(access_token(api_sso, "lena"))
    assert_constant(rows, client, reverse("api:orders"), 1 + ACCESS_TOKEN + 1)


def test_an_expired_token_is_refused(api_sso, lena):
    token = access_token(api_sso, "lena", issued_ago=700)  # it lived 600 s
    refused(ApiClient(token).get(ORDERS), "Åtkomsttoken har gått ut.")


def test_a_tampered_token_is_refused(api_sso, lena, coordinator):
    """The payload changed to speak for another person, the provider's signature kept."""
    ExternalIdentity.objects.create(user=coordinator, employee_id="E2002")
    header, payload, signature = access_token(api_sso, "lena").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["employee_id"] = "E2002"
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    refused(ApiClient(forged).get(ORDERS), "Åtkomsttoken är inte giltig.")
    refused(ApiClient("inte.en.jwt").get(ORDERS), "Åtkomsttoken är inte giltig.")


def test_a_token_for_another_audience_is_refused(api_sso, lena):
    token = access_token(api_sso, "lena", resource="https://intranat.tyreso.se/api")
    refused(ApiClient(token).get(ORDERS), "Åtkomsttoken är inte avsedd för detta API.")


def test_the_id_token_is_not_taken_for_an_access_token(api_sso, lena, settings):
    """Its audience is the client id, the default audience: it still is no access token."""
    settings.OIDC_API_AUDIENCE = ""
    id_token = tokens(api_sso, "lena")["id_token"]
    refused(ApiClient(id_token).get(ORDERS), "Åtkomsttoken är inte giltig.")


def test_a_token_of_an_unknown_person_is_refused(api_sso, lena):
    api_sso.accounts(okand=account("E9999", ["IT-samordnare"], name="Okänd Person"))
    response = ApiClient(access_token(api_sso, "okand")).get(ORDERS)
    refused(response, "Åtkomsttokens person har inget konto här: personen loggar först in "
                      "en gång med enkel inloggning.")
    assert not ExternalIdentity.objects.filter(employee_id="E9999").exists()


def test_a_token_of_a_deactivated_person_is_refused(api_sso, lena):
    token = access_token(api_sso, "lena")
    lena.is_active = False
    lena.save(update_fields=["is_active"])
    refused(ApiClient(token).get(ORDERS), "Åtkomsttokens person har inte längre åtkomst här.")


def test_the_refusal_speaks_english_when_asked(api_sso, lena):
    token = access_token(api_sso, "lena", resource="https://intranat.tyreso.se/api")
    response = ApiClient(token).get(ORDERS, headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The access token is not meant for this API."


def test_a_token_reads_only_unless_it_carries_the_write_scope(api_sso, lena, department,
                                                              settings):
    token = access_token(api_sso, "lena")
    draft = {"department": department.pk, "title": "Skanner", "kind": "new_function",
             "need": "En skanner till receptionen."}
    response = ApiClient(token).post(ORDERS, draft)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Denna åtkomsttoken får bara läsa")
    settings.OIDC_API_WRITE_SCOPE = "api"
    assert ApiClient(token).post(ORDERS, draft).status_code == 201


def test_personal_tokens_still_work_and_are_tried_first(api_sso, lena):
    response = ApiClient(make_token(lena)).get(ORDERS)
    assert response.status_code == 200
    refused(ApiClient("tyr_unknown").get(ORDERS), "API-nyckeln är inte giltig.")


def test_off_without_single_sign_on_or_when_switched_off(api_sso, lena, settings):
    token = access_token(api_sso, "lena")
    assert ApiClient(token).get(ORDERS).status_code == 200
    settings.OIDC_API_BEARER = False
    assert ApiClient(token).get(ORDERS).status_code == 401
    settings.OIDC_API_BEARER = True
    settings.SSO_ENABLED = False
    response = ApiClient(token).get(ORDERS)
    assert response.status_code == 401
    assert response.json()["detail"] != "Åtkomsttoken är inte giltig."


def test_a_providers_token_is_throttled_per_person(api_sso, lena, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api": "2/minute"}}
    first, second = access_token(api_sso, "lena"), access_token(api_sso, "lena")
    assert ApiClient(first).get(ORDERS).status_code == 200
    assert ApiClient(second).get(ORDERS).status_code == 200
    response = ApiClient(first).get(ORDERS)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"


def test_a_provider_that_does_not_answer_gives_a_503(api_sso, lena, settings):
    from organisation import oidc

    token = access_token(api_sso, "lena")
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    oidc.forget_discovery()
    response = ApiClient(token).get(ORDERS)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == ("Kommunens identitetsleverantör svarar inte; försök "
                                         "igen om en stund.")
