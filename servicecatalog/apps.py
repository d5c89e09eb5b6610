from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicecatalogConfig(AppConfig):
    name = "servicecatalog"
    verbose_name = _("Service catalogue")
