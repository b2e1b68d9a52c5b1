"""The `isi` console command: Django's management commands with ISI's settings.

Two-word commands of the design brief map onto management commands:
`isi import nap-i PATH` runs `import_nap_i PATH`, `isi export json` runs `export_json`,
`isi token create USER` runs `token_create USER`.

Without ISI_DEBUG, an error that no command handled ends in one line on stderr and exit status 1
(no traceback); with ISI_DEBUG=true the traceback is shown.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

COMPOUND_COMMANDS = {"import", "export", "token"}


def translate_argv(argv: list[str]) -> list[str]:
    """Turn `isi import nap-i …` into `isi import_nap_i …`; leave everything else alone."""
    if len(argv) >= 3 and argv[1] in COMPOUND_COMMANDS and not argv[2].startswith("-"):
        name = f"{argv[1]}_{argv[2].replace('-', '_')}"
        return [argv[0], name, *argv[3:]]
    return list(argv)


def debugging() -> bool:
    return os.environ.get("ISI_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


def one_line(exc: BaseException) -> str:
    """An unexpected error as one line: "Fehler: <kind>: <message>" (message cut at 300 characters)."""
    message = " ".join(str(exc).split())
    if len(message) > 300:
        message = message[:299] + "…"
    kind = type(exc).__name__
    hint = "mit ISI_DEBUG=true erneut ausführen, um Einzelheiten zu sehen / rerun with ISI_DEBUG=true"
    return f"Fehler: {kind}: {message} ({hint})" if message else f"Fehler: {kind} ({hint})"


def run_guarded(run: Callable[[], None]) -> int:
    """Run the command; any error it leaves unhandled becomes one line on stderr and status 1."""
    try:
        run()
        sys.stdout.flush()  # a full disk or closed pipe on stdout is an error too
    except KeyboardInterrupt:
        sys.stderr.write("Abgebrochen / interrupted\n")
        return 130
    except SystemExit:
        raise
    except BaseException as exc:  # the point: no traceback for the operator
        if debugging():
            raise
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            _quiet_stdout()
        sys.stderr.write(one_line(exc) + "\n")
        return 1
    return 0


def _quiet_stdout() -> None:
    """After stdout failed, point it at /dev/null so that Python's exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        # The demo is local and says so (demo users), but runs like production: `isi serve`
        # (gunicorn, WhiteNoise) with ISI_DEBUG off, so that what a newcomer tries is what runs.
        os.environ.setdefault("ISI_DEMO_MODE", "true")

    def run() -> None:
        from django.core.management import execute_from_command_line

        execute_from_command_line(translate_argv(sys.argv))

    status = run_guarded(run)
    if status:
        sys.exit(status)


if __name__ == "__main__":
    main()
