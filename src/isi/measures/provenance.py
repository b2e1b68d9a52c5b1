"""Which public values of a measure are unconfirmed machine suggestions.

The NAP-I import fills areas, target groups and the basic-offer classification from documented
keyword rules (``isi.imports.napi.suggestions``) and lists those fields in
``Measure.suggested_fields``. Until a person confirms or changes them they are shown to the public
as "automatisch zugeordnet, ungeprüft" – on the page, in the API and in the open data – never as
facts. A person's change of such a field (form, API, Excel/CSV) or the explicit confirmation in the
measure form removes it from the list (``isi.measures.services.measure_change``).
"""

from __future__ import annotations

from typing import Any

# Public fields a suggestion can concern; "offer_type" and "component" are one classification.
SUGGESTIBLE_FIELDS = ("areas", "target_groups", "offer_type", "component")
SUGGESTION_MARK = "automatisch zugeordnet, ungeprüft"


def unconfirmed_fields(measure: Any) -> list[str]:
    """The measure's public fields whose values are unconfirmed suggestions, in a stable order."""
    stored = {str(name) for name in (getattr(measure, "suggested_fields", None) or [])}
    return [name for name in SUGGESTIBLE_FIELDS if name in stored]


def is_unconfirmed(measure: Any, name: str) -> bool:
    if name == "classification":
        return any(field in unconfirmed_fields(measure) for field in ("offer_type", "component"))
    return name in unconfirmed_fields(measure)


def confirmed_by_change(suggested: list[Any], before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Suggested fields left after a person's change: each field whose value changed is theirs now.

    "offer_type" and "component" are one classification: a person changing either confirms both.
    """
    changed = {name for name in SUGGESTIBLE_FIELDS if before.get(name) != after.get(name)}
    if changed & {"offer_type", "component"}:
        changed |= {"offer_type", "component"}
    return [str(name) for name in suggested if str(name) not in changed]
