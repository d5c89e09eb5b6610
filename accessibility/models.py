"""Barriers reported from the accessibility statement (Lag (2018:1937) om tillgänglighet till
digital offentlig service, 16 §: a way to tell the municipality what is not accessible)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BarrierReport(models.Model):
    """A barrier someone reported: kept, and told to the accessibility contact by email.

    The sender's address is kept only as a keyed hash, enough to throttle one address
    (`accessibility.services`) without storing where anyone reads from.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("Being handled")
        RESOLVED = "resolved", _("Resolved")

    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"))
    page_url = models.CharField(_("page address"), max_length=500)
    description = models.TextField(_("what is wrong"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.NEW)
    note = models.TextField(_("note (internal)"), blank=True)
    sender_key = models.CharField(_("sender key"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["sender_key"])

    class Meta:
        verbose_name = _("reported barrier")
        verbose_name_plural = _("reported barriers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["sender_key", "created_at"], name="barrier_sender_idx"),
            models.Index(fields=["created_at"], name="barrier_created_idx"),
        ]

    def __str__(self) -> str:
        return self.page_url[:60]
