"""Refused API calls end up in the audit log with who and what."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_refused_patch_is_audited(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    bmas = Measure.objects.create(
        title="BMAS öffentlich",
        owner=Organisation.objects.get(key="bmas"),
        level=Level.objects.get(key="bund"),
        publication="released",
    )
    user = User.objects.create_user(
        "bmi", password="x", role="desk_officer", organisation=Organisation.objects.get(key="bmi")
    )
    client.force_login(user)
    with caplog.at_level(logging.WARNING, logger="isi.audit"):
        response = client.patch(
            f"/api/v1/measures/{bmas.pk}",
            {"version": 1, "title": "gekapert"},
            content_type="application/json",
            headers={"X-CSRFToken": "x"},
        )
    assert response.status_code in (403, 401)
    lines = [r.getMessage() for r in caplog.records if r.name == "isi.audit"]
    assert any("event=denied" in line and "user=bmi#" in line for line in lines), lines
    bmas.refresh_from_db()
    assert bmas.title == "BMAS öffentlich"
