"""What operations keeps in the database: security events for the admins, task-worker heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """A failed sign-in or a refused access (isi.core.audit), listed read-only in the admin.

    Written by a receiver of ``isi.core.hooks.security_event``; the path is stored without its
    query string (search terms and finder answers never end up here).
    """

    class Kind(models.TextChoices):
        LOGIN_FAILED = "login_failed", _("Anmeldung fehlgeschlagen")
        DENIED = "denied", _("Zugriff verweigert")

    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices, db_index=True)
    # What the person typed at sign-in, or the signed-in user's name.
    username = models.CharField(_("Benutzername"), max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip = models.CharField(_("Adresse"), max_length=64, blank=True)
    method = models.CharField(_("Methode"), max_length=10, blank=True)
    path = models.CharField(_("Pfad"), max_length=500, blank=True)
    what = models.CharField(_("Was"), max_length=200, blank=True)
    request_id = models.CharField(_("Vorgangsnummer"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Sicherheitsereignis")
        verbose_name_plural = _("Sicherheitsereignisse")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username or '-'}"


class WorkerHeartbeat(models.Model):
    """One row per running ``isi worker``, touched every ISI_WORKER_HEARTBEAT_SECONDS.

    /readyz wants a fresh one; ``isi worker`` uses them to tell the jobs of a dead worker from
    those of a live one.
    """

    worker_id = models.CharField(_("Worker"), max_length=64, unique=True)
    hostname = models.CharField(_("Rechner"), max_length=255, blank=True)
    pid = models.IntegerField(_("Prozess"), default=0)
    started_at = models.DateTimeField(_("gestartet"))
    beat_at = models.DateTimeField(_("zuletzt gemeldet"), db_index=True)
    state = models.CharField(_("Zustand"), max_length=16, blank=True)
    task_id = models.CharField(_("laufende Aufgabe"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Worker-Lebenszeichen")
        verbose_name_plural = _("Worker-Lebenszeichen")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.state})"
