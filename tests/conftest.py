"""Shared fixtures for the whole suite.

People in roles (each a fresh `User` with exactly the rights of that role):

    orderer          authorised orderer of `department` (on its register from today)
    colleague        a second authorised orderer of the same `department`
    it_lead          the IT lead of `department` (coordinates it, and so belongs to it)
    coordinator      ordering function (IT coordinator); prepares and plans
    change_manager   change manager (ordering function + decisions)
    it_chief         IT chief (sees all, acts on nothing)
    provider_user    staff of `provider`
    other_orderer    authorised orderer of `other_department`
    outsider         logged-in person with no role, department or provider

Data shared by the tests of one module: a module-scoped fixture that requests
`module_transaction` (see there).

Orders: the `make_order` fixture is `tests.factories.make_order` with the department and
orderer defaulting to `department` and `orderer`, and the handler to `coordinator`:

    order = make_order("ready_for_decision")
    order = make_order("planned", provider=provider)   # request provider_user as well:
                                                       # the provider's staff start and deliver

Tests that need a service are marked, and the marker decides skip or fail:

    @pytest.mark.postgres    needs PostgreSQL (DATABASE_URL=postgres://...)
    @pytest.mark.redis       needs a reachable Redis at REDIS_URL

Without the service the test is skipped with the reason; when the environment variable `CI`
is set (true, 1, yes) it fails instead, so a CI run can never pass by skipping. The same
checks are available as the fixtures `postgres` and `redis`.

Threads for concurrency tests (PostgreSQL, `django_db(transaction=True)`):
`tests.concurrency.run_together`.

Every test directory is a package (has `__init__.py`), so test modules of the same name in
different apps do not clash, and helpers import as `from tests.factories import ...`.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import override_settings

from tests import factories

# --- services the suite may need, CI-aware --------------------------------------------------


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def skip_or_fail(reason: str) -> None:
    """Skip with `reason`; in CI, fail with it: a missing service there is a broken setup."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI is set, so this test may not be skipped)", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail(
            f"needs PostgreSQL (row locks, real concurrency); the database is "
            f"{connection.vendor}: set DATABASE_URL=postgres://..."
        )


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or getattr(django_settings, "REDIS_URL", "")


def require_redis() -> None:
    url = redis_url()
    if not url or urlparse(url).scheme not in {"redis", "rediss"}:
        skip_or_fail("needs Redis: REDIS_URL is not set to a redis:// address")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"needs Redis, but {url} does not answer: {exc}")


SERVICE_MARKERS = {"postgres": require_postgres, "redis": require_redis}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before fixtures, so a skipped test never sets up a database it cannot use.
    for name, require in SERVICE_MARKERS.items():
        if item.get_closest_marker(name) is not None:
            require()


@pytest.fixture
def postgres() -> None:
    """Skip (fail under CI) unless the test database is PostgreSQL."""
    require_postgres()


@pytest.fixture
def redis() -> str:
    """Skip (fail under CI) unless Redis answers at REDIS_URL; gives the URL."""
    require_redis()
    return redis_url()


# --- test-wide settings --------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Hashing with the production hasher costs a third of a second per user."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _access_cache_on():
    """The access cache as production runs it with Redis (`organisation.access`), whatever
    the cache: one process runs the suite, so a local-memory cache is shared enough."""
    with override_settings(ACCESS_CACHE=True):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    """Attachments written by a test land in its own temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back at its end.

    Rows that many tests of a module only read (a world of departments, people and orders)
    can be made once by a module-scoped fixture that requests this one; each test still runs
    in its own savepoint (`django_db`), so what a test writes is undone after it. Not for
    transactional tests.

    The transaction is marked as a test's own, as each test's is: code that treats a
    transaction the application opened with care (the access cache keeps nothing read inside
    one, organisation.access) treats it as a request's autocommit.
    """
    atomic = transaction.atomic()
    atomic._from_testcase = True
    with django_db_blocker.unblock(), atomic:
        yield
        transaction.set_rollback(True)


# --- organisation ---------------------------------------------------------------------------


@pytest.fixture
def department(db):
    return factories.DepartmentFactory(name="Barn- och utbildningsförvaltningen",
                                       short_name="BUF")


@pytest.fixture
def other_department(db):
    return factories.DepartmentFactory(name="Socialförvaltningen", short_name="SOC")


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(name="IT-enheten", kind="internal")


@pytest.fixture
def orderer(department):
    return factories.make_orderer(department, username="orderer", first_name="Olga")


@pytest.fixture
def colleague(department):
    return factories.make_orderer(department, username="colleague", first_name="Kalle")


@pytest.fixture
def it_lead(department):
    return factories.make_it_lead(
        department, factories.UserFactory(username="it_lead", first_name="Ida")
    )


@pytest.fixture
def coordinator(db):
    return factories.make_coordinator(username="coordinator", first_name="Sam")


@pytest.fixture
def change_manager(db):
    return factories.make_change_manager(username="change_manager", first_name="Cecilia")


@pytest.fixture
def it_chief(db):
    return factories.make_it_chief(username="it_chief", first_name="Ivar")


@pytest.fixture
def provider_user(provider):
    return factories.make_provider_user(provider, username="provider_user", first_name="Pelle")


@pytest.fixture
def other_orderer(other_department):
    return factories.make_orderer(other_department, username="other_orderer", first_name="Otto")


@pytest.fixture
def outsider(db):
    return factories.make_outsider(username="outsider", first_name="Ulla")


# --- orders ---------------------------------------------------------------------------------


@pytest.fixture
def make_order(department, orderer, coordinator):
    """`tests.factories.make_order` with this module's people as the defaults."""

    def make(state: str = "draft", **kwargs):
        if "orderer" not in kwargs:
            kwargs.setdefault("department", department)
            kwargs["orderer"] = orderer
        kwargs.setdefault("handler", coordinator)
        return factories.make_order(state, **kwargs)

    return make


# --- the cache with Redis away ----------------------------------------------------------------


class RefusingRedis:
    """A redis-py client whose every command raises `redis.ConnectionError`, as a client of a
    Redis that is down does; `calls` names the commands asked of it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        import redis

        def refuse(*args, **kwargs):
            self.calls.append(name)
            raise redis.ConnectionError(f"{name}: Redis is away")

        return refuse


@pytest.fixture
def cache_away(settings, monkeypatch) -> RefusingRedis:
    """The product's Redis cache (`tyreso_it.core.cache.RedisCache`) with Redis away: every
    command its client sends raises `redis.ConnectionError`. The breaker's cool-down is 0, so
    every cache call of the code under test reaches the refusing client (and must cope)."""
    from tyreso_it.core import cache as product_cache

    location = "redis://redis-away.invalid:6379/0"
    settings.CACHES = {
        "default": {"BACKEND": "tyreso_it.core.cache.RedisCache", "LOCATION": location,
                    "KEY_PREFIX": "tyreso-it", "OPTIONS": {"cooldown": 0}},
    }
    client = RefusingRedis()
    monkeypatch.setattr(product_cache.SignedRedisClient, "get_client",
                        lambda self, key=None, *, write=False: client)
    breaker = product_cache.breaker_for([location], 0)
    breaker.reset()
    yield client
    breaker.reset()


# --- single sign-on: a real OpenID provider on the loopback (tests/oidc) ----------------------

from tests.oidc import oidc_provider, sso  # noqa: E402, F401
