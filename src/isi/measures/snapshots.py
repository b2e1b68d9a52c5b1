"""A measure as plain JSON: for change records, the JSON export and comparisons.

One function so history, export and "did anything change?" all see the same facts.
"""

from __future__ import annotations

from typing import Any

from isi.measures.models import Measure


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def measure_snapshot(measure: Measure) -> dict[str, Any]:
    """Everything a person can change on a measure, by stable keys and canonical names."""
    theme = measure.nap_i_theme
    links = sorted(measure.organisation_links.all(), key=lambda link: (link.position, link.pk or 0))
    evaluation = getattr(measure, "evaluation", None) if measure.pk else None
    return {
        "title": measure.title,
        "summary": measure.summary,
        "goals": measure.goals,
        "status": measure.status,
        "start_date": _date(measure.start_date),
        "end_date": _date(measure.end_date),
        "owner": measure.owner.name,
        "owner_basis": measure.owner_basis,
        "owner_explanation": measure.owner_explanation,
        "organisations": [{"name": link.organisation.name, "role": link.role} for link in links],
        "level": measure.level.key,
        "region": measure.region.code if measure.region else None,
        "areas": sorted(a.key for a in measure.areas.all()),
        "target_groups": sorted(t.key for t in measure.target_groups.all()),
        "offer_type": measure.offer_type,
        "component": measure.component.key if measure.component else None,
        "complementary_need": measure.complementary_need,
        "nap_i": (
            {"phase": theme.phase.number, "theme": theme.position, "number": measure.nap_i_number}
            if theme
            else None
        ),
        "contact_name": measure.contact_name,
        "contact_email": measure.contact_email,
        "contact_phone": measure.contact_phone,
        "url": measure.url,
        "legal_basis": measure.legal_basis,
        "funding_note": measure.funding_note,
        "funding_programmes": sorted(f.key for f in measure.funding_programmes.all()),
        "budget_eur": str(measure.budget_eur) if measure.budget_eur is not None else None,
        "regular_system_reason": measure.regular_system_reason,
        "status_independence_reason": measure.status_independence_reason,
        "similar_measures_reason": measure.similar_measures_reason,
        "imposes_obligation": measure.imposes_obligation,
        "obligation_control": measure.obligation_control,
        "obligation_sanction": measure.obligation_sanction,
        "is_model_project": measure.is_model_project,
        "test_phase_start": _date(measure.test_phase_start),
        "test_phase_end": _date(measure.test_phase_end),
        "scale_decision": measure.scale_decision,
        "publication": measure.publication,
        "archived": measure.archived_at is not None,
        "suggested_fields": list(measure.suggested_fields or []),
        "evaluation": (
            {
                "state": evaluation.state,
                "method": evaluation.method,
                "effort_note": evaluation.effort_note,
                "due_date": _date(evaluation.due_date),
                "result_summary": evaluation.result_summary,
            }
            if evaluation
            else None
        ),
    }
