"""Shared bits of the coordination views: sign-in/403 handling, form errors, safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from isi.core.access import require_access
from isi.core.permissions import staff_user

View = Callable[..., HttpResponse]


def _is_staff(user: Any) -> bool:
    return staff_user(user) is not None


staff_required = require_access(_is_staff, "coordination")


def apply_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form's fields (unknown fields → non-field)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "version" else None, messages)
    else:
        form.add_error(None, error.messages)


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
