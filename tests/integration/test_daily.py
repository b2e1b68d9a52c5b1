"""`isi daily`: every housekeeping step runs and reports a count; one failing step does not stop
the others, but the run ends with status 1 (issue #13.2)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from isi.accounts.models import User
from isi.imports.models import UploadJob
from isi.operations.management.commands import daily

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("daily", *args, stdout=out, stderr=out)
    return out.getvalue()


def old_upload(user: User, days: int) -> UploadJob:
    job = UploadJob.objects.create(user=user, filename="m.csv", kind="csv", content=b"x", state="ready")
    UploadJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=days))
    return job


def test_daily_deletes_expired_sessions_and_old_uploads_and_reports_counts() -> None:
    user = User.objects.create_user("bmi-test", password="x" * 12)
    expired = SessionStore()
    expired.create()
    yesterday = timezone.now() - timedelta(days=1)
    Session.objects.filter(session_key=expired.session_key).update(expire_date=yesterday)
    live = SessionStore()
    live.create()
    kept, gone = old_upload(user, 1), old_upload(user, 400)

    output = run()

    assert "Sitzungen: 1 abgelaufene Sitzung(en) gelöscht" in output
    assert "Hochladen: 1 Hochlade-Auftrag/-Aufträge älter als 14 Tage gelöscht" in output
    assert "Erinnerungen: 0 Erinnerung(en) versandt" in output
    assert "isi daily: fertig." in output
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert set(UploadJob.objects.values_list("pk", flat=True)) == {kept.pk}
    assert gone.pk != kept.pk
    # Idempotent: a second run finds nothing more to delete.
    assert "Sitzungen: 0 abgelaufene" in run()


def test_a_failing_step_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise RuntimeError("SMTP-Server nicht erreichbar")

    monkeypatch.setitem(daily.STEPS, "reminders", ("Erinnerungen", broken))
    out = StringIO()
    with pytest.raises(CommandError, match="1 Schritt\\(e\\) fehlgeschlagen: reminders"):
        call_command("daily", stdout=out, stderr=out)
    text = out.getvalue()
    assert "Erinnerungen: FEHLER RuntimeError: SMTP-Server nicht erreichbar" in text
    assert "Sitzungen:" in text and "Berichte:" in text, "the later steps ran"


def test_skip_leaves_a_step_out() -> None:
    output = run("--skip", "reminders", "--skip", "tasks")
    assert "Erinnerungen: ausgelassen" in output
    assert "Hintergrundaufgaben: ausgelassen" in output
