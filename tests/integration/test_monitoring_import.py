"""Open SDG import: preview → confirm, all-or-nothing, replace vs merge, permissions, history."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from isi.core.changes import history_of
from isi.monitoring import opensdg, selectors, services
from isi.monitoring.models import Indicator, MeasureIndicator, Observation
from tests.integration.monitoring_fixtures import World, client_for, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def upload(client: Client, indicator: Indicator, text: str | bytes, mode: str = "merge") -> object:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        reverse("monitoring_staff:import", args=[indicator.pk]),
        {"file": SimpleUploadedFile("daten.csv", data, content_type="text/csv"), "mode": mode},
    )


def values(indicator: Indicator) -> dict[tuple[int, str, str], Decimal]:
    return {
        (o.year, o.geo_code, o.disaggregation_key): o.value
        for o in Observation.objects.filter(indicator=indicator)
    }


BROKEN = "Year,Migrationshintergrund,GeoCode,Value\n2023,,,80\n2023,mit,77,70\n2024,,,abc\n"


def test_broken_file_is_refused_with_row_and_column_and_nothing_written(world: World) -> None:
    before = values(world.indicator)
    client = client_for("koordination")
    response = upload(client, world.indicator, BROKEN)
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "es wurde nichts gespeichert" in html
    cells = re.findall(r'<td class="kern-table__cell">([^<]*)</td>', html)
    assert cells[0:2] == ["3", "GeoCode"]
    assert cells[3:5] == ["4", "Value"]
    assert values(world.indicator) == before
    assert "monitoring_pending_import" not in client.session


def test_non_utf8_file_is_refused(world: World) -> None:
    response = upload(client_for("koordination"), world.indicator, "Year,Value\n2020,1\nä".encode("cp1252"))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "UTF-8" in response.content.decode()  # type: ignore[attr-defined]


def test_preview_writes_nothing_and_confirm_applies_merge(world: World) -> None:
    before = values(world.indicator)
    client = client_for("koordination")
    response = upload(
        client, world.indicator, "Year,Migrationshintergrund,GeoCode,Value\n2023,,,73.0\n2022,,,72.5\n"
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "Vorschau – noch nichts gespeichert" in html
    assert values(world.indicator) == before
    token = client.session["monitoring_pending_import"]["token"]
    confirmed = client.post(
        reverse("monitoring_staff:import_confirm", args=[world.indicator.pk]), {"token": token}
    )
    assert confirmed.status_code == 302
    after = values(world.indicator)
    assert after[(2023, "", "")] == Decimal("73.0")
    assert after[(2022, "", "")] == Decimal("72.5")
    assert len(after) == len(before) + 1  # merge keeps everything else
    record = history_of(world.indicator).first()
    assert record is not None and record.source == services.IMPORT_SOURCE
    assert record.actor is not None and record.actor.username == "koordination"
    assert record.after == {
        "observations": len(after),
        "import": {"mode": "merge", "created": 1, "updated": 1, "deleted": 0},
    }


def test_replace_makes_the_file_the_complete_data(world: World) -> None:
    client = client_for("admin")
    upload(client, world.indicator, "Year,Value\n2023,80\n", mode="replace")
    token = client.session["monitoring_pending_import"]["token"]
    client.post(reverse("monitoring_staff:import_confirm", args=[world.indicator.pk]), {"token": token})
    assert values(world.indicator) == {(2023, "", ""): Decimal("80")}


def test_confirm_with_wrong_token_writes_nothing(world: World) -> None:
    before = values(world.indicator)
    client = client_for("koordination")
    upload(client, world.indicator, "Year,Value\n2030,1\n")
    response = client.post(
        reverse("monitoring_staff:import_confirm", args=[world.indicator.pk]), {"token": "x"}
    )
    assert response.status_code == 302
    assert values(world.indicator) == before


def test_confirm_after_someone_else_changed_the_indicator_is_refused(world: World) -> None:
    before = values(world.indicator)
    client = client_for("koordination")
    upload(client, world.indicator, "Year,Value\n2030,1\n")
    token = client.session["monitoring_pending_import"]["token"]
    Indicator.objects.filter(pk=world.indicator.pk).update(version=world.indicator.version + 1)
    response = client.post(
        reverse("monitoring_staff:import_confirm", args=[world.indicator.pk]), {"token": token}
    )
    assert response.status_code == 302
    assert values(world.indicator) == before


def test_service_rolls_back_everything_when_a_write_fails(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = values(world.indicator)
    rows = opensdg.parse("Year,Value\n2040,1\n2022,99\n", selectors.allowed_geo_codes()).rows

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Observation.objects, "bulk_update", explode)
    with pytest.raises(RuntimeError):
        services.import_observations(
            indicator=world.indicator, rows=rows, mode=services.ImportMode.REPLACE, actor=None
        )
    assert values(world.indicator) == before
    assert Indicator.objects.get(pk=world.indicator.pk).version == world.indicator.version


@pytest.mark.parametrize("username", ["bmi", "bamf", "leser"])
def test_only_coordination_and_admins_import(
    world: World, username: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="isi.audit"):
        response = upload(client_for(username), world.indicator, "Year,Value\n2030,1\n")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "event=denied" in caplog.text
    assert (2030, "", "") not in values(world.indicator)


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("monitoring_staff:import", args=[world.indicator.pk]))
    assert response.status_code == 302 and "/konto/" in response["Location"]


@pytest.mark.parametrize(
    ("username", "status"),
    [("bmi", 200), ("leser", 200), ("koordination", 200), ("admin", 200)],
)
def test_staff_see_the_indicator_list(world: World, username: str, status: int) -> None:
    assert client_for(username).get(reverse("monitoring_staff:list")).status_code == status


@pytest.mark.parametrize(("username", "status"), [("bmi", 403), ("koordination", 200)])
def test_only_managers_create_indicators(world: World, username: str, status: int) -> None:
    assert client_for(username).get(reverse("monitoring_staff:create")).status_code == status


def test_create_and_edit_definition_with_version_check(world: World) -> None:
    client = client_for("koordination")
    response = client.post(
        reverse("monitoring_staff:create"),
        {
            "name": "Einbürgerungen",
            "slug": "einbuergerungen",
            "unit": "Anzahl",
            "source": "Statistik",
            "rhythm": "annual",
            "decimals": 0,
            "position": 1,
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(slug="einbuergerungen")
    assert not indicator.published and not indicator.is_illustrative
    edit_url = reverse("monitoring_staff:edit", args=[indicator.pk])
    form = {
        "name": "Einbürgerungen je Jahr",
        "slug": "einbuergerungen",
        "unit": "Anzahl",
        "source": "Statistik",
        "rhythm": "annual",
        "decimals": 0,
        "position": 1,
        "version": indicator.version,
    }
    assert client.post(edit_url, form).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Einbürgerungen je Jahr" and indicator.version == 2
    stale = client.post(edit_url, {**form, "name": "Veraltet"})  # still version 1
    assert stale.status_code == 200
    assert "inzwischen von jemand anderem geändert" in stale.content.decode()
    assert 'value="Veraltet"' in stale.content.decode()  # the input is kept
    indicator.refresh_from_db()
    assert indicator.name == "Einbürgerungen je Jahr"
    assert [r.action for r in history_of(indicator)] == ["update", "create"]


def test_staff_export_contains_all_values_with_illustrative_filename(world: World) -> None:
    response = client_for("leser").get(reverse("monitoring_staff:export", args=[world.indicator.pk]))
    assert response.status_code == 200
    assert "illustrative-beispieldaten" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert opensdg.parse(text, selectors.allowed_geo_codes()).ok
    assert len(text.strip().splitlines()) == 1 + len(values(world.indicator))


def test_staff_detail_shows_counts_links_and_history(world: World) -> None:
    MeasureIndicator.objects.create(measure=world.public_measure, indicator=world.indicator, note="Beitrag")
    html = (
        client_for("leser")
        .get(reverse("monitoring_staff:detail", args=[world.indicator.pk]))
        .content.decode()
    )
    assert "Integrationskurs" in html
    assert "12 (2020–2022)" in html
    assert "opensdg-import" in html


@pytest.mark.parametrize("name", ["list", "create", "detail", "edit", "import", "export"])
@pytest.mark.parametrize(("username", "manages"), [("admin", True), ("koordination", True), ("bmi", False)])
def test_every_staff_page_by_role(world: World, name: str, username: str, manages: bool) -> None:
    args = [] if name in ("list", "create") else [world.indicator.pk]
    response = client_for(username).get(reverse(f"monitoring_staff:{name}", args=args))
    read_only = name in ("list", "detail", "export")
    assert response.status_code == (200 if manages or read_only else 403)
