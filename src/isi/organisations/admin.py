"""Organisations for admins: only the per-ministry choice of a second person's release is edited
here (names, hierarchy and successions have their own, recorded paths)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from isi.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "parent", "second_release")
    list_filter = ("kind", "second_release")
    list_editable = ("second_release",)
    search_fields = ("name", "short_name", "key")
    fields = ("name", "kind", "parent", "second_release")
    readonly_fields = ("name", "kind", "parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
