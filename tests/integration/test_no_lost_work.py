"""No lost work (issue 15, point 3): drafts after time-out and CSRF failure, the friendly CSRF
page, one result per create token, "Gespeichert", the keep-alive endpoint."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.core.drafts import COOKIE, MAX_BYTES
from isi.core.models import FormDraft, SubmitToken
from isi.core.submit import FIELD, once_per_token
from isi.measures.models import Measure
from isi.measures.services import measure_create
from isi.organisations.models import Organisation
from isi.workspace.models import SavedFilter

pytestmark = pytest.mark.django_db

CREATE = "/arbeitsbereich/massnahmen/neu/"
RESTORED = "Ihre Eingaben wurden wiederhergestellt – bitte prüfen und speichern"


def desk_officer(name: str = "referentin", org: str = "bmi") -> User:
    return User.objects.create_user(
        username=name, password="x", role="desk_officer", organisation=Organisation.objects.get(key=org)
    )


def signed_in(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    client.get(reverse("workspace:measure_list"))  # starts the session clock
    return client


def let_session_idle(client: Client, seconds: int = 3 * 3600) -> None:
    session = client.session
    session["isi_seen_at"] = session["isi_seen_at"] - seconds
    session["isi_auth_at"] = session["isi_auth_at"] - 60
    session.save()


def draft_target(location: str) -> str:
    """The `next` address of a sign-in redirect (the form with ?entwurf=…)."""
    query = parse_qs(urlparse(location).query)
    return unquote(query["next"][0])


def typed_input(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Sprachkurse für Eltern",
        "summary": "Deutschkurse mit Kinderbetreuung am Vormittag.",
        "status": "planned",
        "owner": Organisation.objects.get(key="bmi").pk,
        "level": Level.objects.get(key="bund").pk,
        "publication": "draft",
        **extra,
    }


def a_measure(owner: str = "bmi") -> Measure:
    return measure_create(
        fields={
            "title": "Integrationskurs für Eltern",
            "summary": "Sprachkurs mit Kinderbetreuung.",
            "owner": Organisation.objects.get(key=owner),
            "level": Level.objects.get(key="bund"),
        },
        source="test",
        check_rules=False,
    )


# --- drafts after the idle time-out ------------------------------------------------------------


def test_save_after_idle_timeout_keeps_input_and_restores_it_after_sign_in() -> None:
    user = desk_officer()
    client = signed_in(user)
    let_session_idle(client)

    response = client.post(CREATE, typed_input())

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/?next=")
    target = draft_target(response["Location"])
    assert target.startswith(CREATE + "?entwurf=")
    assert not Measure.objects.exists()  # nothing saved on the person's behalf
    draft = FormDraft.objects.get()
    assert draft.user == user and draft.path == CREATE
    assert draft.data["title"] == ["Sprachkurse für Eltern"]
    assert "csrfmiddlewaretoken" not in draft.data

    client.force_login(user)
    page = client.get(target)
    html = page.content.decode()
    assert page.status_code == 200
    assert RESTORED in html
    assert 'value="Sprachkurse für Eltern"' in html
    assert "Deutschkurse mit Kinderbetreuung am Vormittag." in html
    assert not Measure.objects.exists()  # still only shown, never saved


def test_a_draft_is_shown_only_to_its_author() -> None:
    author = desk_officer()
    client = signed_in(author)
    let_session_idle(client)
    target = draft_target(client.post(CREATE, typed_input())["Location"])

    colleague = signed_in(desk_officer("kollege"))
    html = colleague.get(target).content.decode()
    assert RESTORED not in html
    assert "Sprachkurse für Eltern" not in html


def test_expired_draft_and_draft_of_another_form_are_not_loaded() -> None:
    user = desk_officer()
    client = signed_in(user)
    let_session_idle(client)
    target = draft_target(client.post(CREATE, typed_input())["Location"])
    client.force_login(user)
    token = target.split("entwurf=")[1]
    elsewhere = client.get(f"/arbeitsbereich/massnahmen/{a_measure().pk}/bearbeiten/?entwurf={token}")
    assert RESTORED not in elsewhere.content.decode()
    FormDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert RESTORED not in client.get(target).content.decode()


def test_draft_leaves_out_passwords_and_refuses_oversized_input() -> None:
    user = desk_officer()
    client = signed_in(user)
    let_session_idle(client)
    client.post(CREATE, typed_input(password="geheim", new_passwort="geheim"))
    assert set(FormDraft.objects.get().data) >= {"title", "summary"}
    assert not {"password", "new_passwort"} & set(FormDraft.objects.get().data)

    FormDraft.objects.all().delete()
    client = signed_in(user)
    let_session_idle(client)
    response = client.post(CREATE, typed_input(summary="x" * (MAX_BYTES + 1)))
    assert not FormDraft.objects.exists()
    assert response.status_code == 302 and "entwurf" not in unquote(response["Location"])


def test_without_a_known_person_the_draft_belongs_to_the_browser() -> None:
    browser = Client()
    response = browser.post(CREATE, typed_input())  # session already gone entirely
    target = draft_target(response["Location"])
    assert FormDraft.objects.get().user is None
    assert response.cookies[COOKIE].value == target.split("entwurf=")[1]

    user = desk_officer()
    other_browser = signed_in(user)
    assert RESTORED not in other_browser.get(target).content.decode()  # no cookie: not theirs

    browser.force_login(user)
    assert RESTORED in browser.get(target).content.decode()
    assert FormDraft.objects.get().user == user  # claimed by the first person signing in there


# --- CSRF failure ------------------------------------------------------------------------------


def test_csrf_failure_on_a_form_keeps_the_input_and_returns_to_the_filled_form() -> None:
    user = desk_officer()
    measure = a_measure()
    client = signed_in(user, enforce_csrf_checks=True)
    url = f"/arbeitsbereich/massnahmen/{measure.pk}/bearbeiten/"
    response = client.post(url, {"title": "Neuer Titel nach Anmeldung im anderen Tab", "version": 1})
    assert response.status_code == 302
    assert response["Location"].startswith(url + "?entwurf=")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert RESTORED in html
    assert 'value="Neuer Titel nach Anmeldung im anderen Tab"' in html
    Measure.objects.get(pk=measure.pk, title="Integrationskurs für Eltern")  # unchanged


def test_csrf_failure_elsewhere_is_the_friendly_page_in_the_kern_layout() -> None:
    client = signed_in(desk_officer(), enforce_csrf_checks=True)
    response = client.post(reverse("workspace:saved_filter_create"), {"name": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Formular abgelaufen" in html and "kern-alert" in html
    assert "CSRF verification failed" not in html and "DEBUG" not in html
    assert not FormDraft.objects.exists()
    assert not SavedFilter.objects.exists()


# --- one result per create token ---------------------------------------------------------------


def _creating_view(request: HttpRequest) -> HttpResponse:
    if request.POST.get("name") == "":
        return HttpResponse("form with errors", status=200)
    me: Any = request.user
    saved = SavedFilter.objects.create(user=me, name=f"f{SavedFilter.objects.count()}", query="")
    return HttpResponseRedirect(f"/ergebnis/{saved.pk}/")


def test_second_post_with_the_same_token_goes_to_the_first_result() -> None:
    user = desk_officer()
    view = once_per_token(_creating_view)
    factory = RequestFactory()

    def post(data: dict[str, str]) -> HttpResponse:
        request = factory.post("/neu/", data)
        request.user = user
        request.session = Client().session
        request._messages = CookieStorage(request)  # type: ignore[attr-defined]
        return view(request)

    old = SubmitToken.objects.create(user=user, token="tok-old", url="/ergebnis/0/")
    SubmitToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    first = post({FIELD: "tok-1", "name": "a"})
    assert not SubmitToken.objects.filter(pk=old.pk).exists()  # old claims are cleared away
    second = post({FIELD: "tok-1", "name": "a"})
    assert first["Location"] == second["Location"]
    assert SavedFilter.objects.count() == 1
    assert SubmitToken.objects.get(token="tok-1").url == first["Location"]
    third = post({FIELD: "tok-2", "name": "a"})  # a new form: a new object
    assert third["Location"] != first["Location"] and SavedFilter.objects.count() == 2


def test_a_refused_form_does_not_use_up_its_token() -> None:
    user = desk_officer()
    view = once_per_token(_creating_view)
    factory = RequestFactory()
    request = factory.post("/neu/", {FIELD: "tok-3", "name": ""})
    request.user = user
    assert view(request).status_code == 200
    assert not SubmitToken.objects.exists()


def test_double_click_on_create_makes_one_measure() -> None:
    user = desk_officer()
    client = signed_in(user)
    page = client.get(CREATE).content.decode()
    assert f'name="{FIELD}"' in page
    token = page.split(f'name="{FIELD}" value="')[1].split('"')[0]
    data = typed_input(
        offer_type="complementary",
        complementary_need="Eltern kleiner Kinder",
        regular_system_reason="Das Regelsystem erreicht die Gruppe nicht.",
        eval_state="planned",
        eval_method="Befragung",
        eval_due_date="2030-01-01",
        **{FIELD: token},
    )
    first = client.post(CREATE, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(CREATE, data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Measure.objects.count() == 1
    texts = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("bereits gesendet" in t for t in texts)


# --- "Gespeichert" and the keep-alive endpoint -------------------------------------------------


def test_saved_message_is_shown_in_the_status_region() -> None:
    user = desk_officer()
    client = signed_in(user)
    client.post(reverse("workspace:saved_filter_create"), {"name": "Meine", "query": "status=planned"})
    measure = a_measure()
    response = client.post(f"/arbeitsbereich/massnahmen/{measure.pk}/archiv/", {"version": measure.version})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    region = html.split('id="status-messages"')[1].split("</div></div></div>")[0]
    assert 'role="status"' in html.split('id="status-messages"')[0][-200:] + region[:100]
    assert "Gespeichert." in region


def test_keep_alive_restarts_the_idle_clock_and_pages_tell_the_seconds_left(settings: Any) -> None:
    settings.ISI_SESSION_IDLE_SECONDS = 600
    client = signed_in(desk_officer())
    # Last seen 30 s ago: under the 60 s resolution, so this request does not move the clock.
    let_session_idle(client, 30)
    page = client.get(reverse("workspace:measure_list"))
    assert 560 <= int(page["X-ISI-Session-Seconds"]) <= 570
    assert 'id="session-warning"' in page.content.decode()
    assert "Angemeldet bleiben" in page.content.decode()
    response = client.post(reverse("accounts:keep_alive"))
    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "seconds_left": 600}
    assert int(client.get(reverse("workspace:measure_list"))["X-ISI-Session-Seconds"]) >= 599
    assert Client().post(reverse("accounts:keep_alive")).status_code == 401


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")  # a transactional test flushes the registry rows
def test_two_simultaneous_posts_with_one_token_create_one_object() -> None:
    """A double click sends the second POST while the first is still working: it waits for the
    first one's claim (PostgreSQL: the unique index blocks until the first transaction ends;
    SQLite: the write lock, tried again while it is held) and is then sent to its result."""
    import threading
    import time

    from django.db import connection

    user = desk_officer()
    started = threading.Event()

    def slow_view(request: HttpRequest) -> HttpResponse:
        started.set()
        time.sleep(0.5)
        return _creating_view(request)

    view = once_per_token(slow_view)
    results: list[HttpResponse] = []

    def post() -> None:
        try:
            request = RequestFactory().post("/neu/", {FIELD: "tok-parallel", "name": "a"})
            request.user = user
            request._messages = CookieStorage(request)  # type: ignore[attr-defined]
            results.append(view(request))
        finally:
            connection.close()

    first = threading.Thread(target=post)
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=post)
    second.start()
    first.join(20)
    second.join(20)
    assert len(results) == 2
    assert SavedFilter.objects.count() == 1
    assert results[0]["Location"] == results[1]["Location"]


def test_comment_typed_before_the_time_out_comes_back_and_is_sent_once() -> None:
    from isi.consultations.models import Consultation, ConsultationComment

    consultation = Consultation.objects.create(
        measure=a_measure(owner="bmas"),
        kind=Consultation.Kind.values[0],
        summary="Abstimmung",
        comment_until=timezone.localdate() + timedelta(days=14),
        submitted_by=desk_officer("bmas-referent", "bmas"),
    )
    user = desk_officer()
    url = reverse("consultations:comment", args=[consultation.pk])
    client = signed_in(user)
    page = client.get(url).content.decode()
    token = page.split(f'name="{FIELD}" value="')[1].split('"')[0]
    let_session_idle(client)
    target = draft_target(
        client.post(url, {"text": "Wir sehen eine Überschneidung.", FIELD: token})["Location"]
    )
    client.force_login(user)
    html = client.get(target).content.decode()
    assert RESTORED in html and "Wir sehen eine Überschneidung." in html
    for _attempt in range(2):
        response = client.post(url, {"text": "Wir sehen eine Überschneidung.", FIELD: token})
        assert response.status_code == 302
    assert ConsultationComment.objects.filter(consultation=consultation).count() == 1


def test_proposal_typed_before_the_time_out_comes_back_with_its_measures() -> None:
    first, second = a_measure(owner="bmi"), a_measure(owner="bmas")
    Measure.objects.filter(pk__in=[first.pk, second.pk]).update(publication=Measure.Publication.RELEASED)
    user = User.objects.create_user(
        username="koordination",
        password="x",
        role="coordination",
        organisation=Organisation.objects.get(key="ib"),
    )
    url = reverse("coordination:proposal_create")
    client = signed_in(user)
    let_session_idle(client)
    typed = {
        "kind": "merge",
        "title": "Elternkurse zusammenlegen",
        "reasons": "Beide richten sich an dieselben Eltern.",
        "measures": [first.pk, second.pk],
    }
    target = draft_target(client.post(url, typed)["Location"])
    client.force_login(user)
    html = client.get(target).content.decode()
    assert RESTORED in html
    assert 'value="Elternkurse zusammenlegen"' in html and "Beide richten sich an dieselben Eltern." in html
    for measure in (first, second):
        box = re.search(rf'<input[^>]*name="measures"[^>]*value="{measure.pk}"[^>]*>', html)
        assert box is not None and "checked" in box.group(0)


def test_decision_reasons_typed_before_the_time_out_come_back() -> None:
    from isi.consultations import views as consultation_views
    from isi.consultations.models import Consultation
    from isi.core.drafts import view_keeps_drafts

    assert view_keeps_drafts(consultation_views.comment_edit_view)  # the mark survives the decorators
    owner = desk_officer("bmas-referent", "bmas")
    consultation = Consultation.objects.create(
        measure=a_measure(owner="bmas"),
        kind=Consultation.Kind.values[0],
        summary="Abstimmung",
        comment_until=timezone.localdate() + timedelta(days=14),
        submitted_by=owner,
    )
    url = reverse("consultations:decide", args=[consultation.pk])
    client = signed_in(owner)
    let_session_idle(client)
    response = client.post(
        url, {"decision": "agreed", "decision_reasons": "Alle Ressorts sind einverstanden."}
    )
    target = draft_target(response["Location"])
    client.force_login(owner)
    html = client.get(target).content.decode()
    assert RESTORED in html and "Alle Ressorts sind einverstanden." in html
    consultation.refresh_from_db()
    assert consultation.state != Consultation.State.DECIDED
