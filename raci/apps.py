from django.apps import AppConfig
from django.db import connection
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_default_matrix(sender, **kwargs) -> None:
    from .defaults import default_seed

    # `migrate raci zero` also ends in post_migrate: there is nothing to seed then.
    if "raci_activity" not in connection.introspection.table_names():
        return
    default_seed()


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = _("HUKI matrix")

    def ready(self) -> None:
        # After orders' own post_migrate (earlier in INSTALLED_APPS), which creates the roles.
        post_migrate.connect(_seed_default_matrix, sender=self, dispatch_uid="raci_seed_default")
