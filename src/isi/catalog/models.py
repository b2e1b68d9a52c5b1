"""Reference data of the Leitfaden and the NAP-I. Loaded from versioned files in catalog/data/."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from isi.catalog.labels import GERMAN, entry_label


class CatalogEntry(models.Model):
    """Common shape: a stable key, a German and an English name, a position for ordering."""

    key = models.SlugField(_("Schlüssel"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=300)
    name_en = models.CharField(_("Name (englisch)"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The English name on English pages when there is one, else the German name."""
        return entry_label(self.name, self.name_en).text

    @property
    def label_lang(self) -> str:
        """The language of `label`: "en" when it is the English name, else "de"."""
        return entry_label(self.name, self.name_en).lang


class Area(CatalogEntry):
    """Bereich: Sprache · Bildung, Ausbildung, Studium und Beschäftigung · Gesellschaft."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Bereich")
        verbose_name_plural = _("Bereiche")


class BasicOffer(CatalogEntry):
    """Grundangebot: Einstieg in Deutschland; Integration in Ausbildung und Arbeitsmarkt."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Grundangebot")
        verbose_name_plural = _("Grundangebote")


class Component(CatalogEntry):
    """Baustein of a basic offer."""

    basic_offer = models.ForeignKey(
        BasicOffer, verbose_name=_("Grundangebot"), on_delete=models.PROTECT, related_name="components"
    )

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Baustein")
        verbose_name_plural = _("Bausteine")


class TargetGroup(CatalogEntry):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("primäre Zielgruppe")
        SPECIFIC = "specific", _("spezifische Zielgruppe")
        HOST_SOCIETY = "host_society", _("Aufnahmegesellschaft")

    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")


class Level(CatalogEntry):
    """Ebene: Bund · Land · Kommune."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Ebene")
        verbose_name_plural = _("Ebenen")


class GermanLabelled:
    """Names shown in German on every page (regions' official names, NAP-I titles), with the same
    `label`/`label_lang` as the catalogue entries (isi.catalog.labels)."""

    label_field = "name"

    @property
    def label(self) -> str:
        return str(getattr(self, self.label_field))

    @property
    def label_lang(self) -> str:
        return GERMAN


class Region(GermanLabelled, models.Model):
    """A Land or Kommune by its official key (ARS: 2 digits for a Land, 12 for a Kommune)."""

    class Kind(models.TextChoices):
        LAND = "land", _("Land")
        KOMMUNE = "kommune", _("Kommune")

    code = models.CharField(_("Regionalschlüssel"), max_length=12, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    land = models.ForeignKey(
        "self", verbose_name=_("Land"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("Region")
        verbose_name_plural = _("Regionen")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    label_field = "name"  # official names: German in every language


class FundingProgramme(CatalogEntry):
    """Where the money comes from: federal budget, AMIF, ESF Plus …"""

    is_eu = models.BooleanField(_("EU-Förderprogramm"), default=False)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")


class Phase(GermanLabelled, models.Model):
    """NAP-I phase (1–5)."""

    number = models.PositiveSmallIntegerField(_("Nummer"), unique=True)
    title = models.CharField(_("Titel"), max_length=300)
    title_en = models.CharField(_("Titel (englisch)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("NAP-I-Phase")
        verbose_name_plural = _("NAP-I-Phasen")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Phase {self.roman}: {self.title}"

    # Pages show the German title in every language (title_en, ISI's own summary, is for the API).
    label_field = "title"

    @property
    def roman(self) -> str:
        return ["", "I", "II", "III", "IV", "V"][self.number] if self.number <= 5 else str(self.number)


class Theme(GermanLabelled, models.Model):
    """NAP-I Themenforum, numbered within its phase as in the document."""

    phase = models.ForeignKey(Phase, verbose_name=_("Phase"), on_delete=models.PROTECT, related_name="themes")
    position = models.PositiveSmallIntegerField(_("Nummer in der Phase"))
    title = models.CharField(_("Titel"), max_length=300)
    title_en = models.CharField(_("Titel (englisch)"), max_length=300, blank=True)
    introduction = models.TextField(_("Einführung"), blank=True)
    leads = models.ManyToManyField(
        "organisations.Organisation",
        through="ThemeLead",
        verbose_name=_("Federführung"),
        related_name="led_themes",
    )

    class Meta:
        verbose_name = _("Themenforum")
        verbose_name_plural = _("Themenforen")
        ordering = ["phase__number", "position"]
        constraints = [models.UniqueConstraint(fields=["phase", "position"], name="theme_unique_position")]

    def __str__(self) -> str:
        return self.title

    label_field = "title"  # as Phase: the German title on every page

    @property
    def number_label(self) -> str:
        return f"{self.phase.number}.{self.position}"


class ThemeLead(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="lead_links")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "organisation"], name="theme_lead_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.theme}: {self.organisation}"
