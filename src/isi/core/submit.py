"""What happens after a form is sent: once only (create forms), and a "Gespeichert" notice.

``once_per_token`` protects a create view against a double click or a repeated POST: the form
carries a random one-time token (``{% submit_token %}``, ``isi.core.templatetags.work_forms``);
the first POST claims it in the same transaction as the view's write, and a second POST with the
same token is sent to what the first one created instead of creating it again. A claim whose
view did not succeed (the form came back with errors) is rolled back with the view's writes, so
the corrected form can be sent with the same token.

``announces_save`` adds the status message "Gespeichert" when a POST ended in a redirect (the
view's way of saying it succeeded); the workspace base template shows it in a ``role="status"``
region.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from isi.core.models import SubmitToken

FIELD = "einmal_token"
TOKEN_MAX_LENGTH = 64
LOCKED_RETRIES = 50
KEPT_FOR = timedelta(days=7)
LOCKED_PAUSE_SECONDS = 0.1

View = Callable[..., HttpResponse]


def _token(request: HttpRequest) -> str:
    token = request.POST.get(FIELD, "")
    if not token or len(token) > TOKEN_MAX_LENGTH or not token.replace("-", "").replace("_", "").isalnum():
        return ""
    return token


def _succeeded(response: HttpResponse) -> bool:
    return response.status_code in (301, 302, 303) and bool(response.get("Location"))


class _Rollback(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _replay(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(request, _("Dieses Formular wurde bereits gesendet. Hier ist das Ergebnis."))
    return HttpResponseRedirect(url)


def once_per_token(view: View) -> View:
    """Decorator for create views: one result per one-time token (see the module docstring)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _token(request) if request.method == "POST" else ""
        if not token or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        for _attempt in range(LOCKED_RETRIES):
            try:
                return _claimed(request, token, view, args, kwargs)
            except OperationalError as error:
                # SQLite without a busy wait (shared in-memory databases) says "locked" at once
                # while the other request holds the write lock; everything was rolled back, so
                # trying again is safe.
                if "locked" not in str(error):
                    raise
                time.sleep(LOCKED_PAUSE_SECONDS)
        return _claimed(request, token, view, args, kwargs)

    return wrapped


def _claimed(request: HttpRequest, token: str, view: View, args: Any, kwargs: Any) -> HttpResponse:
    """Run `view` holding the claim on `token` (see ``once_per_token``)."""
    user: Any = request.user  # signed in: checked by the caller
    done = SubmitToken.objects.filter(user=user, token=token).exclude(url="").first()
    if done is not None:
        return _replay(request, done.url)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = SubmitToken.objects.create(user=user, token=token)
            except IntegrityError:
                # The same form is being (or was just) sent in another request, which held the
                # claim until it finished: send this one to its result.
                other = SubmitToken.objects.filter(user=user, token=token).first()
                url = other.url if other is not None and other.url else request.path
                raise _Rollback(_replay(request, url)) from None
            # A form is not sent again after days: old claims go (created_at is indexed).
            SubmitToken.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
            response = view(request, *args, **kwargs)
            if not _succeeded(response):
                raise _Rollback(response)  # writes and claim undone together
            claim.url = str(response["Location"])
            claim.save(update_fields=["url"])
            return response
    except _Rollback as rollback:
        return rollback.response


def announces_save(view: View) -> View:
    """Decorator: a POST that ended in a redirect says "Gespeichert" on the next page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "POST" and _succeeded(response) and request.user.is_authenticated:
            queued = getattr(messages.get_messages(request), "_queued_messages", [])
            if not queued:  # the view said something more specific already
                messages.success(request, _("Gespeichert."))
        return response

    return wrapped
