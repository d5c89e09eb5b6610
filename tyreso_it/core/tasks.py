from celery import shared_task

from .services import outbox_deliver_pending


@shared_task(ignore_result=True)
def deliver_outbox() -> int:
    """Drain the notification outbox (scheduled by beat)."""
    return outbox_deliver_pending()
