"""Server-side session time-outs: idle (no request for a while) and absolute (since sign-in).

The limits live in the session itself (first-seen and last-seen timestamps), so they hold
whatever the browser does with its cookie. When one has run out, the person is signed out on
the server (the session is flushed) and told why; the request then goes on as anonymous, so a
page that needs a sign-in sends them to the sign-in form.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from isi.accounts import services
from isi.accounts.services import audit

SECONDS_LEFT_HEADER = "X-ISI-Session-Seconds"
# The request attribute isi.core.drafts reads (its TIMED_OUT_USER).
TIMED_OUT_USER = "isi_timed_out_user_id"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie there is nobody signed in: leave the session untouched (no
        # `Vary: Cookie` on public, cacheable responses).
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            self.check(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            # The idle warning (isi/work.js) counts down from what the server says is left.
            response[SECONDS_LEFT_HEADER] = str(services.idle_seconds_left(request.session))
        return response

    def check(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        expiry = services.session_expiry(request.session)
        if expiry is None:
            services.touch_session(request.session)
            return
        audit.info(
            "event=session_timeout kind=%s user=%s ip=%s path=%s",
            expiry,
            services.who(user),
            services.client(request),
            request.path,
        )
        # Whose input a form POST in this request carries (isi.core.drafts keeps it for them).
        setattr(request, TIMED_OUT_USER, user.pk)
        logout(request)  # flushes the session on the server
        if expiry == "idle":
            minutes = settings.ISI_SESSION_IDLE_SECONDS // 60
            text = _(
                "Sie wurden abgemeldet, weil Sie %(minutes)s Minuten lang nichts getan haben. "
                "Bitte melden Sie sich erneut an."
            ) % {"minutes": minutes}
        else:
            hours = settings.ISI_SESSION_ABSOLUTE_SECONDS // 3600
            text = _(
                "Sie wurden abgemeldet, weil Ihre Anmeldung länger als %(hours)s Stunden zurückliegt. "
                "Bitte melden Sie sich erneut an."
            ) % {"hours": hours}
        messages.info(request, text)
