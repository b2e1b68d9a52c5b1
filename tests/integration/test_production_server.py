"""`isi serve` in production mode, over HTTP: every public page type with its CSS, the API, the
health checks, cache headers, logs without query strings, a graceful reload (issue #13.1).

The server runs as a subprocess exactly as isi-web.service starts it, with production settings
(ISI_PRODUCTION=true, a random secret key, ISI_DEBUG off) and the hashed static files of
`isi collectstatic` in a temporary ISI_VAR_DIR, beside `isi worker`. Under scripts/with-postgres
it uses a fresh database on that PostgreSQL server, else a fresh SQLite file.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ISI = Path(sys.executable).with_name("isi")
SECRET_QUERY = "geheimeantwort4711"
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")
YEAR = 31536000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment() -> dict[str, str]:
    """The variables a real deployment would have: no test-run settings."""
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    return {k: v for k, v in os.environ.items() if not k.startswith("ISI_") and k not in skip}


@dataclass
class Server:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(self.url + path, timeout=30, allow_redirects=False, **kwargs)  # type: ignore[arg-type]


def isi(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(ISI), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"isi {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database: on the PostgreSQL server of scripts/with-postgres, else SQLite."""
    outer = os.environ.get("DATABASE_URL", "")
    if not outer.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path_factory.mktemp('prod-db') / 'isi.sqlite3'}"
        return
    import psycopg

    name = f"isi_prod_{secrets.token_hex(4)}"
    parts = urlsplit(outer)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def production_env(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> dict[str, str]:
    var = tmp_path_factory.mktemp("prod-var")
    return {
        **clean_environment(),
        "DATABASE_URL": database_url,
        "ISI_VAR_DIR": str(var),
        "ISI_PRODUCTION": "true",
        "ISI_SECRET_KEY": secrets.token_urlsafe(64),
        "ISI_SSL_REDIRECT": "false",
        "ISI_ALLOWED_HOSTS": "127.0.0.1",
        "ISI_WEB_WORKERS": "2",
        "ISI_WEB_THREADS": "2",
        "ISI_WORKER_HEARTBEAT_SECONDS": "1",
    }


@pytest.fixture(scope="module")
def server(production_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = production_env
    # migrate, generate and collectstatic in one process: each `isi` start costs seconds in CI.
    isi(
        env,
        "shell",
        "-c",
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "call_command('generate', measures=40, seed=1)\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n",
    )
    assert (Path(env["ISI_VAR_DIR"]) / "static" / "staticfiles.json").is_file()
    port = free_port()
    log = tmp_path_factory.mktemp("prod-log") / "server.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([str(ISI), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
        process = subprocess.Popen(
            [str(ISI), "serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    running = Server(f"http://127.0.0.1:{port}", env, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"isi serve ended:\n{log.read_text(errors='replace')}"
            try:
                if running.get("/healthz").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, (
                f"isi serve did not answer:\n{log.read_text(errors='replace')}"
            )
            time.sleep(0.2)
        yield running
    finally:
        for child in (process, worker):
            child.send_signal(signal.SIGTERM)
        for child in (process, worker):
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def measure_path(server: Server) -> str:
    html = server.get("/massnahmen/").text
    found = re.search(r'href="(/massnahmen/[0-9]+/[^"]*)"', html)
    assert found, "no measure linked from the search page"
    return found.group(1)


def assert_not_long_cached(response: requests.Response) -> None:
    cache = response.headers.get("Cache-Control", "").lower()
    assert "immutable" not in cache, cache
    ages = [int(age) for age in re.findall(r"max-age=([0-9]+)", cache)]
    assert all(age <= 3600 for age in ages), cache


def test_every_public_page_type_with_its_styles(server: Server) -> None:
    pages = [
        "/",
        "/massnahmen/",
        measure_path(server),
        "/angebotsfinder/",
        "/nap-i/",
        "/organisationen/",
        "/daten/",
    ]
    stylesheets: set[str] = set()
    for path in pages:
        response = server.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers["Content-Type"].startswith("text/html"), path
        assert response.headers["Server"] == "ISI", "no product name or version in the Server header"
        assert_not_long_cached(response)
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', response.text)
        assert links, f"{path} links no stylesheet"
        stylesheets.update(links)
        # Scripts too: every static reference in the page is a hashed, collected file.
        for script in re.findall(r'<script src="([^"]+)"', response.text):
            assert HASHED.search(script), script
    assert any("/static/isi/isi." in link for link in stylesheets)
    for link in sorted(stylesheets):
        assert link.startswith("/static/") and HASHED.search(link), link
        css = server.get(link, headers={"Accept-Encoding": "gzip"})
        assert css.status_code == 200, link
        assert css.headers["Content-Type"].startswith("text/css"), link
        cache = css.headers["Cache-Control"]
        assert "immutable" in cache and int(re.findall(r"max-age=([0-9]+)", cache)[0]) >= YEAR, cache
        assert css.headers.get("Content-Encoding") == "gzip", link
        assert css.text.strip(), link


def test_unhashed_static_names_are_not_cached_for_long(server: Server) -> None:
    response = server.get("/static/isi/isi.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]


def test_the_api_and_its_schema(server: Server) -> None:
    for path in ("/api/v1/measures", "/api/v1/openapi.json"):
        response = server.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].startswith("application/json"), path
        assert_not_long_cached(response)
        assert response.json()
    assert server.get("/api/v1/measures").json()["items"], "the API lists the generated measures"


def test_health_and_readiness(server: Server) -> None:
    health = server.get("/healthz")
    assert health.status_code == 200
    assert health.headers["Content-Type"].startswith("application/json")
    # The worker beats once a second here; readiness needs its heartbeat.
    deadline = time.monotonic() + 30
    while (ready := server.get("/readyz")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert ready.status_code == 200, ready.text
    assert ready.headers["Content-Type"].startswith("application/json")


def test_unknown_page_is_a_404_page_not_a_traceback(server: Server) -> None:
    response = server.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Traceback" not in response.text


def test_query_strings_never_reach_the_logs(server: Server) -> None:
    for path in (f"/massnahmen/?q={SECRET_QUERY}", f"/angebotsfinder/?aufenthalt={SECRET_QUERY}"):
        assert server.get(path, headers={"Referer": f"http://x/?{SECRET_QUERY}"}).status_code in (200, 400)
    time.sleep(0.5)  # the log lines are written after the answer
    log = server.log.read_text(errors="replace")
    assert "GET /massnahmen/ HTTP/1.1" in log, "the access log was written"
    assert SECRET_QUERY not in log


def test_forwarded_proto_from_a_stranger_is_ignored(server: Server) -> None:
    # 127.0.0.1 is no trusted proxy here (ISI_API_TRUSTED_PROXIES empty): its X-Forwarded-Proto
    # must not make Django believe the request came over HTTPS. The DCAT catalogue builds its
    # absolute URLs from the request (ISI_PUBLIC_BASE_URL is empty), so it shows the scheme.
    response = server.get("/daten/katalog.ttl", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert f"{server.url}/" in response.text
    assert server.url.replace("http://", "https://") not in response.text


def test_graceful_reload_drops_no_request(server: Server) -> None:
    statuses: list[int | str] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                statuses.append(server.get("/nap-i/").status_code)
            except requests.RequestException as exc:
                statuses.append(type(exc).__name__)

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    server.process.send_signal(signal.SIGHUP)
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    assert server.process.poll() is None, "the master survives a reload"
    assert statuses and set(statuses) == {200}, statuses
    assert "handling signal: hup" in server.log.read_text(errors="replace").lower()


def test_check_deploy_is_clean_with_these_production_settings(production_env: dict[str, str]) -> None:
    env = {k: v for k, v in production_env.items() if k != "ISI_SSL_REDIRECT"}
    result = isi(env, "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in result.stdout
