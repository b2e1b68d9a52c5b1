"""API authentication: Bearer tokens (hashed, revocable), sessions with CSRF, `isi token create`."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from isi.api.models import ApiToken
from isi.cli import translate_argv
from isi.measures.models import Measure
from tests.api.support import API, make_user, make_world, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]

CSRF_SECRET = "a" * 32  # a valid (unmasked) CSRF secret: 32 characters from the allowed alphabet


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def world() -> dict[str, Measure]:
    return make_world()


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def draft_visible(client: Client, measure: Measure) -> int:
    return client.get(f"{API}/measures/{measure.pk}").status_code


def test_token_authenticates_and_records_use(world: dict[str, Measure]) -> None:
    user = make_user("bmi")
    secret = token_for(user)
    assert draft_visible(bearer(secret), world["bmi_draft"]) == 200
    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None


def test_only_the_hash_is_stored(world: dict[str, Measure]) -> None:
    secret = token_for(make_user("bmi"))
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.token_hash, token.name}
    assert token.hint == secret[:12]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer isi_gibt-es-nicht",
        "Bearer ",
        "Basic Ym1pOng=",
        "isi_ohne-schema",
    ],
)
def test_bad_credentials_are_401_json(world: dict[str, Measure], header: str) -> None:
    response = Client(headers={"Authorization": header}).get(f"{API}/measures")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(world: dict[str, Measure]) -> None:
    secret = token_for(make_user("bmi"))
    ApiToken.objects.update(revoked=True)
    response = bearer(secret).get(f"{API}/measures/{world['bmi_draft'].pk}")
    assert response.status_code == 401
    assert "widerrufen" in response.json()["detail"]


def test_disabled_user_token_is_401(world: dict[str, Measure]) -> None:
    user = make_user("bmi")
    secret = token_for(user)
    user.is_active = False
    user.save()
    response = bearer(secret).patch(
        f"{API}/measures/{world['bmi_draft'].pk}",
        {"version": 1, "summary": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401
    world["bmi_draft"].refresh_from_db()
    assert world["bmi_draft"].version == 1


def test_token_write_needs_no_csrf(world: dict[str, Measure]) -> None:
    client = Client(
        enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token_for(make_user('bmi'))}"}
    )
    response = client.patch(
        f"{API}/measures/{world['bmi_draft'].pk}",
        {"version": 1, "summary": "x"},
        content_type="application/json",
    )
    assert response.status_code == 200


# --- sessions -------------------------------------------------------------------------------


def session_client(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(username))
    return client


def test_session_reads_without_csrf(world: dict[str, Measure]) -> None:
    assert draft_visible(session_client("bmi"), world["bmi_draft"]) == 200


def test_session_patch_without_csrf_is_refused(world: dict[str, Measure]) -> None:
    client = session_client("bmi")
    measure = world["bmi_draft"]
    response = client.patch(
        f"{API}/measures/{measure.pk}",
        {"version": 1, "summary": "ohne CSRF"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    measure.refresh_from_db()
    assert measure.version == 1


def test_session_post_without_csrf_is_refused(world: dict[str, Measure]) -> None:
    response = session_client("bmi").post(f"{API}/measures", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert Measure.objects.count() == len(world)


def test_session_patch_with_csrf_is_accepted(world: dict[str, Measure]) -> None:
    client = session_client("bmi")
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    response = client.patch(
        f"{API}/measures/{world['bmi_draft'].pk}",
        {"version": 1, "summary": "mit CSRF"},
        content_type="application/json",
        headers={"X-CSRFToken": CSRF_SECRET},
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "mit CSRF"


def test_anonymous_finder_post_needs_no_csrf() -> None:
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/finder", {"nationality": "eu"}, content_type="application/json"
    )
    assert response.status_code == 200


def test_disabled_session_user_is_anonymous(world: dict[str, Measure]) -> None:
    client = Client()
    user = make_user("bmi")
    client.force_login(user)
    user.is_active = False
    user.save()
    assert draft_visible(client, world["bmi_draft"]) == 404


# --- isi token create -----------------------------------------------------------------------


def test_cli_maps_token_create() -> None:
    assert translate_argv(["isi", "token", "create", "bmi", "--name", "CI"]) == [
        "isi",
        "token_create",
        "bmi",
        "--name",
        "CI",
    ]


def test_token_create_prints_a_working_token_once(world: dict[str, Measure]) -> None:
    make_user("bmi")
    out = StringIO()
    call_command("token_create", "bmi", "--name", "Abgleich", stdout=out)
    secret = out.getvalue().strip()
    assert secret.startswith("isi_")
    token = ApiToken.objects.get()
    assert token.name == "Abgleich"
    assert token.token_hash != secret
    assert draft_visible(bearer(secret), world["bmi_draft"]) == 200


def test_token_create_refuses_unknown_and_disabled_users() -> None:
    with pytest.raises(CommandError):
        call_command("token_create", "niemand", stdout=StringIO())
    make_user("bmi", active=False)
    with pytest.raises(CommandError):
        call_command("token_create", "bmi", stdout=StringIO())
    assert not ApiToken.objects.exists()
