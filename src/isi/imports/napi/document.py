"""The NAP-I as parsed: phases → theme forums → measures. Plain frozen data, no Django.

Line numbers are kept for messages but left out of equality, so a document read from the
text and the same document rebuilt from the facts file compare equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NapIMeasure:
    number: int
    title: str
    # Organisation lines as printed (whitespace collapsed); a line in parentheses is a funding note.
    organisation_lines: tuple[str, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class NapITheme:
    phase: int
    position: int  # 1-based within the phase, as in the document
    introduction: str  # paragraphs separated by a blank line
    leads: tuple[str, ...]  # the `Federführung:` lines, in order
    measures: tuple[NapIMeasure, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class NapIPhase:
    number: int
    title: str
    themes: tuple[NapITheme, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class NapIDocument:
    phases: tuple[NapIPhase, ...]

    @property
    def themes(self) -> tuple[NapITheme, ...]:
        return tuple(theme for phase in self.phases for theme in phase.themes)

    def iter_measures(self) -> Iterator[tuple[NapITheme, NapIMeasure]]:
        for theme in self.themes:
            for measure in theme.measures:
                yield theme, measure

    @property
    def measure_count(self) -> int:
        return sum(len(theme.measures) for theme in self.themes)


class NapIParseError(ValueError):
    """The text cannot be read as the NAP-I. Carries the 1-based line and a plain message."""

    def __init__(self, line: int, german: str, english: str) -> None:
        self.line = line
        self.german = german
        self.english = english
        self.message = f"Zeile {line}: {german} / line {line}: {english}"
        super().__init__(self.message)
