from django.apps import AppConfig
from django.db import connections, router
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_triggers(sender, using="default", **kwargs) -> None:
    # After every migrate and flush: SQLite drops a table's triggers when a migration rebuilds
    # it, and a flush empties the token's table (organisation.triggers).
    from . import triggers
    from .models import AccessVersion

    if router.allow_migrate_model(using, AccessVersion):
        triggers.install(connections[using])


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import oidc  # noqa: F401 (registers the single sign-on's system check)

        # Once per migrate (and flush), sent when every app's tables are in place.
        post_migrate.connect(_install_triggers, sender=self,
                             dispatch_uid="organisation_access_triggers")
