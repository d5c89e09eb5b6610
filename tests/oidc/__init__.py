"""A real OpenID provider for the single sign-on tests: node's certified `oidc-provider`
(`provider.mjs` here), started once per test process on the loopback.

    oidc_provider        the running provider (session scope); `.accounts(...)` and
                         `.clock(...)` change its world between logins, `.login(...)` goes
                         through its login page as a browser would (with `requests`)
    sso                  single sign-on configured against it for one test (settings)

node and npm come from the system (Debian: apt-get install nodejs npm); `npm ci` is run here
when node_modules is missing. Without node the tests skip, and under CI they fail.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

DIRECTORY = Path(__file__).resolve().parent
CLIENT_ID = "tyreso-it"
CLIENT_SECRET = "test-secret-of-the-client-0123456789"  # noqa: S105 (the test provider's)
PASSWORD = "provider-password"  # noqa: S105
#: The groups of the provider and the roles they give here.
GROUP_ROLES = [("IT-samordnare", "it_coordinator"), ("IT-ändringsledare", "change_manager"),
               ("IT-arkitekter", "it_architect")]
#: Where the provider may send the browser back (any port on the loopback).
REDIRECT_URIS = ",".join(f"http://{host}/oidc/callback/"
                         for host in ("testserver", "127.0.0.1", "localhost"))
LOGOUT_URIS = ",".join(f"http://{host}/konto/logga-in/"
                       for host in ("testserver", "127.0.0.1", "localhost"))


def account(employee_id: str, groups: list[str], *, name: str = "Lena Berg",
            email: str = "lena.berg@tyreso.se", disabled: bool = False) -> dict:
    """An account at the provider, as its control route takes it."""
    given, _space, family = name.partition(" ")
    return {"password": PASSWORD, "name": name, "given_name": given, "family_name": family,
            "email": email, "employee_id": employee_id, "groups": groups,
            "disabled": disabled}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def accounts(self, **accounts: dict) -> None:
        """Add or change accounts (by their login name at the provider)."""
        response = self.http.post(f"{self.issuer}/__control/accounts", json=accounts, timeout=5)
        response.raise_for_status()

    def clock(self, offset: int) -> None:
        """Move the provider's clock by `offset` seconds (0 puts it right)."""
        response = self.http.post(f"{self.issuer}/__control/clock", json={"offset": offset},
                                  timeout=5)
        response.raise_for_status()

    def follow(self, browser: requests.Session, url: str,
               until: str = "http://testserver/") -> requests.Response | str:
        """Follow the provider's redirects from `url`: the first address under `until` (where
        the provider sends the browser back to the app), or the provider's page it stops at."""
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(until):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        return response

    def login(self, browser: requests.Session, authorize_url: str, login: str,
              password: str = PASSWORD, until: str = "http://testserver/") -> str:
        """Log in at the provider as a person would (its login form), from the app's redirect
        to `authorize_url`: the address the provider sends the browser back to."""
        page = self.follow(browser, authorize_url, until)
        if isinstance(page, str):
            return page  # a login the provider still knows: straight back
        assert "/interaction/" in page.url, page.text
        response = browser.post(f"{page.url}/login", data={"login": login, "password": password},
                                allow_redirects=False, timeout=10)
        assert response.is_redirect, response.text
        back = self.follow(browser, urljoin(response.url, response.headers["Location"]), until)
        assert isinstance(back, str), back.text
        return back


def skip_or_fail(reason: str) -> None:
    from tests.conftest import skip_or_fail as skip_or_fail_in_ci

    skip_or_fail_in_ci(reason)


def _npm_ci() -> None:
    """Install the provider's packages when they are missing, once however many test
    processes ask at the same time (pytest-xdist)."""
    installed = DIRECTORY / "node_modules" / "oidc-provider"
    if installed.is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        skip_or_fail("npm is not installed (apt-get install nodejs npm)")
    with open(Path(tempfile.gettempdir()) / "tyreso-it-oidc-npm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed.is_dir():
            subprocess.run([npm, "ci", "--prefix", str(DIRECTORY), "--no-audit", "--no-fund"],
                           check=True, timeout=300, capture_output=True)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed (apt-get install nodejs npm)")
    _npm_ci()
    environment = {
        **os.environ,
        "OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_TEST_REDIRECT_URIS": REDIRECT_URIS,
        "OIDC_TEST_LOGOUT_URIS": LOGOUT_URIS,
        "OIDC_TEST_ACCOUNTS": json.dumps({}),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([node, str(DIRECTORY / "provider.mjs")], cwd=DIRECTORY,
                                   env=environment, stdout=subprocess.PIPE, stderr=log,
                                   text=True)
        try:
            ready, _w, _x = select.select([process.stdout], [], [], 20)
            line = process.stdout.readline() if ready else ""
            if not line.startswith("LISTENING "):
                log.seek(0)
                raise RuntimeError(f"The test provider did not start: {line}"
                                   f"{log.read().decode(errors='replace')}")
            yield Provider(issuer=line.split()[1], process=process)
        finally:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def sso(settings, oidc_provider) -> Iterator[Provider]:
    """Single sign-on configured against the test provider, as the environment would."""
    from organisation import oidc

    settings.SSO_ENABLED = True
    settings.OIDC_DISCOVERY_URL = oidc_provider.discovery_url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_GROUP_ROLES = GROUP_ROLES
    settings.LOCAL_PASSWORDS = "all"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS,
                                        "organisation.oidc.OIDCBackend"]
    # As the settings make it from OIDC_ISSUER: logging out may go on to the provider.
    settings.SECURE_CSP = {**settings.SECURE_CSP,
                           "form-action": [*settings.SECURE_CSP["form-action"],
                                           oidc_provider.issuer]}
    oidc.forget_discovery()
    oidc_provider.clock(0)
    yield oidc_provider
    oidc.forget_discovery()
