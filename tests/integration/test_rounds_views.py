"""Rounds pages: a permission matrix generated over every rounds URL × role, and the page flows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Evaluation, Measure, MeasureOrganisation
from isi.organisations.models import Organisation
from isi.rounds import services
from isi.rounds.models import ReportingRound, RoundItem

pytestmark = pytest.mark.django_db

DEADLINE = date.today() + timedelta(days=30)

ROLES: dict[str, tuple[str, str | None] | None] = {
    "anonymous": None,
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}


@dataclass
class World:
    open_round: ReportingRound
    closed: list[ReportingRound]
    bmi_measure: Measure
    bmas_measure: Measure


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


@pytest.fixture
def world() -> World:
    for name, spec in ROLES.items():
        if spec is not None:
            role, org_key = spec
            User.objects.create_user(
                username=name, password="x", role=role, organisation=org(org_key) if org_key else None
            )
    bund = Level.objects.get(key="bund")
    bmi_measure = Measure.objects.create(
        title="Integrationskurs",
        owner=org("bmi"),
        level=bund,
        offer_type="complementary",
        complementary_need="Beratung vor Ort",
    )
    # Meets the rules, so "unverändert bestätigen" is accepted (a measure with a blocking error is not).
    Evaluation.objects.create(measure=bmi_measure, state="planned", method="Befragung")
    MeasureOrganisation.objects.create(measure=bmi_measure, organisation=org("bamf"), role="responsible")
    bmas_measure = Measure.objects.create(title="Berufssprachkurse", owner=org("bmas"), level=bund)
    coordination = User.objects.get(username="koordination")
    closed = []
    for title in ("1. Halbjahr 2026", "2. Halbjahr 2026"):
        round = services.open_round(title=title, deadline=DEADLINE, actor=coordination)
        services.close_round(round=round, actor=coordination)
        closed.append(round)
    current = services.open_round(title="1. Halbjahr 2027", deadline=DEADLINE, actor=coordination)
    return World(current, closed, bmi_measure, bmas_measure)


LOGIN = 302  # anonymous callers are sent to the sign-in page
ALL_STAFF = {"bmi": 200, "bmas": 200, "bamf": 200, "koordination": 200, "leser": 200, "admin": 200}
MANAGERS_ONLY = {"bmi": 403, "bmas": 403, "bamf": 403, "koordination": 200, "leser": 403, "admin": 200}
SEES_ALL = {"bmi": 403, "bmas": 403, "bamf": 403, "koordination": 200, "leser": 200, "admin": 200}
EDITORS = {"bmi": 200, "bmas": 200, "bamf": 200, "koordination": 403, "leser": 403, "admin": 200}

# (name, method, url builder, data, expected status per role)
ENDPOINTS = [
    ("index", "get", lambda w: reverse("rounds:index"), None, {"anonymous": LOGIN, **ALL_STAFF}),
    ("open form", "get", lambda w: reverse("rounds:open"), None, {"anonymous": LOGIN, **MANAGERS_ONLY}),
    # A second round while one is open: the form comes back with the error (200), nothing opened.
    (
        "open post",
        "post",
        lambda w: reverse("rounds:open"),
        {"title": "x", "deadline": DEADLINE.isoformat()},
        {"anonymous": LOGIN, **MANAGERS_ONLY},
    ),
    ("todo", "get", lambda w: reverse("rounds:todo"), None, {"anonymous": LOGIN, **EDITORS}),
    ("compare", "get", lambda w: reverse("rounds:compare"), None, {"anonymous": LOGIN, **SEES_ALL}),
    (
        "detail open",
        "get",
        lambda w: reverse("rounds:detail", args=[w.open_round.pk]),
        None,
        {"anonymous": LOGIN, **SEES_ALL},
    ),
    (
        "detail closed",
        "get",
        lambda w: reverse("rounds:detail", args=[w.closed[0].pk]),
        None,
        {"anonymous": LOGIN, **SEES_ALL},
    ),
    (
        "close form",
        "get",
        lambda w: reverse("rounds:close", args=[w.open_round.pk]),
        None,
        {"anonymous": LOGIN, **MANAGERS_ONLY},
    ),
    (
        "close post",
        "post",
        lambda w: reverse("rounds:close", args=[w.open_round.pk]),
        {},
        {"anonymous": LOGIN, **{k: 302 if v == 200 else v for k, v in MANAGERS_ONLY.items()}},
    ),
    (
        "confirm bmi measure",
        "post",
        lambda w: reverse("rounds:confirm", args=[w.open_round.pk, w.bmi_measure.pk]),
        {},
        {
            "anonymous": LOGIN,
            "bmi": 302,
            "bmas": 403,
            "bamf": 302,
            "koordination": 403,
            "leser": 403,
            "admin": 302,
        },
    ),
    (
        "confirm bmas measure",
        "post",
        lambda w: reverse("rounds:confirm", args=[w.open_round.pk, w.bmas_measure.pk]),
        {},
        {
            "anonymous": LOGIN,
            "bmi": 403,
            "bmas": 302,
            "bamf": 403,
            "koordination": 403,
            "leser": 403,
            "admin": 302,
        },
    ),
    (
        "remind now",
        "post",
        lambda w: reverse("rounds:remind", args=[w.open_round.pk]),
        {},
        {"anonymous": LOGIN, **{k: 302 if v == 200 else v for k, v in MANAGERS_ONLY.items()}},
    ),
    (
        "confirm several",
        "post",
        lambda w: reverse("rounds:confirm_bulk", args=[w.open_round.pk]),
        {"massnahme": []},
        {"anonymous": LOGIN, **{k: 302 if v == 200 else v for k, v in EDITORS.items()}},
    ),
    (
        "confirm by get",
        "get",
        lambda w: reverse("rounds:confirm", args=[w.open_round.pk, w.bmi_measure.pk]),
        None,
        dict.fromkeys(ROLES, 405),
    ),
]

CASES = [
    pytest.param(name, method, url, data, role, expected[role], id=f"{name}-{role}")
    for name, method, url, data, expected in ENDPOINTS
    for role in ROLES
]


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    return client


@pytest.mark.parametrize(("name", "method", "url", "data", "role", "expected"), CASES)
def test_permission_matrix(
    world: World,
    caplog: pytest.LogCaptureFixture,
    name: str,
    method: str,
    url: object,
    data: dict[str, str] | None,
    role: str,
    expected: int,
) -> None:
    assert callable(url)
    target = url(world)
    client = client_for(role)
    with caplog.at_level(logging.WARNING, logger="isi.audit"):
        response = client.post(target, data or {}) if method == "post" else client.get(target)
    assert response.status_code == expected, f"{name} as {role}"
    if expected == LOGIN and role == "anonymous":
        assert "/konto/anmelden/" in response["Location"]
    if expected == 403:
        assert any(
            "event=denied" in r.getMessage() and f"user={role}#" in r.getMessage() for r in caplog.records
        )
        # A refusal changes nothing.
        assert ReportingRound.objects.get(pk=world.open_round.pk).is_open
        assert not RoundItem.objects.filter(round=world.open_round).exclude(status="pending").exists()
    assert ReportingRound.objects.filter(state="open").count() <= 1


def test_every_rounds_url_is_in_the_matrix() -> None:
    from isi.rounds.urls import urlpatterns

    covered = {"index", "open", "todo", "compare", "detail", "close", "confirm", "remind", "confirm_bulk"}
    assert {p.name for p in urlpatterns} == covered  # type: ignore[union-attr]


def test_open_round_page_opens_a_round(world: World) -> None:
    coordination = User.objects.get(username="koordination")
    services.close_round(round=world.open_round, actor=coordination)
    client = client_for("koordination")
    response = client.get(reverse("rounds:open"))
    assert "Neue Runde eröffnen" in response.content.decode()
    bad = client.post(reverse("rounds:open"), {"title": "x", "deadline": "2000-01-01"})
    assert bad.status_code == 200 and "Vergangenheit" in bad.content.decode()
    data = {"title": "2. Halbjahr 2027", "deadline": DEADLINE.isoformat()}
    step2 = client.post(reverse("rounds:open"), data)
    assert step2.status_code == 200 and "Eröffnung bestätigen" in step2.content.decode()
    assert not ReportingRound.objects.filter(state="open").exists()  # nothing happened yet
    response = client.post(reverse("rounds:open"), {**data, "schritt": "eroeffnen"})
    round = ReportingRound.objects.get(state="open")
    assert response.status_code == 302 and response["Location"] == reverse("rounds:detail", args=[round.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in page and 'aria-valuenow="0"' in page and 'aria-valuemax="1"' in page
    assert "0 von 1 erledigt (0 %)" in page


def test_todo_confirm_flow_for_bmi(world: World) -> None:
    client = client_for("bmi")
    page = client.get(reverse("rounds:todo")).content.decode()
    assert "Integrationskurs" in page and "Berufssprachkurse" not in page
    assert f"/arbeitsbereich/massnahmen/{world.bmi_measure.pk}/bearbeiten/" in page
    assert "Prüfung überfällig" in page  # never reviewed
    response = client.post(reverse("rounds:confirm", args=[world.open_round.pk, world.bmi_measure.pk]))
    assert response.status_code == 302
    page = client.get(reverse("rounds:todo")).content.decode()
    assert "ist bestätigt" in page and "Alle Ihre Maßnahmen sind bestätigt" in page
    assert "1 von 1 erledigt (100 %)" in page


def test_confirm_of_a_measure_breaking_a_rule_is_refused_with_the_rule_named(world: World) -> None:
    Evaluation.objects.filter(measure=world.bmi_measure).delete()
    client = client_for("bmi")
    response = client.post(reverse("rounds:confirm", args=[world.open_round.pk, world.bmi_measure.pk]))
    assert response.status_code == 302
    page = client.get(reverse("rounds:todo")).content.decode()
    assert "erst die Regelverstöße beheben" in page and "Regel 7" in page
    assert world.open_round.items.get(measure_key=world.bmi_measure.pk).status == "pending"


def test_confirm_needs_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="bmi"))
    response = client.post(reverse("rounds:confirm", args=[world.open_round.pk, world.bmi_measure.pk]))
    assert response.status_code == 403
    assert world.open_round.items.get(measure_key=world.bmi_measure.pk).status == "pending"


def test_close_then_compare_shows_changes_in_german(world: World) -> None:
    client = client_for("koordination")
    Measure.objects.filter(pk=world.bmas_measure.pk).update(status=Measure.Status.RUNNING, version=2)
    response = client.post(reverse("rounds:close", args=[world.open_round.pk]))
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('rounds:compare')}?a={world.closed[1].pk}&b={world.open_round.pk}"
    )
    page = client.get(response["Location"]).content.decode()
    assert "Was hat sich seit der letzten Runde geändert?" in page
    assert "Berufssprachkurse" in page and "Status" in page and "laufend" in page
    assert "0 neu · 1 geändert · 0 entfallen · 1 unverändert" in page
    assert page.count("<h1") == 1


def test_compare_defaults_and_current_state(world: World) -> None:
    client = client_for("leser")
    page = client.get(reverse("rounds:compare")).content.decode()
    assert "0 neu · 0 geändert · 0 entfallen · 2 unverändert" in page
    Measure.objects.filter(pk=world.bmi_measure.pk).update(title="Integrationskurs 2.0")
    page = client.get(
        reverse("rounds:compare"), {"a": str(world.closed[1].pk), "b": "aktuell"}
    ).content.decode()
    assert "Integrationskurs 2.0" in page and "1 geändert" in page
    same = client.get(reverse("rounds:compare"), {"a": world.closed[1].pk, "b": world.closed[1].pk})
    assert "zwei verschiedene" in same.content.decode()
    bad = client.get(reverse("rounds:compare"), {"a": "999999", "b": "x"})
    assert bad.status_code == 200


def test_confirm_outside_the_round_gives_a_message_not_an_error(world: World) -> None:
    late = Measure.objects.create(
        title="Nach Eröffnung angelegt", owner=org("bmi"), level=Level.objects.get(key="bund")
    )
    client = client_for("bmi")
    response = client.post(reverse("rounds:confirm", args=[world.open_round.pk, late.pk]), follow=True)
    assert response.status_code == 200
    assert "gehört nicht zu der Runde" in response.content.decode()
    closed = client.post(reverse("rounds:confirm", args=[world.closed[0].pk, world.bmi_measure.pk]))
    assert closed.status_code == 403
