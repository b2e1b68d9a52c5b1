"""`isi send_round_reminders`: today's reminder e-mails for every open round. Schedule it daily.

Example cron line (06:00 every day):   0 6 * * *  isi send_round_reminders
Example systemd timer:                 OnCalendar=*-*-* 06:00:00  → ExecStart=isi send_round_reminders
Running it twice on one day sends nothing the second time.
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from isi.rounds.tasks import send_all_reminders


def _iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ArgumentTypeError(f"kein Datum im Format JJJJ-MM-TT: {raw[:40]!r}") from None


class Command(BaseCommand):
    help = "Sendet die heute fälligen Erinnerungen der offenen Aktualisierungsrunde (idempotent je Tag)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_iso_date, default=None, help="Stichtag (JJJJ-MM-TT), sonst heute")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_all_reminders(options["date"])
        for reminder in sent:
            self.stdout.write(
                f"{reminder.organisation}: {reminder.pending} offen, {len(reminder.recipients)} Empfänger"
            )
        self.stdout.write(f"{len(sent)} Erinnerung(en) versandt.")
