"""`Cache-Control: private, no-store` (tyreso_it.core.middleware.PrivateNoStoreMiddleware) on
what the app makes, and only there: a view's own choice and the static files' caching stand.
The walk in test_headers.py checks every page and download for it."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests import factories
from tyreso_it.core.middleware import PrivateNoStoreMiddleware

pytestmark = pytest.mark.django_db


def test_a_response_without_a_cache_control_of_its_own_gets_private_no_store():
    middleware = PrivateNoStoreMiddleware(lambda request: HttpResponse("ordrar"))
    response = middleware(RequestFactory().get("/"))
    assert response["Cache-Control"] == "private, no-store"


def test_a_views_own_cache_control_stands():
    def view(request):
        response = HttpResponse()
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response

    response = PrivateNoStoreMiddleware(view)(RequestFactory().get("/"))
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_page_with_orders_and_the_calendar_feed_are_private_no_store(client):
    from board.models import CalendarFeed

    person = factories.make_it_chief()
    client.force_login(person)
    assert client.get(reverse("orders:list"))["Cache-Control"] == "private, no-store"
    token = CalendarFeed.objects.create(person=person).token
    client.logout()
    feed = client.get(reverse("board:feed", args=[token]))
    assert feed.status_code == 200
    assert feed["Cache-Control"] == "private, no-store"


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response
