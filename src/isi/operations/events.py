"""Receivers of core's hooks: security events into the database, rebuild times into metrics."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.dispatch import receiver
from django.http import HttpRequest

from isi.core.hooks import rebuilt, security_event
from isi.operations import metrics

log = logging.getLogger("isi.operations")


@receiver(security_event, dispatch_uid="isi.operations.security_event")
def store_security_event(
    sender: Any,
    *,
    kind: str,
    request: HttpRequest | None,
    username: str = "",
    user: Any = None,
    ip: str = "",
    what: str = "",
    **kwargs: Any,
) -> None:
    from isi.operations.models import SecurityEvent

    metrics.SECURITY_EVENTS.labels(kind=kind).inc()
    try:
        # A savepoint: a failure here must not break the caller's transaction.
        with transaction.atomic():
            SecurityEvent.objects.create(
                kind=kind,
                username=(username or "")[:150],
                user=user if getattr(user, "pk", None) else None,
                ip=(ip or "")[:64],
                method=str(getattr(request, "method", "") or "")[:10],
                path=str(getattr(request, "path", "") or "")[:500],
                what=(what or "")[:200],
                request_id=str(getattr(request, "request_id", "") or "")[:64],
            )
    except (DatabaseError, transaction.TransactionManagementError) as exc:
        # The audit log line is written anyway; the database copy is best effort.
        log.warning("security event not stored (%s)", type(exc).__name__)


@receiver(rebuilt, dispatch_uid="isi.operations.rebuilt")
def observe_rebuild(sender: Any, *, what: str, mode: str, seconds: float, **kwargs: Any) -> None:
    metrics.REBUILD_SECONDS.labels(what=what, mode=mode).observe(seconds)
