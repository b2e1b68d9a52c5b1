"""Facets (multi-select, each counted under the other filters), sort orders and paging.

The fixture world (public measures A–F, one draft, one archived):

    name      title    owner  level    region        areas             target groups   offer  theme  status
    A         Alpha    bmi    bund     –             sprache           frauen          E      2.1/1  running
    B         Bravo    bmi    land     09 Bayern     sprache, gesell.  familien        A      2.1/2  planned
    C         Charlie  bmas   land     05 NRW        bildung-arbeit    frauen, famil.  A      1.2/1  running
    D         Delta    bmas   kommune  München (09)  bildung, gesell.  –               –      –      completed
    E         Echo     bmbf   bund     –             gesellschaft      kinder          E      1.2/2  running
    F         Foxtrot  bmbf   land     09 Bayern     sprache           kinder, frauen  –      3.1/1  unknown
    draft     Golf     bmi    bund     –             sprache           frauen          –      –      running
    archived  Hotel    bmi    bund     –             sprache           frauen          –      –      running

Offer: basic offer via the component (E = einstieg, A = ausbildung-arbeitsmarkt). Measures are
created in the order D, F, B, A, E, C so that id order, title order and NAP-I order all differ.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from isi.catalog.models import Area, Component, Level, Region, TargetGroup, Theme
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.search import evaluate
from isi.search.filters import FACET_PARAMS, MeasureFilter
from isi.search.indexing import rebuild_search_index
from isi.search.selectors import (
    FacetValue,
    facet_counts,
    filtered_public_measures,
    search_measures,
    search_public_measures,
)

pytestmark = pytest.mark.django_db

FRAUEN, FAMILIEN, KINDER = "frauen-maedchen", "familien", "kinder-jugendliche"


def _create(
    title: str,
    *,
    owner: str,
    level: str,
    areas: list[str],
    groups: list[str],
    status: str,
    region: Region | None = None,
    component: str | None = None,
    theme: tuple[int, int, int] | None = None,
    **extra: Any,
) -> Measure:
    fields: dict[str, Any] = {"publication": Measure.Publication.RELEASED, **extra}
    if theme:
        phase, position, number = theme
        fields["nap_i_theme"] = Theme.objects.get(phase__number=phase, position=position)
        fields["nap_i_number"] = number
    measure = Measure.objects.create(
        title=title,
        summary=f"Die Maßnahme {title} für Zugewanderte.",
        owner=Organisation.objects.get(key=owner),
        level=Level.objects.get(key=level),
        region=region,
        component=Component.objects.get(key=component) if component else None,
        status=status,
        **fields,
    )
    measure.areas.set(Area.objects.filter(key__in=areas))
    measure.target_groups.set(TargetGroup.objects.filter(key__in=groups))
    return measure


@pytest.fixture
def world() -> dict[str, Measure]:
    bayern = Region.objects.get(code="09")
    nrw = Region.objects.get(code="05")
    muenchen = Region.objects.create(
        code="091620000000", name="München", kind=Region.Kind.KOMMUNE, land=bayern
    )
    specs: list[tuple[str, str, dict[str, Any]]] = [
        # name, title, fields — created in this order (D, F, B, A, E, C) on purpose
        ("D", "Delta", {"owner": "bmas", "level": "kommune", "region": muenchen, "status": "completed",
                        "areas": ["bildung-arbeit", "gesellschaft"], "groups": []}),
        ("F", "Foxtrot", {"owner": "bmbf", "level": "land", "region": bayern, "status": "unknown",
                          "areas": ["sprache"], "groups": [KINDER, FRAUEN], "theme": (3, 1, 1)}),
        ("B", "Bravo", {"owner": "bmi", "level": "land", "region": bayern, "status": "planned",
                        "areas": ["sprache", "gesellschaft"], "groups": [FAMILIEN],
                        "component": "anerkennung", "theme": (2, 1, 2)}),
        ("A", "Alpha", {"owner": "bmi", "level": "bund", "status": "running", "areas": ["sprache"],
                        "groups": [FRAUEN], "component": "integrationskurs", "theme": (2, 1, 1)}),
        ("E", "Echo", {"owner": "bmbf", "level": "bund", "status": "running", "areas": ["gesellschaft"],
                       "groups": [KINDER], "component": "willkommen", "theme": (1, 2, 2)}),
        ("C", "Charlie", {"owner": "bmas", "level": "land", "region": nrw, "status": "running",
                          "areas": ["bildung-arbeit"], "groups": [FRAUEN, FAMILIEN],
                          "component": "berufssprache", "theme": (1, 2, 1)}),
        ("draft", "Golf", {"owner": "bmi", "level": "bund", "status": "running", "areas": ["sprache"],
                           "groups": [FRAUEN], "publication": Measure.Publication.DRAFT}),
        ("archived", "Hotel", {"owner": "bmi", "level": "bund", "status": "running", "areas": ["sprache"],
                               "groups": [FRAUEN], "archived_at": timezone.now()}),
    ]  # fmt: skip
    m = {name: _create(title, **fields) for name, title, fields in specs}
    rebuild_search_index()
    return m


def counts(facets: dict[str, list[FacetValue]], param: str) -> dict[str, int]:
    return {v.value: v.count for v in facets[param]}


def selected(facets: dict[str, list[FacetValue]], param: str) -> set[str]:
    return {v.value for v in facets[param] if v.selected}


def found(world: dict[str, Measure], f: MeasureFilter) -> list[str]:
    names = {m.pk: name for name, m in world.items()}
    page = search_public_measures(f, page_size=50)
    from_page = [names[m.pk] for m in page.items]
    assert page.count == len(from_page)
    assert [names[m.pk] for m in filtered_public_measures(f)] == from_page
    return from_page


def test_all_facets_without_filters(world: dict[str, Measure]) -> None:
    page = search_public_measures(MeasureFilter())
    assert page.count == 6
    facets = page.facets
    assert counts(facets, "area") == {"sprache": 3, "bildung-arbeit": 2, "gesellschaft": 3}
    assert counts(facets, "target_group") == {FRAUEN: 3, FAMILIEN: 2, KINDER: 2}
    assert counts(facets, "basic_offer") == {"einstieg": 2, "ausbildung-arbeitsmarkt": 2}
    assert counts(facets, "level") == {"bund": 2, "land": 3, "kommune": 1}
    assert counts(facets, "land") == {"09": 3, "05": 1}
    assert counts(facets, "owner") == {"bmi": 2, "bmas": 2, "bmbf": 2}
    assert counts(facets, "phase") == {"1": 2, "2": 2, "3": 1}
    assert counts(facets, "theme") == {"1.2": 2, "2.1": 2, "3.1": 1}
    assert counts(facets, "status") == {"running": 3, "planned": 1, "completed": 1, "unknown": 1}
    assert facet_counts(MeasureFilter()) == facets


def test_facet_values_come_in_catalogue_order_with_labels(world: dict[str, Measure]) -> None:
    facets = facet_counts(MeasureFilter())
    assert [v.value for v in facets["area"]] == ["sprache", "bildung-arbeit", "gesellschaft"]
    assert [v.value for v in facets["level"]] == ["bund", "land", "kommune"]
    assert [v.value for v in facets["land"]] == ["05", "09"]
    assert [v.value for v in facets["phase"]] == ["1", "2", "3"]
    assert facets["land"][1].label == "Bayern"
    assert facets["phase"][0].label.startswith("Phase I: ")
    assert facets["theme"][0].label == Theme.objects.get(phase__number=1, position=2).title
    assert facets["owner"][0].label == Organisation.objects.get(key=facets["owner"][0].value).name
    assert {v.label for v in facets["status"]} == {"laufend", "geplant", "abgeschlossen", "nicht angegeben"}


def test_multi_select_is_or_within_a_facet_and_and_across(world: dict[str, Measure]) -> None:
    f = MeasureFilter(areas=("sprache", "gesellschaft"), levels=("land",))
    assert found(world, f) == ["B", "F"]
    facets = facet_counts(f)
    # area counted under level=land only: B, C, F
    assert counts(facets, "area") == {"sprache": 2, "bildung-arbeit": 1, "gesellschaft": 1}
    assert selected(facets, "area") == {"sprache", "gesellschaft"}
    # level counted under area ∈ {sprache, gesellschaft} only: A, B, D, E, F
    assert counts(facets, "level") == {"bund": 2, "land": 2, "kommune": 1}
    assert selected(facets, "level") == {"land"}
    # the others under both: B, F
    assert counts(facets, "owner") == {"bmi": 1, "bmbf": 1}
    assert counts(facets, "status") == {"planned": 1, "unknown": 1}
    assert counts(facets, "land") == {"09": 2}
    assert counts(facets, "target_group") == {FAMILIEN: 1, KINDER: 1, FRAUEN: 1}
    assert counts(facets, "theme") == {"2.1": 1, "3.1": 1}


def test_many_to_many_selection_counts_each_measure_once(world: dict[str, Measure]) -> None:
    f = MeasureFilter(target_groups=(FRAUEN, FAMILIEN))
    assert found(world, f) == ["C", "A", "B", "F"]
    facets = facet_counts(f)
    assert counts(facets, "target_group") == {FRAUEN: 3, FAMILIEN: 2, KINDER: 2}
    assert counts(facets, "area") == {"sprache": 3, "bildung-arbeit": 1, "gesellschaft": 1}


def test_land_includes_its_kommunen(world: dict[str, Measure]) -> None:
    f = MeasureFilter(lands=("09",))
    assert found(world, f) == ["B", "F", "D"]
    facets = facet_counts(f)
    assert counts(facets, "land") == {"09": 3, "05": 1}
    assert counts(facets, "level") == {"land": 2, "kommune": 1}


def test_phase_theme_and_basic_offer(world: dict[str, Measure]) -> None:
    assert found(world, MeasureFilter(phases=("1",))) == ["C", "E"]
    assert found(world, MeasureFilter(themes=("2.1",))) == ["A", "B"]
    assert found(world, MeasureFilter(basic_offers=("einstieg",))) == ["E", "A"]
    both = MeasureFilter(phases=("1",), themes=("2.1",))
    assert found(world, both) == []
    facets = facet_counts(both)
    assert counts(facets, "phase") == {"1": 0, "2": 2}  # under theme 2.1; selected values stay listed
    assert counts(facets, "theme") == {"1.2": 2, "2.1": 0}  # under phase 1
    assert selected(facets, "phase") == {"1"} and selected(facets, "theme") == {"2.1"}
    offers = facet_counts(MeasureFilter(basic_offers=("einstieg",), statuses=("running",)))
    assert counts(offers, "basic_offer") == {"einstieg": 2, "ausbildung-arbeitsmarkt": 1}
    assert counts(offers, "status") == {"running": 2}


def test_owner_and_status(world: dict[str, Measure]) -> None:
    f = MeasureFilter(owners=("bmi", "bmbf"), statuses=("running", "unknown"))
    assert found(world, f) == ["E", "A", "F"]
    facets = facet_counts(f)
    assert counts(facets, "owner") == {"bmi": 1, "bmas": 1, "bmbf": 2}
    assert counts(facets, "status") == {"running": 2, "planned": 1, "unknown": 1}


def test_unknown_values_find_nothing_but_stay_selectable(world: dict[str, Measure]) -> None:
    f = MeasureFilter(areas=("gibt-es-nicht",), owners=("niemand",), phases=("9",), themes=("x.y",))
    assert found(world, f) == []
    facets = facet_counts(f)
    assert facets["area"] == []
    assert counts(facets, "owner") == {}
    assert found(world, MeasureFilter(areas=("gibt-es-nicht", "sprache"))) == ["A", "B", "F"]


def test_selected_value_without_hits_is_listed_with_zero(world: dict[str, Measure]) -> None:
    facets = facet_counts(MeasureFilter(levels=("kommune",), areas=("sprache",)))
    assert {v.value: (v.count, v.selected) for v in facets["area"]} == {
        "sprache": (0, True),
        "bildung-arbeit": (1, False),
        "gesellschaft": (1, False),
    }


def test_text_and_facets_together(world: dict[str, Measure]) -> None:
    f = MeasureFilter(q="Bravo Zugewanderte", levels=("land", "bund"))
    assert found(world, f) == ["B"]
    assert counts(facet_counts(f), "level") == {"bund": 0, "land": 1}
    everything = facet_counts(MeasureFilter(q="Zugewanderte"))
    assert counts(everything, "level") == {"bund": 2, "land": 3, "kommune": 1}


def test_only_public_measures_in_the_engine_equals_the_model_rule(world: dict[str, Measure]) -> None:
    assert {m.pk for m in filtered_public_measures(MeasureFilter())} == set(
        Measure.objects.public().values_list("pk", flat=True)
    )


# --- sorting and paging --------------------------------------------------------------------------


def test_sort_orders(world: dict[str, Measure]) -> None:
    nap_i = ["C", "E", "A", "B", "F", "D"]  # phase, theme, number; without NAP-I place last
    assert found(world, MeasureFilter()) == nap_i  # relevance without a query
    assert found(world, MeasureFilter(sort="nap_i")) == nap_i
    assert found(world, MeasureFilter(sort="title")) == ["A", "B", "C", "D", "E", "F"]
    now = timezone.now()
    for i, name in enumerate(["E", "A", "F", "C", "B", "D"]):
        Measure.objects.filter(pk=world[name].pk).update(updated_at=now - timedelta(days=i))
    assert found(world, MeasureFilter(sort="-updated")) == ["E", "A", "F", "C", "B", "D"]
    assert found(world, MeasureFilter(q="Zugewanderte", sort="title")) == ["A", "B", "C", "D", "E", "F"]


def test_ties_are_broken_by_id(world: dict[str, Measure]) -> None:
    same = [
        _create("Gleich", owner="bmi", level="bund", areas=[], groups=[], status="running") for _ in range(4)
    ]
    titles = [m.pk for m in filtered_public_measures(MeasureFilter(sort="title")) if m.title == "Gleich"]
    assert titles == sorted(m.pk for m in same)
    when = timezone.now()
    Measure.objects.filter(title="Gleich").update(updated_at=when)
    recent = [m.pk for m in search_public_measures(MeasureFilter(sort="-updated")).items[:4]]
    assert recent == sorted(m.pk for m in same)


@pytest.mark.parametrize("sort", ["relevance", "title", "-updated", "nap_i"])
@pytest.mark.parametrize("q", ["", "Zugewanderte"])
def test_paging_is_stable_and_complete(world: dict[str, Measure], sort: str, q: str) -> None:
    f = MeasureFilter(q=q, sort=sort)
    pages = [search_public_measures(f, page=n, page_size=4) for n in (1, 2, 3)]
    assert [p.count for p in pages] == [6, 6, 6]
    assert pages[0].pages == 2
    ids = [m.pk for p in pages for m in p.items]
    assert [len(p.items) for p in pages] == [4, 2, 0]
    assert ids == [m.pk for m in filtered_public_measures(f)]
    again = [m.pk for n in (1, 2) for m in search_public_measures(f, page=n, page_size=4).items]
    assert again == ids


def test_page_numbers_below_one_mean_the_first_page(world: dict[str, Measure]) -> None:
    page = search_public_measures(MeasureFilter(), page=0, page_size=2)
    assert page.page == 1 and len(page.items) == 2 and page.pages == 3


def test_a_subset_of_facets(world: dict[str, Measure]) -> None:
    page = search_measures(MeasureFilter(levels=("land",)), facets=("level", "status"))
    assert set(page.facets) == {"level", "status"}
    assert counts(page.facets, "level") == {"bund": 2, "land": 3, "kommune": 1}
    assert page.count == 3


@pytest.mark.parametrize("candidates", [1, 2, 1000])
@pytest.mark.parametrize("levels", [(), ("land",)])
def test_a_short_first_ranking_is_completed_from_the_database(
    world: dict[str, Measure], monkeypatch: pytest.MonkeyPatch, candidates: int, levels: tuple[str, ...]
) -> None:
    """The evaluator asks for the best-ranked ids first and for all of them when those run out."""
    monkeypatch.setattr(evaluate, "RANKED_CANDIDATES", candidates)
    f = MeasureFilter(q="Zugewanderte", levels=levels)
    ids = [m.pk for n in (1, 2, 3) for m in search_public_measures(f, page=n, page_size=2).items]
    assert len(ids) == (3 if levels else 6)
    assert ids == [m.pk for m in filtered_public_measures(f)]


def test_random_selections_agree_with_the_sql_selection(world: dict[str, Measure]) -> None:
    """The in-memory evaluator against the SQL behind the downloads, for many random filters.

    Count and page must equal the SQL selection in the ORM's order; a facet value's count must
    equal the SQL count with that facet narrowed to the value (the others kept): the definition
    of disjunctive faceting.
    """
    everything = search_public_measures(MeasureFilter()).facets
    keys = {param: [v.value for v in values] + ["gibt-es-nicht"] for param, values in everything.items()}
    rng = random.Random(11)
    for _ in range(40):
        chosen = {
            FACET_PARAMS[param]: tuple(rng.sample(values, rng.choice([0, 0, 1, 2])))
            for param, values in keys.items()
        }
        f = MeasureFilter(
            q=rng.choice(["", "", "Zugewanderte", "Maßnahme -Bravo", "Alpha"]),
            sort=rng.choice(["relevance", "title", "-updated", "nap_i"]),
            **chosen,
        )
        expected = [m.pk for m in filtered_public_measures(f)]
        size = rng.choice([1, 2, 5])
        page_number = rng.choice([1, 2])
        page = search_public_measures(f, page=page_number, page_size=size)
        assert page.count == len(expected), f
        assert [m.pk for m in page.items] == expected[(page_number - 1) * size : page_number * size], f
        for param, values in page.facets.items():
            for value in values:
                narrowed = replace(f, **{FACET_PARAMS[param]: (value.value,)})
                assert value.count == filtered_public_measures(narrowed).count(), (f, param, value)
