"""API tokens: a random secret shown once; only its SHA-256 hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "isi_"  # noqa: S105 - a prefix, not a secret
# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked=False, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("Bezeichnung"), max_length=100, blank=True)
    # SHA-256 of the secret, hex. The secret itself is never stored.
    token_hash = models.CharField(_("Prüfsumme"), max_length=64, unique=True, editable=False)
    # The first characters of the secret, so a person can tell tokens apart in lists.
    hint = models.CharField(_("Anfang des Tokens"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("widerrufen"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        label = self.name or self.hint
        return f"{self.user} – {label}"

    @classmethod
    def issue(cls, user: Any, *, name: str = "") -> tuple[ApiToken, str]:
        """Create a token for `user`; returns the row and the secret (shown once, never stored)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(secret), hint=secret[:12])
        return token, secret

    @classmethod
    def lookup(cls, secret: str) -> ApiToken | None:
        """The active token for `secret` (not revoked, user active), or None."""
        if not secret or len(secret) > 200:
            return None
        return cls.objects.active().select_related("user").filter(token_hash=hash_token(secret)).first()

    def touch(self) -> None:
        """Record use, at most once per LAST_USED_RESOLUTION."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
