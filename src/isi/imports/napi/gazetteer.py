"""Split NAP-I organisation lines into organisations and fold variant names to canonical ones.

Pure: no Django. The name list comes from the registry file (`Gazetteer.from_registry()`), from
a plain mapping {name or alias: canonical name} (`Gazetteer(mapping)`), or — in the import
service — from the database.

How a line is read:

* The line is scanned word by word. At each word start the longest known name (canonical or
  alias; case-insensitive; it must end at a word boundary) is taken. Names that contain commas
  or "und" are therefore kept whole ("Bundesministerium für Wirtschaft und Energie").
* Between two names only separators may stand: spaces, commas, semicolons, " / ", " und ".
* Text that matches no name is split at commas, semicolons and " / " and reported as
  unresolved; the import creates such organisations for review.
* "(Finanzierung)" directly after a name makes that organisation a funder.
* A whole line in parentheses, "(Förderung durch …)", is a funding note: its inner text is kept
  as the measure's funding note and the names in it are funders.
* A name that appears twice in the same role on one measure is kept once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from isi.imports.napi.text import collapse, fold

RESPONSIBLE = "responsible"
FUNDER = "funder"

# Characters that may precede a name's first word / follow its last one.
_OPENERS = frozenset(" ,;/(")
_CLOSERS = frozenset(" ,;/)")
_INLINE_FUNDING = re.compile(r"\s*\(\s*(?:Finanzierung|Förderung)\s*\)", re.IGNORECASE)
_FUNDING_PREFIX = re.compile(
    r"^(?:Förderung|Finanzierung|gefördert|finanziert)\s+(?:durch|von|vom|über)\s+",
    re.IGNORECASE,
)
_EDGE_SEPARATORS = re.compile(r"^(?:[\s,;/]+|und\b)+|(?:[\s,;/]+|\bund)+$", re.IGNORECASE)
# In a funding note ("Förderung durch die X und die Y") the articles are prose, not names.
_ARTICLE = re.compile(r"^(?:der|die|das|den|dem|des)\s+", re.IGNORECASE)
_UNRESOLVED_SPLIT = re.compile(r"\s*[,;]\s*|\s+/\s+")


@dataclass(frozen=True)
class OrgMention:
    """One organisation named on a measure (or as a theme lead)."""

    name: str  # canonical name when resolved, else the text as printed
    role: str  # RESPONSIBLE or FUNDER
    resolved: bool
    written: str  # the text as it stood in the line


@dataclass(frozen=True)
class MeasureOrganisations:
    mentions: tuple[OrgMention, ...]
    funding_note: str = ""

    @property
    def unresolved(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.mentions if not m.resolved)


@dataclass
class _Scan:
    mentions: list[OrgMention] = field(default_factory=list)
    pending_start: int = 0


class Gazetteer:
    """Known organisation names: every name and alias mapped to its canonical name."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._canonical: dict[str, str] = {}
        for name, canonical in names.items():
            key = fold(collapse(name))
            if key:
                self._canonical[key] = collapse(canonical)
        # Longest first: at each position the longest match wins.
        self._keys = sorted(self._canonical, key=len, reverse=True)

    @classmethod
    def from_registry(cls, entries: Iterable[Mapping[str, Any]] | None = None) -> Gazetteer:
        """Build from registry entries ({"name", "aliases"}); by default organisations/data."""
        if entries is None:
            from isi.organisations.loaders import read_registry  # plain JSON reader, no Django

            entries = read_registry()
        names: dict[str, str] = {}
        for entry in entries:
            names[entry["name"]] = entry["name"]
            for alias in entry.get("aliases", []):
                names[alias] = entry["name"]
        return cls(names)

    def canonical(self, name: str) -> str | None:
        return self._canonical.get(fold(collapse(name)))

    # -- lines ----------------------------------------------------------------------------

    def split_line(self, line: str, role: str = RESPONSIBLE) -> list[OrgMention]:
        """The organisations in one line, in order, each resolved or marked unresolved."""
        text = collapse(line)
        folded = fold(text)
        scan = _Scan()
        pos = 0
        while pos < len(text):
            match = self._match_at(folded, pos) if self._word_start(text, pos) else None
            if match is None:
                pos += 1
                continue
            self._flush(text[scan.pending_start : pos], role, scan)
            end = pos + len(match)
            mention_role = role
            inline = _INLINE_FUNDING.match(text, end)
            if inline:
                mention_role = FUNDER
                end = inline.end()
            scan.mentions.append(
                OrgMention(
                    name=self._canonical[match],
                    role=mention_role,
                    resolved=True,
                    written=text[pos : pos + len(match)],
                )
            )
            pos = scan.pending_start = end
        self._flush(text[scan.pending_start :], role, scan)
        return scan.mentions

    def resolve_measure(self, lines: Sequence[str]) -> MeasureOrganisations:
        """All organisation lines of one measure: mentions in order, funding note, no repeats."""
        mentions: list[OrgMention] = []
        notes: list[str] = []
        for raw in lines:
            line = collapse(raw)
            if line.startswith("(") and line.endswith(")"):
                inner = line[1:-1].strip()
                notes.append(inner)
                mentions.extend(self.split_line(_FUNDING_PREFIX.sub("", inner), FUNDER))
            else:
                mentions.extend(self.split_line(line))
        seen: set[tuple[str, str]] = set()
        unique: list[OrgMention] = []
        for mention in mentions:
            if (mention.name, mention.role) not in seen:
                seen.add((mention.name, mention.role))
                unique.append(mention)
        return MeasureOrganisations(mentions=tuple(unique), funding_note="; ".join(notes))

    def resolve_leads(self, lines: Sequence[str]) -> list[OrgMention]:
        """Theme leads: one per line as printed, split all the same in case a line holds two."""
        result: list[OrgMention] = []
        for line in lines:
            for mention in self.split_line(line):
                if mention.name not in {m.name for m in result}:
                    result.append(mention)
        return result

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _word_start(text: str, pos: int) -> bool:
        return not text[pos].isspace() and (pos == 0 or text[pos - 1] in _OPENERS)

    def _match_at(self, folded: str, pos: int) -> str | None:
        for key in self._keys:
            if folded.startswith(key, pos):
                end = pos + len(key)
                if end == len(folded) or folded[end] in _CLOSERS:
                    return key
        return None

    @staticmethod
    def _flush(chunk: str, role: str, scan: _Scan) -> None:
        """Text between two matches: separators are dropped, anything else is unresolved."""
        rest = _EDGE_SEPARATORS.sub("", chunk).strip()
        if not rest:
            return
        for piece in _UNRESOLVED_SPLIT.split(rest):
            piece = _EDGE_SEPARATORS.sub("", piece).strip()
            if not piece:
                continue
            if role == FUNDER:
                piece = _ARTICLE.sub("", piece)
            piece_role = role
            inline = _INLINE_FUNDING.search(piece)
            if inline and inline.end() == len(piece):
                piece_role = FUNDER
                piece = piece[: inline.start()].strip()
            scan.mentions.append(OrgMention(name=piece, role=piece_role, resolved=False, written=piece))
