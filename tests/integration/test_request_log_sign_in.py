"""The request log names the person on the request that signs them in (issue #13, point 4): login()
replaces the lazy user with the user itself, and the log line must still find it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.integration.log_fixtures import Lines

pytestmark = pytest.mark.django_db


def test_the_sign_in_request_is_logged_with_the_user(request_log: Lines) -> None:
    user = get_user_model().objects.create_user("signin-log", password="x-very-long-password-1")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "signin-log", "password": "x-very-long-password-1"}
    )
    assert response.status_code == 302
    line = json.loads(request_log.lines[-1])
    assert line["view"] == "accounts:login"
    assert line["user_id"] == user.pk


def test_a_failed_sign_in_is_logged_without_a_user(request_log: Lines) -> None:
    get_user_model().objects.create_user("signin-log2", password="x-very-long-password-1")
    response = Client().post(reverse("accounts:login"), {"username": "signin-log2", "password": "wrong"})
    assert response.status_code == 200
    assert json.loads(request_log.lines[-1])["user_id"] is None
