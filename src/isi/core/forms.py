"""Form helpers shared by the staff views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm

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
