"""Form helpers shared by the staff views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.utils.translation import gettext_lazy as _

from isi.core.parsing import GERMAN_DATE_FORMATS, format_decimal_de, parse_decimal_de

# Fields whose errors the user could not see next to the field: the hidden version a conflict
# is about belongs to the form as a whole.
HIDDEN_FIELDS = frozenset({"version"})


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form's fields (unknown or hidden → non-field)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            visible = field in form.fields and field not in HIDDEN_FIELDS
            form.add_error(field if visible else None, messages)
    else:
        form.add_error(None, error.messages)


class AmountInput(forms.TextInput):
    """A text box for amounts, shown in German notation ("1.500.000,50"), with a numeric keypad."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_decimal_de(value)
        formatted = super().format_value(value)
        return None if formatted is None else str(formatted)


class GermanDecimalField(forms.DecimalField):
    """A decimal field that reads German ("1.500.000,50") and ISO ("1500000.50") notation.

    Independent of the active language, so an English interface reads the same input the same way.
    """

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Bitte geben Sie einen Betrag ein, zum Beispiel 1.500.000,50."),
    }

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        parsed = parse_decimal_de(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # DecimalField would add step/min/max for a number input; a text box has none.
        return forms.Field.widget_attrs(self, widget)


class GermanDateField(forms.DateField):
    """A date field that reads "7.12.2026", "07.12.26" and ISO "2026-12-07" in any language."""

    input_formats = list(GERMAN_DATE_FORMATS)
    default_error_messages = {
        "invalid": _("Bitte geben Sie ein Datum ein, zum Beispiel 7.12.2026."),
    }
