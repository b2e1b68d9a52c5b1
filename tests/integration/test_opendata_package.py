"""The Frictionless Data Package: every resource downloaded from the test client into a temporary
directory and validated with the `frictionless` library – zero errors; keys keep leading zeros."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from frictionless import Package, validate

from isi.catalog.models import Area, Level, Region, TargetGroup
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> list[Measure]:
    holstein = Region.objects.get(code="01")
    kiel = Region.objects.create(code="010020000000", name="Kiel", kind=Region.Kind.KOMMUNE, land=holstein)
    bund = Level.objects.get(key="bund")
    first = Measure.objects.create(
        title='Sprachkurse, mit Komma; und "Anführung"',
        owner=Organisation.objects.get(key="bmi"),
        level=bund,
        publication=Measure.Publication.RELEASED,
        start_date=timezone.localdate().replace(day=1),
        budget_eur=Decimal("1234567.50"),
        region=holstein,
        suggested_fields=["areas"],
        last_reviewed_at=timezone.now(),
        url="https://www.bamf.de/",
        contact_email="info@bamf.bund.de",
    )
    first.areas.set(Area.objects.all()[:2])
    first.target_groups.set(TargetGroup.objects.all()[:1])
    MeasureOrganisation.objects.create(
        measure=first, organisation=Organisation.objects.get(key="bamf"), role="responsible"
    )
    second = Measure.objects.create(
        title="Lotsen in Kiel",
        owner=Organisation.objects.get(key="bmas"),
        level=Level.objects.get(key="kommune") if Level.objects.filter(key="kommune").exists() else bund,
        publication=Measure.Publication.RELEASED,
        region=kiel,
    )
    Measure.objects.create(title="Entwurf", owner=Organisation.objects.get(key="bmi"), level=bund)
    return [first, second]


def download(client: Client, target: Path) -> Path:
    response = client.get(reverse("opendata:datapackage"))
    assert response.status_code == 200
    descriptor = response.json()
    (target / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (target / "paket").mkdir()
    for resource in descriptor["resources"]:
        answer = client.get(reverse("opendata:index") + resource["path"])
        assert answer.status_code == 200, resource["path"]
        (target / resource["path"]).write_bytes(b"".join(answer.streaming_content))
    return target / "datapackage.json"


def test_frictionless_validates_the_package_without_errors(
    client: Client, world: list[Measure], tmp_path: Path
) -> None:
    path = download(client, tmp_path)
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == 10


def test_keys_stay_strings_dates_iso_decimals_with_a_point(
    client: Client, world: list[Measure], tmp_path: Path
) -> None:
    package = Package(str(download(client, tmp_path)))
    rows = {row["title"]: row for row in package.get_resource("massnahmen").read_rows()}
    assert set(rows) == {'Sprachkurse, mit Komma; und "Anführung"', "Lotsen in Kiel"}
    first, kiel = rows['Sprachkurse, mit Komma; und "Anführung"'], rows["Lotsen in Kiel"]
    assert first["land"] == "01" and first["id"] == str(world[0].pk)
    assert first["budget_eur"] == Decimal("1234567.50")
    assert first["areas_suggested"] is True and first["target_groups_suggested"] is False
    assert kiel["ars"] == "010020000000" and kiel["ags"] == "01002000" and kiel["land"] == "01"
    text = (tmp_path / "paket" / "massnahmen.csv").read_text(encoding="utf-8")
    assert f",{world[0].start_date.isoformat()}," in text and "1234567.50" in text
    links = list(package.get_resource("massnahmen-bereiche").read_rows())
    assert len(links) == 2 and all(link["suggested"] for link in links)


def test_package_is_listed_on_the_page_and_in_the_catalogue(client: Client, world: list[Measure]) -> None:
    html = client.get(reverse("opendata:index")).content.decode()
    assert 'href="/daten/datapackage.json"' in html
    turtle = client.get(reverse("opendata:catalog_ttl")).content.decode()
    assert "datapackage.json" in turtle
    assert client.get(reverse("opendata:index") + "paket/gibtesnicht.csv").status_code == 404
