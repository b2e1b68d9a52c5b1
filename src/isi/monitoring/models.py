"""Integration monitoring (Leitfaden ch. VII): core indicators and their values over time.

An `Indicator` is a definition (what is measured, in which unit, from which source); its
`Observation`s are values by year × region × optional disaggregation, the shape of an Open SDG data
file. Region is the official key: "" for the whole federation (Bund), "01"–"16" for a Land (the
keys of the catalogue's Region rows). A disaggregation is a mapping category → value, e.g.
{"Migrationshintergrund": "mit"}; the empty mapping is the total.

`MeasureIndicator` links a measure to an indicator it aims to influence. It records contribution,
never proof of effect: indicators show how integration develops, not whether one measure worked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

BUND = ""


def _english() -> bool:
    return (get_language() or "de").startswith("en")


class Indicator(models.Model):
    class Rhythm(models.TextChoices):
        ANNUAL = "annual", _("jährlich")
        BIENNIAL = "biennial", _("alle zwei Jahre")
        QUADRENNIAL = "quadrennial", _("alle vier Jahre")
        IRREGULAR = "irregular", _("unregelmäßig")

    slug = models.SlugField(_("Kurzname (URL)"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=300)
    name_en = models.CharField(_("Name (englisch)"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    description_en = models.TextField(_("Beschreibung (englisch)"), blank=True)
    unit = models.CharField(_("Einheit"), max_length=100, help_text=_("Zum Beispiel „Prozent“."))
    unit_en = models.CharField(_("Einheit (englisch)"), max_length=100, blank=True)
    source = models.CharField(_("Quelle"), max_length=500)
    source_url = models.URLField(_("Link zur Quelle"), blank=True)
    area = models.ForeignKey(
        "catalog.Area",
        verbose_name=_("Bereich"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    methodology = models.TextField(_("Methodische Hinweise"), blank=True)
    methodology_en = models.TextField(_("Methodische Hinweise (englisch)"), blank=True)
    rhythm = models.CharField(
        _("Aktualisierung"), max_length=16, choices=Rhythm.choices, default=Rhythm.ANNUAL
    )
    decimals = models.PositiveSmallIntegerField(_("Nachkommastellen"), default=1)
    is_illustrative = models.BooleanField(
        _("Illustrative Beispieldaten"),
        default=False,
        help_text=_("Erfundene Werte, überall als „keine amtlichen Zahlen“ gekennzeichnet."),
    )
    published = models.BooleanField(_("öffentlich sichtbar"), default=False)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    version = models.PositiveIntegerField(_("Version"), default=1)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if self.name_en and _english() else self.name

    @property
    def description_label(self) -> str:
        return self.description_en if self.description_en and _english() else self.description

    @property
    def unit_label(self) -> str:
        return self.unit_en if self.unit_en and _english() else self.unit

    @property
    def methodology_label(self) -> str:
        return self.methodology_en if self.methodology_en and _english() else self.methodology

    def snapshot(self) -> dict[str, Any]:
        """The definition as plain data, for change records."""
        return {
            "slug": self.slug,
            "name": self.name,
            "name_en": self.name_en,
            "description": self.description,
            "description_en": self.description_en,
            "unit": self.unit,
            "unit_en": self.unit_en,
            "source": self.source,
            "source_url": self.source_url,
            "area": self.area.key if self.area else None,
            "methodology": self.methodology,
            "methodology_en": self.methodology_en,
            "rhythm": self.rhythm,
            "decimals": self.decimals,
            "is_illustrative": self.is_illustrative,
            "published": self.published,
        }


class Observation(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    geo_code = models.CharField(_("Regionalschlüssel"), max_length=12, blank=True, default=BUND)
    # {"category": "value"} without blank categories; `disaggregation_key` is its canonical text,
    # so that uniqueness works the same on SQLite and PostgreSQL.
    disaggregation = models.JSONField(_("Aufschlüsselung"), default=dict, blank=True)
    disaggregation_key = models.CharField(max_length=500, blank=True, default="")
    value = models.DecimalField(_("Wert"), max_digits=20, decimal_places=6)

    class Meta:
        verbose_name = _("Beobachtung")
        verbose_name_plural = _("Beobachtungen")
        ordering = ["indicator", "year", "geo_code", "disaggregation_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "geo_code", "disaggregation_key"],
                name="monitoring_one_value_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.geo_code or 'DE'} {self.disaggregation_key}"


class MeasureIndicator(models.Model):
    """A measure names an indicator it aims to influence: contribution, not attribution."""

    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("Maßnahme"),
        on_delete=models.CASCADE,
        related_name="indicator_links",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Indikator"), on_delete=models.CASCADE, related_name="measure_links"
    )
    note = models.TextField(_("Beitrag der Maßnahme"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Verknüpfung Maßnahme – Indikator")
        verbose_name_plural = _("Verknüpfungen Maßnahme – Indikator")
        ordering = ["indicator__position", "indicator__name"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "indicator"], name="monitoring_measure_indicator_once")
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} → {self.indicator_id}"
