"""Fixtures for the monitoring tests: people in every role, measures, an indicator with data."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from isi.accounts.models import User
from isi.catalog.models import Area, Level
from isi.measures.models import Measure
from isi.monitoring import opensdg, selectors, services
from isi.monitoring.models import Indicator
from isi.organisations.models import Organisation

ROLES: dict[str, tuple[str, str | None]] = {
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}

DATA = """Year,Migrationshintergrund,GeoCode,Value
2020,,,70.1
2021,,,71.4
2022,,,72.0
2020,mit,,61.0
2021,mit,,62.5
2022,mit,,63.9
2020,ohne,,73.3
2021,ohne,,74.0
2022,ohne,,74.6
2022,,01,69.5
2022,,09,75.2
2022,,11,66.0
"""


@dataclass
class World:
    indicator: Indicator
    public_measure: Measure
    draft_measure: Measure
    bmas_measure: Measure


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def make_world() -> World:
    """People in every role, a public, a draft and another ministry's measure, an indicator."""
    for name, (role, org_key) in ROLES.items():
        User.objects.create_user(
            username=name,
            password="x",
            role=role,
            organisation=Organisation.objects.get(key=org_key) if org_key else None,
        )
    bund = Level.objects.get(key="bund")
    bmi = Organisation.objects.get(key="bmi")
    public_measure = Measure.objects.create(
        title="Integrationskurs", owner=bmi, level=bund, publication=Measure.Publication.RELEASED
    )
    draft_measure = Measure.objects.create(title="Geheimer Entwurf", owner=bmi, level=bund)
    bmas_measure = Measure.objects.create(
        title="Berufssprachkurse",
        owner=Organisation.objects.get(key="bmas"),
        level=bund,
        publication=Measure.Publication.RELEASED,
    )
    indicator = services.create_indicator(
        actor=None,
        slug="erwerbstaetigenquote",
        name="Erwerbstätigenquote",
        name_en="Employment rate",
        description="Anteil der Erwerbstätigen.",
        unit="Prozent",
        unit_en="per cent",
        source="Beispielquelle",
        area=Area.objects.get(key="bildung-arbeit"),
        is_illustrative=True,
        published=True,
    )
    rows = opensdg.parse(DATA, selectors.allowed_geo_codes()).rows
    services.import_observations(indicator=indicator, rows=rows, mode=services.ImportMode.REPLACE, actor=None)
    indicator.refresh_from_db()
    return World(indicator, public_measure, draft_measure, bmas_measure)
