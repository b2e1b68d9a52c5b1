"""Sign-in security: lock-out, new session on sign-in, time-outs, sign-out and disabling end sessions.

Runs on SQLite and PostgreSQL (`scripts/with-postgres`). Time-outs are tested by moving the
timestamps stored in the session into the past, never by sleeping.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings

from isi.accounts.demo import ensure_demo_users
from isi.accounts.models import User, UserSession
from isi.accounts.services import AUTH_AT, SEEN_AT, deactivate_user
from isi.api.models import ApiToken
from isi.measures.models import Measure
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

LOGIN = "/konto/anmelden/"
LOGOUT = "/konto/abmelden/"
ACCOUNT = "/konto/"
PASSWORD = "richtig-langes-passwort"
HOME_IP = "10.1.1.1"
OTHER_IP = "10.2.2.2"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def person() -> User:
    return User.objects.create_user(
        username="bmi",
        password=PASSWORD,
        role=User.Role.DESK_OFFICER,
        organisation=Organisation.objects.get(key="bmi"),
        first_name="Referat",
        last_name="Integration",
    )


@pytest.fixture
def audit(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The isi.audit lines of the test (the logger does not propagate, so attach caplog to it)."""
    logger = logging.getLogger("isi.audit")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="isi.audit")
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


def sign_in(client: Client, password: str = PASSWORD, username: str = "bmi") -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(ip: str = HOME_IP) -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = sign_in(client)
    assert response.status_code == 302, response
    return client


def shift_session(client: Client, **seconds: int) -> None:
    """Move the stored sign-in / last-seen timestamps `seconds` into the past."""
    session = client.session
    for key, by in seconds.items():
        session[{"auth": AUTH_AT, "seen": SEEN_AT}[key]] -= by
    session.save()


# --- sign-in form ---------------------------------------------------------------------------


def test_login_page_has_autocomplete_and_one_h1() -> None:
    html = Client().get(LOGIN).content.decode()
    assert html.count("<h1") == 1
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_unknown_user_and_wrong_password_get_the_same_answer(person: User) -> None:
    wrong_password = Client(REMOTE_ADDR=HOME_IP).post(LOGIN, {"username": "bmi", "password": "falsch"})
    unknown = Client(REMOTE_ADDR=HOME_IP).post(LOGIN, {"username": "gibtsnicht", "password": "falsch"})
    person.is_active = False
    person.save()
    disabled = Client(REMOTE_ADDR=HOME_IP).post(LOGIN, {"username": "bmi", "password": PASSWORD})
    for response in (wrong_password, unknown, disabled):
        assert response.status_code == 200
        assert "Benutzername oder Passwort stimmen nicht" in response.content.decode()
    # The rejected form keeps the username, never the password.
    assert 'value="bmi"' in wrong_password.content.decode()
    assert 'value="falsch"' not in wrong_password.content.decode()


def test_empty_fields_are_explained_in_german() -> None:
    html = Client().post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert "Bitte geben Sie Ihren Benutzernamen ein." in html
    assert "Bitte geben Sie Ihr Passwort ein." in html
    assert 'aria-invalid="true"' in html


# --- lock-out -------------------------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address(
    person: User, audit: pytest.LogCaptureFixture
) -> None:
    client = Client(REMOTE_ADDR=HOME_IP)
    for _ in range(4):
        assert sign_in(client, "falsch").status_code == 200
    fifth = sign_in(client, "falsch")
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert html.count("<h1") == 1
    assert "Anmeldung vorübergehend gesperrt" in html
    assert "15 Minuten" in html
    assert "Traceback" not in html
    # Even the right password is refused now.
    locked = sign_in(client)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert any("event=lockout username=bmi ip=10.1.1.1" in line for line in audit.messages)
    assert sum("event=login_failed" in line for line in audit.messages) >= 5


def test_lock_is_per_username_and_address(person: User) -> None:
    attacker = Client(REMOTE_ADDR=HOME_IP)
    for _ in range(5):
        sign_in(attacker, "falsch")
    assert sign_in(attacker).status_code == 429
    # The same person from another address (the ministry's own network) still gets in.
    assert signed_in(OTHER_IP).session["_auth_user_id"] == str(person.pk)


def test_success_resets_the_failure_count(person: User) -> None:
    client = Client(REMOTE_ADDR=HOME_IP)
    for _ in range(4):
        sign_in(client, "falsch")
    assert sign_in(client).status_code == 302
    client.post(LOGOUT)
    for _ in range(4):
        assert sign_in(client, "falsch").status_code == 200


# --- sessions -------------------------------------------------------------------------------


def test_sign_in_issues_a_new_session_key(person: User, audit: pytest.LogCaptureFixture) -> None:
    client = Client(REMOTE_ADDR=HOME_IP)
    client.get(LOGIN)
    session = client.session
    session["vorher"] = "x"
    session.save()
    before = session.session_key
    assert sign_in(client).status_code == 302
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert UserSession.objects.filter(user=person, session_key=after).exists()
    assert any("event=login user=bmi#" in line for line in audit.messages)


def test_sign_out_is_post_only_and_ends_the_server_session(
    person: User, audit: pytest.LogCaptureFixture
) -> None:
    client = signed_in()
    key = client.session.session_key
    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    # The old cookie no longer authenticates.
    stale = Client()
    stale.cookies["sessionid"] = key or ""
    assert stale.get(ACCOUNT).status_code == 302
    assert any("event=logout user=bmi#" in line for line in audit.messages)


def test_sign_out_needs_csrf(person: User) -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=HOME_IP)
    client.force_login(person)
    assert client.post(LOGOUT).status_code == 403
    assert client.get(ACCOUNT).status_code == 200


def test_active_session_within_limits_stays(person: User) -> None:
    client = signed_in()
    shift_session(client, seen=29 * 60, auth=9 * 60 * 60)
    assert client.get(ACCOUNT).status_code == 200


def test_idle_timeout_signs_out_on_the_server(person: User, audit: pytest.LogCaptureFixture) -> None:
    client = signed_in()
    key = client.session.session_key
    shift_session(client, seen=30 * 60 + 1)
    response = client.get(ACCOUNT, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "30 Minuten lang nichts getan" in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()
    assert any("event=session_timeout kind=idle user=bmi#" in line for line in audit.messages)


def test_absolute_timeout_signs_out_even_when_active(person: User, audit: pytest.LogCaptureFixture) -> None:
    client = signed_in()
    key = client.session.session_key
    shift_session(client, auth=10 * 60 * 60)  # signed in 10 h ago, last seen just now
    response = client.get(ACCOUNT, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "länger als 10 Stunden" in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()
    assert any("event=session_timeout kind=absolute user=bmi#" in line for line in audit.messages)


def test_requests_keep_the_idle_clock_running(person: User) -> None:
    client = signed_in()
    shift_session(client, seen=20 * 60)
    assert client.get(ACCOUNT).status_code == 200
    shift_session(client, seen=20 * 60)  # 20 min after that request: still within 30 min of it
    assert client.get(ACCOUNT).status_code == 200


def test_deactivation_ends_every_session_at_once(person: User, audit: pytest.LogCaptureFixture) -> None:
    first, second = signed_in(), signed_in(OTHER_IP)
    keys = {first.session.session_key, second.session.session_key}
    admin = User.objects.create_user(username="chefin", password="x", role=User.Role.ADMIN)
    deactivate_user(person, by=admin)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=person).exists()
    # A client still holding the cookie is sent to the sign-in page.
    response = second.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert any("event=user_deactivated user=bmi#" in line and "by=chefin#" in line for line in audit.messages)
    assert any(
        "event=session_end reason=deactivated user=bmi#" in line and "sessions=2" in line
        for line in audit.messages
    )


def test_deactivation_by_plain_save_ends_sessions_too(person: User) -> None:
    client = signed_in()
    person.is_active = False
    person.save()
    assert client.get(ACCOUNT).status_code == 302
    assert not UserSession.objects.filter(user=person).exists()


def test_other_saves_leave_sessions_alone(person: User) -> None:
    client = signed_in()
    person.first_name = "Neu"
    person.save()
    assert client.get(ACCOUNT).status_code == 200


@override_settings(ISI_ADMIN_ALLOWED_NETWORKS=["10.0.0.0/8"])  # the admin's own network
def test_deactivation_through_the_admin(person: User) -> None:
    client = signed_in()
    admin = User.objects.create_superuser(username="chefin", password="x", role=User.Role.ADMIN)
    staff = Client(REMOTE_ADDR=OTHER_IP)
    staff.force_login(admin)
    response = staff.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert client.get(ACCOUNT).status_code == 302


def test_the_account_page_needs_a_sign_in() -> None:
    response = Client().get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- the API is unaffected by axes ------------------------------------------------------------


def test_api_token_and_anonymous_reads_still_work(person: User) -> None:
    _token, secret = ApiToken.issue(person, name="test")
    with_token = Client(headers={"Authorization": f"Bearer {secret}"})
    assert with_token.get("/api/v1/measures").status_code == 200
    assert Client().get("/api/v1/measures").status_code == 200
    assert Measure.objects.count() >= 0


def test_a_locked_out_username_does_not_block_its_api_token(person: User) -> None:
    _token, secret = ApiToken.issue(person, name="test")
    attacker = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(5):
        sign_in(attacker, "falsch")
    with_token = Client(headers={"Authorization": f"Bearer {secret}"})
    assert with_token.get("/api/v1/measures").status_code == 200


def test_demo_setup_lifts_lock_outs_of_demo_accounts() -> None:
    with override_settings(DEMO_MODE=True):
        ensure_demo_users("demo-passwort")
        client = Client(REMOTE_ADDR=HOME_IP)
        for _ in range(5):
            sign_in(client, "falsch")
        assert sign_in(client, "demo-passwort").status_code == 429
        ensure_demo_users("demo-passwort")
        assert sign_in(client, "demo-passwort").status_code == 302
