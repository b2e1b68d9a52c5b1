"""R0: the simple field checks every measure passes before the Leitfaden rules apply."""

from __future__ import annotations

from datetime import date

from isi.measures.rules.core import MeasureFacts, Violation, is_blank, violation


def check_basic_fields(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """A measure has a title, and it does not end before it starts."""
    found: list[Violation] = []
    if is_blank(facts.title):
        found.append(
            violation(
                rule="R0-title-required",
                number=0,
                field="title",
                message_de="Bitte geben Sie der Maßnahme einen Titel",
                message_en="Please give the measure a title",
            )
        )
    if facts.start_date and facts.end_date and facts.end_date < facts.start_date:
        found.append(
            violation(
                rule="R0-end-before-start",
                number=0,
                field="end_date",
                message_de=(
                    f"Das Ende ({facts.end_date:%d.%m.%Y}) liegt vor dem Beginn "
                    f"({facts.start_date:%d.%m.%Y}). Bitte prüfen Sie die Daten"
                ),
                message_en=(
                    f"The end date ({facts.end_date.isoformat()}) is before the start date "
                    f"({facts.start_date.isoformat()}). Please check the dates"
                ),
            )
        )
    return found
