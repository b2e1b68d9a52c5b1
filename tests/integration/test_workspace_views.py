"""The staff work tool: permission matrix (generated), edit, conflict, restore, archive, history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from isi.accounts.models import User
from isi.catalog.models import Area, Level
from isi.core.changes import history_of
from isi.measures.models import Measure
from isi.measures.services import measure_create, measure_update
from tests.api.support import new_measure_data, org

pytestmark = pytest.mark.django_db


# role name -> (User.Role, organisation key)
ROLES: dict[str, tuple[str, str | None] | None] = {
    "anonymous": None,
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}
KINDS = {"bmi_draft": ("bmi", False), "bmi_released": ("bmi", True), "bmas_draft": ("bmas", False)}

# The table the matrix is generated from: what each role sees, changes, and whether it may create.
SEES = {
    "bmi": {"bmi_draft", "bmi_released"},
    "bmas": {"bmi_released", "bmas_draft"},
    "bamf": {"bmi_released"},
    "koordination": set(KINDS),
    "leser": set(KINDS),
    "admin": set(KINDS),
}
CHANGES = {
    "bmi": {"bmi_draft", "bmi_released"},
    "bmas": {"bmas_draft"},
    "bamf": set(),
    "koordination": set(),
    "leser": set(),
    "admin": set(KINDS),
}
CREATES = {"bmi", "bmas", "bamf", "admin"}

# url name -> (kind of check, how to build the URL from the measure)
UrlMaker = Callable[[Measure], str]
URLS: dict[str, tuple[str, UrlMaker]] = {
    "list": ("staff", lambda m: reverse("workspace:measure_list")),
    "create": ("create", lambda m: reverse("workspace:measure_create")),
    "similar": ("create", lambda m: reverse("workspace:similar_check") + "?title=Sprachkurs"),
    "detail": ("view", lambda m: reverse("workspace:measure_detail", args=[m.pk])),
    "history": ("view", lambda m: reverse("workspace:measure_history", args=[m.pk])),
    "edit": ("change", lambda m: reverse("workspace:measure_edit", args=[m.pk])),
    "restore": (
        "change",
        lambda m: reverse("workspace:measure_restore", args=[m.pk, history_of(m).last().pk]),  # type: ignore[union-attr]
    ),
    "archive": ("change", lambda m: reverse("workspace:measure_archive", args=[m.pk])),
    "start": ("staff", lambda m: reverse("workspace:start")),
    "export": ("staff", lambda m: reverse("workspace:measure_export", args=["csv"])),
    "revisions": ("staff", lambda m: reverse("workspace:revision_list")),
    "catalogue_history": (
        "staff",
        lambda m: reverse(
            "workspace:object_history", args=["catalog.area", Area.objects.get(key="sprache").pk]
        ),
    ),
}


def expected_status(role: str, check: str, kind: str) -> int:
    if role == "anonymous":
        return 302
    if check == "staff":
        return 200
    if check == "create":
        return 200 if role in CREATES else 403
    if kind not in SEES[role]:
        return 404
    if check == "view":
        return 200
    return 200 if kind in CHANGES[role] else 403


MATRIX = [
    (role, url, kind, expected_status(role, URLS[url][0], kind))
    for role in ROLES
    for url in URLS
    for kind in KINDS
]


def make_user(name: str) -> User | None:
    spec = ROLES[name]
    if spec is None:
        return None
    role, org_key = spec
    return User.objects.create_user(
        username=f"u-{name}", password="x", role=role, organisation=org(org_key) if org_key else None
    )


def make_measure(title: str, owner: str, *, released: bool = False, **extra: Any) -> Measure:
    return measure_create(
        fields={
            "title": title,
            "summary": extra.pop("summary", ""),
            "owner": org(owner),
            "level": Level.objects.get(key="bund"),
            "publication": Measure.Publication.RELEASED if released else Measure.Publication.DRAFT,
            **extra,
        },
        source="test",
    )


@pytest.fixture
def kinds() -> dict[str, Measure]:
    from isi.core.changes import record_change

    area = Area.objects.get(key="sprache")
    record_change(
        area, action="update", before={"name": "Sprache alt"}, after={"name": area.name}, source="test"
    )
    return {
        kind: make_measure(f"Maßnahme {kind}", owner, released=released)
        for kind, (owner, released) in KINDS.items()
    }


def client_for(role: str) -> Client:
    client = Client()
    user = make_user(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "url", "kind", "status"), MATRIX)
def test_permission_matrix(role: str, url: str, kind: str, status: int, kinds: dict[str, Measure]) -> None:
    response = client_for(role).get(URLS[url][1](kinds[kind]))
    assert response.status_code == status, (role, url, kind)
    if status == 302:
        assert (
            "/konto/" in response["Location"]
            or "login" in response["Location"]
            or "anmelden" in response["Location"]
        )


def test_matrix_covers_every_workspace_url() -> None:
    from isi.workspace.urls import urlpatterns

    names = {str(getattr(p, "name", "")) for p in urlpatterns} - {""}
    covered = {
        "measure_list",
        "measure_create",
        "similar_check",
        "measure_detail",
        "measure_history",
        "measure_edit",
        "measure_restore",
        "measure_archive",
        "start",
        "measure_export",
        "revision_list",
    }
    # POST-only (tests/integration/test_staff_list_options.py): not in the GET matrix.
    # A pending revision's page needs a revision: tests/integration/test_pending_revisions.py.
    not_in_matrix = {"object_history", "saved_filter_create", "saved_filter_delete", "revision_detail"}
    assert names == covered | not_in_matrix
    assert len(URLS) == len(covered) + 1


def test_refusals_are_logged(kinds: dict[str, Measure], caplog: pytest.LogCaptureFixture) -> None:
    client = client_for("bmi")
    with caplog.at_level("WARNING", logger="isi.audit"):
        client.get(reverse("workspace:measure_edit", args=[kinds["bmi_released"].pk]))  # allowed
        client.get(reverse("workspace:measure_create"))
        leser = client_for("leser")
        leser.get(reverse("workspace:measure_edit", args=[kinds["bmi_draft"].pk]))
    assert any("event=denied" in r.getMessage() and "u-leser" in r.getMessage() for r in caplog.records)


# --- editing ----------------------------------------------------------------------------------


def form_data(measure: Measure, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": measure.title,
        "summary": measure.summary,
        "goals": "",
        "status": measure.status,
        "owner": measure.owner_id,
        "level": measure.level_id,
        "offer_type": "complementary",
        "complementary_need": "Beratung für Neuzugewanderte",
        "eval_state": "planned",
        "eval_method": "Teilnehmendenbefragung",
        "eval_due_date": (date.today() + timedelta(days=365)).isoformat(),
        "publication": measure.publication,
        "version": measure.version,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_bmi_changes_a_bmi_measure(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmi_draft"]
    response = client_for("bmi").post(
        reverse("workspace:measure_edit", args=[measure.pk]), form_data(measure, title="Neuer Titel")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    measure.refresh_from_db()
    assert measure.title == "Neuer Titel"
    assert measure.version == 2
    assert measure.evaluation.method == "Teilnehmendenbefragung"
    record = history_of(measure).first()
    assert record is not None and record.actor is not None and record.actor.username == "u-bmi"


def test_bmi_cannot_change_a_bmas_measure(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmas_draft"]
    client = client_for("bmi")
    response = client.post(
        reverse("workspace:measure_edit", args=[measure.pk]), form_data(measure, title="Gekapert")
    )
    assert response.status_code == 404  # a BMAS draft is not even visible to BMI
    released = make_measure("BMAS öffentlich", "bmas", released=True)
    response = client.post(
        reverse("workspace:measure_edit", args=[released.pk]), form_data(released, title="Gekapert")
    )
    assert response.status_code == 403
    for m in (measure, released):
        m.refresh_from_db()
        assert m.title != "Gekapert"
        assert m.version == 1


def test_rule_error_shown_next_to_field_and_input_kept(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmi_draft"]
    response = client_for("bmi").post(
        reverse("workspace:measure_edit", args=[measure.pk]),
        form_data(measure, summary="Meine Eingabe bleibt", imposes_obligation="on"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_obligation_control_error"' in html
    assert "Meine Eingabe bleibt" in html
    assert 'aria-invalid="true"' in html
    measure.refresh_from_db()
    assert measure.version == 1


def test_conflict_shows_what_the_other_person_changed(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmi_draft"]
    first, second = client_for("bmi"), Client()
    second.force_login(
        User.objects.create_user("u-bmi-2", password="x", role="desk_officer", organisation=org("bmi"))
    )
    url = reverse("workspace:measure_edit", args=[measure.pk])
    assert first.post(url, form_data(measure, title="Titel von Person A")).status_code == 302
    response = second.post(url, form_data(measure, summary="Eingabe von Person B"))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Titel: „Maßnahme bmi_draft“ → „Titel von Person A“" in html.replace("&quot;", '"')
    assert "Eingabe von Person B" in html
    measure.refresh_from_db()
    assert measure.title == "Titel von Person A"
    assert measure.summary == ""
    # Re-applying after seeing the conflict saves on top of the new version.
    response = second.post(url, form_data(measure, summary="Eingabe von Person B"))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.summary == "Eingabe von Person B"
    assert measure.title == "Titel von Person A"


def test_create_with_close_match_needs_reason() -> None:
    make_measure(
        "Berufssprachkurse für Geflüchtete",
        "bmas",
        released=True,
        summary="Berufsbezogene Deutschsprachförderung für Geflüchtete",
    )
    client = client_for("bmi")
    base = new_measure_data(
        title="Berufssprachkurse für Geflüchtete",
        summary="Berufsbezogene Deutschsprachförderung für Geflüchtete",
        complementary_need="Sprachförderung",
        regular_system_reason="Das Regelsystem erreicht die Gruppe nicht.",
        eval_due_date="2030-01-01",
    )
    response = client.post(reverse("workspace:measure_create"), base)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_similar_measures_reason_error"' in html
    assert "sehr ähnlich" in html
    assert not Measure.objects.filter(owner__key="bmi").exists()
    response = client.post(
        reverse("workspace:measure_create"), {**base, "similar_measures_reason": "Anderer Zuschnitt."}
    )
    assert response.status_code == 302
    created = Measure.objects.get(owner__key="bmi")
    assert created.similar_measures_reason == "Anderer Zuschnitt."


def test_similar_endpoint_fragment_lists_matches() -> None:
    make_measure("Integrationskurs für Eltern", "bmi", summary="Sprachkurs mit Kinderbetreuung")
    response = client_for("bmi").get(
        reverse("workspace:similar_check"),
        {"title": "Integrationskurse", "summary": "Eltern"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Integrationskurs für Eltern" in html
    assert "gemeinsame Wörter" in html
    assert "<html" not in html


# --- list --------------------------------------------------------------------------------------


def test_list_filters_and_review_flag(kinds: dict[str, Measure]) -> None:
    fresh = kinds["bmi_released"]
    Measure.objects.filter(pk=fresh.pk).update(last_reviewed_at=timezone.now())
    client = client_for("bmi")
    html = client.get(reverse("workspace:measure_list")).content.decode()
    assert "Maßnahme bmi_draft" in html and "Maßnahme bmi_released" in html
    assert "Maßnahme bmas_draft" not in html
    assert "Prüfung fällig" in html
    html = client.get(reverse("workspace:measure_list"), {"review": "1"}).content.decode()
    assert "Maßnahme bmi_draft" in html and "Maßnahme bmi_released" not in html
    html = client.get(reverse("workspace:measure_list"), {"publication": "released"}).content.decode()
    assert "Maßnahme bmi_draft" not in html
    response = client.get(reverse("workspace:measure_list"), {"q": "bmi_draft"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert "<html" not in fragment and "data-focus-after-swap" in fragment


def test_list_text_search_finds_stems() -> None:
    make_measure("Berufssprachkurse für Zugewanderte", "bmi")
    html = client_for("bmi").get(reverse("workspace:measure_list"), {"q": "Sprachkurs"}).content.decode()
    assert "Berufssprachkurse für Zugewanderte" in html


# --- history, restore, archive -----------------------------------------------------------------


def test_detail_shows_history_diff_and_open_points(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmi_draft"]
    measure_update(
        measure_id=measure.pk,
        expected_version=1,
        changes={"title": "Umbenannt", "areas": [Area.objects.get(key="sprache")]},
        source="test",
    )
    html = client_for("bmi").get(reverse("workspace:measure_detail", args=[measure.pk])).content.decode()
    assert "Offene Punkte" in html
    assert "Titel:</strong> „Maßnahme bmi_draft“ → „Umbenannt“" in html.replace("&quot;", '"')
    assert "hinzugefügt" in html
    assert "Prüfung fällig" in html


def test_restore_older_version_as_new_change(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmi_draft"]
    measure_update(measure_id=measure.pk, expected_version=1, changes={"title": "Falsch"}, source="test")
    created = history_of(measure).last()
    assert created is not None
    client = client_for("bmi")
    url = reverse("workspace:measure_restore", args=[measure.pk, created.pk])
    assert "Falsch" in client.get(url).content.decode()
    assert client.post(url, {"version": 1}).status_code == 409  # stale: nothing changed
    measure.refresh_from_db()
    assert measure.title == "Falsch"
    assert client.post(url, {"version": 2}).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Maßnahme bmi_draft"
    assert measure.version == 3
    assert [r.action for r in history_of(measure)] == ["update", "update", "create"]


def test_archive_and_restore_from_archive(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmi_released"]
    client = client_for("bmi")
    url = reverse("workspace:measure_archive", args=[measure.pk])
    assert client.post(url, {"version": 1}).status_code == 302
    measure.refresh_from_db()
    assert measure.archived_at is not None
    assert not Measure.objects.public().filter(pk=measure.pk).exists()
    html = client.get(reverse("workspace:measure_list")).content.decode()
    assert "Maßnahme bmi_released" not in html
    html = client.get(reverse("workspace:measure_list"), {"archived": "only"}).content.decode()
    assert "Maßnahme bmi_released" in html
    assert client.post(url, {"version": 2}).status_code == 302
    measure.refresh_from_db()
    assert measure.archived_at is None
    assert [r.action for r in history_of(measure)][:2] == ["restore", "archive"]
    # Coordination may see but not archive.
    assert client_for("koordination").post(url, {"version": 3}).status_code == 403
    measure.refresh_from_db()
    assert measure.archived_at is None


def test_signed_in_without_staff_role_is_refused_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    client.force_login(User.objects.create_user("u-public", password="x", role="public"))
    with caplog.at_level("WARNING", logger="isi.audit"):
        response = client.get(reverse("workspace:measure_list"))
    assert response.status_code == 403
    assert any("event=denied" in r.getMessage() and "u-public" in r.getMessage() for r in caplog.records)


def test_catalogue_entry_history_is_shown_generically() -> None:
    from isi.core.changes import record_change

    area = Area.objects.get(key="sprache")
    record_change(
        area, action="update", before={"name": "Sprache"}, after={"name": "Sprache und Kommunikation"}
    )
    url = reverse("workspace:object_history", args=["catalog.area", area.pk])
    reader = client_for("leser")
    html = reader.get(url).content.decode()
    assert "Name:</strong> „Sprache“ → „Sprache und Kommunikation“" in html.replace("&quot;", '"')
    assert reader.get(reverse("workspace:object_history", args=["accounts.user", 1])).status_code == 404
    assert Client().get(url).status_code == 302


def test_list_nav_marks_current_page(kinds: dict[str, Measure]) -> None:
    html = client_for("bmi").get(reverse("workspace:measure_list")).content.decode()
    assert 'aria-current="page">Maßnahmen<' in html


def test_similar_button_without_javascript_keeps_input_and_saves_nothing() -> None:
    make_measure("Integrationskurs für Eltern", "bmi", summary="Sprachkurs mit Kinderbetreuung")
    response = client_for("bmi").post(
        reverse("workspace:measure_create"),
        {"action": "similar", "title": "Integrationskurse für Eltern", "areas": [], "summary": "Meine Notiz"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Integrationskurs für Eltern</a>" in html
    assert "Meine Notiz" in html
    assert "error-summary" not in html
    assert Measure.objects.count() == 1


def test_implementing_agency_edits_but_does_not_archive() -> None:
    from isi.measures.services import OrganisationRole

    measure = make_measure(
        "Von BAMF durchgeführt", "bmi", organisations=[OrganisationRole(org("bamf").pk, "implementing")]
    )
    client = client_for("bamf")
    assert client.get(reverse("workspace:measure_edit", args=[measure.pk])).status_code == 200
    assert (
        client.post(reverse("workspace:measure_archive", args=[measure.pk]), {"version": 1}).status_code
        == 403
    )
    own = make_measure("BAMF eigene", "bamf")
    assert client.post(reverse("workspace:measure_archive", args=[own.pk]), {"version": 1}).status_code == 302


def test_edit_organisations_with_roles(kinds: dict[str, Measure]) -> None:
    measure = kinds["bmi_draft"]
    client = client_for("bmi")
    url = reverse("workspace:measure_edit", args=[measure.pk])
    html = client.get(url).content.decode()
    assert 'name="org_1"' in html and 'name="orgrole_2"' in html
    data = form_data(measure, org_1=org("bamf").pk, orgrole_1="implementing", org_2="", orgrole_2="partner")
    assert client.post(url, data).status_code == 302
    links = list(measure.organisation_links.values_list("organisation__key", "role"))
    assert links == [("bamf", "implementing")]
    record = history_of(measure).first()
    assert record is not None and "organisations" in record.changed_fields()
    detail = client.get(reverse("workspace:measure_detail", args=[measure.pk])).content.decode()
    assert "hinzugefügt Bundesamt für Migration und Flüchtlinge (durchführend)" in detail
