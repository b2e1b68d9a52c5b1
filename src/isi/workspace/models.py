"""A desk officer's own settings of the staff measure list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedFilter(models.Model):
    """A named view of the staff list: its filters, columns and page size, as a query string."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("Name"), max_length=100)
    query = models.CharField(_("Filter"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gespeicherter Filter")
        verbose_name_plural = _("gespeicherte Filter")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="workspace_saved_filter_name")]

    def __str__(self) -> str:
        return self.name
