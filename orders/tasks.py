from celery import shared_task

from . import tallies


@shared_task(ignore_result=True)
def compact_tallies() -> None:
    """Fold the order tallies' rows, one per department and state (orders.tallies)."""
    tallies.compact()
