"""Erfolgskontrolle and model projects: R7, R8."""

from __future__ import annotations

from datetime import date

from isi.measures.rules.core import (
    ERROR,
    EVALUATION_DONE,
    EVALUATION_NOT_PROPORTIONATE,
    EVALUATION_PLANNED,
    EVALUATION_RUNNING,
    SCALE_PENDING,
    WARNING,
    MeasureFacts,
    Violation,
    is_blank,
    violation,
)

KNOWN_EVALUATION_STATES = frozenset(
    {EVALUATION_PLANNED, EVALUATION_RUNNING, EVALUATION_DONE, EVALUATION_NOT_PROPORTIONATE}
)


def check_evaluation(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R7: every measure has an Erfolgskontrolle entry (§ 7 (2) BHO).

    Either an evaluation is planned, running or done – then its method is described – or the
    entry records why the effort would be out of proportion to what could be learnt.
    """
    state = facts.evaluation_state
    if state is None:
        return [
            violation(
                rule="R7-evaluation-missing",
                number=7,
                field="evaluation",
                message_de=(
                    "Für die Maßnahme ist keine Erfolgskontrolle eingetragen. Bitte tragen Sie "
                    "die geplante Erfolgskontrolle ein oder begründen Sie, warum der Aufwand "
                    "unverhältnismäßig wäre"
                ),
                message_en=(
                    "No success control (evaluation) is recorded for the measure. Please enter "
                    "the planned evaluation or explain why the effort would be disproportionate"
                ),
            )
        ]
    if state == EVALUATION_NOT_PROPORTIONATE:
        if not is_blank(facts.evaluation_effort_note):
            return []
        return [
            violation(
                rule="R7-effort-note-missing",
                number=7,
                field="evaluation.effort_note",
                message_de=(
                    "Für die Maßnahme ist keine Erfolgskontrolle vorgesehen, weil der Aufwand "
                    "unverhältnismäßig wäre. Bitte begründen Sie das"
                ),
                message_en=(
                    "No evaluation is foreseen because the effort would be disproportionate. "
                    "Please give the reason"
                ),
            )
        ]
    if state in KNOWN_EVALUATION_STATES and is_blank(facts.evaluation_method):
        # A method is needed from planning on; a running or finished evaluation has one too.
        return [
            violation(
                rule="R7-evaluation-method-missing",
                number=7,
                field="evaluation.method",
                message_de="Bitte beschreiben Sie die Methode der Erfolgskontrolle",
                message_en="Please describe the method of the evaluation",
            )
        ]
    return []


def check_model_project(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R8: model projects record their test phase and, once it is over, whether they scale.

    After the test phase has ended a decision (scale, transfer, both, or end) is expected: a
    warning while the evaluation is still open, an error once the evaluation is done – the
    Leitfaden ties the decision to the results of the Erfolgskontrolle.
    """
    if not facts.is_model_project:
        return []
    found: list[Violation] = []
    start, end = facts.test_phase_start, facts.test_phase_end
    if start is None:
        found.append(
            violation(
                rule="R8-test-phase-start",
                number=8,
                field="test_phase_start",
                message_de="Die Maßnahme ist ein Modellprojekt. Bitte geben Sie den Beginn der Testphase an",
                message_en="The measure is a model project. Please enter the start of its test phase",
            )
        )
    if end is None:
        found.append(
            violation(
                rule="R8-test-phase-end",
                number=8,
                field="test_phase_end",
                message_de="Die Maßnahme ist ein Modellprojekt. Bitte geben Sie das Ende der Testphase an",
                message_en="The measure is a model project. Please enter the end of its test phase",
            )
        )
    if start is not None and end is not None and end < start:
        found.append(
            violation(
                rule="R8-test-phase-order",
                number=8,
                field="test_phase_end",
                message_de=(
                    f"Die Testphase endet ({end:%d.%m.%Y}) vor ihrem Beginn "
                    f"({start:%d.%m.%Y}). Bitte prüfen Sie die Daten"
                ),
                message_en=(
                    f"The test phase ends ({end.isoformat()}) before it starts "
                    f"({start.isoformat()}). Please check the dates"
                ),
            )
        )
    if end is not None and end < today and facts.scale_decision == SCALE_PENDING:
        evaluated = facts.evaluation_state == EVALUATION_DONE
        found.append(
            violation(
                rule="R8-scale-decision",
                number=8,
                field="scale_decision",
                severity=ERROR if evaluated else WARNING,
                message_de=(
                    f"Die Testphase des Modellprojekts endete am {end:%d.%m.%Y}"
                    + (" und die Erfolgskontrolle ist abgeschlossen" if evaluated else "")
                    + ". Bitte halten Sie fest, ob es skaliert, übertragen oder beendet wird"
                ),
                message_en=(
                    f"The model project's test phase ended on {end.isoformat()}"
                    + (" and its evaluation is done" if evaluated else "")
                    + ". Please record whether it will be scaled, transferred or ended"
                ),
            )
        )
    return found
