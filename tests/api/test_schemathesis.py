"""Property-based tests of the API against its own OpenAPI schema (schemathesis).

The app runs on pytest-django's live server (real HTTP, transactional database with the
catalogues and the registry reloaded and a few measures created). Schemathesis reads
/api/v1/openapi.json and sends generated requests to every GET operation and to POST /finder
anonymously, and to every GET, POST and PATCH operation with the API token of a desk officer,
checking that no request causes a server error (not_a_server_error) and that every response
matches the schema.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import schemathesis
from django.urls import clear_url_caches
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from isi.accounts.models import User
from isi.api.api import api
from isi.catalog.models import Area, TargetGroup
from isi.measures.models import Measure
from tests.api.support import make_measure, make_user, token_for

MAX_EXAMPLES = 25


# The schema the API serves, built in-process (the served copy is compared in the test below).
OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
schema = (
    schemathesis.openapi.from_dict(OPENAPI)
    .include(method="GET")
    .include(method="POST", path="/api/v1/finder")
)
# Signed in: reads and writes (writes change the throw-away database of the live server).
signed_in_schema = schemathesis.openapi.from_dict(OPENAPI).include(method=["GET", "POST", "PATCH"])


@pytest.fixture
def live_api(live_server: Any, reference_data: None, settings: Any) -> str:
    """The live server's base URL, with the API mounted, rate limits off and a few measures."""
    settings.ROOT_URLCONF = "tests.api_urls"
    settings.ISI_API_RATE = ""  # schemathesis sends hundreds of requests from one address
    clear_url_caches()
    make_measure(
        "Berufssprachkurse für Zugewanderte",
        "bmas",
        released=True,
        target_groups=list(TargetGroup.objects.filter(key__in=["erwerbsfaehige", "eu-buerger"])),
        funding_note="ESF Plus",
    )
    make_measure(
        "Erstorientierungskurse",
        "bmi",
        released=True,
        implementer="bamf",
        areas=list(Area.objects.all()),
        status=Measure.Status.RUNNING,
    )
    make_measure("Entwurf Integrationslotsen", "bmi", released=False)
    return str(live_server.url)


@pytest.fixture
def bmi_token(live_api: str) -> str:
    user = User.objects.filter(username="bmi").first() or make_user("bmi")
    return token_for(user, name="schemathesis")


def test_served_schema_is_the_tested_one(live_api: str) -> None:
    response = requests.get(f"{live_api}/api/v1/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(OPENAPI))


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case: Any, live_api: str) -> None:
    case.call_and_validate(base_url=live_api, checks=[not_a_server_error, response_schema_conformance])


@signed_in_schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_signed_in_has_no_server_errors(case: Any, live_api: str, bmi_token: str) -> None:
    case.call_and_validate(
        base_url=live_api,
        headers={"Authorization": f"Bearer {bmi_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
