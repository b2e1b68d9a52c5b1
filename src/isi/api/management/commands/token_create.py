"""`isi token create USERNAME [--name N]`: a new API token for that user, printed once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from isi.api.models import ApiToken

MAX_NAME = 100
MAX_USERNAME = 150  # Django's username length


class Command(BaseCommand):
    help = (
        "API-Token für eine Person erzeugen (wird nur einmal angezeigt; gespeichert wird nur die Prüfsumme)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Benutzername")
        parser.add_argument("--name", default="", help="Bezeichnung des Tokens, z. B. wofür es dient")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        if len(options["username"]) > MAX_USERNAME or "\x00" in options["username"]:
            raise CommandError(f"Unbekannte Person (höchstens {MAX_USERNAME} Zeichen, ohne NUL).")
        if len(options["name"] or "") > MAX_NAME:
            raise CommandError(f"--name ist zu lang (höchstens {MAX_NAME} Zeichen).")
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"Unbekannte Person „{options['username']}“.") from exc
        if not user.is_active:
            raise CommandError(f"Das Konto „{user.username}“ ist deaktiviert; es bekommt kein Token.")
        name = str(options["name"] or "")
        _token, secret = ApiToken.issue(user, name=name)
        self.stdout.write(secret)
        if options["verbosity"] >= 2:
            self.stderr.write(
                f"Token für {user.username} angelegt. Es wird nur jetzt angezeigt: "
                "Authorization: Bearer <token>."
            )
