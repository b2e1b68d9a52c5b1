"""`isi daily`: the daily housekeeping, run by deploy/isi-daily.timer (or cron).

Each step is idempotent and runs even when an earlier one failed; every step reports what it did
as one line. A failed step makes the command end with status 1 (systemd then marks the run as
failed, which monitoring sees), after all other steps have run.

Steps:
  reminders   today's reminder e-mails of open rounds (what `isi send_round_reminders` does)
  sessions    expired sessions deleted (what `isi clearsessions` does)
  tokens      API tokens: they have no expiry date (revoked ones stay, for the audit trail)
  uploads     Excel/CSV upload jobs older than ISI_UPLOAD_RETENTION_DAYS deleted
  reports     generated IMAG reports older than their retention deleted
  tasks       results of finished background tasks older than 14 days deleted
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

log = logging.getLogger("isi.operations.daily")

TASK_RESULT_DAYS = 14


def send_reminders() -> str:
    from isi.rounds.tasks import send_all_reminders

    return f"{len(send_all_reminders())} Erinnerung(en) versandt"


def clear_sessions() -> str:
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        from django.core.management import call_command

        call_command("clearsessions")
        return "abgelaufene Sitzungen gelöscht"
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"{deleted} abgelaufene Sitzung(en) gelöscht"


def api_tokens() -> str:
    # Tokens do not expire: they are revoked (`/admin/`, deactivating the user) and kept, so that
    # the audit trail can still name them. Nothing to delete.
    from isi.api.models import ApiToken

    revoked = ApiToken.objects.filter(revoked=True).count()
    return f"kein Ablaufdatum; {ApiToken.objects.count()} Token(s), davon {revoked} widerrufen"


def purge_uploads() -> str:
    from isi.imports.roundtrip.services import purge_old_jobs

    days = settings.ISI_UPLOAD_RETENTION_DAYS
    return f"{purge_old_jobs()} Hochlade-Auftrag/-Aufträge älter als {days} Tage gelöscht"


def purge_reports() -> str:
    from isi.reports.services import KEEP_DAYS, purge_old_jobs

    return f"{purge_old_jobs()} IMAG-Bericht(e) älter als {KEEP_DAYS} Tage gelöscht"


def prune_task_results() -> str:
    from django.tasks import default_task_backend
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(default_task_backend, DatabaseBackend):
        return "keine Datenbank-Warteschlange – nichts zu tun"
    cutoff = timezone.now() - timedelta(days=TASK_RESULT_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"{deleted} Ergebnis(se) erledigter Hintergrundaufgaben älter als {TASK_RESULT_DAYS} Tage gelöscht"


STEPS: dict[str, tuple[str, Callable[[], str]]] = {
    "reminders": ("Erinnerungen", send_reminders),
    "sessions": ("Sitzungen", clear_sessions),
    "tokens": ("API-Tokens", api_tokens),
    "uploads": ("Hochladen", purge_uploads),
    "reports": ("Berichte", purge_reports),
    "tasks": ("Hintergrundaufgaben", prune_task_results),
}


class Command(BaseCommand):
    help = (
        "Tägliche Pflege: Erinnerungen der Runden, abgelaufene Sitzungen, alte Hochlade-Aufträge, "
        "Berichte und Aufgaben-Ergebnisse. Jeder Schritt meldet eine Zeile; idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip", action="append", default=[], choices=sorted(STEPS), help="diesen Schritt auslassen"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed: list[str] = []
        for key, (label, step) in STEPS.items():
            if key in options["skip"]:
                self.stdout.write(f"{label}: ausgelassen")
                continue
            try:
                outcome = step()
            except Exception as exc:  # one broken step must not stop the others
                # The traceback only with ISI_DEBUG; the operator gets the one line below.
                log.error("isi daily: step %s failed: %r", key, exc, exc_info=settings.DEBUG)
                self.stderr.write(f"{label}: FEHLER {type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
                failed.append(key)
                continue
            self.stdout.write(f"{label}: {outcome}")
        if failed:
            raise CommandError(f"isi daily: {len(failed)} Schritt(e) fehlgeschlagen: {', '.join(failed)}")
        self.stdout.write("isi daily: fertig.")
