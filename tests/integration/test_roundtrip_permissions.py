"""Permission matrix for every round-trip URL × role, generated from one table."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.imports.models import UploadJob
from isi.imports.roundtrip import urls as roundtrip_urls
from isi.measures.models import Measure
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

ROLES: dict[str, tuple[str, str | None] | None] = {
    "anonymous": None,
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}
EDITORS = {"bmi", "bmas", "bamf", "admin"}

# name → (method, needs a job token)
URLS: dict[str, tuple[str, bool]] = {
    "index": ("get", False),
    "download_xlsx": ("get", False),
    "download_csv": ("get", False),
    "upload": ("post", False),
    "job": ("get", True),
    "apply": ("post", True),
}


def test_table_covers_every_url() -> None:
    assert {p.name for p in roundtrip_urls.urlpatterns} == set(URLS)  # type: ignore[union-attr]


def expected(role: str, name: str, own_job: bool) -> int:
    if role == "anonymous":
        return 302  # to the sign-in page
    if role not in EDITORS:
        return 403
    if URLS[name][1] and not own_job:
        return 404
    return {"index": 200, "download_xlsx": 200, "download_csv": 200, "upload": 302, "job": 200, "apply": 302}[
        name
    ]


@pytest.fixture
def people() -> dict[str, User | None]:
    result: dict[str, User | None] = {}
    for role, spec in ROLES.items():
        if spec is None:
            result[role] = None
            continue
        kind, org_key = spec
        result[role] = User.objects.create_user(
            username=f"u-{role}",
            password="x",
            role=kind,
            organisation=Organisation.objects.get(key=org_key) if org_key else None,
        )
    return result


CASES = [(role, name) for role in ROLES for name in URLS]


@pytest.mark.parametrize(("role", "name"), CASES)
def test_matrix(people: dict[str, User | None], role: str, name: str) -> None:
    bmi_owner = people["bmi"]
    assert bmi_owner is not None
    measure = Measure.objects.create(
        title="BMI-Maßnahme", owner=Organisation.objects.get(key="bmi"), level=Level.objects.get(key="bund")
    )
    user = people[role]
    client = Client()
    if user is not None:
        client.force_login(user)
    # A job owned by this user if it is an editor, else by bmi: others must never reach it.
    job_owner = user if role in EDITORS and user is not None else bmi_owner
    csv_data = f"ID;Version;Titel\n{measure.pk};1;BMI-Maßnahme\n".encode()
    job = UploadJob.objects.create(
        user=job_owner,
        filename="x.csv",
        kind="csv",
        content=csv_data,
        state=UploadJob.State.READY,
        preview={
            "rows": [],
            "file_errors": [],
            "error_count": 0,
            "change_count": 0,
            "unchanged": 1,
            "total": 1,
        },
    )
    method, needs_job = URLS[name]
    url = reverse(f"roundtrip:{name}", args=[job.token] if needs_job else [])
    data: dict[str, Any] = {}
    if name == "upload":
        data = {"file": SimpleUploadedFile("x.csv", csv_data)}
    response = getattr(client, method)(url, data)
    assert response.status_code == expected(role, name, own_job=job_owner == user)
    if role == "anonymous":
        assert "/anmelden" in response["Location"] or "login" in response["Location"]
    before = Measure.objects.get(pk=measure.pk).version
    assert before == 1


@pytest.mark.parametrize("role", [r for r in ROLES if r in EDITORS])
def test_foreign_job_tokens_are_not_found(people: dict[str, User | None], role: str) -> None:
    user = people[role]
    assert user is not None
    client = Client()
    client.force_login(user)
    assert client.get(reverse("roundtrip:job", args=[uuid.uuid4()])).status_code == 404
