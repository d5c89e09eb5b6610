from celery import shared_task

from .services import memberships_sync_all


@shared_task(ignore_result=True)
def sync_memberships() -> None:
    """Registrations start and end on their dates: membership follows the register daily."""
    memberships_sync_all()
