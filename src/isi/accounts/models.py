"""People who sign in, and the one organisation and role each acts for."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        DESK_OFFICER = "desk_officer", _("Ressort-Referent:in")
        AGENCY = "agency", _("Behörde")
        COORDINATION = "coordination", _("Koordinierung (IMAG)")
        READER = "reader", _("Lesezugriff (intern)")
        REGIONAL_EDITOR = "regional_editor", _("Land / Kommune")
        ADMIN = "admin", _("Administration")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(_("Rolle"), max_length=32, choices=Role.choices, default=Role.READER)

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")


class UserSession(models.Model):
    """Which server-side sessions belong to whom, so they can be ended when a person is disabled.

    A row is written on sign-in and removed on sign-out; rows older than the absolute session
    time-out are pruned on the person's next sign-in (such sessions cannot be valid any more).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="web_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"
