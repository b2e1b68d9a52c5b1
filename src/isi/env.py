"""Typed readers for settings from the environment; a bad value fails loudly at start-up."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlsplit

# Deliberately simple: one @, no blanks, a dot-less or dotted domain (isi@localhost is fine).
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """A setting in the environment has a value ISI cannot use."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def _bounded[T: (int, float)](name: str, value: T, minimum: T | None, maximum: T | None) -> T:
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ConfigurationError(f"{name} must be at most {maximum}, not {value}")
    return value


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"\s*[+-]?[0-9]{1,18}\s*", raw, re.ASCII):
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}")
    return _bounded(name, int(raw), minimum, maximum)


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from exc
    if not math.isfinite(value):
        raise ConfigurationError(f"{name} must be a finite number, not {raw!r}")
    return _bounded(name, value, minimum, maximum)


def env_choice(name: str, default: str, choices: Iterable[str]) -> str:
    """One of `choices` (compared without regard to case; returned as spelt in `choices`)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    allowed = {choice.casefold(): choice for choice in choices}
    found = allowed.get(raw.strip().casefold())
    if found is None:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed.values())}, not {raw!r}")
    return found


def check_url(name: str, value: str) -> str:
    """An absolute http(s) URL, or "" for "not set"."""
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ConfigurationError(f"{name} must be an absolute http(s) URL, not {value!r}")
    return value


def env_url(name: str, default: str) -> str:
    return check_url(name, os.environ.get(name, default).strip())


def env_email(name: str, default: str, *, display_name: bool = False) -> str:
    """An e-mail address ("" for "not set"); with `display_name`, "Name <address>" is allowed too."""
    value = os.environ.get(name, default).strip()
    if not value:
        return value
    address = parseaddr(value)[1] if display_name else value
    if not _EMAIL.fullmatch(address) or (not display_name and address != value):
        raise ConfigurationError(f"{name} must be an e-mail address, not {value!r}")
    return value


def env_networks(name: str, default: list[str]) -> list[str]:
    """Comma-separated IP addresses or networks (CIDR), e.g. "127.0.0.1,10.0.0.0/8,::1"."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        # ipaddress reads a bare number as an address ("2" is 0.0.0.2): refuse it explicitly.
        if "." not in item and ":" not in item:
            raise ConfigurationError(f"{name} must list IP addresses or networks, not {item!r}")
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ConfigurationError(f"{name}: {item!r} is no IP address or network") from exc
    return networks


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
