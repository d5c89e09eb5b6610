"""Single sign-on against a real OpenID provider (node's oidc-provider on the loopback): the
authorization code flow with PKCE as the browser and the app go through it, and each way it
must be refused, with the Swedish message the login page then shows."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import oidc
from organisation.models import ExternalIdentity, Role, User
from tests import factories
from tests.oidc import CLIENT_ID, account

pytestmark = [pytest.mark.django_db]

LOGIN = "/konto/logga-in/"


def begin(client: Client, next_url: str = "") -> str:
    """The app's redirect to the provider (the start of a login)."""
    url = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def finish(client: Client, callback: str):
    """The browser's return to the app from the provider."""
    parts = urlsplit(callback)
    assert parts.path == reverse("oidc_authentication_callback")
    return client.get(f"{parts.path}?{parts.query}")


def log_in(client: Client, provider, login: str, browser: requests.Session | None = None):
    browser = browser or requests.Session()
    return finish(client, provider.login(browser, begin(client), login))


def login_page_text(client: Client, response) -> str:
    """The login page the refused login ends on, as the person reads it."""
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    page = client.get(LOGIN)
    assert page.status_code == 200
    return page.content.decode()


def logged_in_user(client: Client) -> User | None:
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def role_codes(user: User) -> set[str]:
    return set(Role.objects.filter(group__user=user).values_list("code", flat=True))


@pytest.fixture(autouse=True)
def _roles():
    factories.ensure_roles()


# --- the flow ---------------------------------------------------------------------------------


def test_login_creates_the_person_from_the_claims_with_the_roles_of_their_groups(sso, client):
    sso.accounts(lena=account("E1001", ["IT-samordnare", "Alla anställda"],
                              name="Lena Berg", email="lena.berg@tyreso.se"))

    authorize = begin(client, next_url="/bestallningar/")
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{sso.issuer}/auth?")
    # Code flow with PKCE (S256), a state and a nonce of this login.
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] in client.session["oidc_states"]
    assert query["nonce"][0] == client.session["oidc_states"][query["state"][0]]["nonce"]

    response = finish(client, sso.login(requests.Session(), authorize, "lena"))

    assert response.status_code == 302
    assert response["Location"] == "/bestallningar/"
    user = logged_in_user(client)
    assert user is not None
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "E1001", "Lena", "Berg", "lena.berg@tyreso.se")
    assert not user.has_usable_password()
    assert user.external_identity.employee_id == "E1001"
    assert user.external_identity.issuer == sso.issuer
    assert role_codes(user) == {"it_coordinator"}
    assert client.session[BACKEND_SESSION_KEY] == "organisation.oidc.OIDCBackend"
    # The person is in: the ordering function's queue opens.
    assert client.get("/bestallningar/").status_code == 200
    # The state is spent.
    assert client.session["oidc_states"] == {}


def test_the_person_is_found_by_the_employee_id_never_by_the_email(sso, client):
    local = factories.UserFactory(username="lberg", email="lena.berg@tyreso.se")
    sso.accounts(lena=account("E1002", ["IT-samordnare"], email="lena.berg@tyreso.se"))

    log_in(client, sso, "lena")

    user = logged_in_user(client)
    assert user.pk != local.pk
    assert not ExternalIdentity.objects.filter(user=local).exists()

    # A new address and name at the provider: the same person here, updated.
    sso.accounts(lena=account("E1002", ["IT-samordnare"], name="Lena Lund",
                              email="lena.lund@tyreso.se"))
    client.post(reverse("logout"))
    log_in(client, sso, "lena")
    again = logged_in_user(client)
    assert again.pk == user.pk
    assert (again.last_name, again.email) == ("Lund", "lena.lund@tyreso.se")
    assert User.objects.filter(external_identity__isnull=False).count() == 1


def test_roles_follow_the_groups_at_each_login_and_the_register_stays(sso, client):
    department = factories.DepartmentFactory()
    sso.accounts(per=account("E2001", ["IT-samordnare"], name="Per Ek"))
    log_in(client, sso, "per")
    user = logged_in_user(client)
    # Given by an administrator: a role no group gives, and a place on a register.
    factories.add_role(user, "it_chief")
    factories.orderer_register(department=department, person=user)

    sso.accounts(per=account("E2001", ["IT-ändringsledare", "IT-arkitekter"], name="Per Ek"))
    client.post(reverse("logout"))
    log_in(client, sso, "per")

    assert logged_in_user(client).pk == user.pk
    assert role_codes(user) == {"change_manager", "it_architect", "it_chief"}
    assert user.orderer_registrations.filter(department=department).exists()

    # No group of the product's any more: the roles go, the register keeps the person in.
    sso.accounts(per=account("E2001", ["Alla anställda"], name="Per Ek"))
    client.post(reverse("logout"))
    log_in(client, sso, "per")
    assert logged_in_user(client).pk == user.pk
    assert role_codes(user) == {"it_chief"}
    assert user.orderer_registrations.filter(department=department).exists()


def test_an_unknown_group_without_standing_is_refused(sso, client):
    sso.accounts(okand=account("E3001", ["Alla anställda", "Skolan-lärare"]))

    response = log_in(client, sso, "okand")

    text = login_page_text(client, response)
    assert "ingen grupp som ger tillgång till IT-beställning" in text
    assert logged_in_user(client) is None
    assert not User.objects.filter(username="E3001").exists()


def test_a_person_on_a_register_logs_in_without_a_known_group(sso, client):
    orderer = factories.make_orderer()
    ExternalIdentity.objects.create(user=orderer, employee_id="E3002")
    sso.accounts(anna=account("E3002", ["Alla anställda"], name="Anna Lind"))

    response = log_in(client, sso, "anna")

    assert response.status_code == 302
    assert logged_in_user(client).pk == orderer.pk
    assert role_codes(orderer) == set()


# --- refused ----------------------------------------------------------------------------------


def test_a_wrong_state_is_refused(sso, client):
    sso.accounts(lena=account("E4001", ["IT-samordnare"]))
    callback = sso.login(requests.Session(), begin(client), "lena")
    forged = callback.replace("state=", "state=forged")

    text = login_page_text(client, finish(client, forged))

    assert "hör inte till en inloggning som påbörjats i den här webbläsaren" in text
    assert logged_in_user(client) is None


def test_an_answer_without_a_login_begun_here_is_refused(sso, client):
    sso.accounts(lena=account("E4002", ["IT-samordnare"]))
    other_browser = Client()
    callback = sso.login(requests.Session(), begin(other_browser), "lena")

    text = login_page_text(client, finish(client, callback))

    assert "hör inte till en inloggning som påbörjats" in text
    assert logged_in_user(client) is None


def test_a_replayed_code_is_refused(sso, client):
    sso.accounts(lena=account("E4003", ["IT-samordnare"]))
    callback = sso.login(requests.Session(), begin(client), "lena")
    assert finish(client, callback)["Location"] == "/"
    client.post(reverse("logout"))

    # The same answer again: its state is spent.
    text = login_page_text(client, finish(client, callback))
    assert "hör inte till en inloggning som påbörjats" in text

    # The old code with the state of a new login: the provider refuses the code.
    fresh_state = parse_qs(urlsplit(begin(client)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    replay = f"http://testserver/oidc/callback/?code={code}&state={fresh_state}"
    text = login_page_text(client, finish(client, replay))
    assert "godtog inte inloggningskoden" in text
    assert logged_in_user(client) is None


def test_an_expired_id_token_is_refused(sso, client):
    sso.accounts(lena=account("E4004", ["IT-samordnare"]))
    callback = sso.login(requests.Session(), begin(client), "lena")
    # The provider's clock an hour behind: the ID token it issues has expired already.
    sso.clock(-3600)

    text = login_page_text(client, finish(client, callback))

    assert "har gått ut" in text
    assert logged_in_user(client) is None


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _unsigned(token: str) -> str:
    _header, payload, _signature = token.split(".")
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return f"{header}.{payload}."


@pytest.mark.parametrize("change", [_tamper, _unsigned], ids=["changed-claims", "alg-none"])
def test_a_tampered_id_token_is_refused(sso, client, monkeypatch, change):
    sso.accounts(lena=account("E4005", ["IT-samordnare"]))
    real_get_token = oidc.OIDCBackend.get_token

    def get_token(self, payload):
        # The provider's answer changed on its way (a party between them).
        tokens = real_get_token(self, payload)
        return {**tokens, "id_token": change(tokens["id_token"])}

    monkeypatch.setattr(oidc.OIDCBackend, "get_token", get_token)
    callback = sso.login(requests.Session(), begin(client), "lena")

    text = login_page_text(client, finish(client, callback))

    assert "kunde inte kontrolleras" in text
    assert logged_in_user(client) is None
    assert not User.objects.filter(username="E4005").exists()


def test_a_disabled_account_is_refused_at_login(sso, client):
    sso.accounts(lena=account("E4006", ["IT-samordnare"], disabled=True))

    response = log_in(client, sso, "lena")

    text = login_page_text(client, response)
    assert "ditt konto kan vara spärrat" in text
    assert logged_in_user(client) is None


def test_a_disabled_account_loses_its_session_at_the_next_renewal(sso, client, settings):
    assert settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS <= settings.SESSION_IDLE_SECONDS
    sso.accounts(lena=account("E4007", ["IT-samordnare"]))
    browser = requests.Session()
    log_in(client, sso, "lena", browser)
    user = logged_in_user(client)
    assert client.get("/").status_code == 200

    # The renewal is due (as after OIDC_RENEW_SECONDS): while the account is in good standing
    # it is silent (prompt=none) and the person stays.
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()
    renewal = client.get("/bestallningar/")
    assert renewal.status_code == 302
    assert "prompt=none" in renewal["Location"]
    back = sso.follow(browser, renewal["Location"])
    assert isinstance(back, str), back.text
    assert finish(client, back)["Location"] == "/bestallningar/"
    assert logged_in_user(client).pk == user.pk
    assert client.get("/").status_code == 200

    # Disabled at the provider: the next renewal ends the session here.
    sso.accounts(lena={"disabled": True})
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()
    renewal = client.get("/")
    back = sso.follow(browser, renewal["Location"])
    assert isinstance(back, str), back.text
    assert "error=login_required" in back

    text = login_page_text(client, finish(client, back))

    assert "ditt konto kan vara spärrat" in text
    assert logged_in_user(client) is None


# --- logging out, and passwords ---------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_provider(sso, client):
    sso.accounts(lena=account("E5001", ["IT-samordnare"]))
    browser = requests.Session()
    log_in(client, sso, "lena", browser)
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("logout"))

    assert logged_in_user(client) is None
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
        f"{sso.issuer}/session/end")
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/konto/logga-in/"]
    # The provider asks to confirm, then ends its session and sends the browser back.
    page = browser.get(response["Location"], timeout=10)
    assert page.status_code == 200
    form_action = page.text.split('action="', 1)[1].split('"', 1)[0]
    xsrf = page.text.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
    back = browser.post(f"{sso.issuer}{urlsplit(form_action).path}",
                        data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False, timeout=10)
    assert back.is_redirect
    location = urljoin(back.url, back.headers["Location"])
    while location.startswith(sso.issuer):
        back = browser.get(location, allow_redirects=False, timeout=10)
        location = urljoin(back.url, back.headers["Location"])
    assert location == "http://testserver/konto/logga-in/"
    # The provider's session is gone: the next login asks for the password again.
    page = sso.follow(browser, begin(client))
    assert not isinstance(page, str)
    assert "/interaction/" in page.url


def test_a_password_login_ends_without_the_provider(sso, client):
    user = factories.make_coordinator(username="lokal")
    client.force_login(user, backend="organisation.backends.PermissionBackend")

    response = client.post(reverse("logout"))

    assert response["Location"] == LOGIN


def test_the_login_page_offers_the_municipal_account(sso, client):
    page = client.get(LOGIN).content.decode()
    assert "Logga in med kommunens konto" in page
    assert 'href="/oidc/authenticate/"' in page
    # Passwords are kept for everyone by default.
    assert 'name="password"' in page


def test_passwords_can_be_switched_off_but_for_break_glass(sso, client, settings):
    settings.LOCAL_PASSWORDS = "break-glass"
    settings.BREAK_GLASS_ACCOUNTS = ["nodkonto"]
    factories.UserFactory(username="vanlig", password="ett-langt-losenord")
    factories.UserFactory(username="nodkonto", password="ett-langt-losenord")
    factories.UserFactory(username="admin", password="ett-langt-losenord", is_superuser=True)

    page = client.get(LOGIN).content.decode()
    assert "Reservinloggning för administratörer" in page

    # The right password, but no password login: refused, and the page says where to go
    # (the same words as for a wrong password, so they name no break-glass account).
    response = client.post(LOGIN, {"username": "vanlig", "password": "ett-langt-losenord"})
    assert response.status_code == 200
    refused = response.content.decode()
    assert "alla andra loggar in med kommunens konto" in refused
    assert logged_in_user(client) is None
    wrong = client.post(LOGIN, {"username": "nodkonto", "password": "fel-losenord-ja"})
    assert wrong.context["form"].non_field_errors() == (
        response.context["form"].non_field_errors())
    # Not through the admin's login either.
    client.post("/admin/login/", {"username": "vanlig", "password": "ett-langt-losenord"})
    assert logged_in_user(client) is None

    for name in ("nodkonto", "admin"):
        response = Client().post(LOGIN, {"username": name, "password": "ett-langt-losenord"})
        assert response.status_code == 302, name


def test_without_sso_the_product_logs_in_as_before(client):
    factories.UserFactory(username="vanlig", password="ett-langt-losenord")

    page = client.get(LOGIN).content.decode()
    assert "kommunens konto" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback") + "?code=x&state=y"
                      ).status_code == 404
    response = client.post(LOGIN, {"username": "vanlig", "password": "ett-langt-losenord"})
    assert response.status_code == 302
    assert logged_in_user(client) is not None


def test_a_provider_that_does_not_answer_is_said_so(sso, client, settings):
    from organisation import oidc as module

    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    module.forget_discovery()

    text = login_page_text(client, client.get(reverse("oidc_authentication_init")))

    assert "kunde inte nås" in text



def test_a_mapping_to_a_role_no_group_may_give_is_a_configuration_error(settings):
    settings.OIDC_GROUP_ROLES = [("Alla", "orderer"), ("IT", "it_coordinator"), ("X", "nobody")]

    errors = oidc.check_group_roles()

    assert [error.id for error in errors] == ["organisation.E001"]
    assert "nobody, orderer" in errors[0].msg


def test_an_answer_of_no_login_begun_here_logs_no_one_out(sso, client):
    sso.accounts(lena=account("E6001", ["IT-samordnare"]))
    log_in(client, sso, "lena")
    user = logged_in_user(client)

    # A link anyone could send: an error or a code with a state this session never made.
    for query in ("error=login_required&state=forged", "code=stolen&state=forged"):
        response = client.get(f"{reverse('oidc_authentication_callback')}?{query}")
        assert response["Location"] == LOGIN
        assert logged_in_user(client).pk == user.pk


def test_a_person_deactivated_here_is_refused_though_the_provider_lets_them_in(sso, client):
    sso.accounts(lena=account("E6002", ["IT-samordnare"]))
    log_in(client, sso, "lena")
    user = logged_in_user(client)
    client.post(reverse("logout"))
    User.objects.filter(pk=user.pk).update(is_active=False)

    text = login_page_text(client, log_in(client, sso, "lena"))

    assert "Ditt konto i IT-beställning är avaktiverat" in text
    assert logged_in_user(client) is None


def test_claims_without_an_employee_id_are_refused(sso, client, settings):
    # Claims from the ID token alone (as for Entra ID): this provider puts only the subject
    # there, so the employee id is missing.
    settings.OIDC_USE_USERINFO = False
    sso.accounts(lena=account("E6003", ["IT-samordnare"]))

    text = login_page_text(client, log_in(client, sso, "lena"))

    assert "skickade inget anställnings-id" in text
    assert not User.objects.filter(username="E6003").exists()


def test_names_from_the_provider_are_shown_as_text(sso, client):
    sso.accounts(hostile=account("E6004", ["IT-samordnare"],
                                 name='<script>alert(1)</script> "Berg"'))

    log_in(client, sso, "hostile")

    user = logged_in_user(client)
    assert user.first_name == "<script>alert(1)</script>"
    page = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_htmx_fragments_are_not_sent_to_the_provider_for_a_renewal(sso, client):
    sso.accounts(lena=account("E6005", ["IT-samordnare"]))
    log_in(client, sso, "lena")
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()

    fragment = client.get("/bestallningar/", headers={"HX-Request": "true"})
    page = client.get("/bestallningar/")

    assert fragment.status_code == 200
    assert page.status_code == 302
    assert page["Location"].startswith(f"{sso.issuer}/auth?")


def test_a_login_through_the_provider_costs_a_page_no_query_more(sso, client):
    sso.accounts(lena=account("E6006", ["IT-samordnare"]))
    log_in(client, sso, "lena")
    user = logged_in_user(client)
    by_password = Client()
    by_password.force_login(user, backend="organisation.backends.PermissionBackend")
    counts = []
    # (A password login is never sent to the provider for a renewal: its page answers 200.)
    for each in (client, by_password):
        each.get("/bestallningar/")  # the access cache filled
        with CaptureQueriesContext(connection) as queries:
            assert each.get("/bestallningar/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_admin_shows_the_provider_account(sso, client):
    sso.accounts(lena=account("E6007", ["IT-samordnare"]))
    log_in(client, sso, "lena")
    user = logged_in_user(client)
    admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin, backend="organisation.backends.PermissionBackend")

    page = client.get(reverse("admin:organisation_user_change", args=[user.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "E6007" in text
    assert sso.issuer in text


def test_a_provider_without_rp_initiated_logout_is_left_as_it_is(sso, client, settings):
    sso.accounts(lena=account("E6008", ["IT-samordnare"]))
    log_in(client, sso, "lena")
    document = oidc.discovery()
    oidc._documents[settings.OIDC_DISCOVERY_URL] = {
        key: value for key, value in document.items() if key != "end_session_endpoint"}

    response = client.post(reverse("logout"))

    assert response["Location"] == LOGIN
    assert logged_in_user(client) is None
