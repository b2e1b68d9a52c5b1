"""Unsaved form input kept on the server, so that a save after the time-out is not lost.

When a POST to a form view that ``keeps_drafts`` arrives after the session ran out (the person
is anonymous now) or fails the CSRF check (signed in again in another tab), its fields are
stored as a ``FormDraft`` under a random token, and the browser is sent to the sign-in page
with ``next=<form>?entwurf=<token>``. After signing in the form view calls ``load_draft`` and
renders the form bound to the draft, with a notice to check and save: nothing is ever saved on
the person's behalf.

Only the same person may load a draft. When the session was already gone and nobody is known,
the draft is bound to the browser instead (a cookie holding the token) and to the first person
who signs in there. Drafts leave out files, the CSRF token and anything named like a password,
are limited in size, and expire after a day.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from isi.core.models import FormDraft

DRAFT_PARAM = "entwurf"
COOKIE = "isi_entwurf"
MAX_BYTES = 64 * 1024
LIFETIME = timedelta(hours=24)
# Drafts nobody is known for may be made by anyone holding a CSRF cookie; cap them.
MAX_ANONYMOUS_PER_HOUR = 500
ATTRIBUTE = "isi_keeps_drafts"
# Set by isi.accounts.middleware when it signs someone out for inactivity in this request.
TIMED_OUT_USER = "isi_timed_out_user_id"
LEFT_OUT = ("csrfmiddlewaretoken",)


def keeps_drafts[F: Callable[..., Any]](view: F) -> F:
    """Mark a form view: a save that cannot be accepted (time-out, CSRF) is kept as a draft."""
    setattr(view, ATTRIBUTE, True)
    return view


def view_keeps_drafts(view: Any) -> bool:
    return bool(getattr(view, ATTRIBUTE, False))


def kept_fields(post: QueryDict) -> dict[str, list[str]] | None:
    """The fields worth keeping, or None when there is nothing to keep or it is too large."""
    data: dict[str, list[str]] = {}
    for key in post:
        lowered = key.lower()
        if key in LEFT_OUT or "password" in lowered or "passwort" in lowered:
            continue
        data[key] = [str(value) for value in post.getlist(key)]
    if not data or len(json.dumps(data, ensure_ascii=False).encode()) > MAX_BYTES:
        return None
    return data


def draft_owner(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(user.pk)
    timed_out = getattr(request, TIMED_OUT_USER, None)
    return int(timed_out) if timed_out is not None else None


def save_draft(request: HttpRequest) -> FormDraft | None:
    """Keep the POST's fields under a new token; None if there is nothing (allowed) to keep."""
    data = kept_fields(request.POST)
    if data is None:
        return None
    now = timezone.now()
    FormDraft.objects.filter(expires_at__lt=now).delete()
    owner = draft_owner(request)
    if owner is None:
        recent = FormDraft.objects.filter(user__isnull=True, created_at__gte=now - timedelta(hours=1))
        if recent.count() >= MAX_ANONYMOUS_PER_HOUR:
            return None
    return FormDraft.objects.create(
        token=secrets.token_urlsafe(32),
        user_id=owner,
        path=request.path,
        data=data,
        expires_at=now + LIFETIME,
    )


def draft_url(draft: FormDraft) -> str:
    return f"{draft.path}?{DRAFT_PARAM}={draft.token}"


def redirect_to_draft(request: HttpRequest, draft: FormDraft) -> HttpResponse:
    """To the form with the draft; through the sign-in page when nobody is signed in."""
    target = draft_url(draft)
    user = getattr(request, "user", None)
    response: HttpResponse
    if user is not None and user.is_authenticated:
        response = HttpResponseRedirect(target)
    else:
        response = redirect_to_login(target)
    if draft.user_id is None:
        response.set_cookie(
            COOKIE,
            draft.token,
            max_age=int(LIFETIME.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def load_draft(request: HttpRequest) -> QueryDict | None:
    """The draft named in ``?entwurf=`` as form data, if it is this person's and for this form."""
    token = request.GET.get(DRAFT_PARAM, "")
    if not token or len(token) > 64 or not request.user.is_authenticated:
        return None
    draft = FormDraft.objects.filter(token=token, path=request.path, expires_at__gt=timezone.now()).first()
    if draft is None:
        return None
    if draft.user_id is None:
        # Made when nobody was known: it belongs to the browser that got the cookie.
        if not constant_time_compare(request.COOKIES.get(COOKIE, ""), token):
            return None
        draft.user_id = request.user.pk
        draft.save(update_fields=["user"])
    elif draft.user_id != request.user.pk:
        return None
    data = QueryDict(mutable=True)
    for key, values in draft.data.items():
        data.setlist(key, [str(value) for value in values])
    messages.warning(request, _("Ihre Eingaben wurden wiederhergestellt – bitte prüfen und speichern."))
    return data


class DraftMiddleware:
    """Keeps the input of a form POST that arrives after the session ran out.

    Runs as ``process_view``, i.e. after the CSRF check passed; a POST failing that check is
    handled by the CSRF failure view (``isi.workspace.errors.csrf_failure``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method != "POST" or request.user.is_authenticated or not view_keeps_drafts(view):
            return None
        draft = save_draft(request)
        if draft is None:
            return None
        messages.info(
            request,
            _(
                "Ihre Sitzung war abgelaufen. Ihre Eingaben wurden nicht gespeichert, aber aufbewahrt: "
                "Nach der Anmeldung sehen Sie das Formular wieder ausgefüllt."
            ),
        )
        return redirect_to_draft(request, draft)
