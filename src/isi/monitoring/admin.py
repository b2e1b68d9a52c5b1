"""Indicators in the Django admin (for operators; staff use /arbeitsbereich/indikatoren/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from isi.monitoring.models import Indicator, MeasureIndicator, Observation

if TYPE_CHECKING:
    IndicatorAdminBase = admin.ModelAdmin[Indicator]
    ObservationAdminBase = admin.ModelAdmin[Observation]
    LinkAdminBase = admin.ModelAdmin[MeasureIndicator]
else:
    IndicatorAdminBase = ObservationAdminBase = LinkAdminBase = admin.ModelAdmin


@admin.register(Indicator)
class IndicatorAdmin(IndicatorAdminBase):
    list_display = ("name", "slug", "area", "unit", "is_illustrative", "published")
    list_filter = ("area", "is_illustrative", "published")
    search_fields = ("name", "slug", "source")


@admin.register(Observation)
class ObservationAdmin(ObservationAdminBase):
    list_display = ("indicator", "year", "geo_code", "disaggregation_key", "value")
    list_filter = ("indicator",)


@admin.register(MeasureIndicator)
class MeasureIndicatorAdmin(LinkAdminBase):
    list_display = ("measure", "indicator", "created_at")
    raw_id_fields = ("measure",)
