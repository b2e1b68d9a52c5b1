"""The request form of the IMAG report: which scope (overall or one ministry)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from isi.organisations.models import Organisation
from isi.reports.permissions import own_ministry, sees_all_ministries

OVERALL = "gesamt"


def ministries() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            kind__in=(Organisation.Kind.FEDERAL_MINISTRY, Organisation.Kind.FEDERAL_COMMISSIONER),
            dissolved_on__isnull=True,
        ).order_by("name")
    )


def scope_choices(user: Any) -> list[tuple[str, str]]:
    """The scopes this user may request: everything for coordination, else the own ministry."""
    if sees_all_ministries(user):
        return [(OVERALL, str(_("Gesamtbericht (alle Ressorts)")))] + [
            (org.key, org.name) for org in ministries()
        ]
    own = own_ministry(user)
    return [(own.key, own.name)] if own is not None else []


class ReportRequestForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Umfang des Berichts"), widget=forms.Select(attrs={"class": "kern-form-input__select"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = scope_choices(user)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices
        if choices:
            scope.initial = choices[0][0]

    def ministry(self) -> Organisation | None:
        key = self.cleaned_data["scope"]
        return None if key == OVERALL else Organisation.objects.get(key=key)
