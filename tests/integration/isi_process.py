"""The `isi` program as a deployment runs it: a subprocess with only the variables a real
deployment would have (no ISI_* and no test-run settings of this process), an in-memory SQLite
database unless the caller names another, and the caller's ISI_* settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ISI = Path(sys.executable).with_name("isi")


def run_isi(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ISI_") and k not in skip}
    return subprocess.run(
        [str(ISI), *args],
        env={**clean, "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
