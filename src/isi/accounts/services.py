"""Session bookkeeping and account state changes that have security consequences.

Every event is written to the `isi.audit` logger in the same key=value style as
`isi.core.audit` (which already records sign-in, sign-out and failed sign-ins).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from importlib import import_module
from typing import Any, Literal

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from isi.accounts.models import User, UserSession

audit = logging.getLogger("isi.audit")

# Keys in the session: when the person signed in and when they were last seen (epoch seconds).
AUTH_AT = "isi_auth_at"
SEEN_AT = "isi_seen_at"
# Last-seen is rewritten at most this often, so not every request writes the session.
SEEN_RESOLUTION_SECONDS = 60

Expiry = Literal["idle", "absolute"]

# Who is acting, for the audit line when a change arrives through a model save (admin, service).
_acting: ContextVar[Any] = ContextVar("isi_accounts_acting", default=None)


def who(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return f"{user.get_username()}#{user.pk}"


def client(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return str(request.META.get("REMOTE_ADDR", "-"))


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute account changes made inside the block to `user` in the audit log."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def acting_user() -> Any:
    return _acting.get()


# --- time-outs -------------------------------------------------------------------------------


def now_seconds() -> int:
    return int(time.time())


def start_session_clock(session: SessionBase, now: int | None = None) -> None:
    moment = now_seconds() if now is None else now
    session[AUTH_AT] = moment
    session[SEEN_AT] = moment


def session_expiry(session: SessionBase, now: int | None = None) -> Expiry | None:
    """Why this signed-in session has run out, or None while it is still valid."""
    moment = now_seconds() if now is None else now
    auth_at = session.get(AUTH_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(auth_at, int) or not isinstance(seen_at, int):
        # A session from before this check existed: its clock starts now.
        start_session_clock(session, moment)
        return None
    if moment - auth_at >= settings.ISI_SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if moment - seen_at >= settings.ISI_SESSION_IDLE_SECONDS:
        return "idle"
    return None


def idle_seconds_left(session: SessionBase, now: int | None = None) -> int:
    """Seconds until the idle time-out signs this session out (as the server counts)."""
    moment = now_seconds() if now is None else now
    seen_at = session.get(SEEN_AT)
    if not isinstance(seen_at, int):
        return int(settings.ISI_SESSION_IDLE_SECONDS)
    return max(0, int(settings.ISI_SESSION_IDLE_SECONDS) - (moment - seen_at))


def absolute_seconds_left(session: SessionBase, now: int | None = None) -> int:
    """Seconds until the absolute limit signs this session out; nothing extends it."""
    moment = now_seconds() if now is None else now
    auth_at = session.get(AUTH_AT)
    if not isinstance(auth_at, int):
        return int(settings.ISI_SESSION_ABSOLUTE_SECONDS)
    return max(0, int(settings.ISI_SESSION_ABSOLUTE_SECONDS) - (moment - auth_at))


def keep_alive(session: SessionBase, now: int | None = None) -> int:
    """The person asked to stay signed in: restart the idle clock now; returns the seconds left."""
    session[SEEN_AT] = now_seconds() if now is None else now
    return int(settings.ISI_SESSION_IDLE_SECONDS)


def touch_session(session: SessionBase, now: int | None = None) -> None:
    moment = now_seconds() if now is None else now
    seen_at = session.get(SEEN_AT)
    if not isinstance(seen_at, int) or moment - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = moment


# --- which sessions belong to whom -----------------------------------------------------------


def _session_store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def record_session(user: User, session_key: str | None) -> None:
    """Remember that `session_key` is `user`'s (called on sign-in)."""
    if not session_key:
        return
    cutoff = timezone.now() - timedelta(seconds=settings.ISI_SESSION_ABSOLUTE_SECONDS)
    UserSession.objects.filter(user=user, created_at__lt=cutoff).delete()
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def forget_session(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def end_user_sessions(user: User) -> int:
    """Delete every server-side session of `user`; returns how many there were.

    Works with any session engine (each session is deleted through its own store).
    """
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        _session_store(key).delete(key)
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def deactivate_user(user: User, by: Any = None) -> None:
    """Disable the account and end all its sessions at once.

    The session ending itself happens in the User save signal (`isi.accounts.signals`), so a
    change of `is_active` through the admin or any other `save()` has the same effect.
    """
    with acting_as(by):
        user.is_active = False
        user.save(update_fields=["is_active"])
