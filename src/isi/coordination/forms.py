"""Forms of overlap review and consolidation proposals. Rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from isi.coordination.models import ConsolidationProposal, OverlapCandidate, ProposalResponse
from isi.measures.models import Measure
from isi.measures.visibility import may_see_title, unpublished_label
from isi.organisations.models import Organisation

INPUT = {"class": "kern-form-input__input"}
SELECT = {"class": "kern-form-input__select"}
TEXTAREA = {"class": "kern-form-input__input", "rows": 5}


class MeasureChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Labels name a measure through ``isi.measures.visibility`` for the form's reader."""

    reader: Any = None

    def label_from_instance(self, obj: Any) -> str:
        owner = obj.owner.short_name or obj.owner.name
        if not may_see_title(self.reader, obj):
            return f"{unpublished_label(obj.pk)} ({owner})"
        return f"{obj.title} (ID {obj.pk}, {owner})"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Bewertung"), choices=OverlapCandidate.Decision.choices, widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(
        label=_("Anmerkung"), required=False, widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art des Vorschlags"),
        choices=[("", "—"), *ConsolidationProposal.Kind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    title = forms.CharField(label=_("Titel"), max_length=300, widget=forms.TextInput(attrs=INPUT))
    reasons = forms.CharField(
        label=_("Begründung"),
        help_text=_("Warum sollen die Maßnahmen zusammengelegt oder aufeinander abgestimmt werden?"),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    measures = MeasureChoiceField(
        label=_("Betroffene Maßnahmen"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    q = forms.CharField(
        label=_("Weitere Maßnahmen suchen (Titel oder ID)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**INPUT, "type": "search"}),
    )
    candidate = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, choices: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measures"]
        assert isinstance(field, MeasureChoiceField)
        field.queryset = choices
        field.reader = user


class AnswerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Antwort für"), queryset=Organisation.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    answer = forms.ChoiceField(
        label=_("Antwort"),
        choices=[("", "—"), *ProposalResponse.Answer.choices],
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
        if len(organisations) == 1:
            field.initial = organisations[0].pk


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
