"""Running test code in several threads at the same instant (PostgreSQL tests only).

Each thread uses its own database connection and closes it at its end, so the test
database can be flushed and dropped afterwards. Use it from tests marked
`@pytest.mark.postgres` and `@pytest.mark.django_db(transaction=True)`: the threads only
see rows the test has committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from organisation.models import User


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(0)` … `work(count - 1)` in threads released at the same instant; return each
    one's result, or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def as_user(user: User) -> User:
    """The person loaded again in this thread (permission caches live on the object)."""
    return User.objects.get(pk=user.pk)
