"""People in the admin. Disabling someone (here or anywhere) ends their sessions at once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from isi.accounts.models import User
from isi.accounts.services import acting_as, deactivate_user


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "first_name", "last_name", "organisation", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff", "organisation")
    list_select_related = ("organisation",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("ISI"), {"fields": ("organisation", "role")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        (_("ISI"), {"fields": ("organisation", "role")}),
    )
    actions = ["deactivate"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with acting_as(request.user):
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with acting_as(request.user):
            super().delete_model(request, obj)

    @admin.action(description=_("Ausgewählte Personen deaktivieren (beendet ihre Sitzungen)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.filter(is_active=True):
            deactivate_user(user, by=request.user)
            count += 1
        self.message_user(
            request, _("%(count)d Person(en) deaktiviert.") % {"count": count}, messages.SUCCESS
        )
