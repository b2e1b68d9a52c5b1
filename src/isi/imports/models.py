"""Upload jobs of the Excel/CSV round-trip: the stored file, its preview and progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadJob(models.Model):
    """One uploaded file. The content is kept in the database (never under a path from its name)."""

    class State(models.TextChoices):
        VALIDATING = "validating", _("wird geprüft")
        READY = "ready", _("Vorschau bereit")
        REJECTED = "rejected", _("abgelehnt")
        APPLYING = "applying", _("wird übernommen")
        APPLIED = "applied", _("übernommen")
        FAILED = "failed", _("nicht übernommen")

    token = models.UUIDField(_("Kennung"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    filename = models.CharField(_("Dateiname"), max_length=200)
    kind = models.CharField(_("Format"), max_length=8)
    content = models.BinaryField(_("Inhalt"))
    size = models.PositiveIntegerField(_("Größe"), default=0)
    state = models.CharField(_("Stand"), max_length=16, choices=State.choices, default=State.VALIDATING)
    total_rows = models.PositiveIntegerField(_("Zeilen"), default=0)
    processed_rows = models.PositiveIntegerField(_("geprüfte Zeilen"), default=0)
    preview = models.JSONField(_("Vorschau"), default=dict, blank=True)
    message = models.TextField(_("Meldung"), blank=True)
    applied_count = models.PositiveIntegerField(_("geänderte Maßnahmen"), default=0)
    created_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Excel-Hochladevorgang")
        verbose_name_plural = _("Excel-Hochladevorgänge")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state in (self.State.READY, self.State.REJECTED, self.State.APPLIED, self.State.FAILED):
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.VALIDATING, self.State.APPLYING)
