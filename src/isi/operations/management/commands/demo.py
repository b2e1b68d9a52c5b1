"""`isi demo [--no-server]`: migrate, catalogues, NAP-I measures, demo users; then serve them
through the production server (`isi serve`) beside the task worker (`isi worker`)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from isi.accounts.demo import DEMO_USERS, DemoModeRequired, ensure_demo_users

FACTS_FILE = Path(settings.BASE_DIR) / "imports" / "data" / "nap_i_facts.json"


class Command(BaseCommand):
    help = "Demo einrichten (Datenbank, Kataloge, NAP-I-Maßnahmen, Demo-Konten) und starten."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-server", action="store_true", help="nur einrichten, nicht starten")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Adresse des Servers")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("`isi demo` läuft nur im Demo-Modus (ISI_DEMO_MODE=true).")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Datenbank und Kataloge bereit.")
        seed = Path(settings.NAP_I_SEED_PATH)
        if seed.exists():
            call_command("import_nap_i", str(seed), stdout=self.stdout)
        else:
            self.stdout.write(f"NAP-I-Text nicht gefunden ({seed}); lade die mitgelieferten Fakten.")
            call_command("import_nap_i", "--facts", str(FACTS_FILE), stdout=self.stdout)
        from isi.monitoring.demo import load_demo_indicators

        loaded = load_demo_indicators()
        self.stdout.write(f"Indikatoren (illustrative Beispieldaten): {loaded}.")
        try:
            ensure_demo_users()
        except DemoModeRequired as exc:
            raise CommandError(str(exc)) from exc
        from isi.monitoring.evaluation.demo import seed_demo_evaluations

        seeded = seed_demo_evaluations()
        self.stdout.write(f"Beispiel-Erfolgskontrollen (illustrativ): {seeded} Maßnahmen ergänzt.")
        names = ", ".join(user.username for user in DEMO_USERS)
        self.stdout.write(f"Demo-Konten: {names} (Passwort: ISI_DEMO_PASSWORD, Standard „demo“).")
        if options["no_server"]:
            return
        # The same server as in production (isi serve: gunicorn, static files through WhiteNoise
        # from the collected, hashed files), with ISI_DEBUG off.
        call_command("collectstatic", interactive=False, verbosity=0)
        isi = [sys.executable, "-m", "isi.cli"]
        # Background jobs (overlap runs, IMAG reports, large uploads) need the task worker; the
        # demo starts one beside the server so that they finish without a second terminal.
        worker = subprocess.Popen([*isi, "worker"])  # noqa: S603 - this Python, fixed arguments
        self.stdout.write("Hintergrund-Worker für Aufgaben gestartet (isi worker).")
        self.stdout.write(f"ISI läuft auf http://{options['addrport']}/ – beenden mit Strg+C.")
        self.stdout.flush()
        server = subprocess.Popen([*isi, "serve", "--bind", options["addrport"]])  # noqa: S603 - same
        try:
            status = server.wait()
        except KeyboardInterrupt:
            # Strg+C reached gunicorn too (same process group): it stops its workers and ends.
            status = server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)
            worker.terminate()
            worker.wait(timeout=10)
        if status not in (0, -signal.SIGINT, -signal.SIGTERM):
            raise CommandError(f"Der Server (isi serve) endete mit Status {status}.")
