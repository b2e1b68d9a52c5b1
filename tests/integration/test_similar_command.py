"""`isi similar --text … [--top K] [--json]` and the Django glue behind it."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from isi.catalog.models import Level
from isi.coordination import similar as glue
from isi.measures.models import Measure
from isi.measures.services import measure_create, measure_update
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    glue.reset_index()


def make(title: str, owner: str, summary: str = "", *, released: bool = True) -> Measure:
    return measure_create(
        fields={
            "title": title,
            "summary": summary,
            "owner": Organisation.objects.get(key=owner),
            "level": Level.objects.get(key="bund"),
            "publication": Measure.Publication.RELEASED if released else Measure.Publication.DRAFT,
        },
        source="test",
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("similar", *args, stdout=out)
    return out.getvalue()


def test_json_lists_matches_with_scores_and_reasons() -> None:
    best = make("Berufssprachkurse für Geflüchtete", "bmas", "Deutsch für den Beruf")
    make("Radwege für Pendler", "bmi")
    draft = make("Sprachkurs für Eltern", "bmi", "Deutsch lernen", released=False)
    payload: dict[str, Any] = json.loads(run("--text", "Sprachkurs Deutsch Beruf", "--json"))
    assert payload["query"] == "Sprachkurs Deutsch Beruf"
    found = [r["id"] for r in payload["results"]]
    assert found[0] == best.pk
    assert draft.pk in found  # the command sees drafts too
    first = payload["results"][0]
    assert set(first) >= {"id", "title", "owner", "score", "reasons"}
    assert first["owner"] == Organisation.objects.get(key="bmas").name
    assert all({"kind", "values", "label"} <= set(r) for r in first["reasons"])
    assert any(r["kind"] == "word_parts" for r in first["reasons"])
    assert len(json.loads(run("--text", "Sprachkurs", "--top", "1", "--json"))["results"]) == 1


def test_human_output_and_errors() -> None:
    make("Sprachkurse für Eltern", "bmas")
    text = run("--text", "Sprachkurs für Eltern")
    assert "Sprachkurse für Eltern" in text
    assert "gemeinsame Wörter" in text
    assert "Keine ähnlichen Maßnahmen gefunden." in run("--text", "Radweg")
    with pytest.raises(CommandError):
        run("--text", "  ")
    with pytest.raises(CommandError):
        run("--text", "Sprachkurs", "--top", "0")


def test_index_follows_updates_without_rebuild() -> None:
    measure = make("Sprachkurse für Eltern", "bmas")
    index = glue.current_index()
    assert measure.pk in index
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"title": "Radwege für Pendler"},
        source="test",
    )
    assert glue.current_index() is index  # same object, updated in place
    found = glue.similar_to_text(title="Radwege")
    assert [r.id for r in found] == [measure.pk]
    assert glue.similar_to_text(title="Sprachkurse für Eltern") == []


def test_permissions_and_exclude() -> None:
    from isi.accounts.models import User

    public = make("Sprachkurse für Eltern", "bmas")
    draft = make("Sprachkurs für Eltern am Abend", "bmas", released=False)
    bmi = User.objects.create_user(
        username="bmi-user",
        password="x",
        role="desk_officer",
        organisation=Organisation.objects.get(key="bmi"),
    )
    assert {r.id for r in glue.similar_to_text(title="Sprachkurs Eltern", user=bmi)} == {public.pk}
    assert {r.id for r in glue.similar_to_text(title="Sprachkurs Eltern", public_only=True)} == {public.pk}
    assert {r.id for r in glue.similar_to_text(title="Sprachkurs Eltern")} == {public.pk, draft.pk}
    assert {r.id for r in glue.similar_to_text(title="Sprachkurs Eltern", exclude_id=draft.pk)} == {public.pk}


def test_all_candidate_pairs_across_and_within_ministries() -> None:
    """Pairs across ministries are possible overlaps; pairs within one ministry possible double
    entries (issue #15, point 4): both are found."""
    a = make("Sprachkurse für Eltern mit Kinderbetreuung", "bmas")
    b = make("Sprachkurs für Eltern mit Kinderbetreuung", "bmi")
    c = make("Sprachkurs für Eltern mit Kinderbetreuung am Abend", "bmi")
    pairs = {(p.a, p.b) for p in glue.all_candidate_pairs(top_k=5, min_score=0.2)}
    assert (min(a.pk, b.pk), max(a.pk, b.pk)) in pairs
    assert (min(b.pk, c.pk), max(b.pk, c.pk)) in pairs


def test_measures_written_without_the_services_are_picked_up() -> None:
    first = make("Sprachkurse für Eltern", "bmas")
    assert [r.id for r in glue.similar_to_text(title="Sprachkurse Eltern")] == [first.pk]
    direct = Measure.objects.create(
        title="Sprachkurs für Großeltern",
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key="bund"),
    )  # no change record: the highest id tells
    assert direct.pk in {r.id for r in glue.similar_to_text(title="Sprachkurs Großeltern")}


def test_check_before_create_counts_the_drafts_target_groups_and_goals() -> None:
    """The work tool passes the whole draft: a shared target group and the goals become reasons."""
    from isi.catalog.models import TargetGroup
    from isi.coordination.check import similar_measures

    group = TargetGroup.objects.order_by("pk").first()
    assert group is not None
    with_group = make("Beratung im Quartier", "bmas", "Anlaufstelle vor Ort")
    with_group.target_groups.add(group)
    make("Beratung im Quartier", "bmi", "Anlaufstelle vor Ort")
    glue.reset_index()
    plain = similar_measures(title="Beratung im Quartier", summary="Anlaufstelle vor Ort", top=2)
    assert {r.id for r in plain} == {with_group.pk, with_group.pk + 1}
    scored = similar_measures(
        title="Beratung im Quartier",
        summary="Anlaufstelle vor Ort",
        goals="Teilhabe stärken",
        target_group_ids=[group.pk],
        top=2,
    )
    assert scored[0].id == with_group.pk
    assert scored[0].score > scored[1].score
    assert any(reason.kind == "target_groups" for reason in scored[0].reasons)
