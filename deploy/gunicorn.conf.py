"""gunicorn configuration of ISI, used by `isi serve` (and so by `isi-web.service` and `isi demo`).

    isi serve --bind 127.0.0.1:8000
    # the same, by hand:  gunicorn --config deploy/gunicorn.conf.py isi.wsgi:application

The numbers come from ISI's settings, which read and check the environment (README, "Settings"):

    ISI_WEB_WORKERS   processes                        default: 2 × CPU cores
    ISI_WEB_THREADS   threads per process              default: 2
    ISI_WEB_TIMEOUT   seconds a request may take       default: 60 (also the graceful time-out)

`kill -HUP <master pid>` (`systemctl reload isi-web`) starts new workers with the new code and
settings and lets the old ones finish their requests: a reload without a dropped request. The
application is therefore not preloaded in the master (a preloaded app would not pick up new code
on HUP). Each worker builds its search snapshot and similarity index lazily, on first use
(docs/operations.md, "Memory").
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

# Replace each worker after about 1,000 requests (jitter: not all at once) so that memory a
# worker accumulated is returned; replacement is graceful.
max_requests = 1000
max_requests_jitter = 100

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


def child_exit(server: Any, worker: Any) -> None:
    """Multi-process Prometheus metrics: forget the files of a worker that ended."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
