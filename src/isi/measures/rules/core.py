"""The building blocks every rule shares: the facts a rule reads and the violation it reports.

Nothing here touches Django: the facts are plain values, so the rules run the same way for a
form, the API, an importer or a unit test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, NamedTuple, Protocol

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# Django's name for errors that belong to no single field (django.forms.NON_FIELD_ERRORS).
NON_FIELD = "__all__"

# Prefix of fields that live on the measure's Erfolgskontrolle entry (model Evaluation), not on
# the measure itself: "evaluation.method" is Evaluation.method; "evaluation" is the entry itself.
EVALUATION_FIELD_PREFIX = "evaluation."

# Stored values of the model's choices, repeated here so the rules need no model import.
# tests/integration/test_rule_facts.py checks that they still match the models.
LEVEL_FEDERAL = "bund"
TARGET_GROUP_PRIMARY = "primary"
TARGET_GROUP_SPECIFIC = "specific"
TARGET_GROUP_HOST_SOCIETY = "host_society"
OFFER_UNDECIDED = ""
OFFER_COMPONENT = "component"
OFFER_COMPLEMENTARY = "complementary"
OFFER_PRE_INTEGRATION = "pre_integration"
SCALE_PENDING = ""
PUBLICATION_DRAFT = "draft"
PUBLICATION_RELEASED = "released"
EVALUATION_PLANNED = "planned"
EVALUATION_RUNNING = "running"
EVALUATION_DONE = "done"
EVALUATION_NOT_PROPORTIONATE = "not_proportionate"
STATUS_UNKNOWN = "unknown"
STATUS_PLANNED = "planned"
STATUS_RUNNING = "running"
STATUS_COMPLETED = "completed"
STATUS_DISCONTINUED = "discontinued"


class TargetGroupRef(NamedTuple):
    """A target group by its catalogue key and kind ("primary", "specific", "host_society")."""

    key: str
    kind: str


@dataclass(frozen=True, kw_only=True)
class MeasureFacts:
    """Everything the rules need to know about one measure, as plain values.

    Built from a stored measure by ``isi.measures.facts.facts_from_measure``, or directly by a
    form, the API or an importer from the values it is about to save. The defaults describe an
    empty measure, so a caller only names what it knows. Text fields are "" when empty.
    """

    # Basics (R0) and plausibility (isi.measures.rules.plausibility)
    title: str = ""
    summary: str = ""
    status: str = STATUS_UNKNOWN
    start_date: date | None = None
    end_date: date | None = None
    budget_eur: Decimal | None = None

    # Owner and level (R1)
    owner_key: str | None = None
    owner_name: str = ""
    owner_is_ressort: bool = False  # federal ministry or federal government commissioner
    level_key: str | None = None  # "bund", "land", "kommune"

    # Creating a measure (R3): the caller runs the similarity search and passes the matches.
    is_new: bool = False
    similar_measure_ids: tuple[int, ...] = ()
    similar_measures_reason: str = ""
    regular_system_reason: str = ""

    # Target groups (R4)
    target_groups: frozenset[TargetGroupRef] = field(default_factory=frozenset)
    status_independence_reason: str = ""

    # Obligation (R5)
    imposes_obligation: bool = False
    obligation_control: str = ""
    obligation_sanction: str = ""

    # Basic offer (R6)
    offer_type: str = OFFER_UNDECIDED
    component_key: str | None = None
    complementary_need: str = ""

    # Erfolgskontrolle (R7); evaluation_state is None when the measure has no entry.
    evaluation_state: str | None = None
    evaluation_method: str = ""
    evaluation_effort_note: str = ""
    evaluation_due_date: date | None = None

    # Model project (R8)
    is_model_project: bool = False
    test_phase_start: date | None = None
    test_phase_end: date | None = None
    scale_decision: str = SCALE_PENDING

    # Publication and review (R2, R10)
    publication: str = PUBLICATION_DRAFT
    # The publication before this change: a measure already public when the rule came in (the
    # NAP-I import) is only warned about a missing summary; releasing one now needs it.
    was_released: bool = False
    archived: bool = False
    last_reviewed_at: datetime | date | None = None

    # Funding (R11)
    funding_note: str = ""
    funding_programme_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def target_group_keys(self) -> frozenset[str]:
        return frozenset(group.key for group in self.target_groups)

    def target_group_keys_of_kind(self, kind: str) -> frozenset[str]:
        return frozenset(group.key for group in self.target_groups if group.kind == kind)


@dataclass(frozen=True, kw_only=True)
class Violation:
    """One broken rule, named so a person can act on it.

    ``field`` is the model field a form attaches the message to: a Measure field ("owner"),
    an Erfolgskontrolle field with the prefix "evaluation." ("evaluation.method"), or
    ``NON_FIELD`` ("__all__") when no single field is to blame.
    """

    rule: str  # stable code, e.g. "R5-obligation-control"
    rule_number: int  # 0 for the basic checks, 1–11 for the rules of Leitfaden ch. V
    field: str
    severity: Severity
    message_de: str
    message_en: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str | None = "de") -> str:
        """The message in the language asked for: English for "en…", German otherwise."""
        if lang and lang.lower().startswith("en"):
            return self.message_en
        return self.message_de


class Rule(Protocol):
    """The uniform signature of all measure rules, so they can be listed and run together."""

    __name__: str

    def __call__(self, facts: MeasureFacts, *, today: date) -> list[Violation]: ...


def is_blank(text: str | None) -> bool:
    """Empty or only whitespace: a reason consisting of spaces is no reason."""
    return text is None or not text.strip()


def violation(
    *,
    rule: str,
    number: int,
    field: str,
    message_de: str,
    message_en: str,
    severity: Severity = ERROR,
) -> Violation:
    """A violation whose messages end with the rule they come from, in both languages."""
    if number == 0:
        ref_de, ref_en = "ISI-Grundprüfung", "ISI basic check"
    else:
        ref_de, ref_en = f"Leitfaden Kap. V, Regel {number}", f"Guideline ch. V, rule {number}"
    return Violation(
        rule=rule,
        rule_number=number,
        field=field,
        severity=severity,
        message_de=f"{message_de} ({ref_de}).",
        message_en=f"{message_en} ({ref_en}).",
    )


def has_errors(violations: list[Violation]) -> bool:
    return any(v.is_error for v in violations)
