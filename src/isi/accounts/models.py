"""People who sign in, and the one organisation and role each acts for."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
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
