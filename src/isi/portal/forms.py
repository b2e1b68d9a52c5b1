from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from isi.portal.models import Feedback


class FeedbackForm(forms.ModelForm[Feedback]):
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput, label="")

    class Meta:
        model = Feedback
        fields = ["kind", "page", "message", "email"]
        labels = {
            "kind": _("Worum geht es?"),
            "page": _("Auf welcher Seite? (Adresse)"),
            "message": _("Ihre Nachricht"),
            "email": _("Ihre E-Mail-Adresse (freiwillig, nur für Rückfragen)"),
        }
        help_texts = {
            "message": _("Beschreiben Sie bitte, was nicht funktioniert hat oder was Sie brauchen."),
        }
        widgets = {"kind": forms.RadioSelect, "message": forms.Textarea(attrs={"rows": 6})}

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"].strip()
        if len(message) < 5:
            raise forms.ValidationError(_("Bitte schreiben Sie mindestens ein paar Worte."))
        return message

    def is_spam(self) -> bool:
        data: dict[str, Any] = self.cleaned_data
        return bool(data.get("website"))
