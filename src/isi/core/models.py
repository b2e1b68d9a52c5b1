"""Change records: who changed what, when, with a JSON snapshot before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeRecord(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("angelegt")
        UPDATE = "update", _("geändert")
        ARCHIVE = "archive", _("archiviert")
        RESTORE = "restore", _("wiederhergestellt")
        DELETE = "delete", _("gelöscht")

    # Generic reference by label + id so records survive model renames and deletions.
    object_type = models.CharField(_("Objektart"), max_length=64, db_index=True)
    object_id = models.BigIntegerField(_("Objekt-ID"))
    object_repr = models.CharField(_("Bezeichnung"), max_length=500)
    action = models.CharField(_("Aktion"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What made the change when no person did: "import nap-i", "generate", "api" …
    source = models.CharField(_("Quelle"), max_length=64, blank=True)
    before = models.JSONField(_("vorher"), null=True, blank=True)
    after = models.JSONField(_("nachher"), null=True, blank=True)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Änderung")
        verbose_name_plural = _("Änderungen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.action}"

    def changed_fields(self) -> list[str]:
        before = self.before or {}
        after = self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class FormDraft(models.Model):
    """A form's unsaved input, kept when a save arrived after the session ran out or failed CSRF.

    Reached only through its random token, by the same person (or, when the session was already
    gone, the same browser, ``isi.core.drafts``); never saved into the data on its own.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=500)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Formularentwurf")
        verbose_name_plural = _("Formularentwürfe")

    def __str__(self) -> str:
        return f"draft {self.path}"


class SubmitToken(models.Model):
    """A create form's one-time token: the first POST claims it, a repeated POST is sent to the result."""

    token = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Einmal-Token")
        verbose_name_plural = _("Einmal-Tokens")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="core_submit_token_once")]

    def __str__(self) -> str:
        return f"submit token {self.url or '(pending)'}"
