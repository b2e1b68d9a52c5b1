"""Overlap review at scale: several pairs rated at once, in place (htmx) or with a plain form post."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.coordination.models import OverlapCandidate
from isi.coordination.services import candidate_decide
from isi.measures.models import Measure
from tests.integration.coordination_fixtures import make_measure, pair, people, run_with

pytestmark = pytest.mark.django_db
__all__ = ["people"]

LIST = reverse("coordination:candidates")
BULK = reverse("coordination:decide_bulk")


@pytest.fixture
def three_pairs() -> list[OverlapCandidate]:
    m = {
        "a": make_measure("Sprachkurse für Eltern in Kitas", "bmi"),
        "b": make_measure("Elternkurse Deutsch in der Kita", "bmfsfj"),
        "c": make_measure("Berufssprachkurse", "bmas"),
        "d": make_measure("Berufsbezogene Deutschförderung", "bmi"),
        "e": make_measure("Deutsch im Beruf", "bmi"),
    }
    run_with([pair(m["a"], m["b"], 0.8), pair(m["c"], m["d"], 0.6), pair(m["d"], m["e"], 0.5)])
    return list(OverlapCandidate.objects.order_by("-score"))


def _post(client: Client, picked: list[OverlapCandidate], decision: str, **extra: str) -> dict[str, object]:
    data: dict[str, object] = {"pair": [str(c.pk) for c in picked], "decision": decision, "next": LIST}
    data.update({f"version-{c.pk}": str(c.version) for c in picked})
    data.update(extra)
    return data


def test_list_offers_a_labelled_checkbox_per_pair_and_one_bulk_form(
    people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    client = Client()
    client.force_login(people["koordination"])
    html = client.get(LIST).content.decode()
    assert 'id="bulk-decide"' in html and 'id="status-messages"' in html and 'role="status"' in html
    for c in three_pairs:
        assert (
            f'id="pick-{c.pk}"' in html and f'<label for="pick-{c.pk}">Paar {c.pk} auswählen</label>' in html
        )
        assert f'form="bulk-decide" name="version-{c.pk}" value="{c.version}"' in html


def test_htmx_bulk_rating_updates_the_list_in_place_and_announces_the_result(
    people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    client = Client()
    client.force_login(people["koordination"])
    picked = three_pairs[:2]
    response = client.post(BULK, _post(client, picked, "complementary"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    # Only the list region and the status come back: no page, so nothing jumps to the top.
    assert html.startswith('<div id="pair-region"') and "<html" not in html
    assert 'id="status-messages" hx-swap-oob="innerHTML"' in html
    assert "2 Paare bewertet: ergänzen sich." in html
    for c in picked:
        c.refresh_from_db()
        assert c.decision == "complementary" and c.decided_by == people["koordination"]
        assert f'id="paar-{c.pk}"' not in html  # decided: gone from the list of open pairs
    rest = three_pairs[2]
    rest.refresh_from_db()
    assert rest.decision == "open" and f'id="paar-{rest.pk}"' in html


def test_bulk_rating_without_javascript_returns_to_the_list_with_a_message(
    people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    client = Client()
    client.force_login(people["koordination"])
    response = client.post(BULK, _post(client, three_pairs, "unrelated"), follow=True)
    assert response.redirect_chain[-1][0].endswith("#status-messages")
    assert "3 Paare bewertet" in response.content.decode()
    assert set(OverlapCandidate.objects.values_list("decision", flat=True)) == {"unrelated"}


def test_pairs_rated_meanwhile_by_someone_else_are_named_and_left_alone(
    people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    client = Client()
    client.force_login(people["koordination"])
    data = _post(client, three_pairs, "overlap")  # versions as loaded
    other = User.objects.create_user("koord2", password="x", role="coordination")
    candidate_decide(candidate=three_pairs[1], actor=other, decision="unrelated", note="geprüft")
    html = client.post(BULK, data, HTTP_HX_REQUEST="true").content.decode()
    assert "2 Paare bewertet" in html
    assert f"Paar {three_pairs[1].pk}</a>" in html and "von jemand anderem bewertet" in html
    three_pairs[1].refresh_from_db()
    assert (three_pairs[1].decision, three_pairs[1].note) == ("unrelated", "geprüft")


def test_bulk_rating_keeps_each_pairs_own_note_unless_one_is_given(
    people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    first = candidate_decide(
        candidate=three_pairs[0], actor=people["koordination"], decision="open", note="eigene Notiz"
    )
    client = Client()
    client.force_login(people["koordination"])
    client.post(BULK, _post(client, [first, three_pairs[1]], "overlap"))
    first.refresh_from_db()
    assert first.note == "eigene Notiz" and first.decision == "overlap"
    client.post(BULK, _post(client, [first], "overlap", note="gemeinsam geprüft"))
    first.refresh_from_db()
    assert first.note == "gemeinsam geprüft"


def test_nothing_selected_is_explained(people: dict[str, User], three_pairs: list[OverlapCandidate]) -> None:
    client = Client()
    client.force_login(people["koordination"])
    html = client.post(BULK, {"decision": "overlap", "next": LIST}, HTTP_HX_REQUEST="true").content.decode()
    assert "mindestens ein Paar" in html
    assert set(OverlapCandidate.objects.values_list("decision", flat=True)) == {"open"}


@pytest.mark.parametrize("who", ["bmi", "leser", "bamf"])
def test_only_coordination_rates_in_bulk(
    who: str, people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    client = Client()
    client.force_login(people[who])
    response = client.post(BULK, _post(client, three_pairs, "overlap"))
    assert response.status_code == 403
    assert set(OverlapCandidate.objects.values_list("decision", flat=True)) == {"open"}


def test_single_row_rating_with_htmx_stays_in_place(
    people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    client = Client()
    client.force_login(people["koordination"])
    target = three_pairs[1]
    response = client.post(
        reverse("coordination:decide", args=[target.pk]),
        {"decision": "overlap", "note": "", "version": target.version, "next": LIST},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="pair-region"')
    assert "Bewertung gespeichert" in html
    target.refresh_from_db()
    assert target.decision == "overlap"


def test_same_ministry_pair_is_marked_as_possible_double_entry(
    people: dict[str, User], three_pairs: list[OverlapCandidate]
) -> None:
    client = Client()
    client.force_login(people["koordination"])
    html = client.get(LIST).content.decode()
    same = next(c for c in three_pairs if c.same_owner)
    row = html[html.index(f'id="paar-{same.pk}"') :]
    assert "mögliche Doppelerfassung" in row[: row.index("</tr>")]
    assert sum(c.same_owner for c in three_pairs) == 1
    assert isinstance(same.measure_a, Measure)
