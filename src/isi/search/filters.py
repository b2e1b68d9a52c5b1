"""The public measure filter: one object parsed from a URL, used by page, export and API alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

SORTS = ("relevance", "title", "-updated", "nap_i")
# URL parameter → MeasureFilter attribute. Multi-select facets repeat the parameter (?area=a&area=b).
FACET_PARAMS = {
    "area": "areas",
    "target_group": "target_groups",
    "basic_offer": "basic_offers",
    "level": "levels",
    "land": "lands",
    "owner": "owners",
    "phase": "phases",
    "theme": "themes",
    "status": "statuses",
}
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class MeasureFilter:
    q: str = ""
    areas: tuple[str, ...] = ()  # Area keys
    target_groups: tuple[str, ...] = ()  # TargetGroup keys
    basic_offers: tuple[str, ...] = ()  # BasicOffer keys (via the measure's component)
    levels: tuple[str, ...] = ()  # Level keys
    lands: tuple[str, ...] = ()  # two-digit Land codes (a Kommune counts for its Land)
    owners: tuple[str, ...] = ()  # Organisation keys of the owning Ressort
    phases: tuple[str, ...] = ()  # NAP-I phase numbers as strings ("1".."5")
    themes: tuple[str, ...] = ()  # NAP-I themes as "phase.position", e.g. "2.3"
    statuses: tuple[str, ...] = ()  # Measure.Status values
    sort: str = "relevance"

    @classmethod
    def from_params(cls, params: Any) -> MeasureFilter:
        """Build from a QueryDict (or any mapping with getlist/get); unknown values are dropped later."""
        getlist = getattr(params, "getlist", None)

        def values(name: str) -> tuple[str, ...]:
            raw: Sequence[str] = getlist(name) if getlist else ([params[name]] if name in params else [])
            cleaned = []
            for value in raw:
                for part in str(value).split(","):
                    part = part.strip()
                    if part and part not in cleaned:
                        cleaned.append(part[:80])
            return tuple(cleaned)

        sort = str(params.get("sort", "relevance") or "relevance")
        facets: dict[str, Any] = {attr: values(param) for param, attr in FACET_PARAMS.items()}
        return cls(
            q=str(params.get("q", "") or "").strip()[:MAX_QUERY_LENGTH],
            sort=sort if sort in SORTS else "relevance",
            **facets,
        )

    def to_params(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for param, attr in FACET_PARAMS.items():
            pairs.extend((param, value) for value in getattr(self, attr))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        return pairs

    def querystring(self, **overrides: Any) -> str:
        return urlencode((replace(self, **overrides) if overrides else self).to_params())

    def toggled(self, param: str, value: str) -> MeasureFilter:
        """The same filter with one facet value switched on or off (for facet links)."""
        attr = FACET_PARAMS[param]
        current: tuple[str, ...] = getattr(self, attr)
        new = tuple(v for v in current if v != value) if value in current else (*current, value)
        change: dict[str, Any] = {attr: new}
        return replace(self, **change)

    @property
    def is_empty(self) -> bool:
        return not self.q and not any(getattr(self, attr) for attr in FACET_PARAMS.values())

    def facet_values(self, param: str) -> tuple[str, ...]:
        value: tuple[str, ...] = getattr(self, FACET_PARAMS[param])
        return value


def filter_field_names() -> list[str]:
    return [f.name for f in fields(MeasureFilter)]
