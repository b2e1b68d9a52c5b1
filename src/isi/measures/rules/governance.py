"""Who owns a measure, how often it is reviewed, who decides, what is public (R1, R2, R9, R10)."""

from __future__ import annotations

from datetime import date, datetime

from isi.measures.rules.core import (
    LEVEL_FEDERAL,
    NON_FIELD,
    PUBLICATION_RELEASED,
    WARNING,
    MeasureFacts,
    Violation,
    is_blank,
    violation,
)

# R2: "halbjährlich" – half a year, rounded up so a review on the same date six months later
# is never late.
REVIEW_INTERVAL_DAYS = 183

# R9: where a change to a measure may come from is the caller's business – except these two.
# A consultation comment (IMAG-Abstimmung) or a consolidation proposal is input for the owner;
# applying it is a separate change whose origin is the owner's own decision.
ORIGIN_CONSULTATION_COMMENT = "consultation_comment"
ORIGIN_CONSOLIDATION_PROPOSAL = "consolidation_proposal"
REFUSED_CHANGE_ORIGINS = frozenset({ORIGIN_CONSULTATION_COMMENT, ORIGIN_CONSOLIDATION_PROPOSAL})


def check_owner(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R1: every measure has exactly one owning Ressort.

    At federal level (and when the level is not known yet: ISI starts with the federal
    measures) the owner must be a single federal ministry or a federal government
    commissioner – not an agency, an implementing body or a group of ministries. A Land or
    Kommune measure is owned by the Land or Kommune itself, so any owner is accepted there.
    """
    if facts.owner_key is None:
        return [
            violation(
                rule="R1-owner-required",
                number=1,
                field="owner",
                message_de=(
                    "Jede Maßnahme braucht genau ein federführendes Ressort. "
                    "Bitte wählen Sie das zuständige Ressort aus"
                ),
                message_en=(
                    "Every measure needs exactly one owning ministry. Please choose the responsible ministry"
                ),
            )
        ]
    federal = facts.level_key in (None, LEVEL_FEDERAL)
    if federal and not facts.owner_is_ressort:
        name = facts.owner_name or facts.owner_key
        return [
            violation(
                rule="R1-owner-not-ressort",
                number=1,
                field="owner",
                message_de=(
                    f"„{name}“ ist kein Bundesressort. Federführend bei einer Maßnahme des "
                    "Bundes ist genau ein Bundesministerium oder eine Beauftragte der "
                    "Bundesregierung; eine Behörde oder ein Träger wird als beteiligte "
                    "Organisation eingetragen"
                ),
                message_en=(
                    f"“{name}” is not a federal ministry. A federal measure is owned by exactly "
                    "one federal ministry or government commissioner; an agency or implementing "
                    "body is recorded as a participating organisation"
                ),
            )
        ]
    return []


def review_due(last_reviewed_at: datetime | date | None, today: date) -> bool:
    """R2: True when the last review is missing or more than REVIEW_INTERVAL_DAYS ago.

    A datetime counts by its own calendar date; pass it in local time.
    """
    if last_reviewed_at is None:
        return True
    reviewed_on = last_reviewed_at.date() if isinstance(last_reviewed_at, datetime) else last_reviewed_at
    return (today - reviewed_on).days > REVIEW_INTERVAL_DAYS


def check_review(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R2: every measure is reviewed at least every six months; overdue ones are flagged.

    Only a warning: an overdue review never blocks saving – saving is how it gets reviewed.
    A measure being created is current by definition and is not flagged.
    """
    if facts.is_new or not review_due(facts.last_reviewed_at, today):
        return []
    if facts.last_reviewed_at is None:
        detail_de = "Die Maßnahme wurde noch nie geprüft"
        detail_en = "The measure has never been reviewed"
    else:
        reviewed = facts.last_reviewed_at
        reviewed_on = reviewed.date() if isinstance(reviewed, datetime) else reviewed
        detail_de = f"Die Maßnahme wurde zuletzt am {reviewed_on:%d.%m.%Y} geprüft"
        detail_en = f"The measure was last reviewed on {reviewed_on.isoformat()}"
    return [
        violation(
            rule="R2-review-overdue",
            number=2,
            field="last_reviewed_at",
            severity=WARNING,
            message_de=(
                f"{detail_de}. Maßnahmen werden mindestens halbjährlich geprüft; bitte prüfen "
                "und bestätigen oder aktualisieren Sie die Angaben"
            ),
            message_en=(
                f"{detail_en}. Measures are reviewed at least every six months; please check "
                "and confirm or update the entry"
            ),
        )
    ]


def check_change_origin(origin: str) -> list[Violation]:
    """R9: consultation comments and consolidation proposals never change a measure by themselves.

    This rule is about where a change comes from, not about the measure's fields, so it is not
    part of ``RULES``. Every service that changes a measure on behalf of something other than
    a person editing it calls this first with the origin of the change and refuses the change
    when a violation comes back. The owner decides (Art. 65 GG): accepting a comment or a
    proposal is recorded as the owner's decision and carried out as the owner's own change,
    with its own origin.
    """
    if origin not in REFUSED_CHANGE_ORIGINS:
        return []
    if origin == ORIGIN_CONSULTATION_COMMENT:
        what_de, what_en = "Eine Stellungnahme aus der IMAG-Abstimmung", "A consultation comment"
    else:
        what_de, what_en = "Ein Konsolidierungsvorschlag", "A consolidation proposal"
    return [
        violation(
            rule="R9-owner-decides",
            number=9,
            field=NON_FIELD,
            message_de=(
                f"{what_de} ändert die Maßnahme nicht selbst. Das federführende Ressort "
                "entscheidet darüber; seine Entscheidung wird festgehalten und die Änderung "
                "von ihm vorgenommen"
            ),
            message_en=(
                f"{what_en} does not change the measure by itself. The owning ministry decides; "
                "its decision is recorded and the change is made by the owner"
            ),
        )
    ]


def is_publicly_visible(publication: str, archived: bool) -> bool:
    """R10: only measures their owner released, and that are not archived, are public."""
    return publication == PUBLICATION_RELEASED and not archived


def check_release(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R10: a measure marked released can be shown to the public: it has an owner and a title."""
    if facts.publication != PUBLICATION_RELEASED:
        return []
    found: list[Violation] = []
    if facts.owner_key is None:
        found.append(
            violation(
                rule="R10-release-needs-owner",
                number=10,
                field="owner",
                message_de=(
                    "Eine freigegebene Maßnahme braucht ein federführendes Ressort, denn nur "
                    "das Ressort selbst gibt sie zur Veröffentlichung frei"
                ),
                message_en=(
                    "A released measure needs an owning ministry, because only the owner "
                    "releases it for publication"
                ),
            )
        )
    if is_blank(facts.title):
        found.append(
            violation(
                rule="R10-release-needs-title",
                number=10,
                field="title",
                message_de="Eine freigegebene Maßnahme wird öffentlich gezeigt und braucht einen Titel",
                message_en="A released measure is shown to the public and needs a title",
            )
        )
    return found
