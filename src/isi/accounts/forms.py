"""The sign-in form: plain German messages, and one message for every wrong combination."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    # Unknown person, wrong password and disabled account all get the same answer, so the form
    # does not tell an attacker which usernames exist.
    error_messages = {
        "invalid_login": _(
            "Benutzername oder Passwort stimmen nicht. Bitte prüfen Sie beides und versuchen Sie es "
            "noch einmal. Achten Sie auf Groß- und Kleinschreibung."
        ),
        "inactive": _(
            "Benutzername oder Passwort stimmen nicht. Bitte prüfen Sie beides und versuchen Sie es "
            "noch einmal. Achten Sie auf Groß- und Kleinschreibung."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Benutzername")
        self.fields["password"].label = _("Passwort")
        self.fields["username"].error_messages["required"] = _("Bitte geben Sie Ihren Benutzernamen ein.")
        self.fields["password"].error_messages["required"] = _("Bitte geben Sie Ihr Passwort ein.")

    @property
    def failure_limit(self) -> int:
        return int(settings.AXES_FAILURE_LIMIT)
