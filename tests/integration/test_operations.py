"""Health, readiness, metrics, the JSON request log, security events and error pages (issue #13).

The database outage with a real server and a real PostgreSQL is in test_fault_database_outage.py;
here the same code paths run in-process.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from isi.operations import health, views
from isi.operations.models import SecurityEvent, WorkerHeartbeat
from tests.integration.log_fixtures import Lines

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ERROR_URLS = "tests.integration.operations_urls"


def no_queries(*args: Any) -> Any:
    raise AssertionError("the database was touched")


# --- /healthz ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database() -> None:
    client = Client()
    client.cookies["sessionid"] = "a-session-that-would-need-the-database"
    with connection.execute_wrapper(no_queries):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # a host not in ALLOWED_HOSTS: probes
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == "ok"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]


# --- /readyz -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_ready_and_names_its_checks_without_secrets() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "worker", "disk"}
    assert body["checks"]["migrations"]["unapplied"] == 0
    assert body["checks"]["worker"]["required"] is False  # immediate backend in tests
    text = response.content.decode()
    name = str(connection.settings_dict["NAME"])
    for secret in (
        name,
        "postgres://",
        "sqlite:///",
        "SECRET",
        str(connection.settings_dict.get("PASSWORD") or "x" * 40),
    ):
        assert secret not in text


@pytest.mark.django_db
def test_readyz_503_when_the_database_fails() -> None:
    def refuse(*args: Any) -> Any:
        raise OperationalError('connection to server at "db.internal" failed: Connection refused')

    with connection.execute_wrapper(refuse):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert "db.internal" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_503_with_unapplied_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    on_disk = health.migrations_on_disk() | {("operations", "9999_not_applied")}
    monkeypatch.setattr(health, "migrations_on_disk", lambda: on_disk)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False,
        "unapplied": 1,
        "ms": response.json()["checks"]["migrations"]["ms"],
    }


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, ISI_WORKER_HEARTBEAT_SECONDS=10)
def test_readyz_wants_a_fresh_worker_heartbeat_with_the_database_queue() -> None:
    client = Client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
    now = timezone.now()
    beat = WorkerHeartbeat.objects.create(worker_id="w1", started_at=now, beat_at=now - timedelta(seconds=60))
    assert client.get("/readyz").status_code == 503  # stale: older than 3 x 10 s
    beat.beat_at = now
    beat.save()
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["worker"]["ok"] is True


@pytest.mark.django_db
def test_readyz_503_when_the_disk_is_full() -> None:
    with override_settings(ISI_READY_MIN_FREE_MB=10**12):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"]["ok"] is False


# --- /metrics ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_from_loopback_with_request_and_queue_figures() -> None:
    client = Client()
    assert client.get("/").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'isi_http_request_duration_seconds_bucket{le="0.005",method="GET",view="portal:home"}' in text
    assert 'isi_http_responses_total{method="GET",status="200",view="portal:home"}' in text
    assert "isi_http_request_db_queries_bucket" in text
    assert "isi_task_queue_depth 0.0" in text
    assert "isi_task_queue_oldest_age_seconds" in text
    assert "isi_tasks_failed" in text
    assert "isi_database_up 1.0" in text
    assert "/massnahmen" not in text  # route names, not raw paths


@pytest.mark.django_db
def test_metrics_show_queue_depth_and_rebuild_times() -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="isi.rounds.tasks.send_round_reminders",
        backend_name="default",
        run_after=get_date_max(),
    )
    from isi.search import snapshot

    snapshot.current()  # ISI_SEARCH_SNAPSHOT_SECONDS=0 in tests: built now
    text = Client().get("/metrics").content.decode()
    assert "isi_task_queue_depth 1.0" in text
    assert 'isi_rebuild_seconds_count{mode="full",what="search_snapshot"}' in text


@pytest.mark.django_db
@override_settings(ISI_METRICS_ALLOWED_NETWORKS=["10.0.0.0/8"], ISI_METRICS_TOKEN="s3cret-metrics-token")
def test_metrics_elsewhere_only_with_the_token() -> None:
    client = Client()
    assert client.get("/metrics").status_code == 404  # 127.0.0.1 is not in 10/8 any more
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


@pytest.mark.django_db
def test_metrics_refused_to_a_forwarded_stranger() -> None:
    # Behind a proxy ISI was not told about, 127.0.0.1 is the proxy, not the client.
    response = Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 404


# --- the request log ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_json_line_per_request_without_the_query_string(request_log: Lines) -> None:
    response = Client().get("/massnahmen/?q=geheime+Suchbegriffe&bundesland=BY")
    assert response.status_code == 200
    assert len(request_log.lines) == 1
    line = json.loads(request_log.lines[0])
    assert line["request_id"] == response["X-Request-ID"]
    assert line["view"] == "portal:search"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["path"] == "/massnahmen/"
    assert line["db_queries"] >= 1
    assert line["duration_ms"] >= line["db_ms"] >= 0
    assert line["user_id"] is None
    assert "geheime" not in request_log.lines[0]
    assert "bundesland" not in request_log.lines[0]


@pytest.mark.django_db
def test_request_log_names_the_signed_in_user(request_log: Lines) -> None:
    user = get_user_model().objects.create_user("logtest", password="x-very-long-password-1")
    client = Client()
    client.force_login(user)
    client.get("/")
    assert json.loads(request_log.lines[-1])["user_id"] == user.pk


@pytest.mark.django_db
def test_finder_answers_never_reach_the_log(request_log: Lines) -> None:
    client = Client()
    client.get("/angebotsfinder/?aufenthalt=duldung&alter=17&sprache=A1")
    client.post(
        "/api/v1/finder", data=json.dumps({"aufenthalt": "duldung-geheim"}), content_type="application/json"
    )
    text = "\n".join(request_log.lines)
    assert len(request_log.lines) == 2
    assert "duldung" not in text and "A1" not in text


@pytest.mark.django_db
def test_request_id_from_a_trusted_proxy_only() -> None:
    client = Client()
    untrusted = client.get("/healthz", HTTP_X_REQUEST_ID="from-the-client-123")
    assert untrusted["X-Request-ID"] != "from-the-client-123"
    with override_settings(ISI_API_TRUSTED_PROXIES=["127.0.0.1/32"]):
        trusted = client.get("/healthz", HTTP_X_REQUEST_ID="from-the-proxy-123")
        assert trusted["X-Request-ID"] == "from-the-proxy-123"
        broken = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
        assert broken["X-Request-ID"] != "bad id\nwith newline"
        assert " " not in broken["X-Request-ID"]


# --- security events ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_failed_sign_in_and_refusal_are_stored(admin_client: Client) -> None:
    Client().post("/konto/anmelden/", {"username": "bmi-typo", "password": "wrong-password"})
    failed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert failed.username == "bmi-typo"
    assert failed.path == "/konto/anmelden/"
    assert failed.request_id
    assert "wrong-password" not in json.dumps(list(SecurityEvent.objects.values()), default=str)

    Client().get("/api/v1/measures/999999999?geheim=1")
    denied = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DENIED).latest("id")
    assert denied.path == "/api/v1/measures/999999999"
    assert "geheim" not in denied.path

    listing = admin_client.get("/admin/operations/securityevent/?kind__exact=login_failed")
    assert listing.status_code == 200
    assert "bmi-typo" in listing.content.decode()
    assert admin_client.get("/admin/operations/securityevent/add/").status_code == 403
    change = admin_client.get(f"/admin/operations/securityevent/{failed.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()  # read-only


# --- error pages -------------------------------------------------------------------------------


def assert_error_page(response: Any, status: int, *texts: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    request_id = response["X-Request-ID"]
    assert request_id and request_id in html
    assert "kern.min.css" in html  # the KERN layout
    # Navigation, in the page's language (an English page links the English pages, /en/…).
    lang = "" if 'lang="de"' in html else "/" + html.split('<html lang="', 1)[1].split('"', 1)[0]
    assert f'href="{lang}/massnahmen/"' in html and f'href="{lang}/angebotsfinder/"' in html
    for text in texts:
        assert text in html, text
    assert "Traceback" not in html
    return html


@pytest.mark.django_db
def test_404_in_german_and_english() -> None:
    client = Client()
    assert_error_page(
        client.get("/gibt-es-nicht/"), 404, "Seite nicht gefunden", "Vorgangsnummer", 'lang="de"'
    )
    assert_error_page(
        client.get("/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="en"),
        404,
        "Page not found",
        "Request ID",
        'lang="en"',
    )


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_400_403_500_pages_in_german_and_english() -> None:
    client = Client(raise_request_exception=False)
    assert_error_page(client.get("/test-bad/"), 400, "Ungültige Anfrage")
    assert_error_page(client.get("/test-bad/", HTTP_ACCEPT_LANGUAGE="en"), 400, "Bad request")
    assert_error_page(client.get("/test-forbidden/"), 403, "Kein Zugriff")
    assert_error_page(client.get("/test-forbidden/", HTTP_ACCEPT_LANGUAGE="en"), 403, "No access")
    html = assert_error_page(client.get("/test-boom/"), 500, "Interner Fehler")
    assert "secret detail" not in html
    assert_error_page(client.get("/test-boom/", HTTP_ACCEPT_LANGUAGE="en"), 500, "Internal error")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_500_renders_without_the_database() -> None:
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(no_queries):
        response = client.get("/test-boom/")
        page = views.server_error(RequestFactory().get("/x/"))
        unavailable = views.database_unavailable(RequestFactory().get("/x/", HTTP_ACCEPT_LANGUAGE="en"))
    assert_error_page(response, 500, "Interner Fehler")
    assert page.status_code == 500
    assert unavailable.status_code == 503
    assert "Temporarily unavailable" in unavailable.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_database_gone_is_503_with_retry_after_never_500() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-database-gone/")
    html = assert_error_page(response, 503, "Vorübergehend nicht verfügbar")
    assert response["Retry-After"] == str(views.RETRY_AFTER_SECONDS)
    assert "db.internal" not in html and "10.1.2.3" not in html
    english = client.get("/test-database-gone/", HTTP_ACCEPT_LANGUAGE="en")
    assert_error_page(english, 503, "Temporarily unavailable")


@pytest.mark.django_db
def test_database_gone_in_another_middleware_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    def refuse(self: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "load", refuse)
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"]


@pytest.mark.django_db
def test_api_database_gone_is_json_503(monkeypatch: pytest.MonkeyPatch) -> None:
    from isi.api.models import ApiToken

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError('connection to server at "db.internal" failed')

    monkeypatch.setattr(ApiToken, "lookup", staticmethod(refuse))
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/measures", HTTP_AUTHORIZATION="Bearer isi_whatever")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == str(views.RETRY_AFTER_SECONDS)
    body = response.json()
    assert set(body) == {"detail"} and "db.internal" not in body["detail"]
    english = client.get("/api/v1/measures", HTTP_AUTHORIZATION="Bearer x", HTTP_ACCEPT_LANGUAGE="en")
    assert "database" in english.json()["detail"]


@pytest.mark.django_db
def test_csrf_failure_is_a_friendly_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/anmelden/", {"username": "a", "password": "b"})
    assert_error_page(response, 403, "Formular abgelaufen", "Seite neu")
    english = client.post("/konto/anmelden/", {"username": "a"}, HTTP_ACCEPT_LANGUAGE="en")
    assert_error_page(english, 403, "Form expired")


# --- isi worker: orphaned jobs -----------------------------------------------------------------


@pytest.mark.django_db
def test_jobs_of_dead_or_cut_off_workers_end_failed_with_a_reason() -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    from isi.operations.management.commands.worker import LOST, fail_orphaned_jobs

    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, beat_at=now)
    WorkerHeartbeat.objects.create(worker_id="dead", started_at=now, beat_at=now - timedelta(minutes=5))

    def running(worker: str) -> Any:
        return DBTaskResult.objects.create(
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="isi.rounds.tasks.send_round_reminders",
            backend_name="default",
            run_after=get_date_max(),
            status="RUNNING",
            started_at=now - timedelta(minutes=2),
            worker_ids=[worker],
        )

    mine, dead, alive = running("me"), running("dead"), running("alive")
    assert fail_orphaned_jobs("me", now=now) == 2
    for job in (mine, dead):
        job.refresh_from_db()
        assert job.status == "FAILED"
        assert job.exception_class_path == LOST
        assert "Not retried automatically" in job.traceback
    alive.refresh_from_db()
    assert alive.status == "RUNNING"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=ERROR_URLS, DEBUG=False)
def test_a_500_leaves_its_traceback_in_the_server_log() -> None:
    # With DEBUG off Django's default logging sends a failed request's traceback only to the
    # ADMINS' mail (ISI has none): the operator would see the request line and nothing else.
    logger = logging.getLogger("django.request")
    streams = [h for h in logger.handlers if isinstance(h, logging.StreamHandler) and not h.filters]
    assert streams, "django.request has no unfiltered console handler"
    captured = io.StringIO()
    previous = [handler.setStream(captured) for handler in streams]
    try:
        Client(raise_request_exception=False).get("/test-boom/")
    finally:
        for handler, stream in zip(streams, previous, strict=True):
            handler.setStream(stream)
    log = captured.getvalue()
    assert "Traceback" in log and "/test-boom/" in log
