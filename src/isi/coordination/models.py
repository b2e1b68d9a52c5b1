"""Overlap review and consolidation proposals (Leitfaden ch. V).

Coordination reviews candidate pairs of measures owned by different ministries and marks each as
overlap, complementary or unrelated. Any ministry may propose merging or aligning measures; the
owners answer. Neither a decision nor a proposal changes a measure (rule 9): the owner decides and
changes its measure through the normal edit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class OverlapRun(models.Model):
    """One computation of all candidate pairs across the database, run as a background job."""

    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("abgeschlossen")
        FAILED = "failed", _("fehlgeschlagen")

    state = models.CharField(_("Stand"), max_length=16, choices=State.choices, default=State.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestartet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)
    done = models.PositiveIntegerField(_("verarbeitete Maßnahmen"), default=0)
    total = models.PositiveIntegerField(_("Maßnahmen"), default=0)
    found = models.PositiveIntegerField(_("gefundene Paare"), default=0)
    created = models.PositiveIntegerField(_("neue Paare"), default=0)
    reopened = models.PositiveIntegerField(_("wieder geöffnete Paare"), default=0)
    removed = models.PositiveIntegerField(_("entfernte offene Paare"), default=0)
    message = models.TextField(_("Meldung"), blank=True)

    class Meta:
        verbose_name = _("Überschneidungsprüfung")
        verbose_name_plural = _("Überschneidungsprüfungen")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if not self.is_running:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))


class OverlapCandidate(models.Model):
    """A pair of measures (a < b) that may overlap, with the engine's reasons and the review."""

    class Decision(models.TextChoices):
        OPEN = "open", _("offen")
        OVERLAP = "overlap", _("Überschneidung")
        COMPLEMENTARY = "complementary", _("ergänzen sich")
        UNRELATED = "unrelated", _("kein Zusammenhang")

    measure_a = models.ForeignKey(
        "measures.Measure", verbose_name=_("Maßnahme A"), on_delete=models.CASCADE, related_name="+"
    )
    measure_b = models.ForeignKey(
        "measures.Measure", verbose_name=_("Maßnahme B"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("Ähnlichkeit"), default=0.0)
    text_score = models.FloatField(_("Textähnlichkeit"), default=0.0)
    reasons = models.JSONField(_("Gründe"), default=list, blank=True)
    first_seen = models.ForeignKey(
        OverlapRun,
        verbose_name=_("zuerst gefunden"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_seen = models.ForeignKey(
        OverlapRun,
        verbose_name=_("zuletzt gefunden"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(
        _("Bewertung"), max_length=16, choices=Decision.choices, default=Decision.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bewertet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("bewertet am"), null=True, blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)
    fingerprint_a = models.JSONField(_("Stand Maßnahme A"), default=dict, blank=True)
    fingerprint_b = models.JSONField(_("Stand Maßnahme B"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("Version"), default=1)

    class Meta:
        verbose_name = _("mögliche Überschneidung")
        verbose_name_plural = _("mögliche Überschneidungen")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure_a", "measure_b"], name="overlap_candidate_unique_pair"),
            models.CheckConstraint(
                condition=Q(measure_a__lt=F("measure_b")), name="overlap_candidate_a_lt_b"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_a_id} ↔ {self.measure_b_id}"

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def is_open(self) -> bool:
        return self.decision == self.Decision.OPEN

    @property
    def same_owner(self) -> bool:
        """Both measures belong to the same ministry: a possible double entry (Doppelerfassung)."""
        return self.measure_a.owner_id == self.measure_b.owner_id


class ConsolidationProposal(models.Model):
    """A ministry proposes merging or aligning measures; every owner answers (rule 9)."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Zusammenlegen")
        ALIGN = "align", _("Abstimmen / aufeinander ausrichten")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("Titel"), max_length=300)
    reasons = models.TextField(_("Begründung"))
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vorgeschlagen von"),
        on_delete=models.PROTECT,
        related_name="consolidation_proposals",
    )
    proposer_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("vorschlagendes Ressort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    candidate = models.ForeignKey(
        OverlapCandidate,
        verbose_name=_("aus Überschneidung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    status = models.CharField(_("Stand"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    version = models.PositiveIntegerField(_("Version"), default=1)

    class Meta:
        verbose_name = _("Konsolidierungsvorschlag")
        verbose_name_plural = _("Konsolidierungsvorschläge")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ProposalMeasure(models.Model):
    """A measure named in a proposal, with its owner when the proposal was made."""

    proposal = models.ForeignKey(
        ConsolidationProposal, verbose_name=_("Vorschlag"), on_delete=models.CASCADE, related_name="items"
    )
    measure = models.ForeignKey(
        "measures.Measure", verbose_name=_("Maßnahme"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("federführendes Ressort"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Maßnahme im Vorschlag")
        verbose_name_plural = _("Maßnahmen im Vorschlag")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "measure"], name="proposal_measure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.measure_id}"


class ProposalResponse(models.Model):
    """One owner's answer. Changeable while the proposal is open; history in ChangeRecord."""

    class Answer(models.TextChoices):
        ACCEPT = "accept", _("zugestimmt")
        DECLINE = "decline", _("abgelehnt")

    proposal = models.ForeignKey(
        ConsolidationProposal, verbose_name=_("Vorschlag"), on_delete=models.CASCADE, related_name="responses"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("Ressort"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(_("Antwort"), max_length=16, choices=Answer.choices)
    reason = models.TextField(_("Begründung"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwortet von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("beantwortet am"), auto_now=True)

    class Meta:
        verbose_name = _("Antwort auf Vorschlag")
        verbose_name_plural = _("Antworten auf Vorschläge")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "organisation"], name="proposal_response_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_answer_display()}"
