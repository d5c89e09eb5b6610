"""Settings read from the environment at import: each case imports `tyreso_it.settings` in a
fresh process with exactly the environment given, and reads what it made of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEY = "a-signing-key-for-this-test-only-0123456789-abcdefghijklmnopqrstuvwxyz"


def load_settings(tmp_path: Path, names: list[str], **environment: str) -> dict:
    """The settings module imported with `environment` (and nothing else of the test
    process's), as a dict of `names`; raises CalledProcessError with the error when the
    import fails."""
    env = {"PATH": os.environ.get("PATH", ""), "VAR_DIR": str(tmp_path), **environment}
    program = (
        "import json, tyreso_it.settings as s\n"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=repr))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_debug_the_settings_refuse_to_load_without_a_secret_key(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        load_settings(tmp_path, ["SECRET_KEY"])
    assert "ImproperlyConfigured: SECRET_KEY is not set" in failure.value.stderr

    with pytest.raises(subprocess.CalledProcessError):
        load_settings(tmp_path, ["SECRET_KEY"], DEBUG="false", SECRET_KEY="")


def test_no_switch_lets_production_start_without_a_key(tmp_path):
    # The former opt-in switch is gone: whatever it says, no key means no start.
    with pytest.raises(subprocess.CalledProcessError):
        load_settings(tmp_path, ["SECRET_KEY"], REQUIRE_SECRET_KEY="false")


def test_with_a_key_the_settings_load_and_use_it(tmp_path):
    loaded = load_settings(tmp_path, ["SECRET_KEY", "DEBUG"], SECRET_KEY=KEY)
    assert loaded == {"SECRET_KEY": KEY, "DEBUG": False}


def test_a_developer_with_debug_on_needs_no_key(tmp_path):
    loaded = load_settings(tmp_path, ["SECRET_KEY", "DEBUG"], DEBUG="true")
    assert loaded["DEBUG"] is True
    assert loaded["SECRET_KEY"]


# --- HTTPS ----------------------------------------------------------------------------------

HTTPS_NAMES = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
               "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
               "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_HTTPONLY"]


def test_with_https_the_app_redirects_sends_hsts_trusts_the_proxy_and_secures_cookies(tmp_path):
    loaded = load_settings(tmp_path, HTTPS_NAMES, SECRET_KEY=KEY, HTTPS="true")
    assert loaded == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
    }


def test_hsts_is_configurable(tmp_path):
    loaded = load_settings(tmp_path, HTTPS_NAMES, SECRET_KEY=KEY, HTTPS="true",
                           HSTS_SECONDS="600", HSTS_INCLUDE_SUBDOMAINS="false")
    assert loaded["SECURE_HSTS_SECONDS"] == 600
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_without_https_nothing_is_redirected_or_pinned(tmp_path):
    loaded = load_settings(tmp_path, HTTPS_NAMES, SECRET_KEY=KEY)
    assert loaded["SECURE_SSL_REDIRECT"] is None  # Django's default, False, applies
    assert loaded["SECURE_HSTS_SECONDS"] is None  # Django's default, 0, applies
    assert loaded["SECURE_PROXY_SSL_HEADER"] is None
    assert loaded["SESSION_COOKIE_SECURE"] is False
    assert loaded["CSRF_COOKIE_SECURE"] is False
    assert loaded["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_secure_cookies_can_be_forced_either_way(tmp_path):
    assert load_settings(tmp_path, ["SESSION_COOKIE_SECURE"], SECRET_KEY=KEY,
                         SECURE_COOKIES="true")["SESSION_COOKIE_SECURE"] is True
    assert load_settings(tmp_path, ["SESSION_COOKIE_SECURE"], SECRET_KEY=KEY, HTTPS="true",
                         SECURE_COOKIES="false")["SESSION_COOKIE_SECURE"] is False


# --- single sign-on -----------------------------------------------------------------------------

SSO_NAMES = ["SSO_ENABLED", "OIDC_DISCOVERY_URL", "AUTHENTICATION_BACKENDS", "OIDC_GROUP_ROLES",
             "SECURE_CSP", "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS", "LOCAL_PASSWORDS",
             "BREAK_GLASS_ACCOUNTS", "OIDC_USE_PKCE"]


def test_without_an_issuer_there_is_no_single_sign_on(tmp_path):
    loaded = load_settings(tmp_path, SSO_NAMES, SECRET_KEY=KEY)
    assert loaded["SSO_ENABLED"] is False
    assert "organisation.oidc.OIDCBackend" not in loaded["AUTHENTICATION_BACKENDS"]
    assert loaded["SECURE_CSP"]["form-action"] == ["'self'"]


def test_an_issuer_configures_single_sign_on(tmp_path):
    loaded = load_settings(
        tmp_path, SSO_NAMES, SECRET_KEY=KEY,
        OIDC_ISSUER="https://sso.tyreso.se/realms/tyreso/",
        OIDC_CLIENT_ID="tyreso-it", OIDC_CLIENT_SECRET="hemligt",
        OIDC_GROUP_ROLES="/it/samordnare=it_coordinator, /it/samordnare=it_architect,"
                         "IT-chefer=it_chief",
        SESSION_IDLE_SECONDS="600", LOCAL_PASSWORDS="break-glass",
        BREAK_GLASS_ACCOUNTS="nodadmin",
    )
    assert loaded["SSO_ENABLED"] is True
    assert loaded["OIDC_DISCOVERY_URL"] == (
        "https://sso.tyreso.se/realms/tyreso/.well-known/openid-configuration")
    assert loaded["AUTHENTICATION_BACKENDS"][-1] == "organisation.oidc.OIDCBackend"
    assert loaded["OIDC_USE_PKCE"] is True
    assert loaded["OIDC_GROUP_ROLES"] == [["/it/samordnare", "it_coordinator"],
                                          ["/it/samordnare", "it_architect"],
                                          ["IT-chefer", "it_chief"]]
    # Logging out goes on to the provider; renewals come at least as often as the idle limit.
    assert loaded["SECURE_CSP"]["form-action"] == ["'self'", "https://sso.tyreso.se"]
    assert loaded["OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS"] == 600
    assert (loaded["LOCAL_PASSWORDS"], loaded["BREAK_GLASS_ACCOUNTS"]) == (
        "break-glass", ["nodadmin"])


@pytest.mark.parametrize("environment, complaint", [
    ({"OIDC_ISSUER": "https://sso.tyreso.se"}, "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"),
    ({"OIDC_GROUP_ROLES": "it_coordinator"}, "OIDC_GROUP_ROLES"),
    ({"LOCAL_PASSWORDS": "none"}, "LOCAL_PASSWORDS"),
])
def test_a_wrong_single_sign_on_setting_stops_the_start(tmp_path, environment, complaint):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        load_settings(tmp_path, ["SSO_ENABLED"], SECRET_KEY=KEY, **environment)
    assert complaint in failure.value.stderr
