"""isi.core.forms.apply_errors: a service's ValidationError lands where the user sees it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from isi.core.forms import apply_errors


class _Form(forms.Form):
    reason = forms.CharField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _bound() -> _Form:
    form = _Form(data={"reason": "x", "version": "1"})
    assert form.is_valid()
    return form


def test_known_fields_get_their_messages() -> None:
    form = _bound()
    apply_errors(form, ValidationError({"reason": "Bitte begründen."}))
    assert form.errors["reason"] == ["Bitte begründen."]
    assert not form.non_field_errors()


def test_hidden_version_and_unknown_fields_go_to_the_form() -> None:
    form = _bound()
    apply_errors(form, ValidationError({"version": "Inzwischen geändert.", "owner": "Fremdes Ressort."}))
    assert "version" not in form.errors
    assert form.non_field_errors() == ["Inzwischen geändert.", "Fremdes Ressort."]


def test_a_plain_message_goes_to_the_form() -> None:
    form = _bound()
    apply_errors(form, ValidationError("Nicht erlaubt."))
    assert form.non_field_errors() == ["Nicht erlaubt."]
