"""`{{ value|german }}` and `{{ value|german:"money" }}`: the report's German number and date notation."""

from __future__ import annotations

from typing import Any

from django import template

from isi.reports.tables import Kind
from isi.reports.tables import german as german_text

register = template.Library()


@register.filter
def german(value: Any, kind: str = "") -> str:
    try:
        return german_text(value, Kind(kind or Kind.TEXT))
    except ValueError:
        return german_text(value)
