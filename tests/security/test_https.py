"""Behind the TLS proxy (the settings that HTTPS=true gives, see tests/test_settings_env.py):
plain HTTP is redirected, HTTPS answers carry HSTS, cookies are secure, and the container's
health check still reaches the app."""

from __future__ import annotations

import http.server
import importlib.util
import threading
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PROXIED_HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture
def https(settings):
    """What HTTPS=true sets (tyreso_it/settings.py)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return Client()  # a new client reads the settings above when it first loads middleware


def test_plain_http_is_redirected_to_https(https):
    response = https.get("/konto/logga-in/?next=/bestallningar/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/konto/logga-in/?next=/bestallningar/"


def test_https_answers_tell_browsers_to_keep_to_https(https):
    response = https.get("/konto/logga-in/", **PROXIED_HTTPS)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_session_and_csrf_cookies_travel_over_https_only(https):
    person = factories.UserFactory()
    page = https.get("/konto/logga-in/", **PROXIED_HTTPS)
    assert page.cookies["csrftoken"]["secure"]
    assert page.cookies["csrftoken"]["samesite"] == "Lax"

    response = https.post(reverse("login"), {"username": person.username,
                                             "password": factories.PASSWORD}, **PROXIED_HTTPS)

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"


class _BehindTheProxy(http.server.BaseHTTPRequestHandler):
    """An app with HTTPS=true: plain HTTP is redirected to an https:// address."""

    def do_GET(self):  # noqa: N802 - the standard library's name
        if self.headers.get("X-Forwarded-Proto") == "https":
            self.send_response(200)
        else:
            self.send_response(301)
            self.send_header("Location", f"https://127.0.0.1:{self.server.server_port}/")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_containers_health_check_reaches_an_app_that_redirects_to_https(monkeypatch):
    spec = importlib.util.spec_from_file_location("healthcheck",
                                                  ROOT / "scripts" / "healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    server = http.server.HTTPServer(("127.0.0.1", 0), _BehindTheProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HEALTHCHECK_URL", f"http://127.0.0.1:{server.server_port}/")
        assert healthcheck.check_web() is True
    finally:
        server.shutdown()
