"""German full-text search on the database in use (SQLite FTS5 or PostgreSQL `german` + pg_trgm)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.organisations.models import Organisation, OrganisationAlias
from isi.search import engine, indexing
from isi.search.filters import MeasureFilter
from isi.search.indexing import rebuild_search_index, reindex_measures
from isi.search.models import SearchDocument
from isi.search.selectors import facet_counts, filtered_public_measures, search_public_measures

pytestmark = pytest.mark.django_db

Make = Callable[..., Measure]


@pytest.fixture
def make() -> Make:
    owner = Organisation.objects.get(key="bmi")
    bund = Level.objects.get(key="bund")

    def create(title: str, summary: str = "", **fields: Any) -> Measure:
        fields.setdefault("publication", Measure.Publication.RELEASED)
        return Measure.objects.create(title=title, summary=summary, owner=owner, level=bund, **fields)

    return create


@pytest.fixture
def world(make: Make) -> dict[str, Measure]:
    measures = {
        "berufssprach": make("Berufssprachkurse für Zugewanderte", "Kurse mit Abschlussprüfung."),
        "sprachkurse": make("Sprachkurse im Stadtteil", "Am Nachmittag, mit Kinderbetreuung."),
        "deutschsprach": make("Deutschsprachkurs am Abend", "Für Berufstätige."),
        "migrationsberatung": make("Migrationsberatung für Erwachsene", "Beratung und Begleitung."),
        "frau": make("Treffpunkt für jede Frau", "Offener Treff im Quartier."),
        "frauen": make("Kurse für Frauen", "Schwimmen und Radfahren."),
        "auslaender": make("Servicestelle Ausländerbehörde", "Termine und Auskünfte."),
        "strasse": make("Straßensozialarbeit", "Aufsuchende Arbeit."),
        "summary_only": make("Begegnung im Quartier", "Mit Sprachkurs, Sprachkurs und nochmals Sprachkurs."),
        "eu": make("EU-Bürger willkommen", "Erstorientierung."),
        "draft": make("Sprachkurs (Entwurf)", "Beratung.", publication=Measure.Publication.DRAFT),
        "archived": make("Sprachkurs (archiviert)", "Beratung.", archived_at=timezone.now()),
    }
    rebuild_search_index()
    return measures


def titles(q: str) -> set[str]:
    return {m.title for m in filtered_public_measures(MeasureFilter(q=q))}


def keys(world: dict[str, Measure], q: str) -> set[str]:
    found = {m.pk for m in search_public_measures(MeasureFilter(q=q), page_size=100).items}
    return {key for key, m in world.items() if m.pk in found}


def test_compounds_and_inflections(world: dict[str, Measure]) -> None:
    expected = {"berufssprach", "sprachkurse", "deutschsprach", "summary_only"}
    assert keys(world, "Sprachkurs") == expected
    assert keys(world, "Sprachkurse") == expected
    assert keys(world, "sprachkursen") == expected
    assert keys(world, "Beratung") == {"migrationsberatung"}
    assert keys(world, "Frauen") == {"frau", "frauen"}
    assert keys(world, "Frau") == {"frau", "frauen"}


def test_umlauts_and_sharp_s(world: dict[str, Measure]) -> None:
    assert keys(world, "Ausländer") == {"auslaender"}
    assert keys(world, "Auslaender") == {"auslaender"}
    assert keys(world, "AUSLÄNDERBEHÖRDE") == {"auslaender"}
    assert keys(world, "Straße") == {"strasse"}
    assert keys(world, "Strasse") == {"strasse"}


def test_short_words_are_whole_words(world: dict[str, Measure]) -> None:
    assert keys(world, "EU") == {"eu"}


def test_words_are_anded(world: dict[str, Measure]) -> None:
    assert keys(world, "Sprachkurs Abend") == {"deutschsprach"}
    assert keys(world, "Abend Sprachkurs") == {"deutschsprach"}
    assert keys(world, "Sprachkurs Beratung") == set()
    assert keys(world, "Sprachkurse für Frauen") == set()


def test_phrases_and_exclusion(world: dict[str, Measure]) -> None:
    assert keys(world, '"Sprachkurse im Stadtteil"') == {"sprachkurse"}
    assert keys(world, '"Stadtteil im Sprachkurse"') == set()
    assert keys(world, "Sprachkurs -Abend") == {"berufssprach", "sprachkurse", "summary_only"}
    assert "deutschsprach" not in keys(world, "-Abend")
    assert len(keys(world, "-Abend")) == 9


def test_broad_stems_give_the_same_answers(
    world: dict[str, Measure], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL expands a stem through the vocabulary unless that gives too many: then LIKE."""
    queries = ["Sprachkurs", "Beratung", "Frau", "EU", '"Sprachkurse im Stadtteil"', "Sprachkurs -Abend"]
    expected = {q: keys(world, q) for q in queries}
    monkeypatch.setattr(engine, "EXPANSION_LIMIT", 0)
    assert {q: keys(world, q) for q in queries} == expected


def test_unpublished_and_archived_are_never_found(world: dict[str, Measure]) -> None:
    for q in ["Sprachkurs", "Entwurf", "archiviert", "Beratung", "-Abend", ""]:
        page = search_public_measures(MeasureFilter(q=q), page_size=100)
        found = {m.pk for m in page.items} | {m.pk for m in filtered_public_measures(MeasureFilter(q=q))}
        assert world["draft"].pk not in found
        assert world["archived"].pk not in found
        assert page.count == len({m.pk for m in page.items})


def test_title_matches_rank_above_summary_matches(world: dict[str, Measure]) -> None:
    page = search_public_measures(MeasureFilter(q="Sprachkurs"))
    assert page.items[-1].pk == world["summary_only"].pk
    ordered = list(filtered_public_measures(MeasureFilter(q="Sprachkurs")))
    assert [m.pk for m in ordered] == [m.pk for m in page.items]


def test_relevance_order_is_the_same_in_page_and_queryset(world: dict[str, Measure], make: Make) -> None:
    for i in range(7):
        make(f"Sprachkurs Nummer {i}", "Sprachkurs " * i)
    reindex_measures(Measure.objects.values_list("pk", flat=True))
    f = MeasureFilter(q="Sprachkurs")
    in_pages = [m.pk for n in (1, 2, 3) for m in search_public_measures(f, page=n, page_size=4).items]
    assert in_pages == [m.pk for m in filtered_public_measures(f)]
    assert len(in_pages) == len(set(in_pages)) == 11


def test_organisation_names_and_aliases_are_searchable(make: Make) -> None:
    bamf = Organisation.objects.get(key="bamf")
    OrganisationAlias.objects.create(organisation=bamf, name="Nürnberger Migrationsamt")
    measure = make("Ein Projekt")
    measure.organisations.add(bamf, through_defaults={"role": "implementing"})
    reindex_measures([measure.pk])
    assert titles("Migrationsamt") == {"Ein Projekt"}
    assert titles(bamf.name.split()[-1]) >= {"Ein Projekt"}


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"unbalanced',
        "*",
        "Sprach*",
        "NEAR",
        "NEAR(Sprachkurs Abend)",
        "a OR b",
        "-",
        "-Sprachkurs",
        "--Sprachkurs",
        "(",
        "Sprachkurs)",
        "{title}: Sprachkurs",
        "title:Sprachkurs",
        "'; DROP TABLE measures_measure; --",
        "1' OR '1'='1",
        "%",
        "_",
        "\\",
        "😀",
        "👩‍👩‍👧 Sprachkurs",
        "\x00",
        "x" * 10_000,
        "Sprachkurs " * 1_000,
        "AND",
        "NOT Sprachkurs",
    ],
)
def test_hostile_input_never_raises(world: dict[str, Measure], q: str) -> None:
    f = MeasureFilter(q=q)
    for sort in ("relevance", "title", "-updated", "nap_i"):
        page = search_public_measures(MeasureFilter(q=q, sort=sort), page=2, page_size=3)
        assert page.count >= 0
    assert len(list(filtered_public_measures(f))) <= 10
    assert filtered_public_measures(f).count() <= 10
    facet_counts(f)


def test_nothing_searchable_finds_nothing(world: dict[str, Measure]) -> None:
    page = search_public_measures(MeasureFilter(q="*** 😀"))
    assert page.count == 0 and page.items == []
    assert list(filtered_public_measures(MeasureFilter(q="***"))) == []


def test_querysets_compose_like_the_api_uses_them(world: dict[str, Measure]) -> None:
    f = MeasureFilter(q="Sprachkurs")
    qs = filtered_public_measures(f)
    assert qs.count() == 4
    assert Measure.objects.filter(pk__in=qs.values("pk")).count() == 4
    assert qs.aggregate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk"))["n"] == 4
    assert [m.pk for m in qs[1:3]] == [m.pk for m in list(qs)[1:3]]


# --- keeping the index current -----------------------------------------------------------------


def test_empty_index_heals_itself(make: Make) -> None:
    make("Sprachkurs in der Bibliothek")
    assert not SearchDocument.objects.exists()
    assert titles("Sprachkurs") == {"Sprachkurs in der Bibliothek"}
    assert SearchDocument.objects.count() == Measure.objects.count()


def test_new_measures_are_indexed_on_the_next_search(world: dict[str, Measure], make: Make) -> None:
    make("Neuer Sprachkurs")
    assert "Neuer Sprachkurs" in titles("Sprachkurs")


def test_too_many_missing_documents_fall_back_to_plain_search(
    world: dict[str, Measure], make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    SearchDocument.objects.all().delete()
    monkeypatch.setattr(indexing, "SELF_HEAL_LIMIT", 3)
    assert not SearchDocument.objects.exists()
    assert keys(world, "Sprachkurs") == {"berufssprach", "sprachkurse", "deutschsprach", "summary_only"}
    assert keys(world, "Frauen") == {"frau", "frauen"}  # the stem, where it is a prefix of the word
    assert keys(world, "Auslaender") == set()  # no umlaut folding without the index
    page = search_public_measures(MeasureFilter(q="Sprachkurs"))
    assert page.count == 4 and page.items[-1].pk == world["summary_only"].pk
    assert [m.pk for m in filtered_public_measures(MeasureFilter(q="Sprachkurs"))] == [
        m.pk for m in page.items
    ]
    assert not SearchDocument.objects.exists()


def test_reindex_follows_edits_and_deletes(world: dict[str, Measure]) -> None:
    measure = world["strasse"]
    measure.title = "Quartiersläufer"
    measure.save()
    reindex_measures([measure.pk])
    assert keys(world, "Straße") == set()
    assert keys(world, "Quartiersläufer") == {"strasse"}
    world["frau"].delete()
    assert keys(world, "Frau") == {"frauen"}
    assert reindex_measures([world["frau"].pk or 0, 10**9]) == 0
    _assert_index_intact()


def test_rebuild_gives_the_same_answers(world: dict[str, Measure]) -> None:
    before = {q: keys(world, q) for q in ["Sprachkurs", "Frau", "Straße"]}
    assert rebuild_search_index() == Measure.objects.count()
    assert {q: keys(world, q) for q in before} == before
    _assert_index_intact()


def test_command_rebuilds_and_refreshes(
    world: dict[str, Measure], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("search_index", "--rebuild")
    out, err = capsys.readouterr()
    assert "12 Maßnahmen" in out and "indexiert" in err
    later = timezone.now() + timedelta(minutes=1)
    Measure.objects.filter(pk=world["eu"].pk).update(title="Willkommen in Europa", updated_at=later)
    call_command("search_index")
    out, _ = capsys.readouterr()
    assert "0 fehlende und 1 veraltete" in out
    assert keys(world, "Europa") == {"eu"}


def _assert_index_intact() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
