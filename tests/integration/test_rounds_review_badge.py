"""`{% load rounds %}{% review_badge measure %}` flags measures not reviewed for six months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def german() -> Iterator[None]:
    """Labels are checked in German, whatever language an earlier test left active."""
    with translation.override("de"):
        yield


def render(measure: Measure) -> str:
    return Template("{% load rounds %}{% review_badge measure %}|{{ measure|needs_review }}").render(
        Context({"measure": measure})
    )


def test_badge_only_when_review_is_due() -> None:
    measure = Measure(
        title="x", owner=Organisation.objects.get(key="bmi"), level=Level.objects.get(key="bund")
    )
    assert "Prüfung überfällig (nie geprüft)" in render(measure)
    measure.last_reviewed_at = timezone.now() - timedelta(days=200)
    html = render(measure)
    assert "Prüfung überfällig (zuletzt" in html and html.endswith("|True")
    measure.last_reviewed_at = timezone.now() - timedelta(days=30)
    assert render(measure).strip() == "|False"
