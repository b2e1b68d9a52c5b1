"""Forms of the IMAG consultation and the reorganisation pages. Rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from isi.consultations.models import Consultation
from isi.core.parsing import parse_int
from isi.measures.models import Measure
from isi.organisations.models import Organisation

INPUT = {"class": "kern-form-input__input"}
SELECT = {"class": "kern-form-input__select"}
TEXTAREA = {"class": "kern-form-input__input", "rows": 6}


class SubmitForm(forms.Form):
    measure = forms.ModelChoiceField(
        label=_("Maßnahme"), queryset=Measure.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    kind = forms.ChoiceField(
        label=_("Art des Vorhabens"), choices=Consultation.Kind.choices, widget=forms.Select(attrs=SELECT)
    )
    summary = forms.CharField(
        label=_("Frage / Zusammenfassung für die IMAG"), widget=forms.Textarea(attrs=TEXTAREA)
    )
    comment_until = forms.DateField(
        label=_("Stellungnahmen bis"),
        help_text=_("Datum, bis zu dem die anderen Ressorts Stellung nehmen können."),
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = measures


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Stellungnahme"), widget=forms.Textarea(attrs=TEXTAREA))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("", "—"), *Consultation.Decision.choices],
        widget=forms.Select(attrs=SELECT),
    )
    decision_reasons = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs=TEXTAREA))


class SuccessionForm(forms.Form):
    predecessor = forms.ModelChoiceField(
        label=_("Vorgänger (bisher zuständig)"),
        queryset=Organisation.objects.filter(dissolved_on__isnull=True),
        widget=forms.Select(attrs=SELECT),
    )
    successor = forms.ModelChoiceField(
        label=_("Nachfolger (künftig zuständig)"),
        queryset=Organisation.objects.filter(dissolved_on__isnull=True),
        widget=forms.Select(attrs=SELECT),
    )
    effective_on = forms.DateField(
        label=_("wirksam ab"), widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d")
    )
    measures = forms.ModelMultipleChoiceField(
        label=_("Nur diese Maßnahmen des Vorgängers"),
        help_text=_("Keine auswählen, wenn die ganze Organisation mit allen Maßnahmen übergeht."),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Anmerkung"), required=False, widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3})
    )

    def __init__(self, *args: Any, predecessor_id: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measures"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        owner_id = parse_int(str(predecessor_id)) if predecessor_id else None
        if owner_id is not None:
            field.queryset = Measure.objects.filter(owner_id=owner_id).order_by("title")

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data and data.get("predecessor") and data.get("predecessor") == data.get("successor"):
            self.add_error(
                "successor", _("Vorgänger und Nachfolger müssen verschiedene Organisationen sein.")
            )
        return data


class StichtagForm(forms.Form):
    on = forms.DateField(
        label=_("Stichtag"), widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d")
    )
