"""Security audit trail: sign-ins, sign-outs, lock-outs and every refused access, with who/when/what.

Written to the `isi.audit` logger (one line per event, key=value) so operations can ship it to
their SIEM; views and API endpoints call `log_denied` wherever they refuse.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from isi.core.hooks import security_event

audit = logging.getLogger("isi.audit")


def _client(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return str(request.META.get("REMOTE_ADDR", "-"))


def _who(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return f"{user.get_username()}#{user.pk}"


def log_denied(request: HttpRequest | None, what: str, *, user: Any = None) -> None:
    """Record a refused access: who tried what, from where."""
    actor = user if user is not None else getattr(request, "user", None)
    path = request.get_full_path() if request is not None else "-"
    method = request.method if request is not None else "-"
    audit.warning(
        "event=denied user=%s ip=%s method=%s path=%s what=%s",
        _who(actor),
        _client(request),
        method,
        path,
        what,
    )
    # Also kept in the database (isi.operations listens); the path without its query string.
    signed_in = actor is not None and bool(getattr(actor, "is_authenticated", False))
    security_event.send(
        sender=None,
        kind="denied",
        request=request,
        username=actor.get_username() if signed_in and actor is not None else "",
        user=actor if signed_in else None,
        ip=_client(request),
        what=what,
    )


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.info("event=login user=%s ip=%s", _who(user), _client(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.info("event=logout user=%s ip=%s", _who(user), _client(request))


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Never log the password; the username is what the person typed.
    audit.warning(
        "event=login_failed username=%s ip=%s", str(credentials.get("username", "-"))[:150], _client(request)
    )
    security_event.send(
        sender=None,
        kind="login_failed",
        request=request,
        username=str(credentials.get("username", ""))[:150],
        user=None,
        ip=_client(request),
        what="login",
    )
