"""Forms for catalogue entries: edit (name, English name, description, position) and create."""

from __future__ import annotations

from typing import Any

from django import forms

from isi.catalog.models import CatalogEntry
from isi.catalog.services import CREATE_FIELDS, EDITABLE_FIELDS


class _KernMixin:
    """KERN classes on the widgets; invalid fields are marked and described by their error."""

    def _style(self) -> None:
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        for field in fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "kern-form-check__checkbox")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "kern-form-input__select")
            else:
                widget.attrs.setdefault("class", "kern-form-input__input")

    def _mark_errors(self) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name in form.errors:
            if name in form.fields:
                widget = form.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}_error"


class EntryFormBase(_KernMixin, forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_errors()

    def _post_clean(self) -> None:
        # The service validates and saves the whole entry (it also sets a new entry's key).
        pass


def entry_form_class(model: type[CatalogEntry], *, create: bool) -> type[EntryFormBase]:
    """A form for `model`: the editable fields, plus the type's own fields when creating."""
    names = list(EDITABLE_FIELDS) + (list(CREATE_FIELDS.get(model, ())) if create else [])
    form_class = forms.modelform_factory(
        model, form=EntryFormBase, fields=names, widgets={"description": forms.Textarea(attrs={"rows": 4})}
    )
    assert issubclass(form_class, EntryFormBase)
    return form_class
