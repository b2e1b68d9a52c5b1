"""Proves which database the suite runs on, so a PostgreSQL run cannot silently use SQLite."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_suite_runs_on_the_database_named_by_database_url() -> None:
    url = os.environ.get("DATABASE_URL", "sqlite://")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
