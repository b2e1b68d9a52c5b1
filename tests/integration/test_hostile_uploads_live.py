"""Hostile uploads against the live (threaded) server: three at once, like the reviewer's run,
while another request must still be answered promptly."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.imports.models import UploadJob
from isi.organisations.models import Organisation
from tests.integration.test_hostile_uploads import CORPUS, FILES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    # Django's live server shares one in-memory SQLite connection among its threads, so parallel
    # requests misuse it ("bad parameter or other API misuse"); that is the test harness, not ISI
    # (production SQLite is a file, one connection per thread). On PostgreSQL every thread has its
    # own connection: the PostgreSQL run of `make test` runs this test.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="parallel live-server requests need PostgreSQL (runs in the PostgreSQL pass)",
    ),
]


def test_parallel_hostile_uploads_leave_the_server_answering(live_server: LiveServer) -> None:
    user = User.objects.create_user(
        username="bmi-live",
        password="x",
        role="desk_officer",
        organisation=Organisation.objects.get(key="bmi"),
    )
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = f"{live_server.url}/arbeitsbereich/excel/"

    def session() -> requests.Session:
        http = requests.Session()
        http.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
        assert http.get(url, timeout=30).status_code == 200  # sets the CSRF cookie
        return http

    def hostile(name: str, data: bytes) -> tuple[int, float]:
        http = session()
        started = time.monotonic()
        response = http.post(
            url + "hochladen/",
            data={"csrfmiddlewaretoken": http.cookies["csrftoken"]},
            files={"file": (name, data)},
            headers={"Referer": url},
            timeout=60,
        )
        return response.status_code, time.monotonic() - started

    uploads = [
        ("sparse_cell.xlsx", FILES["sparse_cell.xlsx"]),
        ("sparse_cells_many.xlsx", FILES["sparse_cells_many.xlsx"]),
        ("liste.csv", CORPUS.million_rows_csv()),
        ("zip_bomb.xlsx", FILES["zip_bomb.xlsx"]),
    ]
    probe = session()
    with ThreadPoolExecutor(max_workers=len(uploads)) as pool:
        futures = [pool.submit(hostile, name, data) for name, data in uploads]
        latencies = []
        while not all(future.done() for future in futures):
            started = time.monotonic()
            assert probe.get(f"{live_server.url}/", timeout=30).status_code == 200
            latencies.append(time.monotonic() - started)
        results = [future.result() for future in futures]
    assert all(status == 400 for status, _ in results), results
    assert all(seconds < 10 for _, seconds in results), results
    assert max(latencies, default=0) < 5, latencies
    assert not UploadJob.objects.exists()
