"""`isi generate`: synthetic measures in the database, idempotent, with history."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from isi.catalog.models import Region
from isi.core.models import ChangeRecord
from isi.measures.models import Evaluation, Measure, MeasureOrganisation
from isi.measures.snapshots import measure_snapshot
from isi.measures.synthetic.generator import iter_measures
from isi.measures.synthetic.writer import write_measures
from isi.organisations.models import Organisation
from isi.search.models import SearchDocument

pytestmark = pytest.mark.django_db

REFERENCE = date(2025, 6, 30)


def generate(**options: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    options.setdefault("reference_date", REFERENCE)
    call_command("generate", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def synthetic() -> list[Measure]:
    return list(
        Measure.objects.filter(source_key__startswith="gen/7/")
        .select_related("owner", "level", "region", "component", "nap_i_theme", "evaluation")
        .prefetch_related("organisation_links__organisation", "areas", "target_groups", "funding_programmes")
    )


def test_generate_creates_measures_with_organisations_catalogue_links_and_history() -> None:
    out, _ = generate(measures=300, seed=7)

    measures = synthetic()
    assert len(measures) == 300
    for measure in measures:
        links = list(measure.organisation_links.all())
        assert links[0].organisation == measure.owner and links[0].role == "responsible"
        assert measure.areas.all() and measure.target_groups.all() and measure.funding_programmes.all()
    records = ChangeRecord.objects.filter(object_type="measures.measure", source="generate", action="create")
    assert records.count() == 300
    assert set(records.values_list("object_id", flat=True)) == {m.pk for m in measures}
    assert Evaluation.objects.filter(measure__in=measures).exists()
    assert "300 von 300 synthetischen Maßnahmen angelegt (Seed 7, Stichtag 30.06.2025)" in out
    assert "Bund:" in out and "Land:" in out and "Kommune:" in out


def test_change_record_snapshot_equals_the_stored_measure() -> None:
    generate(measures=120, seed=7)

    records = {r.object_id: r for r in ChangeRecord.objects.filter(source="generate")}
    for measure in synthetic():
        assert records[measure.pk].after == measure_snapshot(measure), measure.source_key
        assert records[measure.pk].before is None
        assert records[measure.pk].object_repr == measure.title


def test_running_twice_with_the_same_seed_adds_nothing() -> None:
    generate(measures=300, seed=7)
    counts = (
        Measure.objects.count(),
        MeasureOrganisation.objects.count(),
        ChangeRecord.objects.count(),
        Organisation.objects.count(),
        Region.objects.count(),
    )

    out, _ = generate(measures=300, seed=7)

    assert counts == (
        Measure.objects.count(),
        MeasureOrganisation.objects.count(),
        ChangeRecord.objects.count(),
        Organisation.objects.count(),
        Region.objects.count(),
    )
    assert "0 von 300" in out and "übersprungen, weil schon vorhanden: 300" in out


def test_a_larger_run_adds_only_the_new_measures() -> None:
    generate(measures=100, seed=7)
    out, _ = generate(measures=150, seed=7, batch_size=40)
    assert Measure.objects.filter(source_key__startswith="gen/7/").count() == 150
    assert "50 von 150" in out


def test_same_seed_gives_the_same_measures_in_another_database_state() -> None:
    generate(measures=50, seed=7)
    first = [(m.source_key, m.title, m.owner.key) for m in synthetic()]
    Measure.objects.all().delete()
    generate(measures=50, seed=7)
    assert sorted(first) == sorted((m.source_key, m.title, m.owner.key) for m in synthetic())


def test_land_and_kommune_measures_have_region_and_owner_of_the_right_kind() -> None:
    generate(measures=300, seed=7)

    by_level: dict[str, list[Measure]] = {}
    for measure in synthetic():
        by_level.setdefault(measure.level.key, []).append(measure)
    assert set(by_level) == {"bund", "land", "kommune"}
    for measure in by_level["bund"]:
        assert measure.region is None and measure.owner.is_ressort
    for measure in by_level["land"]:
        assert measure.region is not None and measure.region.kind == Region.Kind.LAND
        assert measure.owner.kind == Organisation.Kind.LAND
        assert measure.owner.region_code == measure.region.code
    for measure in by_level["kommune"]:
        assert measure.region is not None and measure.region.kind == Region.Kind.KOMMUNE
        assert measure.region.land is not None and len(measure.region.code) == 12
        assert measure.owner.kind == Organisation.Kind.KOMMUNE
        assert measure.owner.region_code == measure.region.code


def test_land_and_kommune_organisations_carry_official_names_and_keys() -> None:
    generate(measures=10, seed=7)

    bayern = Organisation.objects.get(key="land-09")
    assert (bayern.name, bayern.kind, bayern.region_code) == ("Freistaat Bayern", "land", "09")
    assert Organisation.objects.get(key="land-11").name == "Land Berlin"
    koeln = Organisation.objects.get(key="kommune-05315000")
    assert (koeln.name, koeln.kind, koeln.region_code) == ("Stadt Köln", "kommune", "053150000000")
    region = Region.objects.get(code="053150000000")
    assert region.name == "Köln" and region.kind == "kommune" and region.land is not None
    assert region.land.code == "05"
    assert Organisation.objects.filter(kind="land", key__startswith="land-").count() == 16


def test_an_existing_land_organisation_of_the_same_name_is_reused() -> None:
    existing = Organisation.objects.create(key="by", name="Freistaat Bayern", kind="land", region_code="09")
    generate(measures=300, seed=7)
    assert not Organisation.objects.filter(key="land-09").exists()
    assert Measure.objects.filter(level__key="land", region__code="09", owner=existing).exists()


def test_generated_measures_are_in_the_search_index() -> None:
    generate(measures=60, seed=7)
    ids = set(Measure.objects.filter(source_key__startswith="gen/7/").values_list("pk", flat=True))
    assert set(SearchDocument.objects.values_list("measure_id", flat=True)) >= ids


def test_no_index_leaves_the_search_index_to_later() -> None:
    out, _ = generate(measures=20, seed=7, no_index=True)
    assert not SearchDocument.objects.filter(measure__source_key__startswith="gen/7/").exists()
    assert "isi search_index" in out


def test_missing_master_data_is_named_and_nothing_is_stored() -> None:
    Organisation.objects.filter(key="ba").delete()
    with pytest.raises(CommandError, match=r"fehlen Stammdaten: .*Organisation ba"):
        generate(measures=300, seed=7)
    assert not Measure.objects.exists()
    assert not Organisation.objects.filter(key="land-09").exists()  # rolled back with the rest


def test_progress_is_reported_at_each_multiple() -> None:
    seen: list[int] = []
    result = write_measures(
        iter_measures(250, 11, REFERENCE), batch_size=30, progress=seen.append, progress_every=100
    )
    assert seen == [120, 210]  # the first batch ends that crossed 100 and 200
    assert result.created == 250


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"measures": 0}, "--measures muss größer als 0 sein, nicht 0"),
        ({"measures": -5}, "--measures muss größer als 0 sein"),
        ({}, "Bitte die Anzahl der Maßnahmen mit --measures angeben"),
        ({"measures": 10, "batch_size": 0}, "--batch-size muss größer als 0 sein"),
        ({"measures": 10, "seed": -1}, "--seed muss mindestens 0 sein"),
        ({"measures": "viele"}, "--measures muss eine ganze Zahl sein"),
    ],
)
def test_invalid_options_give_a_german_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not Measure.objects.exists()


def test_command_line_parses_numbers_and_dates() -> None:
    out = StringIO()
    call_command(
        "generate",
        "--measures",
        "20",
        "--seed",
        "7",
        "--reference-date",
        "2025-06-30",
        stdout=out,
        stderr=StringIO(),
    )
    assert "20 von 20" in out.getvalue() and "Stichtag 30.06.2025" in out.getvalue()
