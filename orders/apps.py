from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, **kwargs) -> None:
    # Also after a test database is flushed, so the product always has what it starts with.
    from organisation.roles import roles_sync

    from .defaults import priority_model_ensure_default

    roles_sync()
    priority_model_ensure_default()


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Roles carry permissions defined on Order, which exist only after migrate.
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="orders_after_migrate")
