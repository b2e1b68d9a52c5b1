"""The one gate in front of staff views: anonymous → sign-in page, not allowed → 403, logged.

Each app decides *who* may enter (a check from its permissions module); this decides *how* a
refusal looks, so every staff page refuses the same way and every refusal reaches the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from isi.core.audit import log_denied

View = Callable[..., HttpResponse]
FORBIDDEN_TEMPLATE = "workspace/forbidden.html"


def forbidden(request: HttpRequest, what: str, template: str = FORBIDDEN_TEMPLATE) -> HttpResponse:
    """403 with the staff area's explanation page; the attempt is logged (isi.audit)."""
    log_denied(request, what)
    return render(request, template, status=403)


def require_access(
    check: Callable[[Any], bool], what: str, *, template: str = FORBIDDEN_TEMPLATE
) -> Callable[[View], View]:
    """Decorator: the view runs only for signed-in users for whom ``check(user)`` holds."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                return forbidden(request, what, template)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
