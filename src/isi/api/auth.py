"""Who is calling: an API token, a signed-in session, or nobody.

Every operation runs the three checks in this order (ninja tries them until one answers):

1. ``Authorization: Bearer <token>`` – an ``ApiToken`` that is not revoked and whose user is
   active. A request that sends an Authorization header which does not name such a token gets
   401; it never falls back to anonymous access.
2. The Django session cookie of a signed-in user. Unsafe methods (POST, PATCH, …) then need a
   valid CSRF token (``X-CSRFToken`` header with the ``csrftoken`` cookie), exactly as Django's
   CsrfViewMiddleware checks it for forms; without it: 403.
3. Anonymous: reads of public data. Endpoints that write ask for a user and answer 401.

The result is a ``Caller`` in ``request.auth``; endpoints pass ``caller.user`` to
``isi.core.permissions``, which alone decides what the caller may see and do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from isi.accounts.models import User
from isi.api.errors import ApiError, tr, unauthenticated
from isi.api.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    user: User | None
    via: Literal["token", "session", "anonymous"]
    token_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None


ANONYMOUS = Caller(user=None, via="anonymous")


def invalid_token() -> ApiError:
    error = unauthenticated()
    error.detail = tr(
        "Das API-Token ist ungültig oder widerrufen, oder das Konto ist deaktiviert.",
        "The API token is invalid or revoked, or the account is disabled.",
    )
    error.headers["WWW-Authenticate"] = 'Bearer realm="isi", error="invalid_token"'
    return error


class BearerToken(HttpBearer):
    """``Authorization: Bearer isi_…`` – tokens made with ``isi token create USERNAME``."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise invalid_token()
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        found = ApiToken.lookup(token)
        if found is None or not isinstance(found.user, User):
            raise invalid_token()
        found.touch()
        return Caller(user=found.user, via="token", token_id=found.pk)


class SessionCookie(APIKeyCookie):
    """The web session of a signed-in person; unsafe methods need the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not isinstance(user, User):
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not exempt and check_csrf(request) is not None:
            raise ApiError(
                403,
                tr(
                    "CSRF-Prüfung fehlgeschlagen: Änderungen mit Sitzungsanmeldung brauchen den "
                    "CSRF-Token im Header X-CSRFToken.",
                    "CSRF check failed: changes made with a session sign-in need the CSRF token "
                    "in the X-CSRFToken header.",
                ),
            )
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = getattr(request, "user", None)
        return Caller(user=user, via="session") if isinstance(user, User) else None


def anonymous(request: HttpRequest) -> Caller:
    """Nobody signed in: public reads only (writes check for a user and answer 401)."""
    return ANONYMOUS


AUTH: list[Any] = [BearerToken(), SessionCookie(), anonymous]


def caller_of(request: HttpRequest) -> Caller:
    found = getattr(request, "auth", None)
    return found if isinstance(found, Caller) else ANONYMOUS


def require_user(request: HttpRequest) -> User:
    """The signed-in caller, or 401."""
    user = caller_of(request).user
    if user is None:
        raise unauthenticated()
    return user


def is_anonymous_request(request: HttpRequest) -> bool:
    """No credentials at all: no Authorization header and no signed-in session.

    Used outside the operations (CORS, caching), before or after ninja's authentication ran.
    """
    if "Authorization" in request.headers:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)
