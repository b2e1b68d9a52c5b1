"""Rounds at scale: opening in two steps with an announcement mail, reminders on demand, and
confirming several measures at once (those with blocking rule errors are refused and named)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.facts import facts_from_measure
from isi.measures.models import Evaluation, Measure
from isi.measures.rules import check_measure
from isi.organisations.models import Organisation
from isi.rounds import services
from isi.rounds.models import ReportingRound, RoundItem, RoundReminder
from isi.rounds.tasks import send_announcement, send_reminders_now

pytestmark = pytest.mark.django_db

DEADLINE = date.today() + timedelta(days=30)


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def person(username: str, role: str, org_key: str | None, email: str = "") -> User:
    return User.objects.create_user(
        username=username,
        password="x",
        role=role,
        organisation=org(org_key) if org_key else None,
        email=email or f"{username}@example.org",
    )


def sound_measure(title: str, owner: str, **extra: Any) -> Measure:
    """A measure that breaks no blocking rule: it may be confirmed unchanged."""
    measure = Measure.objects.create(
        title=title,
        owner=org(owner),
        level=Level.objects.get(key="bund"),
        offer_type=Measure.OfferType.COMPLEMENTARY,
        complementary_need="Beratung für Neuzugewanderte",
        **extra,
    )
    Evaluation.objects.create(measure=measure, state=Evaluation.State.PLANNED, method="Befragung")
    return measure


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "koordination": person("koordination", "coordination", "ib"),
        "bmi": person("bmi", "desk_officer", "bmi"),
        "bmi2": person("bmi2", "desk_officer", "bmi"),
        "bmas": person("bmas", "desk_officer", "bmas"),
    }


@pytest.fixture
def measures(people: dict[str, User]) -> dict[str, Measure]:
    return {
        "kurs": sound_measure("Integrationskurs", "bmi"),
        "beratung": sound_measure("Migrationsberatung", "bmi"),
        "broken": sound_measure("Sprachkita", "bmi", budget_eur=Decimal("-5000")),
        "bmas": sound_measure("Berufssprachkurse", "bmas"),
        # BMFSFJ has a measure but no desk officer in ISI.
        "bmfsfj": sound_measure("Elternbegleitung", "bmfsfj"),
    }


def test_fixture_measures_are_sound_except_the_broken_one(measures: dict[str, Measure]) -> None:
    today = date.today()
    errors = {
        key: [v.rule for v in check_measure(facts_from_measure(m), today=today) if v.is_error]
        for key, m in measures.items()
    }
    assert errors["broken"] == ["R0-budget-negative"]
    assert all(not found for key, found in errors.items() if key != "broken")


# --- opening --------------------------------------------------------------------------------------


def test_opening_takes_a_confirmation_step_that_says_what_will_happen(
    people: dict[str, User], measures: dict[str, Measure], django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(people["koordination"])
    data = {"title": "1. Halbjahr 2027", "deadline": DEADLINE.isoformat()}
    step2 = client.post(reverse("rounds:open"), data)
    html = step2.content.decode()
    assert step2.status_code == 200 and "Noch ist nichts geschehen" in html
    assert "5 Maßnahmen kommen auf die Aufgabenlisten" in html
    assert "3 Referentinnen und Referenten" in html  # bmi, bmi2, bmas
    assert "Bundesministerium für Familie, Senioren, Frauen und Jugend" in html  # nobody to tell there
    assert not ReportingRound.objects.exists() and not mail.outbox
    back = client.post(reverse("rounds:open"), {**data, "schritt": "aendern"})
    assert 'value="1. Halbjahr 2027"' in back.content.decode() and not ReportingRound.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rounds:open"), {**data, "schritt": "eroeffnen"})
    assert response.status_code == 302
    round = ReportingRound.objects.get()
    announced = {tuple(m.to) for m in mail.outbox if "eröffnet" in m.subject}
    assert ("bmi2@example.org", "bmi@example.org") in {tuple(sorted(t)) for t in announced}
    assert ("bmas@example.org",) in announced
    bmi_mail = next(m for m in mail.outbox if "bmi@example.org" in m.to)
    assert "3 Maßnahme(n) zu prüfen" in bmi_mail.body and reverse("rounds:todo") in bmi_mail.body
    assert round.reminders.filter(kind=RoundReminder.Kind.ANNOUNCEMENT, organisation=org("bmfsfj")).exists()


def test_announcement_goes_out_once_and_also_to_ministries_without_measures(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = services.open_round(title="R", deadline=DEADLINE, actor=people["koordination"])
    mail.outbox.clear()
    # BMFTR: the ministry that succeeded the BMBF in May 2025 (the register's successions).
    person("bmbf", "desk_officer", "bmftr")
    sent = send_announcement(round)
    assert {s.organisation for s in sent} >= {"Bundesministerium des Innern", org("bmftr").name}
    bmbf_mail = next(m for m in mail.outbox if m.to == ["bmbf@example.org"])
    assert "keine Maßnahmen erfasst" in bmbf_mail.body
    count = len(mail.outbox)
    assert send_announcement(round) == [] and len(mail.outbox) == count


# --- reminders on demand ----------------------------------------------------------------------


def test_reminder_on_demand_names_who_was_told_and_who_could_not_be(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = services.open_round(title="R", deadline=DEADLINE, actor=people["koordination"])
    services.confirm_measure(round=round, measure=measures["bmas"], actor=people["bmas"])
    mail.outbox.clear()
    client = Client()
    client.force_login(people["koordination"])
    detail = client.get(reverse("rounds:detail", args=[round.pk])).content.decode()
    assert "Erinnerung jetzt senden" in detail
    page = client.post(reverse("rounds:remind", args=[round.pk]), follow=True).content.decode()
    assert "Erinnerung gesendet an: Bundesministerium des Innern" in page
    assert "Niemand benachrichtigt" in page and "Familie" in page
    assert [sorted(m.to) for m in mail.outbox] == [["bmi2@example.org", "bmi@example.org"]]
    assert "noch 3 Maßnahme(n)" in mail.outbox[0].body  # BMAS confirmed everything: not reminded
    again = client.post(reverse("rounds:remind", args=[round.pk]), follow=True).content.decode()
    assert "Heute bereits erinnert" in again and len(mail.outbox) == 1


def test_reminder_on_demand_for_one_ministry(people: dict[str, User], measures: dict[str, Measure]) -> None:
    round = services.open_round(title="R", deadline=DEADLINE, actor=people["koordination"])
    mail.outbox.clear()
    result = send_reminders_now(round, organisation_ids=[org("bmas").pk])
    assert [s.organisation for s in result.sent] == ["Bundesministerium für Arbeit und Soziales"]
    assert [m.to for m in mail.outbox] == [["bmas@example.org"]]


# --- confirming several at once ------------------------------------------------------------------


def _todo_post(client: Client, round: ReportingRound, ids: list[int], **headers: str) -> Any:
    return client.post(
        reverse("rounds:confirm_bulk", args=[round.pk]), {"massnahme": [str(i) for i in ids]}, **headers
    )


def test_bulk_confirmation_confirms_the_sound_and_names_the_refused_with_their_rule(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = services.open_round(title="R", deadline=DEADLINE, actor=people["koordination"])
    client = Client()
    client.force_login(people["bmi"])
    todo = client.get(reverse("rounds:todo")).content.decode()
    assert (
        'id="bulk-confirm"' in todo
        and f'form="bulk-confirm" name="massnahme" value="{measures["kurs"].pk}"' in todo
    )
    ids = [measures[k].pk for k in ("kurs", "beratung", "broken")] + [measures["bmas"].pk]
    response = _todo_post(client, round, ids, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="todo-region"')
    assert 'id="status-messages" hx-swap-oob="innerHTML"' in html
    assert "2 Maßnahmen unverändert bestätigt" in html
    assert "1 Maßnahme nicht bestätigt" in html and "Sprachkita" in html and "negativ" in html
    assert "Berufssprachkurse" not in html  # another ministry's measure: ignored, not named
    status = dict(RoundItem.objects.filter(round=round).values_list("measure_key", "status"))
    assert status[measures["kurs"].pk] == status[measures["beratung"].pk] == "confirmed"
    assert status[measures["broken"].pk] == "pending" and status[measures["bmas"].pk] == "pending"
    measures["kurs"].refresh_from_db()
    assert measures["kurs"].last_reviewed_at is not None


def test_bulk_confirmation_without_javascript_reports_by_message(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = services.open_round(title="R", deadline=DEADLINE, actor=people["koordination"])
    client = Client()
    client.force_login(people["bmi"])
    response = _todo_post(client, round, [measures["kurs"].pk, measures["broken"].pk])
    assert response.status_code == 302 and response["Location"].endswith("#status-messages")
    page = client.get(response["Location"]).content.decode()
    assert "1 Maßnahme unverändert bestätigt" in page and "„Sprachkita“" in page


def test_bulk_confirmation_with_nothing_selected_says_so(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = services.open_round(title="R", deadline=DEADLINE, actor=people["koordination"])
    client = Client()
    client.force_login(people["bmi"])
    html = _todo_post(client, round, [], HTTP_HX_REQUEST="true").content.decode()
    assert "mindestens eine Maßnahme" in html
    assert not RoundItem.objects.filter(round=round).exclude(status="pending").exists()
