"""Shared bits of the coordination views: sign-in/403 handling, form errors, safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from isi.core.audit import log_denied
from isi.core.permissions import staff_user

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, what: str) -> HttpResponse:
    log_denied(request, what)
    return render(request, "workspace/forbidden.html", status=403)


def staff_required(view: View) -> View:
    """Anonymous → sign-in; an inactive or foreign user → 403 (logged)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if staff_user(request.user) is None:
            return forbidden(request, "coordination")
        return view(request, *args, **kwargs)

    return wrapped


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
