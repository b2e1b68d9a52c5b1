"""Production settings pass Django's deployment checks; production refuses unsafe set-ups."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ISI = Path(sys.executable).with_name("isi")


def run_isi(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Only the variables a real deployment would have; test-run settings must not leak in.
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


def test_check_deploy_is_clean_for_production_settings() -> None:
    result = run_isi(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ISI_PRODUCTION="true",
        ISI_SECRET_KEY=secrets.token_urlsafe(64),
        ISI_ALLOWED_HOSTS="isi.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_isi("check", ISI_PRODUCTION="true")
    assert result.returncode != 0
    assert "ISI_SECRET_KEY" in result.stderr


def test_production_refuses_demo_mode() -> None:
    result = run_isi(
        "check", ISI_PRODUCTION="true", ISI_SECRET_KEY=secrets.token_urlsafe(64), ISI_DEMO_MODE="true"
    )
    assert result.returncode != 0
    assert "ISI_DEMO_MODE" in result.stderr
