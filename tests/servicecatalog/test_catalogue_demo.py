"""The demo's catalogue: written through the services, and idempotent."""

import pytest

from demo import catalogue as demo
from demo.people import DEPARTMENTS, SERVICES
from organisation.models import Department, Role
from servicecatalog.models import Category, Integration, Service, ServiceLevel
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world():
    for short, name, _parent, _email in DEPARTMENTS:
        Department.objects.create(short_name=short, name=name)
    people = {d.owner for d in demo.DETAILS.values()} | {d.manager for d in demo.DETAILS.values()}
    people |= {row[6] for row in demo.INTEGRATIONS}
    for username in people - {demo.OWNER_OF_THE_CATALOGUE}:
        factories.UserFactory(username=username)
    factories.make_role_user(Role.Code.CHANGE_MANAGER, username=demo.OWNER_OF_THE_CATALOGUE)
    for name, description, lifecycle, orderable in SERVICES:
        Service.objects.create(name=name, description=description, lifecycle=lifecycle,
                               orderable=orderable)


def rows() -> tuple[int, ...]:
    return (Category.objects.count(), Service.objects.count(), Integration.objects.count(),
            ServiceLevel.objects.count(), Service.history.count(), Integration.history.count())


def test_the_demo_catalogue_is_loaded_once(demo_world):
    added = demo.load_catalogue()
    assert added["categories"] == len(demo.CATEGORIES)
    assert added["integrations"] == len(demo.INTEGRATIONS)
    assert added["catalogue details"] == len(demo.DETAILS)
    assert not Service.objects.filter(category__isnull=True).exists()
    assert Service.objects.get(name="Microsoft 365").order_template
    assert Service.objects.get(name="Ekonomisystem").levels.count() == 4
    before = rows()
    assert sum(demo.load_catalogue().values()) == 0
    assert rows() == before
