from celery import shared_task

from .services import outbox_deliver_pending


@shared_task(ignore_result=True)
def deliver_outbox() -> int:
    """Drain the notification outbox (scheduled by beat): see `outbox_deliver_pending` for what
    is guaranteed. A rerun, or two drains at once, send nothing twice."""
    return outbox_deliver_pending()
