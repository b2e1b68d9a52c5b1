"""How a measure is designed (Leitfaden ch. V, Verfahrensgrundsätze): R3, R4, R5, R6."""

from __future__ import annotations

from datetime import date

from isi.measures.rules.core import (
    OFFER_COMPLEMENTARY,
    OFFER_COMPONENT,
    OFFER_PRE_INTEGRATION,
    OFFER_UNDECIDED,
    TARGET_GROUP_PRIMARY,
    TARGET_GROUP_SPECIFIC,
    MeasureFacts,
    Violation,
    is_blank,
    violation,
)


def check_precedence(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R3: the regular system and existing measures take precedence over a new measure.

    Applies only while a measure is being created (``facts.is_new``): the caller shows the
    similar existing measures it found and passes their ids. Creating the measure anyway needs
    a written reason; and every new measure says why the regular system (Regelsystem) or an
    existing measure cannot serve its purpose.
    """
    if not facts.is_new:
        return []
    found: list[Violation] = []
    count = len(facts.similar_measure_ids)
    if count and is_blank(facts.similar_measures_reason):
        found.append(
            violation(
                rule="R3-similar-measures-reason",
                number=3,
                field="similar_measures_reason",
                message_de=(
                    f"Es gibt {_count_de(count)} ähnliche bestehende Maßnahme{'n' if count > 1 else ''}. "
                    "Eine bestehende Maßnahme hat Vorrang; bitte begründen Sie, warum trotzdem "
                    "eine neue Maßnahme nötig ist"
                ),
                message_en=(
                    f"There {'are' if count > 1 else 'is'} {count} similar existing "
                    f"measure{'s' if count > 1 else ''}. An existing measure takes precedence; "
                    "please explain why a new measure is needed anyway"
                ),
            )
        )
    if is_blank(facts.regular_system_reason):
        found.append(
            violation(
                rule="R3-regular-system-reason",
                number=3,
                field="regular_system_reason",
                message_de=(
                    "Das Regelsystem hat Vorrang vor einer spezifischen Maßnahme. Bitte "
                    "begründen Sie, warum der Zweck nicht durch Öffnung des Regelsystems oder "
                    "Weiterentwicklung einer bestehenden Maßnahme erreicht werden kann"
                ),
                message_en=(
                    "The regular system takes precedence over a specific measure. Please explain "
                    "why the purpose cannot be met by opening the regular system or by developing "
                    "an existing measure further"
                ),
            )
        )
    return found


def _count_de(count: int) -> str:
    return "eine" if count == 1 else str(count)


def is_aimed_at_specific_target_groups(facts: MeasureFacts) -> bool:
    """R4's trigger: does the measure narrow its audience to particular groups?

    The Leitfaden asks, before a target-group-oriented measure is created, whether it could be
    offered independently of residence status (statusunabhängig) or across target groups
    (zielgruppenübergreifend). With the catalogue's kinds of target group this means:

    - all its target groups are of kind "specific" (women, children, founders …): the
      audience is narrowed by life situation, not opened to the primary groups; or
    - exactly one of its target groups is of kind "primary" (EU citizens, refugees …): the
      primary groups are defined by residence status, so naming a single one makes the
      measure status-dependent. Two or more primary groups show it is already offered across
      statuses.

    A measure without recorded target groups is not flagged (there is nothing to judge, e.g.
    an imported measure); one that addresses the host society and no single primary group is
    open to everybody.
    """
    if not facts.target_groups:
        return False
    specific = facts.target_group_keys_of_kind(TARGET_GROUP_SPECIFIC)
    primary = facts.target_group_keys_of_kind(TARGET_GROUP_PRIMARY)
    only_specific = len(specific) == len(facts.target_groups)
    return only_specific or len(primary) == 1


def check_status_independence(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R4: a measure aimed at specific target groups says why it cannot be open more widely."""
    if not is_aimed_at_specific_target_groups(facts) or not is_blank(facts.status_independence_reason):
        return []
    return [
        violation(
            rule="R4-status-independence-reason",
            number=4,
            field="status_independence_reason",
            message_de=(
                "Die Maßnahme richtet sich an bestimmte Zielgruppen. Bitte begründen Sie, warum "
                "sie nicht statusunabhängig oder zielgruppenübergreifend angeboten werden kann"
            ),
            message_en=(
                "The measure is aimed at particular target groups. Please explain why it cannot "
                "be offered independently of residence status or to several target groups"
            ),
        )
    ]


def check_obligation(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R5: where a measure imposes an obligation, its control and sanction are described."""
    if not facts.imposes_obligation:
        return []
    found: list[Violation] = []
    if is_blank(facts.obligation_control):
        found.append(
            violation(
                rule="R5-obligation-control",
                number=5,
                field="obligation_control",
                message_de=(
                    "Die Maßnahme verpflichtet zur Teilnahme. Bitte beschreiben Sie, wie die "
                    "Verpflichtung kontrolliert wird"
                ),
                message_en=(
                    "The measure imposes an obligation to participate. Please describe how it is controlled"
                ),
            )
        )
    if is_blank(facts.obligation_sanction):
        found.append(
            violation(
                rule="R5-obligation-sanction",
                number=5,
                field="obligation_sanction",
                message_de=(
                    "Die Maßnahme verpflichtet zur Teilnahme. Bitte beschreiben Sie, wie ein "
                    "Verstoß gegen die Verpflichtung nötigenfalls sanktioniert wird"
                ),
                message_en=(
                    "The measure imposes an obligation to participate. Please describe how a "
                    "breach is sanctioned where necessary"
                ),
            )
        )
    return found


def check_basic_offer(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R6: a measure is a component of a basic offer, complementary (with its need), or
    pre-integration abroad."""
    offer_type = facts.offer_type
    if offer_type == OFFER_COMPONENT:
        if facts.component_key:
            return []
        return [
            violation(
                rule="R6-component-missing",
                number=6,
                field="component",
                message_de=(
                    "Die Maßnahme ist als Baustein eines Grundangebots eingeordnet. Bitte wählen "
                    "Sie den Baustein aus"
                ),
                message_en=(
                    "The measure is classed as a component of a basic offer. Please choose the component"
                ),
            )
        ]
    if offer_type == OFFER_COMPLEMENTARY:
        if not is_blank(facts.complementary_need):
            return []
        return [
            violation(
                rule="R6-complementary-need-missing",
                number=6,
                field="complementary_need",
                message_de=(
                    "Die Maßnahme ist als komplementär eingeordnet. Bitte beschreiben Sie den "
                    "zielgruppen- oder bedarfsspezifischen Bedarf, den sie deckt"
                ),
                message_en=(
                    "The measure is classed as complementary. Please describe the target-group "
                    "or specific need it serves"
                ),
            )
        ]
    if offer_type == OFFER_PRE_INTEGRATION:
        return []
    if offer_type == OFFER_UNDECIDED:
        lead_de = "Die Maßnahme ist noch nicht eingeordnet"
        lead_en = "The measure is not classified yet"
    else:
        lead_de = f"Die Einordnung „{offer_type}“ ist unbekannt"
        lead_en = f"The classification “{offer_type}” is unknown"
    return [
        violation(
            rule="R6-offer-type-missing",
            number=6,
            field="offer_type",
            message_de=(
                f"{lead_de}. Bitte wählen Sie: Baustein eines Grundangebots, komplementäre "
                "Maßnahme oder Vorintegration im Ausland"
            ),
            message_en=(
                f"{lead_en}. Please choose: component of a basic offer, complementary measure "
                "or pre-integration abroad"
            ),
        )
    ]
