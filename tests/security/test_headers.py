"""Every page and file carries the security headers (`tests.security.headers`: the
Content-Security-Policy and `Cache-Control: private, no-store`): a walk over every URL
pattern of the app (pages, htmx fragments, PDFs, CSV and XLSX exports, attachments,
calendars), and every list and form of the admin, as a superuser in the demo world
(departments, people, orders in every state, the catalogue, plans, the portfolio, the HUKI
matrix) with a meeting of Beslutsråd IT, a calendar feed and an attachment added."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from board import services as board_services
from board.models import CalendarFeed
from orders import services as order_services
from orders.models import Order, SolutionOption
from organisation.demo import loader
from organisation.models import User
from portfolio.models import Milestone, PortfolioEntry, Project
from raci.models import ConsultationTask, MatrixVersion
from servicecatalog.models import (
    ContinuityScenario,
    Contract,
    Integration,
    Licence,
    ManagementPlan,
    Service,
    Supplier,
)

from .headers import assert_security_headers, csp_directives

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_transaction):
    loader.load_demo()
    chair = User.objects.get(username="andringsansvarig")
    superuser = User.objects.get(username="admin")
    meeting = board_services.meeting_create(
        actor=chair, starts_at=timezone.now() + timedelta(days=20))
    order = Order.objects.filter(options__isnull=False).first()
    plan = ManagementPlan.objects.filter(scenarios__isnull=False).first()
    project = Project.objects.filter(milestones__isnull=False).first()
    return {
        "superuser": superuser,
        "orders": {"pk": order.pk, "fmt": "csv", "option_pk": SolutionOption.objects.filter(
            order=order).first().pk, "action": "submit"},
        "board": {"pk": meeting.pk, "item_pk": getattr(meeting.items.first(), "pk", 1),
                  "token": CalendarFeed.objects.create(person=superuser).token},
        "portfolio": {"pk": project.pk, "entry_pk": PortfolioEntry.objects.first().pk,
                      "order_pk": order.pk,
                      "milestone_pk": Milestone.objects.filter(project=project).first().pk,
                      "table": "status", "fmt": "csv"},
        "servicecatalog": {
            "service_pk": Service.objects.first().pk,
            "scenario_pk": ContinuityScenario.objects.filter(plan=plan).first().pk,
            "slug": "tjanster", "fmt": "csv",
        },
        # What `pk` names in the catalogue, by the first word of the URL's name.
        "servicecatalog pk": {
            "service": Service.objects.first().pk,
            "integration": Integration.objects.first().pk,
            "plan": plan.pk, "scenario": plan.pk,
            "supplier": Supplier.objects.first().pk,
            "contract": Contract.objects.first().pk,
            "licence": Licence.objects.first().pk,
        },
        "raci": {"number": MatrixVersion.objects.first().number,
                 "pk": ConsultationTask.objects.first().pk, "fmt": "csv"},
    }


def app_urls(world) -> list[str]:
    """Every URL pattern of the app (not the admin's), with arguments from the world."""
    urls = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
                continue
            assert isinstance(pattern, URLPattern)
            params = set(pattern.pattern.regex.groupindex)
            values = dict(world.get(namespace, {}))
            if namespace == "servicecatalog" and "pk" in params:
                values["pk"] = world["servicecatalog pk"][pattern.name.split("_")[0]]
            missing = params - set(values)
            assert not missing, f"the walk has no {missing} for {namespace}:{pattern.name}"
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            urls.append(reverse(name, kwargs={p: values[p] for p in params}))

    walk(get_resolver().url_patterns, "")
    return urls


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


@pytest.fixture
def attachment(world):
    """An attachment on the world's order, its file in this test's media directory."""
    return order_services.attachment_add(
        order_id=world["orders"]["pk"], actor=world["superuser"],
        upload=SimpleUploadedFile("underlag.pdf", b"%PDF-1.4\n%%EOF\n",
                                  content_type="application/pdf"))


def test_every_page_of_the_app_carries_the_security_headers(world, attachment,
                                                            superuser_client):
    urls = app_urls({**world, "orders": {**world["orders"], "attachment_pk": attachment.pk}})
    statuses = {}
    for url in urls:
        response = superuser_client.get(url)
        statuses[url] = response.status_code
        assert response.status_code < 500, url
        assert_security_headers(response)

    # The walk reached the pages themselves, not only refusals: the POST-only views answer
    # 405 and a few redirect, the rest are shown.
    shown = [url for url, status in statuses.items() if status == 200]
    assert len(urls) > 100
    assert len(shown) > 60, statuses


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
