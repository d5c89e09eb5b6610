from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tyreso_it.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The deployment checks register themselves; the login throttle logs the logins
        # refused in a lockout; the session middleware starts a login's clock at login.
        from . import checks, login_throttle, middleware  # noqa: F401
