"""Erfolgskontrolle dashboard: figures for a constructed set, who sees what, the XLSX export, demo data."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from isi.accounts.demo import DemoModeRequired
from isi.accounts.models import User
from isi.catalog.models import Area, Level
from isi.measures.models import Evaluation, Measure, MeasureOrganisation
from isi.monitoring.evaluation.demo import seed_demo_evaluations
from isi.monitoring.evaluation.plan import has_evaluation_plan, has_plan_q
from isi.monitoring.evaluation.selectors import evaluation_overview
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = date.today()
DASHBOARD = "/arbeitsbereich/erfolgskontrolle/"
EXPORT = "/arbeitsbereich/erfolgskontrolle/export.xlsx"
FORMULA = '=HYPERLINK("http://example.invalid","klick")'

ROLES: dict[str, tuple[str, str | None]] = {
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


@dataclass
class World:
    course: Measure  # BMI, plan, overdue
    counselling: Measure  # BAMF (agency under BMI), done with result
    no_method: Measure  # BMI, planned without method: no plan
    archived: Measure  # BMI, archived: not counted
    language: Measure  # BMAS, no entry
    pilot: Measure  # BMAS, model project past its test phase, undecided
    decided: Measure  # BMAS, model project, decided
    small: Measure  # IB, not proportionate with reason


def _measure(title: str, owner: str, *, area: str | None = None, **fields: object) -> Measure:
    measure = Measure.objects.create(
        title=title, owner=org(owner), level=Level.objects.get(key="bund"), **fields
    )
    if area:
        measure.areas.set([Area.objects.get(key=area)])
    return measure


def _evaluation(measure: Measure, state: str, **fields: object) -> None:
    Evaluation.objects.create(measure=measure, state=state, **fields)


@pytest.fixture
def world() -> World:
    for name, (role, org_key) in ROLES.items():
        User.objects.create_user(
            username=name, password="x", role=role, organisation=org(org_key) if org_key else None
        )
    w = World(
        course=_measure("Integrationskurs", "bmi", area="sprache"),
        counselling=_measure("Migrationsberatung für Erwachsene", "bamf", area="gesellschaft"),
        no_method=_measure("Erstorientierungskurse", "bmi"),
        archived=_measure("Altes Programm", "bmi", archived_at=timezone.now()),
        language=_measure("Berufssprachkurse", "bmas", area="sprache"),
        pilot=_measure(
            "Modellprojekt Jobcoaching",
            "bmas",
            is_model_project=True,
            test_phase_start=TODAY - timedelta(days=700),
            test_phase_end=TODAY - timedelta(days=5),
        ),
        decided=_measure(
            "Modellprojekt Mentoring",
            "bmas",
            is_model_project=True,
            test_phase_start=TODAY - timedelta(days=700),
            test_phase_end=TODAY - timedelta(days=50),
            scale_decision=Measure.ScaleDecision.SCALE,
        ),
        small=_measure("Kleines Förderprojekt", "ib"),
    )
    _evaluation(w.course, "planned", method="Befragung", due_date=TODAY - timedelta(days=10))
    _evaluation(
        w.counselling,
        "done",
        method="Wirkungsanalyse",
        due_date=TODAY - timedelta(days=100),
        result_summary=FORMULA,
    )
    _evaluation(w.no_method, "planned", due_date=TODAY + timedelta(days=30))
    _evaluation(w.archived, "planned", method="Befragung", due_date=TODAY - timedelta(days=300))
    _evaluation(w.decided, "done", method="Abschlussbericht", result_summary="Skalierung empfohlen.")
    _evaluation(w.small, "not_proportionate", effort_note="Aufwand stünde in keinem Verhältnis.")
    MeasureOrganisation.objects.create(measure=w.counselling, organisation=org("bamf"), role="responsible")
    return w


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# --- figures -------------------------------------------------------------------------------------


def test_overview_counts_plans_overdue_results_and_undecided_model_projects(world: World) -> None:
    overview = evaluation_overview(today=TODAY)
    assert overview.total_measures == 7  # the archived one does not count
    assert overview.with_plan == 4  # course, counselling, decided, small
    assert overview.share_with_plan == pytest.approx(4 / 7)
    assert [e.measure_id for e in overview.overdue] == [world.course.pk]
    assert overview.overdue[0].days_overdue == 10
    assert overview.overdue[0].ministry == "Bundesministerium des Innern"
    assert [e.measure_id for e in overview.results] == [world.counselling.pk, world.decided.pk]
    assert [p.measure_id for p in overview.undecided_model_projects] == [world.pilot.pk]
    assert overview.undecided_model_projects[0].evaluation_state is None


def test_ministries_lacking_plans_come_first_and_agencies_count_for_their_ministry(world: World) -> None:
    rows = evaluation_overview(today=TODAY).by_ministry
    assert [row.short_name or row.name for row in rows][:1] == [org("bmas").short_name or org("bmas").name]
    by_id = {row.organisation_id: row.coverage for row in rows}
    bmi, bmas, ib = by_id[org("bmi").pk], by_id[org("bmas").pk], by_id[org("ib").pk]
    assert (bmi.total, bmi.with_plan, bmi.overdue) == (3, 2, 1)  # BAMF's measure counts for the BMI
    assert (bmas.total, bmas.with_plan, bmas.undecided_model_projects) == (3, 1, 1)
    assert (ib.total, ib.with_plan, ib.not_proportionate) == (1, 1, 1)
    assert org("bamf").pk not in by_id
    shares = [row.coverage.share for row in rows]
    assert shares == sorted(shares)


def test_overview_for_one_ministry_and_one_area(world: World) -> None:
    bmi = evaluation_overview(org("bmi"), today=TODAY)
    assert (bmi.total_measures, bmi.with_plan) == (3, 2)
    assert [row.organisation_id for row in bmi.by_ministry] == [org("bmi").pk]
    language = evaluation_overview(area=Area.objects.get(key="sprache"), today=TODAY)
    assert (language.total_measures, language.with_plan) == (2, 1)
    assert [row.key for row in language.by_area] == ["sprache"]


def test_by_area_counts_measures_without_area_separately(world: World) -> None:
    rows = {row.key: row.coverage for row in evaluation_overview(today=TODAY).by_area}
    assert rows["sprache"].total == 2
    assert rows["gesellschaft"].total == 1
    assert rows[""].total == 4  # no_method, pilot, decided, small


def test_database_and_python_agree_on_what_a_plan_is(world: World) -> None:
    Evaluation.objects.all().delete()
    cases = list(
        itertools.product(
            ["planned", "running", "done", "not_proportionate"],
            ["", "  ", "\xa0\t", "Befragung"],
            ["", " \n", "\r\n\xa0", "begründet"],
        )
    )
    for number, (state, method, note) in enumerate(cases):
        measure = _measure(f"Fall {number}", "bmi")
        _evaluation(measure, state, method=method, effort_note=note)
    in_db = set(Evaluation.objects.filter(has_plan_q(prefix="")).values_list("pk", flat=True))
    in_python = {
        e.pk for e in Evaluation.objects.all() if has_evaluation_plan(e.state, e.method, e.effort_note)
    }
    assert in_db == in_python
    assert in_db  # some cases do have a plan


def test_query_count_does_not_grow_with_the_number_of_measures(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        measure = _measure(f"Weitere Maßnahme {number}", "bmi", area="sprache")
        _evaluation(measure, "running", method="Befragung", due_date=TODAY - timedelta(days=number + 1))
    with django_assert_max_num_queries(8):
        overview = evaluation_overview(today=TODAY)
    assert overview.overdue_count == 31


# --- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
def test_anonymous_is_sent_to_sign_in(world: World, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_coordination_sees_all_ministries_lacking_plans_first(world: World) -> None:
    response = client_for("koordination").get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('id="ressorts"') :]
    assert table.index(org("bmas").name) < table.index(org("bmi").name) < table.index(org("ib").name)
    assert "Ressorts mit Maßnahmen ohne Plan: 2" in html
    assert "57,1" in html  # 4 of 7, German decimal comma
    assert "Modellprojekt Jobcoaching" in html
    assert reverse("workspace:measure_detail", args=[world.course.pk]) in html
    assert "Altes Programm" not in html


def test_ministry_without_any_plan_is_named_and_flagged(world: World) -> None:
    Evaluation.objects.filter(measure=world.decided).delete()
    html = client_for("koordination").get(DASHBOARD).content.decode()
    alert = html[html.index("Ohne jeden Plan für die Erfolgskontrolle:") :]
    assert alert.index(org("bmas").name) < alert.index("</p>")
    assert "kein Plan" in html


def test_desk_officer_sees_only_own_ministry_with_its_agencies(world: World) -> None:
    response = client_for("bmi").get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Integrationskurs" in html and "Migrationsberatung für Erwachsene" in html
    assert "Modellprojekt Jobcoaching" not in html
    assert org("bmas").name not in html
    assert response.context["coverage"].total == 3


def test_desk_officer_cannot_ask_for_another_ministry(world: World, caplog: pytest.LogCaptureFixture) -> None:
    for url in (DASHBOARD, EXPORT):
        response = client_for("bmi").get(url, {"owner": org("bmas").pk})
        assert response.status_code == 403
    assert "evaluation.other_ministry" in caplog.text


def test_agency_sees_what_it_owns_or_implements(world: World) -> None:
    response = client_for("bamf").get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["coverage"].total == 1
    assert [e.measure_id for e in response.context["overview"].results] == [world.counselling.pk]


@pytest.mark.parametrize("username", ["leser", "admin"])
def test_reader_and_admin_may_filter_by_ministry(world: World, username: str) -> None:
    response = client_for(username).get(DASHBOARD, {"owner": org("bmas").pk})
    assert response.status_code == 200
    assert response.context["coverage"].total == 3
    assert response.context["coverage"].with_plan == 1


def test_area_filter_and_unknown_values(world: World) -> None:
    client = client_for("koordination")
    assert client.get(DASHBOARD, {"area": "sprache"}).context["coverage"].total == 2
    assert client.get(DASHBOARD, {"area": "gibt-es-nicht"}).status_code == 404
    assert client.get(DASHBOARD, {"owner": "x"}).status_code == 404


def test_empty_selection_shows_empty_states(world: World) -> None:
    html = client_for("koordination").get(DASHBOARD, {"owner": org("bmel").pk}).content.decode()
    assert "Für diese Auswahl gibt es keine (nicht archivierten) Maßnahmen." in html
    assert "Keine überfälligen Erfolgskontrollen." in html
    assert "Noch keine abgeschlossenen Erfolgskontrollen." in html


# --- export --------------------------------------------------------------------------------------


def test_xlsx_has_the_sheets_and_is_formula_safe(world: World) -> None:
    response = client_for("koordination").get(EXPORT)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Übersicht",
        "Ressorts",
        "Bereiche",
        "Überfällig",
        "Modellprojekte",
        "Ergebnisse",
    ]
    ministries = list(book["Ressorts"].iter_rows(values_only=True))
    assert ministries[0][:5] == ("Ressort", "Maßnahmen", "mit Plan", "ohne Plan", "Anteil mit Plan")
    assert ministries[1][0] == org("bmas").name
    assert ministries[1][4] == pytest.approx(0.333)  # 1/3, rounded as the dashboard shows it (33,3 %)
    results = list(book["Ergebnisse"].iter_rows())
    cell = next(row[7] for row in results[1:] if row[0].value == world.counselling.pk)
    assert cell.value == "'" + FORMULA
    assert cell.data_type == "s"
    assert [row[0] for row in book["Modellprojekte"].iter_rows(min_row=2, values_only=True)] == [
        world.pilot.pk
    ]
    assert [row[0] for row in book["Überfällig"].iter_rows(min_row=2, values_only=True)] == [world.course.pk]


def test_xlsx_says_when_a_long_list_was_cut(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("isi.monitoring.evaluation.views.EXPORT_LIST_LIMIT", 1)
    book = load_workbook(io.BytesIO(client_for("koordination").get(EXPORT).content))
    assert len(list(book["Ergebnisse"].iter_rows(min_row=2))) == 1
    notes = dict(book["Übersicht"].iter_rows(values_only=True))
    assert notes["Blatt „Ergebnisse“ gekürzt"].startswith("1 von 2 Einträgen")
    assert "Blatt „Überfällig“ gekürzt" not in notes


def test_xlsx_of_desk_officer_holds_only_their_measures(world: World) -> None:
    book = load_workbook(io.BytesIO(client_for("bmas").get(EXPORT).content))
    names = [row[0] for row in book["Ressorts"].iter_rows(min_row=2, values_only=True)]
    assert names == [org("bmas").name]


# --- demo ----------------------------------------------------------------------------------------


def test_demo_seed_only_in_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(DemoModeRequired):
        seed_demo_evaluations()


def test_demo_seed_leaves_gaps_to_show_and_is_idempotent(settings: Any) -> None:
    settings.DEMO_MODE = True
    for owner in ("bmi", "bmas", "bmel"):
        for number in range(7):
            _measure(f"{owner} Maßnahme {number}", owner)
    changed = seed_demo_evaluations()
    assert changed > 0
    assert seed_demo_evaluations() == 0
    overview = evaluation_overview()
    by_key = {row.organisation_id: row.coverage for row in overview.by_ministry}
    assert by_key[org("bmel").pk].with_plan == 0
    assert overview.by_ministry[0].organisation_id == org("bmel").pk
    assert 0 < by_key[org("bmi").pk].with_plan < 7
    assert overview.overdue_count > 0 and overview.results_count > 0
    assert overview.undecided_count == 1
    assert all(e.result_summary.startswith("Beispiel (Demo)") for e in overview.results)
