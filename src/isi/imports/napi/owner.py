"""Which Ressort owns an imported measure (rule 1), derived openly and explained in German.

Pure: works on anything shaped like `Organisation` (name, kind, is_ressort, ressort()).

1. The first named organisation (in order of appearance, funders included) that is a Ressort
   (federal ministry or federal government commissioner).
2. Else the Ressort above the first named federal agency or federal enterprise.
3. Else the theme forum's first lead.

"Alle Bundesressorts" is a group, not a Ressort: it never owns a measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, Self

NAMED_RESSORT = "named_ressort"
AGENCY_PARENT = "agency_parent"
THEME_LEAD = "theme_lead"

AGENCY_KINDS = frozenset({"federal_agency", "federal_enterprise"})


class OrgLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def is_ressort(self) -> bool: ...

    def ressort(self) -> Self | None: ...


@dataclass(frozen=True)
class OwnerChoice[T: OrgLike]:
    owner: T
    basis: str
    explanation: str


class NoOwnerError(ValueError):
    """Neither a Ressort, an agency nor a theme lead: nobody to own the measure."""


def derive_owner[T: OrgLike](named: Sequence[T], theme_leads: Sequence[T]) -> OwnerChoice[T]:
    for org in named:
        if org.is_ressort:
            return OwnerChoice(org, NAMED_RESSORT, f"Erstes genanntes Bundesressort: {org.name}")
    for org in named:
        if org.kind in AGENCY_KINDS:
            parent = org.ressort()
            if parent is not None:
                return OwnerChoice(
                    parent,
                    AGENCY_PARENT,
                    f"Ressort über der ersten genannten Bundesbehörde ({org.name}): {parent.name}",
                )
    if theme_leads:
        lead = theme_leads[0]
        return OwnerChoice(
            lead,
            THEME_LEAD,
            "Kein Bundesressort und keine Bundesbehörde genannt; erste Federführung des "
            f"Themenforums: {lead.name}",
        )
    raise NoOwnerError(
        "Kein Bundesressort, keine Bundesbehörde und keine Federführung: "
        "die Maßnahme hat kein federführendes Ressort"
    )
