from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data and its command (`manage.py load_demo`): at the top, above every app."""

    name = "demo"
    verbose_name = _("Demo data")
