"""History of pairs and proposals in words: the change records with German labels and values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from isi.coordination.models import ConsolidationProposal, OverlapCandidate, ProposalResponse
from isi.core.changes import history_of
from isi.core.models import ChangeRecord

LABELS: dict[str, Any] = {
    "decision": _("Bewertung"),
    "note": _("Anmerkung"),
    "status": _("Stand"),
    "kind": _("Art"),
    "title": _("Titel"),
    "reasons": _("Begründung"),
    "answer": _("Antwort"),
    "reason": _("Begründung"),
    "reopened": _("wieder geöffnet (wesentliche Änderung)"),
}
VALUES: dict[str, dict[str, Any]] = {
    "decision": dict(OverlapCandidate.Decision.choices),
    "status": dict(ConsolidationProposal.Status.choices),
    "kind": dict(ConsolidationProposal.Kind.choices),
    "answer": dict(ProposalResponse.Answer.choices),
}
HIDDEN = {"score", "measures"}


@dataclass(frozen=True)
class Entry:
    record: ChangeRecord
    changes: list[tuple[Any, Any, Any]]  # (label, before, after)


def _show(key: str, value: Any) -> Any:
    if value in (None, ""):
        return "–"
    if value is True:
        return _("ja")
    return VALUES.get(key, {}).get(value, value)


def describe(record: ChangeRecord) -> Entry:
    before, after = record.before or {}, record.after or {}
    changes = []
    for key, value in after.items():
        if key in HIDDEN or key not in LABELS:
            continue
        old = before.get(key)
        if record.action != ChangeRecord.Action.CREATE and old == value:
            continue
        shown_old = _show(key, old) if record.action != ChangeRecord.Action.CREATE else None
        changes.append((LABELS[key], shown_old, _show(key, value)))
    return Entry(record=record, changes=changes)


def entries(obj: models.Model, *related: models.Model) -> list[Entry]:
    records = list(history_of(obj).select_related("actor"))
    for other in related:
        records += list(history_of(other).select_related("actor"))
    records.sort(key=lambda r: (r.created_at, r.pk))
    return [describe(r) for r in records]
