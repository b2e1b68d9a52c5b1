"""Overlap review: runs store pairs without duplicates, decisions stick, views enforce who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import TargetGroup
from isi.coordination import services
from isi.coordination.models import OverlapCandidate, OverlapRun
from isi.coordination.selectors import confirmed_overlaps
from isi.coordination.services import candidate_decide, run_create, run_execute
from isi.core.changes import history_of
from isi.measures.models import Measure
from tests.integration.coordination_fixtures import (
    fake_source,
    make_measure,
    org,
    pair,
    people,
    run_with,
)

pytestmark = pytest.mark.django_db
__all__ = ["people"]


@pytest.fixture
def world() -> dict[str, Measure]:
    return {
        "kita_bmi": make_measure(
            "Sprachkurse für Eltern in Kitas",
            "bmi",
            summary="Eltern mit Zuwanderungsgeschichte lernen Deutsch direkt in der Kita ihrer Kinder, "
            "mit Kinderbetreuung während des Kurses, kostenlos und wohnortnah in vielen Kommunen.",
            areas=["sprache"],
            groups=["familien"],
        ),
        "kita_bmfsfj": make_measure(
            "Elternkurse Deutsch in der Kita", "bmfsfj", areas=["sprache"], groups=["familien"]
        ),
        "beruf_bmas": make_measure("Berufssprachkurse", "bmas", areas=["bildung-arbeit"]),
        "beruf_bamf": make_measure("Berufsbezogene Deutschförderung", "bamf", areas=["bildung-arbeit"]),
        "draft_bmas": make_measure("Geheimer Entwurf Sprachbrücke", "bmas", released=False),
    }


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def candidate(x: Measure, y: Measure) -> OverlapCandidate:
    return OverlapCandidate.objects.get(measure_a=min(x.pk, y.pk), measure_b=max(x.pk, y.pk))


# --- runs and merging --------------------------------------------------------------------------


def test_recomputing_does_not_duplicate_pairs_and_keeps_decisions(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    pairs = [
        pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8),
        pair(world["beruf_bmas"], world["beruf_bamf"], 0.6),
    ]
    first = run_with(pairs)
    assert OverlapCandidate.objects.count() == 2
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    candidate_decide(
        candidate=kita, actor=people["koordination"], decision="overlap", note="gleiches Angebot"
    )

    second = run_with([pair(world["kita_bmfsfj"], world["kita_bmi"], 0.82), *pairs])
    assert OverlapCandidate.objects.count() == 2
    kita.refresh_from_db()
    assert kita.decision == OverlapCandidate.Decision.OVERLAP
    assert kita.note == "gleiches Angebot"
    assert kita.first_seen == first and kita.last_seen == second
    assert kita.score == pytest.approx(0.82)
    assert kita.reasons[0]["label"].startswith("gemeinsam")


def test_open_pairs_not_found_again_are_removed_decided_ones_stay(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    run_with(
        [
            pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8),
            pair(world["beruf_bmas"], world["beruf_bamf"], 0.6),
        ]
    )
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    candidate_decide(candidate=kita, actor=people["koordination"], decision="unrelated")
    run_with([])
    assert list(OverlapCandidate.objects.values_list("pk", flat=True)) == [kita.pk]
    assert OverlapCandidate.objects.get().decision == "unrelated"


def test_dismissed_pair_stays_dismissed_after_small_edit(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    pairs = [pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8)]
    run_with(pairs)
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    candidate_decide(candidate=kita, actor=people["koordination"], decision="unrelated")
    measure = world["kita_bmi"]
    measure.summary += " Auch nachmittags."
    measure.save()
    run = run_with(pairs)
    kita.refresh_from_db()
    assert kita.decision == "unrelated"
    assert OverlapRun.objects.get(pk=run.pk).reopened == 0


def test_dismissed_pair_comes_back_when_a_measure_changes_materially(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    pairs = [pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8)]
    run_with(pairs)
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    candidate_decide(candidate=kita, actor=people["koordination"], decision="complementary")
    world["kita_bmfsfj"].target_groups.add(TargetGroup.objects.get(key="eu-buerger"))
    run = OverlapRun.objects.create(started_by=people["koordination"])
    counts = services.merge_pairs(run, pairs)
    assert counts.reopened == 1
    kita.refresh_from_db()
    assert kita.decision == OverlapCandidate.Decision.OPEN
    assert kita.decided_by is None
    last = history_of(kita).order_by("-pk").first()
    assert last is not None and last.after is not None and last.after["reopened"] is True


def test_run_execute_records_progress_and_counts(people: dict[str, User], world: dict[str, Measure]) -> None:
    run = run_create(actor=people["koordination"])
    source = fake_source([pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8)])
    done = run_execute(run.pk, source=source)
    assert done.state == OverlapRun.State.DONE
    assert (done.done, done.total, done.found, done.created) == (2, 2, 1, 1)
    assert done.started_at is not None and done.finished_at is not None
    assert done.percent == 100


def test_failed_run_is_marked_failed_and_keeps_decisions(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    run_with([pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8)])
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    candidate_decide(candidate=kita, actor=people["koordination"], decision="overlap")
    run = run_create(actor=people["koordination"])

    def broken(**kwargs: Any) -> list[Any]:
        raise RuntimeError("engine down")

    with pytest.raises(RuntimeError):
        run_execute(run.pk, source=broken)
    run.refresh_from_db()
    assert run.state == OverlapRun.State.FAILED and run.message
    assert OverlapCandidate.objects.get().decision == "overlap"


def test_only_coordination_starts_runs_and_only_one_at_a_time(people: dict[str, User]) -> None:
    for who in ("bmi", "bamf", "leser"):
        with pytest.raises(PermissionDenied):
            run_create(actor=people[who])
    run_create(actor=people["koordination"])
    with pytest.raises(ValidationError):
        run_create(actor=people["admin"])


# --- decisions ---------------------------------------------------------------------------------


def test_only_coordination_decides_and_decisions_have_history(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    run_with([pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8)])
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    for who in ("bmi", "bmfsfj", "leser", "bamf"):
        with pytest.raises(PermissionDenied):
            candidate_decide(candidate=kita, actor=people[who], decision="overlap")
    decided = candidate_decide(candidate=kita, actor=people["koordination"], decision="overlap", version=1)
    assert decided.decided_by == people["koordination"] and decided.decided_at is not None
    assert decided.fingerprint_a["words"] and decided.fingerprint_b["words"]
    record = history_of(kita).get()
    assert record.before is not None and record.after is not None
    assert (record.before["decision"], record.after["decision"]) == ("open", "overlap")
    assert record.actor == people["koordination"]


def test_stale_version_is_refused(people: dict[str, User], world: dict[str, Measure]) -> None:
    run_with([pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8)])
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    candidate_decide(candidate=kita, actor=people["koordination"], decision="overlap", version=1)
    with pytest.raises(ValidationError):
        candidate_decide(candidate=kita, actor=people["admin"], decision="unrelated", version=1)
    kita.refresh_from_db()
    assert kita.decision == "overlap"


def test_confirmed_overlaps_selector_filters_by_owner(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    run_with(
        [
            pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8),
            pair(world["beruf_bmas"], world["beruf_bamf"], 0.6),
        ]
    )
    kita = candidate(world["kita_bmi"], world["kita_bmfsfj"])
    beruf = candidate(world["beruf_bmas"], world["beruf_bamf"])
    candidate_decide(candidate=kita, actor=people["koordination"], decision="overlap")
    candidate_decide(candidate=beruf, actor=people["koordination"], decision="complementary")
    assert list(confirmed_overlaps()) == [kita]
    assert list(confirmed_overlaps(owner=org("bmfsfj"))) == [kita]
    assert list(confirmed_overlaps(owner=org("bmi"))) == [kita]
    assert list(confirmed_overlaps(owner=org("bmas"))) == []


# --- views -------------------------------------------------------------------------------------


@pytest.fixture
def pairs(world: dict[str, Measure]) -> dict[str, OverlapCandidate]:
    run_with(
        [
            pair(world["beruf_bmas"], world["beruf_bamf"], 0.6),
            pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8),
            pair(world["draft_bmas"], world["kita_bmfsfj"], 0.4),
        ]
    )
    return {
        "kita": candidate(world["kita_bmi"], world["kita_bmfsfj"]),
        "beruf": candidate(world["beruf_bmas"], world["beruf_bamf"]),
        "draft": candidate(world["draft_bmas"], world["kita_bmfsfj"]),
    }


URL = reverse("coordination:candidates")


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for name in ("coordination:index", "coordination:candidates", "coordination:proposals"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_coordination_sees_ranked_pairs_with_decision_forms(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate]
) -> None:
    response = login(client, people["koordination"]).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(f'id="paar-{pairs[k].pk}"') for k in ("kita", "beruf", "draft")]
    assert order == sorted(order)
    assert "80 %" in html and "Geheimer Entwurf Sprachbrücke" in html
    assert html.count('name="decision"') >= 3
    assert "<caption" in html


def test_filters_by_ministry_area_target_group_and_decision(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate]
) -> None:
    login(client, people["koordination"])

    def ids(**params: str) -> set[int]:
        return {row["c"].pk for row in client.get(URL, params).context["rows"]}

    # BMI's pairs include those of its agency BAMF.
    assert ids(ministry=str(org("bmi").pk)) == {pairs["kita"].pk, pairs["beruf"].pk}
    assert ids(ministry=str(org("bmfsfj").pk)) == {pairs["kita"].pk, pairs["draft"].pk}
    assert ids(area="bildung-arbeit") == {pairs["beruf"].pk}
    assert ids(target_group="familien") == {pairs["kita"].pk, pairs["draft"].pk}
    candidate_decide(candidate=pairs["kita"], actor=people["koordination"], decision="overlap")
    assert pairs["kita"].pk not in ids()
    assert ids(decision="overlap") == {pairs["kita"].pk}
    assert len(ids(decision="all")) == 3
    assert ids(decision="nonsense") == {pairs["beruf"].pk, pairs["draft"].pk}


def test_decision_via_list_form_sticks_and_returns_to_filtered_list(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate], world: dict[str, Measure]
) -> None:
    login(client, people["koordination"])
    kita = pairs["kita"]
    back = f"{URL}?area=sprache"
    response = client.post(
        reverse("coordination:decide", args=[kita.pk]),
        {"decision": "overlap", "note": "doppelt", "version": kita.version, "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    run_with([pair(world["kita_bmi"], world["kita_bmfsfj"], 0.9)])
    kita.refresh_from_db()
    assert (kita.decision, kita.note) == ("overlap", "doppelt")
    # A foreign "next" is not followed.
    response = client.post(
        reverse("coordination:decide", args=[kita.pk]),
        {"decision": "overlap", "version": kita.version, "next": "https://evil.example/"},
    )
    assert response["Location"] == URL


def test_stale_form_gets_conflict_and_keeps_the_other_decision(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate]
) -> None:
    kita = pairs["kita"]
    candidate_decide(candidate=kita, actor=people["admin"], decision="complementary")
    response = login(client, people["koordination"]).post(
        reverse("coordination:decide", args=[kita.pk]), {"decision": "overlap", "version": 1}
    )
    assert response.status_code == 409
    assert "inzwischen" in response.content.decode()
    kita.refresh_from_db()
    assert kita.decision == "complementary"


def test_desk_officer_sees_own_pairs_read_only_and_no_foreign_drafts(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate]
) -> None:
    login(client, people["bmfsfj"])
    response = client.get(URL)
    assert response.status_code == 200
    assert {row["c"].pk for row in response.context["rows"]} == {pairs["kita"].pk, pairs["draft"].pk}
    html = response.content.decode()
    assert 'name="decision"' not in html.split("<table")[1]
    assert "Geheimer Entwurf Sprachbrücke" not in html
    assert "Nicht veröffentlichte Maßnahme" in html
    assert "Vorschlag machen" in html
    response = client.post(reverse("coordination:decide", args=[pairs["kita"].pk]), {"decision": "overlap"})
    assert response.status_code == 403
    assert client.get(reverse("coordination:candidate", args=[pairs["beruf"].pk])).status_code == 403
    assert client.get(reverse("coordination:candidate", args=[pairs["kita"].pk])).status_code == 200
    pairs["kita"].refresh_from_db()
    assert pairs["kita"].decision == "open"


def test_reader_sees_all_pairs_but_cannot_decide_or_start(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate]
) -> None:
    login(client, people["leser"])
    assert len(client.get(URL).context["rows"]) == 3
    assert (
        client.post(
            reverse("coordination:decide", args=[pairs["kita"].pk]), {"decision": "overlap"}
        ).status_code
        == 403
    )
    assert client.post(reverse("coordination:run_start")).status_code == 403
    assert not OverlapRun.objects.filter(state__in=["queued", "running"]).exists()


def test_starting_a_run_computes_in_the_background_and_shows_the_result(
    client: Client, people: dict[str, User], world: dict[str, Measure], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = fake_source([pair(world["kita_bmi"], world["kita_bmfsfj"], 0.8)])
    monkeypatch.setattr(services, "_engine_pairs", source)
    login(client, people["koordination"])
    response = client.post(reverse("coordination:run_start"))
    run = OverlapRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("coordination:run", args=[run.pk])
    assert run.state == OverlapRun.State.DONE and run.found == 1 and run.started_by == people["koordination"]
    page = client.get(response["Location"])
    assert "Abgeschlossen" in page.content.decode()
    # htmx polling of a finished run asks for a full reload.
    assert client.get(response["Location"], headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_progress_fragment_while_running(client: Client, people: dict[str, User]) -> None:
    run = OverlapRun.objects.create(state=OverlapRun.State.RUNNING, done=5, total=20)
    login(client, people["koordination"])
    fragment = client.get(reverse("coordination:run", args=[run.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert 'aria-valuenow="25"' in html and "hx-trigger" in html and "5 von 20" in html
    overview = client.get(reverse("coordination:index")).content.decode()
    assert reverse("coordination:run", args=[run.pk]) in overview


def test_overview_shows_counts_for_each_role(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate]
) -> None:
    response = login(client, people["koordination"]).get(reverse("coordination:index"))
    assert response.status_code == 200 and response.context["open_pairs"] == 3
    assert "Alle Paare neu berechnen" in response.content.decode()
    client.logout()
    response = login(client, people["bmi"]).get(reverse("coordination:index"))
    assert response.status_code == 200 and response.context["open_pairs"] == 2
    assert "Alle Paare neu berechnen" not in response.content.decode()


def test_real_engine_run_finds_overlaps_and_double_entries_within_a_ministry(
    people: dict[str, User],
) -> None:
    from isi.coordination.similar import reset_index

    reset_index()
    bmi = make_measure(
        "Sprachkurse für Eltern in Kindertagesstätten",
        "bmi",
        summary="Eltern lernen Deutsch in der Kita ihrer Kinder, "
        "mit Kinderbetreuung während des Sprachkurses.",
        areas=["sprache"],
        groups=["familien"],
    )
    bmfsfj = make_measure(
        "Deutschkurse für Eltern in der Kita",
        "bmfsfj",
        summary="Sprachkurse für Eltern direkt in der Kindertagesstätte, Kinderbetreuung inklusive.",
        areas=["sprache"],
        groups=["familien"],
    )
    intern = make_measure(
        "Sprachkurs Eltern Kita intern", "bmi", summary="Sprachkurse für Eltern in der Kita."
    )
    make_measure("Digitale Verwaltung für Häfen", "bmas", summary="Schiffsregister und Hafengebühren online.")
    run = run_execute(run_create(actor=people["koordination"]).pk)
    assert run.state == OverlapRun.State.DONE and run.total >= 4 and run.done == run.total
    found = candidate(bmi, bmfsfj)
    assert found.score > 0.25 and found.reasons
    assert all(r["label"] for r in found.reasons)
    assert not found.same_owner
    # Two BMI measures alike: found too, as a possible double entry within the ministry.
    double = candidate(bmi, intern)
    assert double.same_owner
    response = login(Client(), people["koordination"]).get(reverse("coordination:candidates"))
    html = response.content.decode()
    assert html.count("mögliche Doppelerfassung") >= 1
    row = html[html.index(f'id="paar-{double.pk}"') :]
    assert "mögliche Doppelerfassung" in row[: row.index("</tr>")]
    other = html[html.index(f'id="paar-{found.pk}"') :]
    assert "mögliche Doppelerfassung" not in other[: other.index("</tr>")]


def test_every_page_for_every_role(
    client: Client, people: dict[str, User], pairs: dict[str, OverlapCandidate], world: dict[str, Measure]
) -> None:
    from isi.coordination.services import proposal_create

    run = OverlapRun.objects.create(state=OverlapRun.State.DONE)
    proposal = proposal_create(
        actor=people["bmas"],
        kind="align",
        title="Berufssprache abstimmen",
        reasons="Gleiche Zielgruppe.",
        measures=[world["beruf_bmas"], world["kita_bmi"]],
    )
    kita = pairs["kita"].pk
    pages = {
        reverse("coordination:index"): {},
        reverse("coordination:candidates"): {"bmas": 200, "bmfsfj": 200},
        reverse("coordination:candidate", args=[kita]): {"bmas": 403, "bamf": 403},
        reverse("coordination:run", args=[run.pk]): {},
        reverse("coordination:proposals"): {},
        reverse("coordination:proposal_create"): {"leser": 403, "admin": 403},
        reverse("coordination:proposal", args=[proposal.pk]): {"bmfsfj": 403, "bamf": 403, "leser": 403},
    }
    for url, exceptions in pages.items():
        for name, user in people.items():
            client.force_login(user)
            expected = exceptions.get(name, 200)
            assert client.get(url).status_code == expected, (url, name)
    posts = {
        reverse("coordination:decide", args=[kita]): {"koordination", "admin"},
        reverse("coordination:run_start"): {"koordination", "admin"},
    }
    for url, allowed in posts.items():
        for name, user in people.items():
            if name in allowed:
                continue
            client.force_login(user)
            assert client.post(url, {"decision": "overlap", "version": 1}).status_code == 403, (url, name)
    assert OverlapCandidate.objects.get(pk=kita).decision == "open"
