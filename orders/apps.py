from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    from organisation.roles import roles_sync

    roles_sync()


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Roles carry permissions defined on Order, which exist only after migrate.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="orders_sync_roles")
