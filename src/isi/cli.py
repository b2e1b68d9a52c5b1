"""The `isi` console command: Django's management commands with ISI's settings.

Two-word commands of the design brief map onto management commands:
`isi import nap-i PATH` runs `import_nap_i PATH`, `isi export json` runs `export_json`,
`isi token create USER` runs `token_create USER`.
"""

from __future__ import annotations

import os
import sys

COMPOUND_COMMANDS = {"import", "export", "token"}


def translate_argv(argv: list[str]) -> list[str]:
    """Turn `isi import nap-i …` into `isi import_nap_i …`; leave everything else alone."""
    if len(argv) >= 3 and argv[1] in COMPOUND_COMMANDS and not argv[2].startswith("-"):
        name = f"{argv[1]}_{argv[2].replace('-', '_')}"
        return [argv[0], name, *argv[3:]]
    return list(argv)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        # The demo is local and says so: demo users, readable errors, static files served.
        os.environ.setdefault("ISI_DEMO_MODE", "true")
        os.environ.setdefault("ISI_DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(translate_argv(sys.argv))


if __name__ == "__main__":
    main()
