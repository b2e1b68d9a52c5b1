"""The engine's value types: what goes in (Doc) and what comes out (Match, Pair, Reason)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# German labels of the reason kinds; "{values}" is the comma-separated list of values.
REASON_LABELS: dict[str, str] = {
    "terms": "gemeinsame Wörter: {values}",
    "word_parts": "gemeinsame Wortteile: {values}",
    "synonyms": "gleiche oder gleichbedeutende Wörter: {values}",
    "target_groups": "gemeinsame Zielgruppen: {values}",
    "areas": "gleicher Bereich: {values}",
    "component": "gleicher Baustein: {values}",
    "level": "gleiche Ebene: {values}",
    "region": "gleiche Region: {values}",
    "owner": "gleiches federführendes Ressort: {values}",
}


@dataclass(frozen=True)
class Doc:
    """One measure as the engine sees it: its texts and its catalogue links (by name)."""

    id: int
    title: str
    summary: str = ""
    goals: str = ""
    owner: str = ""  # canonical owner name (or key); "" if unknown
    target_groups: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    component: str | None = None
    level: str | None = None
    region: str | None = None

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.summary}\n{self.goals}"


@dataclass(frozen=True)
class Reason:
    """Why two measures look alike: a kind and the human-readable values it is about."""

    kind: str  # one of REASON_LABELS
    values: tuple[str, ...]

    def label(self) -> str:
        template = REASON_LABELS.get(self.kind, self.kind + ": {values}")
        return template.format(values=", ".join(self.values))

    def __str__(self) -> str:
        return self.label()


@dataclass(frozen=True)
class Match:
    id: int
    score: float  # 0..1 combined
    text_score: float  # 0..1 text part only
    reasons: tuple[Reason, ...]


class Pair(NamedTuple):
    """Two stored documents that look alike. A named tuple: all-pairs builds 10⁵–10⁶ of them,
    and a tuple is built four times faster than a frozen dataclass."""

    a: int  # a < b
    b: int
    score: float
    text_score: float
    reasons: tuple[Reason, ...]
