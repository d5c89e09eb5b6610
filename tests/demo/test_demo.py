"""The demo data (`manage.py load_demo`, `make run`): Tyresö's departments and people, 38
orders in every state with their histories, loaded once, quickly, with a password that follows
the product's own rules."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.hashers import make_password

from demo import loader
from demo.orders import ORDERS
from demo.people import DEMO_PASSWORD, DEPARTMENTS, USERS
from orders.models import Order, OrderEvent
from organisation.models import Department, User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(module_transaction):
    """The demo loaded once for the module, with every hashing of a password recorded."""
    made: list[str] = []

    def counting(password, *args, **kwargs):
        made.append(password)
        return make_password(password, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "make_password", counting)
        report = loader.load_demo()
        yield report, made


def test_the_demo_holds_every_department_person_and_order_in_every_state(demo):
    report, _hashings = demo

    assert set(Department.objects.values_list("short_name", flat=True)) >= {
        short for short, *_ in DEPARTMENTS}
    assert set(User.objects.values_list("username", flat=True)) >= {u.username for u in USERS}
    orders = Order.objects.filter(title__in=[s.title for s in ORDERS])
    assert orders.count() == len(ORDERS) == 38
    assert set(orders.values_list("status", flat=True)) == set(Order.Status.values)
    # Each order was walked through the services: every step left its event.
    steps = Counter(OrderEvent.objects.filter(order__in=orders).values_list(
        "order__title", flat=True))
    for scenario in ORDERS:
        transitions = [s for s in scenario.steps if s.action not in {"prepare", "comment"}]
        assert steps[scenario.title] >= len(transitions), scenario.title
    assert report.orders >= 38


def test_every_demo_user_logs_in_with_the_published_password_hashed_once(demo, client):
    _report, hashings = demo

    # The hasher is slow on purpose; the demo's people share one hash of the password.
    assert hashings == [DEMO_PASSWORD]
    for person in USERS:
        assert User.objects.get(username=person.username).check_password(DEMO_PASSWORD)
    response = client.post("/konto/logga-in/",
                           {"username": USERS[0].username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_loading_the_demo_again_adds_nothing(demo):
    _report, hashings = demo
    counts = (User.objects.count(), Order.objects.count(), OrderEvent.objects.count())

    report = loader.load_demo()

    assert (User.objects.count(), Order.objects.count(), OrderEvent.objects.count()) == counts
    assert "Nothing added" in report.text()
    assert hashings == [DEMO_PASSWORD]  # the second run hashed nothing
