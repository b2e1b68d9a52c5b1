"""IMAG consultation (Leitfaden ch. V): new programmes and important single projects are put to the
IMAG; other ministries comment within a period; the owning ministry decides (Art. 65 GG).

Comments never change a measure by themselves (rule 9): a comment is text beside the measure.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Consultation(models.Model):
    class Kind(models.TextChoices):
        NEW_PROGRAMME = "new_programme", _("Neues Programm")
        IMPORTANT_PROJECT = "important_project", _("Wichtiges Einzelvorhaben")

    class State(models.TextChoices):
        OPEN = "open", _("offen für Stellungnahmen")
        CLOSED = "closed", _("Frist abgelaufen")
        DECIDED = "decided", _("entschieden")

    class Decision(models.TextChoices):
        AGREED = "agreed", _("Einvernehmlich abgestimmt")
        CHANGED = "changed", _("Mit Änderungen fortgeführt")
        PROCEED_UNCHANGED = "proceed_unchanged", _("Unverändert fortgeführt")
        POSTPONED = "postponed", _("Zurückgestellt")
        WITHDRAWN = "withdrawn", _("Zurückgezogen")

    measure = models.ForeignKey(
        "measures.Measure", verbose_name=_("Maßnahme"), on_delete=models.PROTECT, related_name="consultations"
    )
    kind = models.CharField(_("Art"), max_length=32, choices=Kind.choices)
    summary = models.TextField(_("Frage / Zusammenfassung"))
    comment_until = models.DateField(_("Stellungnahmen bis"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingereicht von"),
        on_delete=models.PROTECT,
        related_name="consultations_submitted",
    )
    submitted_at = models.DateTimeField(_("eingereicht am"), auto_now_add=True)
    state = models.CharField(_("Stand"), max_length=16, choices=State.choices, default=State.OPEN)
    decision = models.CharField(_("Entscheidung"), max_length=32, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("Begründung"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations_decided",
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("IMAG-Abstimmung")
        verbose_name_plural = _("IMAG-Abstimmungen")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.measure} ({self.get_kind_display()})"

    def current_state(self, today: date) -> str:
        """The state as of `today`: an open consultation past its deadline counts as closed."""
        if self.state == self.State.OPEN and today > self.comment_until:
            return self.State.CLOSED
        return self.state

    def current_state_label(self, today: date) -> str:
        return str(self.State(self.current_state(today)).label)


class ConsultationComment(models.Model):
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("Abstimmung"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verfasst von"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Ressort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("Stellungnahme"))
    created_at = models.DateTimeField(_("verfasst am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Stellungnahme")
        verbose_name_plural = _("Stellungnahmen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation or self.author}: {self.text[:60]}"
