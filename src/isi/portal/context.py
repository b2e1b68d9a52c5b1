"""Template context every page needs: operator, feedback address, current path for the feedback link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "ISI_OPERATOR": settings.ISI_OPERATOR,
        "ISI_FEEDBACK_EMAIL": settings.ISI_FEEDBACK_EMAIL,
        "current_path": request.get_full_path(),
    }
