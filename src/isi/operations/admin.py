"""Security events and worker heartbeats for admins: listed with filters, read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from isi.operations.models import SecurityEvent, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "username", "ip", "method", "path", "what", "request_id")
    list_filter = ("kind", ("created_at", admin.DateFieldListFilter), "method")
    search_fields = ("username", "ip", "path", "request_id")
    date_hierarchy = "created_at"
    list_select_related = ("user",)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "hostname", "pid", "state", "task_id", "started_at", "beat_at")
    list_filter = ("state", "hostname")
