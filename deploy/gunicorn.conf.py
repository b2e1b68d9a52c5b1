"""gunicorn configuration of ISI, used by `isi serve` (and so by `isi-web.service` and `isi demo`).

    isi serve --bind 127.0.0.1:8000
    # the same, by hand:  gunicorn --config deploy/gunicorn.conf.py isi.wsgi:application

The numbers come from ISI's settings, which read and check the environment (README, "Settings"):

    ISI_WEB_WORKERS   processes                        default: 2 × CPU cores
    ISI_WEB_THREADS   threads per process              default: 2
    ISI_WEB_TIMEOUT   seconds a request may take       default: 60 (also the graceful time-out)
    ISI_WEB_MAX_MEMORY_MB  resident MiB of a worker    default: 2048 (above: replaced; 0: never)
    ISI_WEB_MAX_REQUESTS   requests before a worker is replaced  default: 100000 (0: never)

`kill -HUP <master pid>` (`systemctl reload isi-web`) starts new workers with the new code and
settings and lets the old ones finish their requests: a reload without a dropped request. The
application is therefore not preloaded in the master (a preloaded app would not pick up new code
on HUP). Each worker builds its search snapshot when it starts, before it takes a request
(`post_worker_init`; lazily on the first search if the database is not reachable then), and its
similarity index lazily, on the first similarity check it serves (docs/operations.md, "Memory").
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")

import gunicorn.http.wsgi as gunicorn_http_wsgi
from django.conf import settings

wsgi_app = "isi.wsgi:application"
bind = ["127.0.0.1:8000"]  # `isi serve --bind HOST:PORT` overrides it

# Pre-fork workers with threads (gthread when threads > 1). The search snapshot and the
# similarity index are per process and guarded by locks, so the threads of one worker share them.
workers = int(settings.ISI_WEB_WORKERS)
threads = int(settings.ISI_WEB_THREADS)
timeout = int(settings.ISI_WEB_TIMEOUT)  # a worker silent for longer is killed and replaced
graceful_timeout = timeout  # on HUP/TERM: time for running requests to finish
keepalive = 5  # behind nginx, which keeps its own connections to the clients

# Replace each worker after about ISI_WEB_MAX_REQUESTS requests (default 100,000; jitter: not
# all at once) so that memory a worker accumulated is returned; replacement is graceful. Not
# more often: a new worker starts with empty caches (the text matches of recent queries, the
# measure pages and search results), builds its search snapshot again (post_worker_init, about
# 1–2 s at 100,000 measures on PostgreSQL) and, on its first similarity check, its similarity
# index (20–47 s at 100,000). bench/load.py found 5,000 far too few: 50 busy clients used them up
# within a minute, and every worker then started cold at once. A worker's memory does not grow
# with the requests it serves (bench/memory.py: a few MiB over the first requests, then flat),
# and ISI_WEB_MAX_MEMORY_MB below bounds it whatever happens.
max_requests = int(settings.ISI_WEB_MAX_REQUESTS)
max_requests_jitter = max_requests // 10
# And a worker that holds more than ISI_WEB_MAX_MEMORY_MB resident is replaced after the request
# that took it there (post_request): a bound on each worker, whatever its requests were.
MAX_MEMORY_BYTES = int(getattr(settings, "ISI_WEB_MAX_MEMORY_MB", 0)) * 1024 * 1024

# X-Forwarded-Proto and friends are believed only from the reverse proxies ISI trusts for
# X-Forwarded-For (ISI_API_TRUSTED_PROXIES; empty: from nobody).
forwarded_allow_ips = ",".join(str(network) for network in settings.ISI_API_TRUSTED_PROXIES)
# The headers gunicorn reads the scheme from (the default set).
SCHEME_HEADERS = ("X-FORWARDED-PROTOCOL", "X-FORWARDED-PROTO", "X-FORWARDED-SSL")

# Logs go to stdout/stderr (the journal under systemd). The access log names the path without
# its query string and without the referrer: the offer finder's answers (and search terms)
# travel in query strings and must never land in a log.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "isi"
capture_output = False
# No control socket (gunicornc): signals are the interface (systemctl reload/stop), and two
# instances on one host would otherwise share the default path ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True

# gunicorn writes its own `Server: gunicorn` and drops the application's; ISI names no product
# (isi.core.middleware.ServerHeaderMiddleware). Set in the master, inherited by every worker.
gunicorn_http_wsgi.SERVER = "ISI"


def _trusted(peer: Any) -> bool:
    """Whether the connection comes from a trusted reverse proxy (a UNIX socket counts as one)."""
    if not isinstance(peer, tuple):
        return True
    try:
        address = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    proxies = settings.ISI_API_TRUSTED_PROXIES
    return any(address in ipaddress.ip_network(str(net), strict=False) for net in proxies)


def pre_request(worker: Any, req: Any) -> None:
    """Drop scheme headers a client sent directly (not through a trusted proxy).

    gunicorn already ignores them for the request's scheme, but still passes them on; Django's
    SECURE_PROXY_SSL_HEADER (production) reads X-Forwarded-Proto itself. Dropped here, Django
    sees it only when a trusted proxy set it. X-Forwarded-For is left alone: isi.core.network
    checks it against the same list and refuses the admin to a stranger who sends one.
    """
    if not _trusted(getattr(req, "peer_addr", None)):
        req.headers = [(name, value) for name, value in req.headers if name.upper() not in SCHEME_HEADERS]


def on_starting(server: Any) -> None:
    """Empty the cache of rendered parts that the workers share (isi.core.cache): parts kept by
    the code that ran before must not be served by the code that runs now."""
    _empty_cache(server)


def on_reload(server: Any) -> None:
    """On HUP (`systemctl reload isi-web`), before the new workers start: as on_starting."""
    _empty_cache(server)


def _empty_cache(server: Any) -> None:
    from isi.core.cache import empty_shared_cache

    try:
        if empty_shared_cache():
            server.log.info("shared page cache emptied (%s)", settings.CACHES["default"]["LOCATION"])
    except Exception as exc:  # a cache that cannot be emptied must not keep the server from starting
        server.log.warning("shared page cache not emptied: %s: %s", type(exc).__name__, exc)


def post_worker_init(worker: Any) -> None:
    """Build the search snapshot before this worker takes its first request (a warm start).

    Runs in the new worker after it loaded the application (nothing is preloaded in the master),
    so the snapshot belongs to this process only. Without it the first searches after a start, a
    reload or a max_requests replacement would wait for the rebuild. If the database cannot be
    reached (or anything else fails), the worker starts anyway and builds the snapshot on its
    first search, as before. At 100,000 measures this takes about 1–5 s (SQLite; the positions of
    the four sort orders are most of it), well within the worker time-out. The database
    connection opened here is closed again: requests run in the worker's threads, each with its
    own connection.
    """
    if int(getattr(settings, "ISI_SEARCH_SNAPSHOT_SECONDS", 0)) <= 0:
        return  # snapshots are not kept: nothing to warm
    import time

    from django.db import connections

    started = time.monotonic()
    try:
        from isi.search import snapshot
        from isi.search.filters import SORTS

        current = snapshot.current()
        for sort in SORTS:
            worker.notify()  # each step is short, the whole may not be: the arbiter sees progress
            current.positions(sort)
    except Exception as exc:
        worker.log.warning(
            "search snapshot not built at start (%s: %s); the first search builds it",
            type(exc).__name__,
            str(exc).splitlines()[0][:200] if str(exc) else "",
        )
    else:
        worker.log.info(
            "search snapshot built at start: %d public measures in %.2f s",
            current.size,
            time.monotonic() - started,
        )
    finally:
        try:
            connections.close_all()
        except Exception as exc:
            worker.log.warning("closing the start-up database connection failed: %s", type(exc).__name__)


def resident_bytes() -> int:
    """Resident memory of this process (Linux: /proc/self/statm; elsewhere 0, never replaced)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Replace this worker gracefully (as after max_requests) once it holds too much memory."""
    if not MAX_MEMORY_BYTES or not worker.alive:
        return
    used = resident_bytes()
    if used > MAX_MEMORY_BYTES:
        worker.log.warning(
            "worker uses %d MiB (ISI_WEB_MAX_MEMORY_MB=%d): replaced after this request",
            used // (1024 * 1024),
            MAX_MEMORY_BYTES // (1024 * 1024),
        )
        worker.alive = False


def child_exit(server: Any, worker: Any) -> None:
    """Multi-process Prometheus metrics: forget the files of a worker that ended."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
