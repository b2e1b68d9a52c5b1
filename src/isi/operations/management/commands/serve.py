"""`isi serve [--bind HOST:PORT]`: ISI in its production app server, gunicorn.

The command checks what would otherwise fail on the first request (collected static files), then
replaces itself with gunicorn (same process id: systemd's `Type=notify`, `kill -HUP` for a
graceful reload and `kill -TERM` for a graceful stop reach gunicorn's master directly). The
configuration is deploy/gunicorn.conf.py; processes, threads and time-out come from ISI_WEB_WORKERS,
ISI_WEB_THREADS and ISI_WEB_TIMEOUT (read and checked by isi.settings).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEFAULT_BIND = "127.0.0.1:8000"
CONFIG_FILE = Path(settings.PROJECT_DIR) / "deploy" / "gunicorn.conf.py"
_HOST_PORT = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>[0-9]{1,5})")


def valid_bind(value: str) -> str:
    """HOST:PORT (`[::1]:8000` for IPv6) or unix:/path/to/socket."""
    if value.startswith("unix:/") and "\x00" not in value:
        return value
    match = _HOST_PORT.fullmatch(value)
    if match is None or not 0 < int(match["port"]) < 65536:
        raise CommandError(f"--bind erwartet HOST:PORT oder unix:/pfad, nicht {value[:80]!r}")
    return value


def gunicorn_argv(bind: str, config: Path) -> list[str]:
    """The command line `isi serve` runs (with this Python, so the same virtual environment)."""
    return [sys.executable, "-m", "gunicorn", "--config", str(config), "--bind", bind, "isi.wsgi:application"]


def missing_static_manifest() -> Path | None:
    """The manifest file of the hashed static files, if the storage needs one and it is missing."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    return None if manifest.is_file() else manifest


class Command(BaseCommand):
    help = "Startet ISI im Produktionsserver gunicorn (deploy/gunicorn.conf.py)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=DEFAULT_BIND, help=f"HOST:PORT oder unix:/pfad (Standard {DEFAULT_BIND})"
        )
        parser.add_argument(
            "--config",
            default=str(CONFIG_FILE),
            help="gunicorn-Konfiguration (Standard: deploy/gunicorn.conf.py)",
        )
        parser.add_argument(
            "--print-command",
            action="store_true",
            help="nur die gunicorn-Befehlszeile ausgeben, nicht starten",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = valid_bind(options["bind"])
        config = Path(options["config"])
        if not config.is_file():
            raise CommandError(f"gunicorn-Konfiguration nicht gefunden: {config}")
        argv = gunicorn_argv(bind, config)
        if options["print_command"]:
            self.stdout.write(" ".join(argv))
            return
        manifest = missing_static_manifest()
        if manifest is not None:
            raise CommandError(
                f"Statische Dateien nicht gesammelt ({manifest} fehlt): zuerst `isi collectstatic --noinput`."
            )
        self.stdout.write(
            f"ISI startet gunicorn auf {bind} ({settings.ISI_WEB_WORKERS} Prozesse × "
            f"{settings.ISI_WEB_THREADS} Threads, Zeitlimit {settings.ISI_WEB_TIMEOUT} s)."
        )
        self.stdout.flush()
        sys.stderr.flush()
        # Replace this process with gunicorn: signals from systemd reach its master directly.
        os.execv(sys.executable, argv)  # noqa: S606 - fixed argument list, no shell
