"""Every page and file carries the security headers (`tests.security.headers`: the
Content-Security-Policy and `Cache-Control: private, no-store`).

Every URL pattern of the app is checked by the walk of tests/security/test_url_walk.py, which
asks for each as every kind of person and runs this check on every response. Here: every list
and form of the admin as a superuser in the demo world, the pages of someone not logged in
and the error pages, and the check itself."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from demo import loader
from organisation.models import User
from servicecatalog.models import (
    Integration,
)

from .headers import assert_security_headers, csp_directives

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_transaction):
    """The demo (every list of the admin has rows), its superuser."""
    loader.load_demo()
    return {"superuser": User.objects.get(username="admin")}


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change",
                                args=[first.pk]))
    return urls


@pytest.fixture
def superuser_client(world):
    client = Client()
    client.force_login(world["superuser"])
    return client


def test_every_list_and_form_of_the_admin_carries_the_security_headers(world,
                                                                       superuser_client):
    for url in admin_urls():
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        # The admin's scripts are files of its own, none inline.
        body = response.content.decode()
        assert "<script>" not in body, url


def test_pages_for_someone_not_logged_in_and_errors_carry_them_too(world, client):
    for url in ("/konto/logga-in/", "/admin/login/", "/no-such-page/", "/bestallningar/"):
        assert_security_headers(client.get(url))


# --- the check itself -----------------------------------------------------------------------


def with_policy(policy: str, cache_control: str = "private, no-store") -> HttpResponse:
    response = HttpResponse()
    response["Content-Security-Policy"] = policy
    response["Cache-Control"] = cache_control
    return response


APP_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
              "style-src-elem 'self' 'nonce-abc'; style-src-attr 'unsafe-inline'; "
              "img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'")


@pytest.mark.parametrize("weaker", [
    APP_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
    APP_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"),
    APP_POLICY.replace("script-src 'self'; ", "").replace("default-src 'self'",
                                                         "default-src *"),
    APP_POLICY.replace("style-src-elem 'self' 'nonce-abc'", "style-src-elem 'unsafe-inline'"),
    APP_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    APP_POLICY.replace("; frame-ancestors 'none'", ""),
    APP_POLICY.replace("object-src 'none'", "object-src 'self'"),
    APP_POLICY.replace("img-src 'self'", "img-src 'self' https:"),
    APP_POLICY.replace("form-action 'self'", "form-action *"),
], ids=["inline-script", "eval", "scripts-anywhere", "inline-style-elements",
        "framed-by-self", "framed-by-anyone", "plugins", "images-anywhere", "forms-anywhere"])
def test_the_check_refuses_a_weaker_policy(weaker):
    assert_security_headers(with_policy(APP_POLICY))
    with pytest.raises(AssertionError):
        assert_security_headers(with_policy(weaker))


def test_the_check_takes_a_stricter_policy_and_refuses_none():
    assert_security_headers(with_policy("default-src 'none'; sandbox; frame-ancestors 'none'"))
    with pytest.raises(AssertionError):
        assert_security_headers(HttpResponse())


@pytest.mark.parametrize("cache_control", ["", "private", "no-store", "public, max-age=60",
                                           "private, max-age=900"])
def test_the_check_refuses_a_response_a_cache_may_keep(cache_control):
    assert_security_headers(with_policy(APP_POLICY, "max-age=0, no-cache, no-store, private"))
    with pytest.raises(AssertionError):
        assert_security_headers(with_policy(APP_POLICY, cache_control))


def test_the_system_maps_style_element_carries_the_responses_nonce(world, superuser_client):
    for url in (reverse("servicecatalog:systemmap"),
                reverse("servicecatalog:service",
                        args=[Integration.objects.values_list("source", flat=True).first()])):
        response = superuser_client.get(url)
        elem = csp_directives(response["Content-Security-Policy"])["style-src-elem"]
        nonces = [source[len("'nonce-"):-1] for source in elem if source.startswith("'nonce-")]
        assert len(nonces) == 1, (url, elem)
        assert f'<style nonce="{nonces[0]}">' in response.content.decode(), url
        # A fresh one on every response, though the map itself comes from the cache.
        again = csp_directives(superuser_client.get(url)["Content-Security-Policy"])
        assert f"'nonce-{nonces[0]}'" not in again["style-src-elem"]
