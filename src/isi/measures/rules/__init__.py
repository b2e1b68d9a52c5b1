"""The rules the Leitfaden sets for every measure (DESIGN §4, Leitfaden ch. V), as plain Python.

Each rule is one function ``check_<name>(facts, *, today) -> list[Violation]`` reading a
``MeasureFacts`` – plain values, no request, no database – so forms, the API and the importers
all judge a measure the same way. ``check_measure`` runs all of ``RULES`` in order.

Every ``Violation`` names the rule (stable code such as "R5-obligation-control" and its
number), the field a form attaches it to, a severity, and a plain-language message in German
and English that ends with the rule it comes from.

Severity and who blocks on what
-------------------------------
The rules report; the caller decides what a violation means for it:

- **Forms and the API** refuse to save while there is any violation of severity "error" and
  show warnings without blocking.
- **Importers** (the NAP-I text, later Länder data) never block: the imported measures lack
  most of these facts (no Erfolgskontrolle, no reasons, no classification), and refusing them
  would lose the data. The importer stores the violations as open points for the owner to
  resolve in the next review round.

"error" marks what a person saving the measure must fix now; "warning" marks what is due
but must not stop the save (an overdue review, a scale decision while the evaluation is
still open).

Rules
-----
R0  title present; end date not before start date (basic checks, not from the Leitfaden)
R1  exactly one owning Ressort                          ``check_owner``
R2  reviewed at least every six months (warning)        ``check_review``, ``review_due``
R3  regular system and existing measures come first     ``check_precedence``
R4  specific target groups: why not status-independent  ``check_status_independence``
R5  obligation: how controlled and sanctioned           ``check_obligation``
R6  component of a basic offer, complementary or pre-integration   ``check_basic_offer``
R7  Erfolgskontrolle entry, or why it is disproportionate          ``check_evaluation``
R8  model projects: test phase and scale decision       ``check_model_project``
R9  comments and proposals never change a measure       ``check_change_origin`` (not in RULES:
    it judges where a change comes from, not the measure)
R10 only released measures are public                   ``is_publicly_visible``, ``check_release``
R11 EU funding programmes recorded as funding sources   ``check_eu_funding``

Plausibility (not the Leitfaden's, ISI's own; rule number 0, see ``plausibility``): budget not
negative, status consistent with the dates, a released measure has a summary.
``check_plausibility``
"""

from __future__ import annotations

from datetime import date

from isi.measures.rules.basic import check_basic_fields
from isi.measures.rules.core import (
    ERROR,
    EVALUATION_FIELD_PREFIX,
    NON_FIELD,
    WARNING,
    MeasureFacts,
    Rule,
    Severity,
    TargetGroupRef,
    Violation,
    has_errors,
)
from isi.measures.rules.design import (
    check_basic_offer,
    check_obligation,
    check_precedence,
    check_status_independence,
    is_aimed_at_specific_target_groups,
)
from isi.measures.rules.evidence import check_evaluation, check_model_project
from isi.measures.rules.funding import EU_PROGRAMMES, check_eu_funding, eu_programmes_mentioned
from isi.measures.rules.governance import (
    REFUSED_CHANGE_ORIGINS,
    REVIEW_INTERVAL_DAYS,
    check_change_origin,
    check_owner,
    check_release,
    check_review,
    is_publicly_visible,
    review_due,
)
from isi.measures.rules.plausibility import check_plausibility

# In the order a person reads a measure form; R9 is not here (see check_change_origin).
RULES: tuple[Rule, ...] = (
    check_basic_fields,
    check_plausibility,
    check_owner,
    check_review,
    check_precedence,
    check_status_independence,
    check_obligation,
    check_basic_offer,
    check_evaluation,
    check_model_project,
    check_release,
    check_eu_funding,
)


def check_measure(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """All violations of all rules, in the order of ``RULES``."""
    return [found for rule in RULES for found in rule(facts, today=today)]


__all__ = [
    "ERROR",
    "EU_PROGRAMMES",
    "EVALUATION_FIELD_PREFIX",
    "NON_FIELD",
    "REFUSED_CHANGE_ORIGINS",
    "REVIEW_INTERVAL_DAYS",
    "RULES",
    "WARNING",
    "MeasureFacts",
    "Rule",
    "Severity",
    "TargetGroupRef",
    "Violation",
    "check_basic_fields",
    "check_basic_offer",
    "check_change_origin",
    "check_eu_funding",
    "check_evaluation",
    "check_measure",
    "check_model_project",
    "check_obligation",
    "check_owner",
    "check_plausibility",
    "check_precedence",
    "check_release",
    "check_review",
    "check_status_independence",
    "eu_programmes_mentioned",
    "has_errors",
    "is_aimed_at_specific_target_groups",
    "is_publicly_visible",
    "review_due",
]
