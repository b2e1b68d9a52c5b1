"""A gunicorn worker builds its search snapshot before its first request, and starts without it
when the database is down (deploy/gunicorn.conf.py, `post_worker_init`); a worker above
ISI_WEB_MAX_MEMORY_MB is replaced after its request (`post_request`; issue #13.7).

gunicorn runs as a subprocess with the project's configuration file and one worker, in the
environment of a deployment (no test-run settings, so the snapshot is kept: 60 s).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from diskcache import Cache, FanoutCache

ROOT = Path(__file__).resolve().parents[2]
ISI = Path(sys.executable).with_name("isi")

# Its own database (SQLite file or PostgreSQL server), whatever DATABASE_URL says: the same run in
# either pass, so the PostgreSQL pass of `make test` leaves it out (marker `own_database`).
pytestmark = pytest.mark.own_database
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def down_database() -> str:
    """A PostgreSQL URL nobody listens on: every connection is refused at once."""
    return f"postgresql://isi:isi@127.0.0.1:{free_port()}/isi"


def deployment_env(database_url: str, var: Path) -> dict[str, str]:
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISI_") and k not in skip}
    env.update(
        {
            "DATABASE_URL": database_url,
            "ISI_VAR_DIR": str(var),
            "ISI_ALLOWED_HOSTS": "127.0.0.1",
            "ISI_WEB_WORKERS": "1",
            "ISI_WEB_THREADS": "2",
        }
    )
    return env


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py until the worker answered /healthz; its URL."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(CONFIG), "--bind", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn ended:\n{log.read_text(errors='replace')}"
            try:
                if requests.get(url + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"no answer:\n{log.read_text(errors='replace')}"
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_new_worker_builds_the_search_snapshot_before_its_first_request(tmp_path: Path) -> None:
    env = deployment_env(f"sqlite:///{tmp_path / 'isi.sqlite3'}", tmp_path)
    # migrate and generate in one `isi` process (each Django start costs seconds in CI).
    setup = (
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "call_command('generate', measures=12, seed=1)\n"
    )
    done = subprocess.run(
        [str(ISI), "shell", "-c", setup], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    # A part kept by the code that ran before this start (isi.core.cache): the start empties it.
    shared = FanoutCache(str(tmp_path / "cache"), shards=4)
    shared.set("stale-part-of-old-code", "<p>alt</p>")
    shared.close()
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log) as url:
        text = log.read_text(errors="replace")
        assert "search snapshot built at start:" in text, text
        assert "shared page cache emptied" in text, text
        # The start-up connection was closed, not handed to the request threads: they read on.
        answer = requests.get(url + "/api/v1/measures", timeout=30)
        assert answer.status_code == 200, answer.text[:500]
        assert answer.json()["count"] > 0
        # The search fragment (htmx): its result lines are kept (a full page would need the
        # collected static files, which this test does not collect).
        fragment = requests.get(url + "/massnahmen/", headers={"HX-Request": "true"}, timeout=30)
        assert fragment.status_code == 200, fragment.text[:500]
    # What the worker kept is on disk, where every worker of the host finds it.
    kept = []
    for shard in sorted((tmp_path / "cache").glob("[0-9][0-9][0-9]")):  # FanoutCache's shards
        with Cache(str(shard)) as part:
            kept += [str(key) for key in part.iterkeys()]
    assert "stale-part-of-old-code" not in kept
    assert any("isi:result-line" in key for key in kept), kept
    assert any("isi:api-item" in key for key in kept), kept
    assert "Worker failed to boot" not in log.read_text(errors="replace")


def test_a_worker_starts_while_the_database_is_down(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    env = deployment_env(down_database(), tmp_path)
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log) as url:
        assert requests.get(url + "/healthz", timeout=10).status_code == 200
        assert requests.get(url + "/readyz", timeout=30).status_code == 503
        text = log.read_text(errors="replace")
    assert "search snapshot not built at start (OperationalError" in text, text
    assert text.count("Booting worker") == 1, text  # the worker started once, was not replaced
    assert "Traceback" not in text, text


def test_a_worker_above_its_memory_bound_is_replaced_after_the_request(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    env = {**deployment_env(down_database(), tmp_path), "ISI_WEB_MAX_MEMORY_MB": "1"}
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log) as url:
        deadline = time.monotonic() + 60
        while log.read_text(errors="replace").count("Booting worker") < 2:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        # The replacement answers (the master kept the socket; no request is refused).
        answer = requests.get(url + "/healthz", timeout=30)
        assert answer.status_code == 200
        text = log.read_text(errors="replace")
    assert "(ISI_WEB_MAX_MEMORY_MB=1): replaced after this request" in text, text
    assert "Traceback" not in text, text
