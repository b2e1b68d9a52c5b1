"""Production settings pass Django's deployment checks; production refuses unsafe set-ups."""

from __future__ import annotations

import secrets

from tests.integration.isi_process import run_isi


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
