"""Ministries, agencies and everybody else who owns, implements or funds a measure."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        FEDERAL_MINISTRY = "federal_ministry", _("Bundesministerium")
        # Government commissioners (Integrationsbeauftragte, BKM) act as a Ressort of their own.
        FEDERAL_COMMISSIONER = "federal_commissioner", _("Beauftragte der Bundesregierung")
        FEDERAL_AGENCY = "federal_agency", _("Bundesbehörde")
        FEDERAL_ENTERPRISE = "federal_enterprise", _("Bundesunternehmen")
        FEDERAL_GROUP = "federal_group", _("Gruppe von Bundesressorts")
        LAND = "land", _("Land")
        KOMMUNE = "kommune", _("Kommune")
        INTERMEDIARY = "intermediary", _("Mittlerorganisation")
        NGO = "ngo", _("Verband / Verein")
        FOUNDATION = "foundation", _("Stiftung")
        RESEARCH = "research", _("Forschung / Hochschule")
        BUSINESS = "business", _("Wirtschaft")
        INTERNATIONAL = "international", _("Internationale Organisation")
        OTHER = "other", _("Sonstige")

    key = models.SlugField(_("Schlüssel"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=300, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=40, blank=True)
    kind = models.CharField(_("Art"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Official key for Länder and Kommunen (Amtlicher Regionalschlüssel).
    region_code = models.CharField(_("Regionalschlüssel"), max_length=12, blank=True)
    # Created by an import without a registry entry: someone should look at it.
    needs_review = models.BooleanField(_("zu prüfen"), default=False)
    dissolved_on = models.DateField(_("aufgelöst am"), null=True, blank=True)
    # A collective term the NAP-I names as a participant ("Kommunen", "Museen"): measures can name
    # it, but it is no organisation of its own and is not listed as one.
    is_group = models.BooleanField(_("Sammelbezeichnung (keine einzelne Organisation)"), default=False)
    # Four eyes, chosen per ministry: every change to a released measure it (or an agency below
    # it) owns waits for a second person's release (isi.measures.revisions).
    second_release = models.BooleanField(
        _("Änderungen veröffentlichter Maßnahmen brauchen eine zweite Freigabe"), default=False
    )

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ressort(self) -> bool:
        """A body that can own measures at federal level (ministry or commissioner)."""
        return self.kind in {self.Kind.FEDERAL_MINISTRY, self.Kind.FEDERAL_COMMISSIONER}

    def ressort(self) -> Organisation | None:
        """The ministry this organisation belongs to: itself, or the first Ressort above it."""
        node: Organisation | None = self
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            if node.is_ressort:
                return node
            seen.add(node.pk)
            node = node.parent
        return None


class OrganisationAlias(models.Model):
    """Another name of an organisation: historic names, spellings, abbreviations."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Organisation"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("Name"), max_length=300, unique=True)
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)

    class Meta:
        verbose_name = _("Alternativer Name")
        verbose_name_plural = _("Alternative Namen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Succession(models.Model):
    """Organisation A hands over to B from a date (ministries are cut anew after elections)."""

    predecessor = models.ForeignKey(
        Organisation, verbose_name=_("Vorgänger"), on_delete=models.PROTECT, related_name="successions_out"
    )
    successor = models.ForeignKey(
        Organisation, verbose_name=_("Nachfolger"), on_delete=models.PROTECT, related_name="successions_in"
    )
    effective_on = models.DateField(_("wirksam ab"))
    # Empty: all measures move; otherwise only the measures linked here.
    measures = models.ManyToManyField("measures.Measure", verbose_name=_("Maßnahmen"), blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Nachfolge")
        verbose_name_plural = _("Nachfolgen")
        ordering = ["-effective_on"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="succession_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d.%m.%Y})"
