"""Illustrative Erfolgskontrolle entries for the demo (demo mode only).

The NAP-I text names measures, not their evaluations, so an imported demo shows an empty
dashboard. This fills in a deterministic, plainly marked example ("Beispiel (Demo)"): most
ministries with a mix of planned, running (some overdue), done and disproportionate entries and
some gaps; two ministries with no plan at all; one model project whose test phase ended without a
decision and one that was decided. Writes go through ``measure_update`` (history is recorded).
Measures that already have an entry are left alone, so a second run changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isi.accounts.demo import DemoModeRequired
from isi.measures.models import Evaluation, Measure
from isi.measures.services import measure_update

SOURCE = "demo"
PREFIX = "Beispiel (Demo): "
# Ministries left without any plan, so the dashboard has gaps to show.
WITHOUT_PLAN = frozenset({"bmel", "bmz"})
METHODS = (
    "Begleitende Evaluation mit Befragung der Teilnehmenden und Auswertung der Verbleibsdaten",
    "Wirkungsanalyse mit Vergleichsgruppe auf Grundlage der Förderdaten",
    "Jährliches Monitoring der Teilnahmezahlen und Abschlussbericht der Träger",
)
RESULTS = (
    "Die Ziele wurden überwiegend erreicht; die Teilnahme von Frauen blieb hinter den Erwartungen "
    "zurück. Empfehlung: Kinderbetreuung während der Kurse anbieten.",
    "Der Zugang über Beratungsstellen hat sich bewährt; digitale Angebote wurden vor allem von "
    "Jüngeren genutzt. Die Maßnahme wird mit angepasster Ansprache fortgeführt.",
)
EFFORT_NOTE = (
    "Geringes Fördervolumen und kurze Laufzeit: eine eigene Erfolgskontrolle stünde in keinem "
    "angemessenen Verhältnis zum Erkenntnisgewinn; die Träger berichten jährlich."
)


def _evaluation_for(position: int, today: date) -> dict[str, Any] | None:
    """The example entry for the `position`-th measure of a ministry (a fixed, repeating pattern)."""
    method = PREFIX + METHODS[position % len(METHODS)]
    pattern = position % 6
    if pattern == 0:
        return {
            "state": Evaluation.State.DONE,
            "method": method,
            "due_date": today - timedelta(days=120 + 30 * position),
            "result_summary": PREFIX + RESULTS[position % len(RESULTS)],
        }
    if pattern == 1:  # overdue: due date passed, still running
        return {"state": Evaluation.State.RUNNING, "method": method, "due_date": today - timedelta(days=45)}
    if pattern in (2, 4):
        return {"state": Evaluation.State.PLANNED, "method": method, "due_date": today + timedelta(days=365)}
    if pattern == 3:
        return {"state": Evaluation.State.NOT_PROPORTIONATE, "effort_note": PREFIX + EFFORT_NOTE}
    return None  # a gap: no entry yet


def _model_projects(measures: list[Measure], today: date) -> int:
    """Two model projects: one past its test phase without a decision, one decided (transfer)."""
    if Measure.objects.filter(is_model_project=True).exists() or len(measures) < 2:
        return 0
    undecided, decided = measures[0], measures[1]
    measure_update(
        measure_id=undecided.pk,
        expected_version=undecided.version,
        changes={
            "is_model_project": True,
            "test_phase_start": today - timedelta(days=3 * 365),
            "test_phase_end": today - timedelta(days=60),
        },
        source=SOURCE,
    )
    measure_update(
        measure_id=decided.pk,
        expected_version=decided.version,
        changes={
            "is_model_project": True,
            "test_phase_start": today - timedelta(days=4 * 365),
            "test_phase_end": today - timedelta(days=365),
            "scale_decision": Measure.ScaleDecision.TRANSFER,
        },
        source=SOURCE,
    )
    return 2


@transaction.atomic
def seed_demo_evaluations(today: date | None = None) -> int:
    """Create the example entries; returns how many measures were changed. Demo mode only."""
    if not settings.DEMO_MODE:
        raise DemoModeRequired("Beispiel-Erfolgskontrollen gibt es nur im Demo-Modus (ISI_DEMO_MODE=true).")
    today = today or timezone.localdate()
    changed = 0
    position: dict[int, int] = {}
    with_plan: list[Measure] = []
    candidates = Measure.objects.active().select_related("owner").order_by("owner__key", "pk")
    has_entry = set(Evaluation.objects.values_list("measure_id", flat=True))
    for measure in candidates:
        # Positions count every measure, so a second run sees the same pattern and skips the gaps.
        index = position.get(measure.owner_id, 0)
        position[measure.owner_id] = index + 1
        if measure.pk in has_entry or measure.owner.key in WITHOUT_PLAN:
            continue
        values = _evaluation_for(index, today)
        if values is None:
            continue
        measure = measure_update(
            measure_id=measure.pk,
            expected_version=measure.version,
            changes={"evaluation": values},
            source=SOURCE,
        )
        changed += 1
        if values["state"] == Evaluation.State.RUNNING:
            with_plan.append(measure)
    # Model projects among measures whose evaluation is running, as the Leitfaden ties the
    # decision to the evaluation's results.
    return changed + _model_projects(with_plan, today)
