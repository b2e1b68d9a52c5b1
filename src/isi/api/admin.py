"""API tokens in the admin: list and revoke (the secret is never shown; create with `isi token create`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from isi.api.models import ApiToken

if TYPE_CHECKING:
    TokenAdminBase = admin.ModelAdmin[ApiToken]
else:
    TokenAdminBase = admin.ModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(TokenAdminBase):
    list_display = ("user", "name", "hint", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("user__username", "name", "hint")
    readonly_fields = ("user", "hint", "created_at", "last_used_at")
    fields = ("user", "name", "hint", "created_at", "last_used_at", "revoked")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
