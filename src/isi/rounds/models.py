"""Six-monthly rounds (Halbjährliche Aktualisierung): who must confirm or update which measure.

Snapshots live on `RoundItem`: one row per measure in scope holds the owner at opening, the review
status during the round and, once the round is closed, the frozen `measure_snapshot` at closing.
Comparing two rounds is then a pure diff over the items' snapshots.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportingRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("offen")
        CLOSED = "closed", _("abgeschlossen")

    title = models.CharField(_("Bezeichnung"), max_length=200)
    state = models.CharField(_("Stand"), max_length=16, choices=State.choices, default=State.OPEN)
    deadline = models.DateField(_("Frist"))
    opened_at = models.DateTimeField(_("eröffnet am"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eröffnet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("abgeschlossen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Aktualisierungsrunde")
        verbose_name_plural = _("Aktualisierungsrunden")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open round at a time, enforced by the database as well as the service.
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="open"), name="rounds_one_open_round"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class RoundItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("offen")
        CONFIRMED = "confirmed", _("bestätigt")
        UPDATED = "updated", _("aktualisiert")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="items")
    # Kept (SET_NULL) if a measure is ever deleted: the frozen snapshot still counts.
    measure = models.ForeignKey(
        "measures.Measure", verbose_name=_("Maßnahme"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    measure_key = models.BigIntegerField(_("Maßnahmen-ID"))
    measure_title = models.CharField(_("Titel bei Eröffnung"), max_length=500)
    # The ministry responsible for the measure when the round opened (agencies roll up to it).
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Ressort"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField(_("Ressort (Name)"), max_length=300)
    status = models.CharField(_("Stand"), max_length=16, choices=Status.choices, default=Status.PENDING)
    version_at_open = models.PositiveIntegerField(_("Version bei Eröffnung"))
    reviewed_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geprüft von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("Anmerkung"), blank=True)
    version_at_close = models.PositiveIntegerField(_("Version bei Abschluss"), null=True, blank=True)
    snapshot = models.JSONField(_("Stand bei Abschluss"), null=True, blank=True)

    class Meta:
        verbose_name = _("Maßnahme in einer Runde")
        verbose_name_plural = _("Maßnahmen in einer Runde")
        ordering = ["owner_name", "measure_title", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "measure_key"], name="rounds_item_once")]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.round}: {self.measure_title}"

    @property
    def is_done(self) -> bool:
        return self.status != self.Status.PENDING


class RoundReminder(models.Model):
    """One mail per round, ministry, day and kind: what makes sending idempotent.

    Besides the scheduled reminders: the announcement when the round opens, and the reminder
    coordination sends on demand ("Erinnerung jetzt senden", at most once a day per ministry).
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("vor der Frist")
        OVERDUE = "overdue", _("nach der Frist")
        ANNOUNCEMENT = "announcement", _("Ankündigung bei Eröffnung")
        ON_DEMAND = "on_demand", _("auf Anforderung der Koordinierung")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("Ressort"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(_("gesendet am"))
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    pending = models.PositiveIntegerField(_("offene Maßnahmen"))
    recipients = models.JSONField(_("Empfänger"), default=list)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        ordering = ["-sent_on", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "sent_on", "kind"], name="rounds_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.organisation_id} · {self.sent_on}"
