"""Feedback from the public: barriers reported under the accessibility statement, and questions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Feedback(models.Model):
    class Kind(models.TextChoices):
        BARRIER = "barrier", _("Barriere melden")
        CONTENT = "content", _("Hinweis zum Inhalt")
        OTHER = "other", _("Sonstiges")

    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices, default=Kind.BARRIER)
    page = models.CharField(_("Seite"), max_length=500, blank=True)
    message = models.TextField(_("Nachricht"), max_length=5000)
    email = models.EmailField(_("E-Mail für Rückfragen"), blank=True)
    created_at = models.DateTimeField(_("eingegangen"), auto_now_add=True)
    handled = models.BooleanField(_("erledigt"), default=False)

    class Meta:
        verbose_name = _("Rückmeldung")
        verbose_name_plural = _("Rückmeldungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message[:60]}"
