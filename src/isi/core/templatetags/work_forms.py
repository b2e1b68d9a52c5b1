"""Template tags of the work tool's forms.

``{% submit_token %}``: the hidden one-time token of a create form (``isi.core.submit``).
``{% session_seconds_left %}``, ``{% session_absolute_seconds_left %}``: seconds until the idle
time-out and until the absolute limit, for the warning dialog (isi/work.js).
"""

from __future__ import annotations

import secrets
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

from isi.accounts.services import absolute_seconds_left, idle_seconds_left
from isi.core.submit import FIELD

register = template.Library()


@register.simple_tag
def submit_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_urlsafe(24))


@register.simple_tag(takes_context=True)
def session_seconds_left(context: template.Context) -> int:
    request: Any = context.get("request")
    session = getattr(request, "session", None)
    if session is None:
        return int(settings.ISI_SESSION_IDLE_SECONDS)
    return idle_seconds_left(session)


@register.simple_tag(takes_context=True)
def session_absolute_seconds_left(context: template.Context) -> int:
    request: Any = context.get("request")
    session = getattr(request, "session", None)
    if session is None:
        return int(settings.ISI_SESSION_ABSOLUTE_SECONDS)
    return absolute_seconds_left(session)


@register.simple_tag
def session_absolute_hours() -> int:
    return max(1, int(settings.ISI_SESSION_ABSOLUTE_SECONDS) // 3600)


@register.simple_tag
def session_warning_seconds() -> int:
    """Seconds before the time-out the warning appears: two minutes (less for short time-outs)."""
    return min(120, int(settings.ISI_SESSION_IDLE_SECONDS) // 2)
