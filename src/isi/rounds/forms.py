"""Forms for rounds: open a round (title, deadline) and pick two rounds to compare."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isi.rounds.models import ReportingRound


def default_title(today: date) -> str:
    return f"{1 if today.month <= 6 else 2}. Halbjahr {today.year}"


class OpenRoundForm(forms.Form):
    title = forms.CharField(
        label=_("Bezeichnung"),
        max_length=200,
        help_text=_("Zum Beispiel „1. Halbjahr 2027“."),
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "autocomplete": "off"}),
    )
    deadline = forms.DateField(
        label=_("Frist"),
        help_text=_("Bis zu diesem Tag bestätigen oder aktualisieren die Ressorts ihre Maßnahmen."),
        widget=forms.DateInput(attrs={"class": "kern-form-input__input", "type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["title"].initial = default_title(today)
        self.fields["deadline"].initial = today + timedelta(days=42)

    def clean_deadline(self) -> date:
        deadline: date = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("Die Frist darf nicht in der Vergangenheit liegen."))
        return deadline


CURRENT = "aktuell"


class CompareForm(forms.Form):
    """Two closed rounds, or a closed round and the current state ("Aktueller Stand")."""

    a = forms.ModelChoiceField(
        label=_("Frühere Runde"),
        queryset=ReportingRound.objects.none(),
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    b = forms.ChoiceField(
        label=_("Vergleichen mit"), widget=forms.Select(attrs={"class": "kern-form-input__select"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        closed = ReportingRound.objects.filter(state=ReportingRound.State.CLOSED).order_by(
            "-closed_at", "-id"
        )
        self.fields["a"].queryset = closed  # type: ignore[attr-defined]
        self.fields["b"].choices = [  # type: ignore[attr-defined]
            (CURRENT, _("Aktueller Stand")),
            *((str(r.pk), r.title) for r in closed),
        ]

    def clean_b(self) -> ReportingRound | None:
        value = self.cleaned_data["b"]
        if value == CURRENT:
            return None
        return ReportingRound.objects.get(pk=int(value), state=ReportingRound.State.CLOSED)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("a") is not None and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Wählen Sie zwei verschiedene Stände."))
        return data
