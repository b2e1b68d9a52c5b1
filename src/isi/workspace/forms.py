"""The measure form: the measure's fields, its Erfolgskontrolle inline, judged by the Leitfaden's rules.

The form maps its input onto the write service's ``changes`` (``changes()``) and nothing else.
The rules are judged by ``isi.measures.judgement`` – the module the write service itself uses –
on the measure as it would be after the change, so the form shows the same blocking errors the
service would refuse with, as field errors (the user's input stays); warnings are kept in
``form.warnings`` and shown without blocking. The service judges again when it writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isi.core.forms import GermanDateField, GermanDecimalField
from isi.core.parsing import is_int
from isi.measures.judgement import judge_change
from isi.measures.models import Evaluation, Measure, MeasureOrganisation
from isi.measures.provenance import SUGGESTIBLE_FIELDS, unconfirmed_fields
from isi.measures.rules import Violation
from isi.measures.services import OrganisationRole
from isi.organisations.models import Organisation

MEASURE_FIELDS = [
    "title",
    "summary",
    "goals",
    "status",
    "start_date",
    "end_date",
    "owner",
    "level",
    "areas",
    "target_groups",
    "offer_type",
    "component",
    "complementary_need",
    "nap_i_theme",
    "nap_i_number",
    "legal_basis",
    "funding_note",
    "funding_programmes",
    "budget_eur",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
    "regular_system_reason",
    "status_independence_reason",
    "similar_measures_reason",
    "imposes_obligation",
    "obligation_control",
    "obligation_sanction",
    "is_model_project",
    "test_phase_start",
    "test_phase_end",
    "scale_decision",
    "publication",
]
EVALUATION_FORM_FIELDS = {
    "state": "eval_state",
    "method": "eval_method",
    "effort_note": "eval_effort_note",
    "due_date": "eval_due_date",
}
NO_EVALUATION = ""
# Empty rows offered for new organisations (more after saving).
EXTRA_ORGANISATION_ROWS = 2

# The form in sections, for the template: (legend, field names).
SECTIONS: list[tuple[Any, list[str]]] = [
    (_("Grunddaten"), ["title", "summary", "goals", "status", "start_date", "end_date"]),
    (
        _("Zuständigkeit und Einordnung"),
        ["owner", "level", "areas", "target_groups", "nap_i_theme", "nap_i_number"],
    ),
    (_("Grundangebot (Regel 6)"), ["offer_type", "component", "complementary_need"]),
    (_("Automatisch zugeordnete Angaben"), ["confirm_suggestions"]),
    (_("Kontakt und Internetseite (öffentlich)"), ["contact_name", "contact_email", "contact_phone", "url"]),
    (
        _("Vorrang, Zielgruppen und Verpflichtung (Regeln 3–5)"),
        [
            "regular_system_reason",
            "similar_measures_reason",
            "status_independence_reason",
            "imposes_obligation",
            "obligation_control",
            "obligation_sanction",
        ],
    ),
    (
        _("Modellprojekt (Regel 8)"),
        ["is_model_project", "test_phase_start", "test_phase_end", "scale_decision"],
    ),
    (
        _("Rechtsgrundlage und Förderung (Regel 11)"),
        ["legal_basis", "funding_note", "funding_programmes", "budget_eur"],
    ),
    (_("Erfolgskontrolle (Regel 7)"), ["eval_state", "eval_method", "eval_effort_note", "eval_due_date"]),
    (_("Veröffentlichung (Regel 10)"), ["publication"]),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MeasureForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    eval_state = forms.ChoiceField(
        label=_("Stand der Erfolgskontrolle"),
        choices=[(NO_EVALUATION, _("noch keine Erfolgskontrolle")), *Evaluation.State.choices],
        required=False,
    )
    eval_method = forms.CharField(
        label=_("Methode"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    eval_effort_note = forms.CharField(
        label=_("Aufwand / Begründung der Verhältnismäßigkeit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    eval_due_date = GermanDateField(label=_("fällig am"), widget=DateInput, required=False)
    confirm_suggestions = forms.BooleanField(
        label=_(
            "Bereiche, Zielgruppen und Einordnung geprüft: sie gelten nicht mehr als automatisch zugeordnet"
        ),
        help_text=_(
            "Diese Angaben stammen aus Stichwortregeln des Imports und sind öffentlich als "
            "„automatisch zugeordnet, ungeprüft“ gekennzeichnet. Wer sie ändert, bestätigt sie ebenfalls."
        ),
        required=False,
    )

    class Meta:
        model = Measure
        fields = MEASURE_FIELDS
        # German input ("1.500.000,50", "7.12.2026") besides ISO, whatever the interface language.
        field_classes = {
            "budget_eur": GermanDecimalField,
            "start_date": GermanDateField,
            "end_date": GermanDateField,
            "test_phase_start": GermanDateField,
            "test_phase_end": GermanDateField,
        }
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "funding_programmes": forms.CheckboxSelectMultiple,
            "start_date": DateInput,
            "end_date": DateInput,
            "test_phase_start": DateInput,
            "test_phase_end": DateInput,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "similar_measures_reason": _(
                "Pflicht, wenn eine sehr ähnliche Maßnahme besteht: Warum genügt sie nicht?"
            ),
            "status_independence_reason": _("Pflicht bei Maßnahmen für bestimmte Zielgruppen."),
            "complementary_need": _("Pflicht bei komplementären Maßnahmen."),
        }

    def __init__(
        self,
        *args: Any,
        owners: Any = None,
        similar_ids: tuple[int, ...] = (),
        is_new: bool = False,
        today: date | None = None,
        locked: frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.is_new = is_new
        # Fields this user may not change (isi.core.permissions.locked_measure_fields): not
        # rendered, not read from the request, shown read-only by the template.
        self.locked = locked
        self.similar_ids = similar_ids
        self.today = today or timezone.localdate()
        self.warnings: list[Violation] = []
        self.rule_errors: list[Violation] = []
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["nap_i_theme"].queryset = self.fields["nap_i_theme"].queryset.select_related("phase")  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            evaluation = getattr(self.instance, "evaluation", None)
            if evaluation is not None:
                for name, form_name in EVALUATION_FORM_FIELDS.items():
                    self.initial[form_name] = getattr(evaluation, name)
        if not unconfirmed_fields(self.instance) or {"areas", "target_groups", "offer_type"} <= locked:
            del self.fields["confirm_suggestions"]
        for name in locked & set(self.fields):
            del self.fields[name]
        self.organisation_rows: list[tuple[str, str]] = []
        if "organisations" not in locked:
            self._add_organisation_rows()
        for name, bound in self.fields.items():
            widget = bound.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                widget.attrs.setdefault("class", "kern-form-check__checkbox")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "kern-form-input__select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "kern-form-input__input")
            if bound.help_text and not isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def _add_organisation_rows(self) -> None:
        """Rows of (organisation, role): the current links plus empty rows for new ones."""
        links: list[MeasureOrganisation] = (
            list(self.instance.organisation_links.all()) if self.instance.pk else []
        )
        count = len(links) + EXTRA_ORGANISATION_ROWS
        if self.is_bound:
            posted = [k for k in self.data if k.startswith("org_") and is_int(k[4:], max_digits=4)]
            count = max(count, len(posted))
        organisations = Organisation.objects.order_by("name")
        for index in range(1, min(count, 50) + 1):
            org_name, role_name = f"org_{index}", f"orgrole_{index}"
            self.fields[org_name] = forms.ModelChoiceField(
                label=_("Organisation %(n)s") % {"n": index},
                queryset=organisations,
                required=False,
                empty_label=_("— keine —"),
            )
            self.fields[role_name] = forms.ChoiceField(
                label=_("Rolle der Organisation %(n)s") % {"n": index},
                choices=MeasureOrganisation.Role.choices,
                required=False,
            )
            if not self.is_bound and index <= len(links):
                self.initial[org_name] = links[index - 1].organisation_id
                self.initial[role_name] = links[index - 1].role
            self.organisation_rows.append((org_name, role_name))

    def organisation_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[org], self[role]) for org, role in self.organisation_rows]

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        sections = [
            (legend, [self[name] for name in names if name in self.fields]) for legend, names in SECTIONS
        ]
        return [(legend, fields) for legend, fields in sections if fields]

    def locked_values(self) -> list[tuple[str, str]]:
        """(label, current value) of the locked fields, for a read-only display."""
        instance = self.instance
        shown: list[tuple[str, str]] = []
        for name in ("owner", "level", "publication"):
            if name in self.locked and instance.pk:
                field = Measure._meta.get_field(name)
                value = getattr(instance, f"get_{name}_display", lambda n=name: getattr(instance, n))()
                shown.append((str(getattr(field, "verbose_name", name)), str(value)))
        if "organisations" in self.locked and instance.pk:
            names = ", ".join(
                f"{link.organisation.name} ({link.get_role_display()})"
                for link in instance.organisation_links.select_related("organisation")
            )
            shown.append((str(_("Beteiligte Organisationen")), names or "–"))
        return shown

    def _form_field(self, violation: Violation) -> str | None:
        name = violation.field
        if name.startswith("evaluation."):
            name = EVALUATION_FORM_FIELDS.get(name.removeprefix("evaluation."), "eval_state")
        elif name == "evaluation":
            name = "eval_state"
        return name if name in self.fields else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        # Locked fields are not in changes(): the measure's current values count.
        judgement = judge_change(
            self.instance if self.instance.pk else None,
            self.changes(),
            today=self.today,
            similar_measure_ids=tuple(self.similar_ids),
        )
        self.add_rule_violations(judgement.blocking)
        self.warnings.extend(judgement.warnings)
        return data

    def add_rule_violations(self, violations: Iterable[Violation]) -> None:
        """Show blocking rule violations (from the judgement or the service's `RulesBroken`)."""
        for found in violations:
            if found in self.rule_errors:
                continue
            self.rule_errors.append(found)
            field = self._form_field(found)
            message = found.message("de")
            if field is not None and field in self.cleaned_data:
                self.add_error(field, message)
            else:
                self.add_error(None, message)

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                described = f"id_{name}_error"
                if widget.attrs.get("aria-describedby"):
                    described = f"{described} {widget.attrs['aria-describedby']}"
                widget.attrs["aria-describedby"] = described

    def changes(self) -> dict[str, Any]:
        """What to hand to measure_create / measure_update."""
        data = self.cleaned_data
        changes: dict[str, Any] = {
            name: data[name] for name in MEASURE_FIELDS if name in data and name not in self.locked
        }
        for name in ("areas", "target_groups", "funding_programmes"):
            changes[name] = list(data.get(name) or [])
        if data.get("confirm_suggestions"):
            kept = [
                str(name) for name in self.instance.suggested_fields or [] if name not in SUGGESTIBLE_FIELDS
            ]
            changes["suggested_fields"] = kept
        if "organisations" in self.locked:
            return self._evaluation_changes(changes)
        links: list[OrganisationRole] = []
        for org_name, role_name in self.organisation_rows:
            organisation = data.get(org_name)
            if organisation is not None:
                links.append(
                    OrganisationRole(organisation.pk, data.get(role_name) or MeasureOrganisation.Role.PARTNER)
                )
        changes["organisations"] = links
        return self._evaluation_changes(changes)

    def _evaluation_changes(self, changes: dict[str, Any]) -> dict[str, Any]:
        data = self.cleaned_data
        state = data.get("eval_state")
        if state:
            changes["evaluation"] = {
                "state": state,
                "method": data.get("eval_method") or "",
                "effort_note": data.get("eval_effort_note") or "",
                "due_date": data.get("eval_due_date"),
            }
        elif self.instance.pk and getattr(self.instance, "evaluation", None) is not None:
            changes["evaluation"] = None
        return changes


class SimilarCheckForm(forms.Form):
    title = forms.CharField(required=False, max_length=500)
    summary = forms.CharField(required=False, max_length=5000)
    goals = forms.CharField(required=False, max_length=5000)
