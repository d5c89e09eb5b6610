from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tyreso_it.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The deployment checks register themselves; the login throttle logs the logins
        # refused in a lockout.
        from . import checks, login_throttle  # noqa: F401
