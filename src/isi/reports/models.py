"""A requested IMAG report ("Sachstand"): built in the background, kept as PDF and XLSX.

The files live in the database (BinaryField), not in MEDIA: the worker that builds a report and
the web server that hands it out may be different machines (several app servers behind a load
balancer), every download goes through the permission check in the view, and a report is a few
hundred kilobytes. Old jobs are purged (`purge_old_jobs`), so the table stays small.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("wird erstellt")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    token = models.UUIDField(_("Kennung"), default=uuid.uuid4, unique=True, editable=False)
    # Empty: the overall report over all ministries.
    ministry = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Ressort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_name = models.CharField(_("Umfang"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefordert von"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    state = models.CharField(_("Stand"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    step = models.CharField(_("Arbeitsschritt"), max_length=200, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    xlsx = models.BinaryField(_("XLSX"), null=True, blank=True)
    error = models.TextField(_("Fehlermeldung"), blank=True)
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("IMAG-Bericht")
        verbose_name_plural = _("IMAG-Berichte")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scope_name} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def scope_slug(self) -> str:
        if self.ministry is None:
            return "gesamt"
        return self.ministry.key

    def filename(self, extension: str) -> str:
        """imag-sachstand-2026-11-26-bmi.pdf (the date the report was requested)."""
        day = timezone.localtime(self.created_at).date().isoformat()
        return f"imag-sachstand-{day}-{self.scope_slug}.{extension}"
