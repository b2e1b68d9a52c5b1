"""Shared bits of the coordination views: sign-in/403 handling, form errors, safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from isi.core.access import require_access
from isi.core.permissions import staff_user

View = Callable[..., HttpResponse]


def _is_staff(user: Any) -> bool:
    return staff_user(user) is not None


staff_required = require_access(_is_staff, "coordination")


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
