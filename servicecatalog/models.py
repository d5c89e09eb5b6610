"""The IT service catalogue. For now: the services an order can refer to."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Service(models.Model):
    """An IT service or business system that exists (or is planned) in the municipality."""

    class Lifecycle(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_USE = "in_use", _("In use")
        PHASING_OUT = "phasing_out", _("Being phased out")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    lifecycle = models.CharField(
        _("lifecycle state"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.IN_USE
    )
    orderable = models.BooleanField(_("can be ordered"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
