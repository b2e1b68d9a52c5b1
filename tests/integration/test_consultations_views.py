"""Every URL of the consultation and reorganisation pages × every role → expected status.

The matrix is generated from the table below (one row per URL, one column per role), not copied
per case. Plus form behaviour: errors keep input, refusals are logged and change nothing, CSRF.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.consultations.models import Consultation, ConsultationComment
from isi.consultations.services import comment_add, consultation_submit
from isi.measures.models import Measure
from isi.organisations.models import Organisation, Succession

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}
ROLE_NAMES = list(ROLES)

# URL (with {c} consultation id, {k} comment id) → statuses per role in ROLE_NAMES order:
#                                                   anon bmi  bmas bamf koord leser admin
MATRIX: dict[str, tuple[int, ...]] = {
    "/arbeitsbereich/abstimmungen/": (302, 200, 200, 200, 200, 200, 200),
    "/arbeitsbereich/abstimmungen/vorlegen/": (302, 200, 403, 403, 403, 403, 200),
    "/arbeitsbereich/abstimmungen/{c}/": (302, 200, 200, 200, 200, 200, 200),
    "/arbeitsbereich/abstimmungen/{c}/stellungnahme/": (302, 403, 200, 403, 200, 403, 403),
    "/arbeitsbereich/abstimmungen/{c}/stellungnahmen/{k}/bearbeiten/": (302, 403, 200, 403, 403, 403, 403),
    "/arbeitsbereich/abstimmungen/{c}/entscheidung/": (302, 200, 403, 403, 403, 403, 200),
    "/arbeitsbereich/abstimmungen/nachfolgen/": (302, 200, 200, 200, 200, 200, 200),
    "/arbeitsbereich/abstimmungen/nachfolgen/erfassen/": (302, 403, 403, 403, 200, 403, 200),
    "/arbeitsbereich/abstimmungen/nachfolgen/stichtag/": (302, 200, 200, 200, 200, 200, 200),
    "/arbeitsbereich/abstimmungen/nachfolgen/stichtag/?on=2024-01-01": (302, 200, 200, 200, 200, 200, 200),
}
CASES = [(url, role, statuses[i]) for url, statuses in MATRIX.items() for i, role in enumerate(ROLE_NAMES)]


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_user(name: str) -> User | None:
    spec = ROLES[name]
    if spec is None:
        return None
    role, org_key = spec
    return User.objects.create_user(
        username=name, password="x", role=role, organisation=org(org_key) if org_key else None
    )


@pytest.fixture
def users() -> dict[str, User | None]:
    return {name: make_user(name) for name in ROLE_NAMES}


@pytest.fixture
def consultation(users: dict[str, User | None]) -> Consultation:
    measure = Measure.objects.create(
        title="Sprachkita-Programm", owner=org("bmi"), level=Level.objects.get(key="bund")
    )
    return consultation_submit(
        measure=measure,
        actor=users["bmi"],
        kind=Consultation.Kind.NEW_PROGRAMME,
        summary="Neues Programm zur Abstimmung.",
        comment_until=timezone.localdate() + timedelta(days=10),
    )


@pytest.fixture
def comment(consultation: Consultation, users: dict[str, User | None]) -> ConsultationComment:
    return comment_add(consultation=consultation, actor=users["bmas"], text="Stellungnahme des BMAS.")


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_url_role_matrix(
    users: dict[str, User | None],
    consultation: Consultation,
    comment: ConsultationComment,
    url: str,
    role: str,
    expected: int,
) -> None:
    response = client_for(users[role]).get(url.format(c=consultation.pk, k=comment.pk))
    assert response.status_code == expected
    if expected == 302:
        assert "/konto/anmelden/" in response["Location"]


def test_every_url_is_in_the_matrix() -> None:
    from isi.consultations.urls import urlpatterns

    routes = {"/arbeitsbereich/abstimmungen/" + str(p.pattern) for p in urlpatterns}
    covered = {
        url.split("?")[0].replace("{c}", "<int:pk>").replace("{k}", "<int:comment_id>") for url in MATRIX
    }
    assert routes == covered


def test_refused_posts_are_logged_and_change_nothing(
    users: dict[str, User | None], consultation: Consultation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="isi.audit")
    base = f"/arbeitsbereich/abstimmungen/{consultation.pk}/"
    assert client_for(users["bmi"]).post(base + "stellungnahme/", {"text": "selbst"}).status_code == 403
    assert (
        client_for(users["bmas"])
        .post(base + "entscheidung/", {"decision": "agreed", "decision_reasons": "x"})
        .status_code
        == 403
    )
    assert (
        client_for(users["bmi"])
        .post(
            "/arbeitsbereich/abstimmungen/nachfolgen/erfassen/",
            {"predecessor": org("bmi").pk, "successor": org("bmas").pk, "effective_on": "2025-01-01"},
        )
        .status_code
        == 403
    )
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.OPEN
    assert not consultation.comments.exists()
    assert not Succession.objects.filter(predecessor=org("bmi")).exists()
    denied = [r.getMessage() for r in caplog.records if "event=denied" in r.getMessage()]
    assert len(denied) == 3
    assert all("user=" in line and "path=" in line for line in denied)


def test_submit_comment_decide_through_the_pages(users: dict[str, User | None]) -> None:
    measure = Measure.objects.create(
        title="Projekt Brücke", owner=org("bmi"), level=Level.objects.get(key="bund")
    )
    bmi, bmas = client_for(users["bmi"]), client_for(users["bmas"])
    # A field error keeps what was typed.
    response = bmi.post(
        "/arbeitsbereich/abstimmungen/vorlegen/",
        {
            "measure": measure.pk,
            "kind": "important_project",
            "summary": "Mein Text bleibt",
            "comment_until": "2001-01-01",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mein Text bleibt" in body
    assert "Vergangenheit" in body
    response = bmi.post(
        "/arbeitsbereich/abstimmungen/vorlegen/",
        {
            "measure": measure.pk,
            "kind": "important_project",
            "summary": "Bitte um Stellungnahme.",
            "comment_until": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get(measure=measure)
    url = f"/arbeitsbereich/abstimmungen/{consultation.pk}/"
    assert bmas.post(url + "stellungnahme/", {"text": ""}).status_code == 400
    assert bmas.post(url + "stellungnahme/", {"text": "BMAS stimmt zu."}).status_code == 302
    response = bmi.post(url + "entscheidung/", {"decision": "agreed", "decision_reasons": ""})
    assert response.status_code == 400
    assert (
        bmi.post(
            url + "entscheidung/", {"decision": "agreed", "decision_reasons": "Einvernehmen."}
        ).status_code
        == 302
    )
    page = client_for(users["leser"]).get(url).content.decode()
    assert "Bitte um Stellungnahme." in page and "BMAS stimmt zu." in page and "Einvernehmen." in page
    measure.refresh_from_db()
    assert measure.version == 1


def test_post_without_csrf_token_is_refused(
    users: dict[str, User | None], consultation: Consultation
) -> None:
    client = Client(enforce_csrf_checks=True)
    user = users["bmas"]
    assert user is not None
    client.force_login(user)
    url = f"/arbeitsbereich/abstimmungen/{consultation.pk}/stellungnahme/"
    response = client.post(url, {"text": "ohne Token"})
    # Refused, nothing written; the typed text is kept as a draft and the form shown again with it
    # (issue 15.3), for the person to check and send again with a valid token.
    assert response.status_code == 302
    assert response["Location"].startswith(url + "?entwurf=")
    assert not consultation.comments.exists()
    assert "ohne Token" in client.get(response["Location"]).content.decode()
    assert not consultation.comments.exists()


def test_succession_form_keeps_input_and_records(users: dict[str, User | None]) -> None:
    client = client_for(users["koordination"])
    old = Organisation.objects.create(key="bmalt", name="Bundesministerium Alt", kind="federal_ministry")
    new = Organisation.objects.create(key="bmneu", name="Bundesministerium Neu", kind="federal_ministry")
    measure = Measure.objects.create(title="Altprogramm", owner=old, level=Level.objects.get(key="bund"))
    url = "/arbeitsbereich/abstimmungen/nachfolgen/erfassen/"
    response = client.post(
        url,
        {"predecessor": old.pk, "successor": old.pk, "effective_on": "2025-05-06", "note": "Neuzuschnitt"},
    )
    assert response.status_code == 400
    assert "verschiedene Organisationen" in response.content.decode()
    assert "Neuzuschnitt" in response.content.decode()
    response = client.post(
        url,
        {"predecessor": old.pk, "successor": new.pk, "effective_on": "2025-05-06", "measures": ["999999"]},
    )
    assert response.status_code == 400
    assert "999999" in response.content.decode()
    response = client.post(url, {"predecessor": old.pk, "successor": new.pk, "effective_on": "2025-05-06"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.owner == new
    report = client.get("/arbeitsbereich/abstimmungen/nachfolgen/stichtag/?on=2025-05-05").content.decode()
    assert "Altprogramm" in report and "Bundesministerium Alt" in report


def test_succession_of_selected_measures_through_the_form(users: dict[str, User | None]) -> None:
    client = client_for(users["koordination"])
    old = Organisation.objects.create(key="bmalt", name="Bundesministerium Alt", kind="federal_ministry")
    new = Organisation.objects.create(key="bmneu", name="Bundesministerium Neu", kind="federal_ministry")
    level = Level.objects.get(key="bund")
    moving = Measure.objects.create(title="Geht über", owner=old, level=level)
    staying = Measure.objects.create(title="Bleibt", owner=old, level=level)
    url = "/arbeitsbereich/abstimmungen/nachfolgen/erfassen/"
    data = {"predecessor": old.pk, "successor": new.pk, "effective_on": "2025-05-06"}
    loaded = client.post(url, {**data, "laden": "1"})
    assert loaded.status_code == 200
    body = loaded.content.decode()
    assert "Geht über" in body and "Bleibt" in body
    assert not Succession.objects.filter(predecessor=old).exists()
    assert client.post(url, {**data, "measures": [str(moving.pk)]}).status_code == 302
    moving.refresh_from_db()
    staying.refresh_from_db()
    assert (moving.owner, staying.owner) == (new, old)
    old.refresh_from_db()
    assert old.dissolved_on is None
