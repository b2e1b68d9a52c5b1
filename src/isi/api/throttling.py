"""Rate limits per caller: an API token, a signed-in user, or else the client's IP address.

The rate comes from ``settings.ISI_API_RATE`` ("120/min" by default; "" or "off" turns limits
off), read on every request so it can change without a restart in tests. Counting uses fixed
windows in Django's cache (``cache.add`` + ``cache.incr``): with a shared cache (database,
Redis, Memcached) the limit holds across processes and servers; with the default local-memory
cache each process counts on its own.

Behind a reverse proxy set ``ISI_API_TRUSTED_PROXIES`` to the proxies' addresses or networks;
``X-Forwarded-For`` is believed only from them (otherwise a client could pick its own address
and escape the limit), see ``isi.core.network.client_address``.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from isi.api.auth import caller_of
from isi.core.network import client_address
from isi.core.parsing import is_int

DEFAULT_RATE = "120/min"
PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """Parse a rate: '120/min' → (120, 60); '10/5s' → (10, 5); '' or 'off' → None."""
    rate = (rate or "").strip().lower()
    if not rate or rate in {"off", "none", "0"}:
        return None
    count, _, period = rate.partition("/")
    unit = period.lstrip("0123456789")
    multiplier = int(period[: len(period) - len(unit)] or 1)
    if unit not in PERIODS or not is_int(count):
        raise ValueError(f"ISI_API_RATE: unbekanntes Format {rate!r} (erwartet z. B. '120/min')")
    return int(count), multiplier * PERIODS[unit]


def client_ip(request: HttpRequest) -> str:
    return client_address(request)


def client_key(request: HttpRequest) -> str:
    caller = caller_of(request)
    if caller.token_id is not None:
        return f"token:{caller.token_id}"
    if caller.user is not None:
        return f"user:{caller.user.pk}"
    return "ip:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:24]


class CallerRateThrottle(BaseThrottle):
    cache_alias = "default"
    key_prefix = "isi-api-rate"

    def __init__(self) -> None:
        # ninja shares one throttle object between threads; the wait belongs to one request.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        limits = parse_rate(str(getattr(settings, "ISI_API_RATE", DEFAULT_RATE) or ""))
        if limits is None:
            return True
        allowed, period = limits
        now = time.time()
        window = int(now // period)
        key = f"{self.key_prefix}:{period}:{client_key(request)}:{window}"
        cache = caches[self.cache_alias]
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
        if count <= allowed:
            return True
        self._local.wait = max(1.0, (window + 1) * period - now)
        return False

    def wait(self) -> float | None:
        wait: float | None = getattr(self._local, "wait", None)
        return math.ceil(wait) if wait is not None else None
