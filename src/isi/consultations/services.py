"""Writes of IMAG consultations. Each call asks the permission predicates and refuses otherwise.

Rule 9: a comment never changes the measure. The comment service documents this by calling
``check_change_origin`` with the comment origin and never touches the measure; the owner's decision
is recorded here, and any change the owner then makes goes through the normal measure edit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from isi.consultations.models import Consultation, ConsultationComment
from isi.consultations.permissions import can_comment, can_decide, can_edit_comment, can_submit_consultation
from isi.measures.models import Measure
from isi.measures.rules.governance import ORIGIN_CONSULTATION_COMMENT, check_change_origin


def _today() -> date:
    return timezone.localdate()


@transaction.atomic
def consultation_submit(
    *, measure: Measure, actor: Any, kind: str, summary: str, comment_until: date, today: date | None = None
) -> Consultation:
    today = today or _today()
    if not can_submit_consultation(actor, measure):
        raise PermissionDenied("Nur das federführende Ressort kann eine Maßnahme der IMAG vorlegen.")
    errors: dict[str, str] = {}
    if comment_until < today:
        errors["comment_until"] = "Die Frist für Stellungnahmen darf nicht in der Vergangenheit liegen."
    if not summary.strip():
        errors["summary"] = "Bitte beschreiben Sie, worum es geht und welche Frage die IMAG klären soll."
    if kind not in Consultation.Kind.values:
        errors["kind"] = "Bitte wählen Sie die Art des Vorhabens."
    if Consultation.objects.filter(measure=measure).exclude(state=Consultation.State.DECIDED).exists():
        errors["measure"] = (
            "Für diese Maßnahme läuft bereits eine Abstimmung, die noch nicht entschieden ist."
        )
    if errors:
        raise ValidationError(errors)
    return Consultation.objects.create(
        measure=measure, kind=kind, summary=summary.strip(), comment_until=comment_until, submitted_by=actor
    )


def _refuse_measure_change() -> None:
    """Rule 9 as code: a comment is not an origin from which the measure may be changed."""
    violations = check_change_origin(ORIGIN_CONSULTATION_COMMENT)
    if not violations:  # pragma: no cover - rule 9 is fixed in isi.measures.rules
        raise RuntimeError("rule 9 must refuse changes originating from consultation comments")


@transaction.atomic
def comment_add(
    *, consultation: Consultation, actor: Any, text: str, today: date | None = None
) -> ConsultationComment:
    today = today or _today()
    if not can_comment(actor, consultation, today=today):
        if consultation.current_state(today) != Consultation.State.OPEN:
            raise ValidationError({"text": "Die Frist für Stellungnahmen ist abgelaufen."})
        raise PermissionDenied("Stellungnahmen geben die anderen Ressorts und die Koordinierung ab.")
    if not text.strip():
        raise ValidationError({"text": "Bitte geben Sie Ihre Stellungnahme ein."})
    _refuse_measure_change()
    organisation = actor.organisation.ressort() if actor.organisation else None
    return ConsultationComment.objects.create(
        consultation=consultation,
        author=actor,
        organisation=organisation or actor.organisation,
        text=text.strip(),
    )


@transaction.atomic
def comment_update(
    *, comment: ConsultationComment, actor: Any, text: str, today: date | None = None
) -> ConsultationComment:
    today = today or _today()
    if not can_edit_comment(actor, comment, today=today):
        if comment.author_id == getattr(actor, "pk", None):
            raise ValidationError(
                {"text": "Nach Ablauf der Frist kann die Stellungnahme nicht mehr geändert werden."}
            )
        raise PermissionDenied("Nur die Verfasserin oder der Verfasser ändert eine Stellungnahme.")
    if not text.strip():
        raise ValidationError({"text": "Bitte geben Sie Ihre Stellungnahme ein."})
    _refuse_measure_change()
    comment.text = text.strip()
    comment.save(update_fields=["text", "updated_at"])
    return comment


@transaction.atomic
def consultation_decide(
    *, consultation: Consultation, actor: Any, decision: str, reasons: str
) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not can_decide(actor, consultation):
        if consultation.state == Consultation.State.DECIDED:
            raise ValidationError({"decision": "Über diese Abstimmung ist bereits entschieden."})
        raise PermissionDenied("Die Entscheidung trifft das federführende Ressort (Art. 65 GG).")
    errors: dict[str, str] = {}
    if decision not in Consultation.Decision.values:
        errors["decision"] = "Bitte wählen Sie eine Entscheidung."
    if not reasons.strip():
        errors["decision_reasons"] = "Bitte begründen Sie die Entscheidung."
    if errors:
        raise ValidationError(errors)
    consultation.state = Consultation.State.DECIDED
    consultation.decision = decision
    consultation.decision_reasons = reasons.strip()
    consultation.decided_by = actor
    consultation.decided_at = timezone.now()
    consultation.save()
    return consultation
