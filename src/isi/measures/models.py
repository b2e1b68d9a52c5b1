"""The measure (Maßnahme) and what hangs on it: organisations, relations, Erfolgskontrolle."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SEARCH_COVER_INDEX = "measure_search_cover"


class MeasureQuerySet(models.QuerySet["Measure"]):
    def active(self) -> MeasureQuerySet:
        return self.filter(archived_at__isnull=True)

    def public(self) -> MeasureQuerySet:
        """Rule 10: only measures their owner released, and not archived."""
        return self.active().filter(publication=Measure.Publication.RELEASED)


class Measure(models.Model):
    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("nicht angegeben")
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("laufend")
        COMPLETED = "completed", _("abgeschlossen")
        DISCONTINUED = "discontinued", _("eingestellt")

    class OfferType(models.TextChoices):
        UNDECIDED = "", _("noch nicht zugeordnet")
        COMPONENT = "component", _("Baustein eines Grundangebots")
        COMPLEMENTARY = "complementary", _("komplementär (zielgruppen- oder bedarfsspezifisch)")
        PRE_INTEGRATION = "pre_integration", _("Vorintegration im Ausland")

    class Publication(models.TextChoices):
        DRAFT = "draft", _("Entwurf (intern)")
        RELEASED = "released", _("freigegeben (öffentlich)")

    class ScaleDecision(models.TextChoices):
        PENDING = "", _("noch offen")
        SCALE = "scale", _("wird skaliert")
        TRANSFER = "transfer", _("wird übertragen")
        SCALE_AND_TRANSFER = "scale_and_transfer", _("wird skaliert und übertragen")
        END = "end", _("wird beendet")

    class OwnerBasis(models.TextChoices):
        MANUAL = "manual", _("festgelegt")
        NAMED_RESSORT = "named_ressort", _("erstes genanntes Bundesressort")
        AGENCY_PARENT = "agency_parent", _("Ressort über der ersten genannten Bundesbehörde")
        THEME_LEAD = "theme_lead", _("erste Federführung des Themenforums")

    # Identity and text
    title = models.CharField(_("Titel"), max_length=500)
    summary = models.TextField(_("Kurzbeschreibung"), blank=True)
    goals = models.TextField(_("Ziele"), blank=True)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.UNKNOWN)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)

    # Who (rule 1)
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("federführendes Ressort"),
        on_delete=models.PROTECT,
        related_name="owned_measures",
    )
    owner_basis = models.CharField(
        _("Grundlage der Zuordnung"), max_length=16, choices=OwnerBasis.choices, default=OwnerBasis.MANUAL
    )
    owner_explanation = models.CharField(_("Herleitung der Zuordnung"), max_length=500, blank=True)
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        through="MeasureOrganisation",
        verbose_name=_("beteiligte Organisationen"),
        related_name="measures",
    )

    # Where it sits
    level = models.ForeignKey("catalog.Level", verbose_name=_("Ebene"), on_delete=models.PROTECT)
    region = models.ForeignKey(
        "catalog.Region", verbose_name=_("Region"), null=True, blank=True, on_delete=models.PROTECT
    )
    areas = models.ManyToManyField("catalog.Area", verbose_name=_("Bereiche"), blank=True)
    target_groups = models.ManyToManyField("catalog.TargetGroup", verbose_name=_("Zielgruppen"), blank=True)
    offer_type = models.CharField(
        _("Einordnung"), max_length=16, choices=OfferType.choices, default=OfferType.UNDECIDED, blank=True
    )
    component = models.ForeignKey(
        "catalog.Component", verbose_name=_("Baustein"), null=True, blank=True, on_delete=models.PROTECT
    )
    complementary_need = models.TextField(_("Bedarf (komplementäre Maßnahme)"), blank=True)
    nap_i_theme = models.ForeignKey(
        "catalog.Theme",
        verbose_name=_("NAP-I-Themenforum"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    nap_i_number = models.PositiveSmallIntegerField(_("Nummer im Themenforum"), null=True, blank=True)

    # Contact and link for the public (the NAP-I names none; owners fill them in).
    contact_name = models.CharField(_("Ansprechperson oder Stelle"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail-Adresse für Anfragen"), max_length=254, blank=True)
    contact_phone = models.CharField(
        _("Telefon für Anfragen"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ()/\-]{4,38}[0-9]$",
                _("Bitte eine Telefonnummer aus Ziffern angeben, z. B. +49 30 18681-0."),
            )
        ],
    )
    url = models.URLField(
        _("Internetseite des Angebots"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )

    # Law and money (rule 11)
    legal_basis = models.TextField(_("Rechtsgrundlage"), blank=True)
    funding_note = models.TextField(_("Hinweis zur Förderung"), blank=True)
    funding_programmes = models.ManyToManyField(
        "catalog.FundingProgramme", verbose_name=_("Förderprogramme"), blank=True
    )
    budget_eur = models.DecimalField(
        _("Mittel (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # Leitfaden ch. V (rules 3–5, 8)
    regular_system_reason = models.TextField(
        _("Warum das Regelsystem oder bestehende Maßnahmen nicht genügen"), blank=True
    )
    status_independence_reason = models.TextField(
        _("Warum nicht statusunabhängig oder zielgruppenübergreifend"), blank=True
    )
    similar_measures_reason = models.TextField(_("Begründung trotz ähnlicher Maßnahmen"), blank=True)
    imposes_obligation = models.BooleanField(_("mit Teilnahmeverpflichtung"), default=False)
    obligation_control = models.TextField(_("Kontrolle der Verpflichtung"), blank=True)
    obligation_sanction = models.TextField(_("Sanktionierung"), blank=True)
    is_model_project = models.BooleanField(_("Modellprojekt"), default=False)
    test_phase_start = models.DateField(_("Testphase von"), null=True, blank=True)
    test_phase_end = models.DateField(_("Testphase bis"), null=True, blank=True)
    scale_decision = models.CharField(
        _("Entscheidung nach der Testphase"),
        max_length=24,
        choices=ScaleDecision.choices,
        default=ScaleDecision.PENDING,
        blank=True,
    )

    # Publication and life cycle (rules 2, 10)
    publication = models.CharField(
        _("Veröffentlichung"), max_length=16, choices=Publication.choices, default=Publication.DRAFT
    )
    released_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("zuletzt geprüft"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archiviert am"), null=True, blank=True)

    # Provenance: where the record came from, and which values are machine suggestions.
    source_key = models.CharField(_("Herkunftsschlüssel"), max_length=64, null=True, blank=True, unique=True)
    suggested_fields = models.JSONField(_("vorgeschlagene Felder"), default=list, blank=True)
    suggestion_notes = models.JSONField(_("Begründung der Vorschläge"), default=dict, blank=True)

    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["nap_i_theme__phase__number", "nap_i_theme__position", "nap_i_number", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["nap_i_theme", "nap_i_number"], name="measure_unique_nap_i_place"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "publication"]),
            # Covers what the public search reads per text hit (visibility and the facet columns),
            # so SQLite joins thousands of hits without touching the wide rows (isi.search.engine).
            models.Index(
                fields=[
                    "id",
                    "publication",
                    "archived_at",
                    "level",
                    "status",
                    "owner",
                    "nap_i_theme",
                    "component",
                    "region",
                ],
                name=SEARCH_COVER_INDEX,
            ),
            # The newest change of the public list (its Last-Modified, isi.api.measures): MAX with
            # an index is a backward index scan; without it, a scan of every row (100,000
            # measures on PostgreSQL: 215 ms, once per search snapshot).
            models.Index(fields=["updated_at"], name="measure_updated_at"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.publication == self.Publication.RELEASED and self.archived_at is None


class MeasureOrganisation(models.Model):
    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("verantwortlich")
        IMPLEMENTING = "implementing", _("durchführend")
        FUNDER = "funder", _("fördernd / finanzierend")
        PARTNER = "partner", _("Partner")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="measure_links"
    )
    role = models.CharField(_("Rolle"), max_length=16, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=1)

    class Meta:
        verbose_name = _("Beteiligung")
        verbose_name_plural = _("Beteiligungen")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation", "role"], name="measure_org_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class MeasureRelation(models.Model):
    class Kind(models.TextChoices):
        SUCCESSOR_OF = "successor_of", _("Nachfolger von")
        PART_OF = "part_of", _("Teil von")
        COMPLEMENTS = "complements", _("ergänzt")
        REPLACES = "replaces", _("ersetzt")
        MERGED_INTO = "merged_into", _("aufgegangen in")

    source = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    note = models.TextField(_("Anmerkung"), blank=True)

    class Meta:
        verbose_name = _("Beziehung")
        verbose_name_plural = _("Beziehungen")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="measure_relation_unique"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source} – {self.get_kind_display()} – {self.target}"


class Evaluation(models.Model):
    """Erfolgskontrolle nach § 7 Abs. 2 BHO (rule 7)."""

    class State(models.TextChoices):
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("läuft")
        DONE = "done", _("abgeschlossen")
        NOT_PROPORTIONATE = "not_proportionate", _("Aufwand unverhältnismäßig")

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="evaluation")
    state = models.CharField(_("Stand"), max_length=24, choices=State.choices, default=State.PLANNED)
    method = models.TextField(_("Methode"), blank=True)
    effort_note = models.TextField(_("Aufwand / Begründung der Verhältnismäßigkeit"), blank=True)
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    result_summary = models.TextField(_("Ergebnis"), blank=True)

    class Meta:
        verbose_name = _("Erfolgskontrolle")
        verbose_name_plural = _("Erfolgskontrollen")

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_state_display()}"


class PendingRevisionManager(models.Manager["PendingRevision"]):
    def awaiting(self, user: Any) -> models.QuerySet[PendingRevision]:
        """Pending proposals `user` may release (the work tool's start page lists them)."""
        from isi.measures.revisions import revisions_to_release

        return revisions_to_release(user)


class PendingRevision(models.Model):
    """A change proposed by someone who is not the owning side, waiting for the owner's release.

    The measure row keeps the released content; the revision holds the proposal as the changed
    keys of ``isi.measures.snapshots.measure_snapshot`` (``before`` and ``proposed``), made on
    ``base_version``. Nothing public changes until the owner releases it (Art. 65 GG: the owning
    ministry has the last word); the release applies it through the write service as a normal
    change. See ``isi.measures.revisions``.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("wartet auf Freigabe")
        RELEASED = "released", _("freigegeben")
        REJECTED = "rejected", _("abgelehnt")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="pending_revisions")
    base_version = models.PositiveIntegerField(_("Ausgangsversion"))
    before = models.JSONField(_("bisher"), default=dict)
    proposed = models.JSONField(_("vorgeschlagen"), default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vorgeschlagen von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("Quelle"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("vorgeschlagen am"), auto_now_add=True)
    state = models.CharField(_("Stand"), max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    reason = models.TextField(_("Begründung"), blank=True)

    objects = PendingRevisionManager()

    class Meta:
        verbose_name = _("Änderungsvorschlag")
        verbose_name_plural = _("Änderungsvorschläge")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "measure"])]

    def __str__(self) -> str:
        author = self.author.username if self.author else "–"
        return f"„{self.measure.title}“ – {author}, {self.created_at:%d.%m.%Y} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("workspace:revision_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
