"""Sign-in, sign-out, the lock-out page and the person's own account page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from isi.accounts import services
from isi.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm


class SignOutView(auth_views.LogoutView):
    """POST only (Django refuses GET); ends the session on the server."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, _("Sie sind abgemeldet."))
        return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out person sees (django-axes' AXES_LOCKOUT_CALLABLE)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": settings.ISI_LOGIN_LOCKOUT_MINUTES,
    }
    return render(request, "accounts/locked.html", context, status=429)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person: who they are, for whom they act, and the session limits."""
    session = request.session
    auth_at = session.get(services.AUTH_AT)
    context = {
        "idle_minutes": settings.ISI_SESSION_IDLE_SECONDS // 60,
        "absolute_hours": settings.ISI_SESSION_ABSOLUTE_SECONDS // 3600,
        "signed_in_at": _from_epoch(auth_at),
    }
    return render(request, "accounts/account.html", context)


def _from_epoch(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if isinstance(value, int) else None


@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The warning's "Angemeldet bleiben": restart the idle clock (JSON answer, CSRF-checked)."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    return JsonResponse({"signed_in": True, "seconds_left": services.keep_alive(request.session)})
