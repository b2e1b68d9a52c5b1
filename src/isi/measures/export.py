"""The JSON export of DESIGN §7 (`isi export json`). Field names are a contract: keep them stable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from isi.measures.models import Measure
from isi.measures.snapshots import measure_snapshot


def measure_to_export(measure: Measure) -> dict[str, Any]:
    """One measure as in the contract, plus the further facts a reuser needs."""
    snapshot = measure_snapshot(measure)
    return {
        "id": measure.pk,
        "title": measure.title,
        "owner": measure.owner.name,
        "organisations": snapshot["organisations"],
        "nap_i": snapshot["nap_i"],
        "funding_note": measure.funding_note or None,
        "areas": [area.name for area in measure.areas.all()],
        "target_groups": [group.name for group in measure.target_groups.all()],
        "level": measure.level.name,
        "status": measure.status,
        "public": measure.is_public,
        "version": measure.version,
        "summary": measure.summary,
        "goals": measure.goals,
        "region": ({"code": measure.region.code, "name": measure.region.name} if measure.region else None),
        "offer_type": measure.offer_type or None,
        "component": measure.component.name if measure.component else None,
        "complementary_need": measure.complementary_need or None,
        "funding_programmes": [programme.name for programme in measure.funding_programmes.all()],
        "start_date": snapshot["start_date"],
        "end_date": snapshot["end_date"],
        "owner_basis": measure.owner_basis,
        "owner_explanation": measure.owner_explanation or None,
        "suggested_fields": snapshot["suggested_fields"],
        "nap_i_theme_title": measure.nap_i_theme.title if measure.nap_i_theme else None,
        "source_key": measure.source_key,
        "url": measure.url or None,
        "contact": (
            {
                "name": measure.contact_name or None,
                "email": measure.contact_email or None,
                "phone": measure.contact_phone or None,
            }
            if measure.contact_name or measure.contact_email or measure.contact_phone
            else None
        ),
        "last_reviewed_at": measure.last_reviewed_at.isoformat() if measure.last_reviewed_at else None,
    }


def export_measures(measures: Iterable[Measure]) -> dict[str, Any]:
    return {"measures": [measure_to_export(measure) for measure in measures]}
