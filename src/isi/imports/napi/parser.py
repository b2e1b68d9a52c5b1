"""Read the NAP-I plain text into a `NapIDocument`. Pure: no Django, no database.

Shape of the text (see ../shared/seeds/README.md)::

    Phase I: Erwartungen steuern – Orientierung geben ⠀⠀⠀
    <intro prose, one paragraph per line>
    Federführung:
    <one lead organisation per line>
    Maßnahmen
      1. <measure title>
        <organisation line>            (indented deeper than the title)
        (Förderung durch …)            (a funding note, also an organisation line)
    <next theme's intro prose at the left margin, or the next `Phase …:` heading>

Tolerated without any change in the result: CRLF or CR line ends, a UTF-8 byte-order mark,
missing or extra U+2800, non-breaking spaces anywhere, extra blank lines anywhere, a missing
final newline. Everything else that breaks the shape is rejected as a whole with the line number.

Split phase headings. The Phase III heading is printed over two lines ("Phase III:
Eingliederung", blank, "Teilhabe ermöglichen – Leistung fordern und fördern"). A heading is
continued by the next non-blank line when all of these hold:

1. the heading's own title has no dash (every NAP-I phase title reads "A – B"; without the
   dash the title is incomplete),
2. the next non-blank line is not itself structure (heading, `Federführung:`, `Maßnahmen`,
   numbered item),
3. that line is short (at most 100 characters) and does not end like a sentence (. ! ? : ;) —
   introductions are full sentences, titles are not.

The two parts are joined with ": ", giving "Eingliederung: Teilhabe ermöglichen – Leistung
fordern und fördern".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, auto

from isi.core.parsing import parse_int
from isi.imports.napi.document import (
    NapIDocument,
    NapIMeasure,
    NapIParseError,
    NapIPhase,
    NapITheme,
)
from isi.imports.napi.text import clean_title, collapse, drop_invisible, indent_width

__all__ = ["NapIDocument", "NapIParseError", "decode_text", "parse_nap_i"]

_PHASE = re.compile(r"^Phase\s+([IVXLC]+|[0-9]{1,6})\s*:\s*(.*)$", re.IGNORECASE)
_LEAD = re.compile(r"^Federf(?:ü|ue)hrung\s*:\s*(.*)$", re.IGNORECASE)
_MEASURES = re.compile(r"^Ma(?:ß|ss)nahmen\s*:?$", re.IGNORECASE)
_ITEM = re.compile(r"^\s*([0-9]{1,6})\.\s+(.*)$", re.DOTALL)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_SENTENCE_END = (".", "!", "?", ":", ";")
_CONTINUATION_MAX = 100


def decode_text(data: bytes | str) -> str:
    """Bytes to text; rejects binary data and invalid UTF-8 with the line it occurs on."""
    if isinstance(data, bytes):
        nul = data.find(b"\x00")
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise NapIParseError(line, "Binärdatei (NUL-Byte), kein Text", "binary file (NUL byte), not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise NapIParseError(line, "kein gültiger UTF-8-Text", "not valid UTF-8 text") from None
    else:
        text = data
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise NapIParseError(line, "Binärdatei (NUL-Byte), kein Text", "binary file (NUL byte), not text")
    return text.removeprefix("\ufeff")


def split_lines(text: str) -> list[str]:
    """Split at CRLF, CR or LF only (str.splitlines also splits at form feeds and others)."""
    return re.split(r"\r\n|\r|\n", text)


def _roman_value(token: str) -> int:
    number = parse_int(token, max_digits=6)
    if number is not None:
        return number
    values = [_ROMAN[ch] for ch in token.upper()]
    total = 0
    for index, value in enumerate(values):
        following = values[index + 1] if index + 1 < len(values) else 0
        total += -value if value < following else value
    return total


class _State(Enum):
    PREAMBLE = auto()  # before the first phase heading
    PHASE_START = auto()  # after a heading, before the first theme
    INTRO = auto()  # a theme's prose
    LEADS = auto()  # after `Federführung:`
    MEASURES = auto()  # after `Maßnahmen`


@dataclass
class _OpenMeasure:
    number: int
    title: str
    line: int
    indent: int
    organisation_lines: list[str] = field(default_factory=list)


@dataclass
class _OpenTheme:
    line: int
    paragraphs: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    lead_line: int = 0
    measures_line: int = 0
    measures: list[NapIMeasure] = field(default_factory=list)
    current: _OpenMeasure | None = None


@dataclass
class _OpenPhase:
    number: int
    title: str
    line: int
    themes: list[NapITheme] = field(default_factory=list)


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.state = _State.PREAMBLE
        self.phases: list[NapIPhase] = []
        self.phase: _OpenPhase | None = None
        self.theme: _OpenTheme | None = None
        self.skip: set[int] = set()

    def run(self) -> NapIDocument:
        for index, raw in enumerate(self.lines):
            if index not in self.skip:
                self.feed(index, raw)
        self.close_phase(len(self.lines))
        if not self.phases:
            raise NapIParseError(
                1,
                "keine Phasenüberschrift („Phase I: …“) gefunden",
                "no phase heading (“Phase I: …”) found",
            )
        return NapIDocument(phases=tuple(self.phases))

    # -- one line -------------------------------------------------------------------------

    def feed(self, index: int, raw: str) -> None:
        lineno = index + 1
        text = collapse(raw)
        if not text:
            return
        heading = _PHASE.match(text)
        if heading:
            self.start_phase(index, heading.group(1), heading.group(2))
            return
        if self.state is _State.PREAMBLE:
            self.check_preamble(lineno, text)
            return
        lead = _LEAD.match(text)
        if lead:
            self.start_leads(lineno, lead.group(1))
        elif _MEASURES.match(text):
            self.start_measures(lineno)
        elif item := _ITEM.match(drop_invisible(raw)):
            self.start_measure(lineno, raw, item)
        else:
            self.plain_line(lineno, raw, text)

    def check_preamble(self, lineno: int, text: str) -> None:
        if _LEAD.match(text) or _MEASURES.match(text):
            raise NapIParseError(
                lineno,
                f"„{text}“ vor der ersten Phasenüberschrift – keine Phasenüberschrift "
                "(„Phase I: …“) gefunden",
                f"“{text}” before the first phase heading – no phase heading (“Phase I: …”) found",
            )

    # -- phases ---------------------------------------------------------------------------

    def start_phase(self, index: int, token: str, rest: str) -> None:
        lineno = index + 1
        self.close_phase(lineno)
        number = _roman_value(token)
        expected = len(self.phases) + 1
        if number != expected:
            raise NapIParseError(
                lineno,
                f"Phase {token} steht hier, erwartet wird Phase Nr. {expected}",
                f"found phase {token}, expected phase no. {expected}",
            )
        title = collapse(rest)
        continuation = self.continuation(index + 1, title)
        if continuation is not None:
            cont_index, cont_text = continuation
            self.skip.add(cont_index)
            if not title:
                title = cont_text
            elif title.endswith(":"):
                title = f"{title} {cont_text}"
            else:
                title = f"{title}: {cont_text}"
        if not title:
            raise NapIParseError(lineno, "Phase ohne Titel", "phase without a title")
        self.phase = _OpenPhase(number=number, title=title, line=lineno)
        self.state = _State.PHASE_START

    def continuation(self, start: int, title: str) -> tuple[int, str] | None:
        """The split-heading heuristic (module docstring): the continuation line, if any."""
        if "–" in title or " - " in title:
            return None
        for index in range(start, len(self.lines)):
            text = collapse(self.lines[index])
            if not text:
                continue
            structural = _PHASE.match(text) or _LEAD.match(text) or _MEASURES.match(text) or _ITEM.match(text)
            if structural or len(text) > _CONTINUATION_MAX or text.endswith(_SENTENCE_END):
                return None
            return index, text
        return None

    def close_phase(self, lineno: int) -> None:
        self.close_theme(lineno)
        if self.phase is None:
            return
        if not self.phase.themes:
            raise NapIParseError(
                self.phase.line,
                f"Phase {self.phase.number} enthält kein Themenforum",
                f"phase {self.phase.number} contains no theme forum",
            )
        self.phases.append(
            NapIPhase(
                number=self.phase.number,
                title=self.phase.title,
                themes=tuple(self.phase.themes),
                line=self.phase.line,
            )
        )
        self.phase = None

    # -- themes ---------------------------------------------------------------------------

    def start_leads(self, lineno: int, rest: str) -> None:
        if self.state is _State.LEADS:
            raise NapIParseError(
                lineno,
                "zweites „Federführung:“ ohne „Maßnahmen“ dazwischen",
                "second “Federführung:” without “Maßnahmen” in between",
            )
        theme = self.theme
        if self.state is _State.MEASURES or theme is None:
            # A theme without introduction prose: legal, it simply starts here.
            self.close_theme(lineno)
            theme = self.theme = _OpenTheme(line=lineno)
        theme.lead_line = lineno
        if rest:
            theme.leads.append(rest)
        self.state = _State.LEADS

    def start_measures(self, lineno: int) -> None:
        theme = self.theme
        if self.state is not _State.LEADS or theme is None:
            if self.state is _State.MEASURES:
                raise NapIParseError(
                    lineno,
                    "„Maßnahmen“ doppelt im selben Themenforum",
                    "“Maßnahmen” twice in the same theme forum",
                )
            raise NapIParseError(
                lineno,
                "Themenforum ohne „Federführung:“ – „Maßnahmen“ erreicht, ohne dass die "
                "federführenden Ressorts genannt wurden",
                "theme forum without “Federführung:” – reached “Maßnahmen” without any lead",
            )
        if not theme.leads:
            raise NapIParseError(
                lineno,
                "„Federführung:“ nennt keine Organisation",
                "“Federführung:” names no organisation",
            )
        theme.measures_line = lineno
        self.state = _State.MEASURES

    def close_theme(self, lineno: int) -> None:
        theme = self.theme
        if theme is None:
            return
        if self.state is _State.INTRO:
            raise NapIParseError(
                theme.line,
                "Themenforum ohne „Federführung:“ und „Maßnahmen“",
                "theme forum without “Federführung:” and “Maßnahmen”",
            )
        if self.state is _State.LEADS:
            raise NapIParseError(
                theme.lead_line,
                "„Federführung:“ ohne folgende Liste „Maßnahmen“",
                "“Federführung:” without a following “Maßnahmen” list",
            )
        self.close_measure()
        if not theme.measures:
            raise NapIParseError(
                theme.measures_line,
                "„Maßnahmen“ ohne nummerierte Maßnahme",
                "“Maßnahmen” without any numbered measure",
            )
        assert self.phase is not None  # a theme only opens inside a phase
        self.phase.themes.append(
            NapITheme(
                phase=self.phase.number,
                position=len(self.phase.themes) + 1,
                introduction="\n\n".join(theme.paragraphs),
                leads=tuple(theme.leads),
                measures=tuple(theme.measures),
                line=theme.line,
            )
        )
        self.theme = None

    # -- measures -------------------------------------------------------------------------

    def start_measure(self, lineno: int, raw: str, item: re.Match[str]) -> None:
        theme = self.theme
        if self.state is not _State.MEASURES or theme is None:
            raise NapIParseError(
                lineno,
                "nummerierte Maßnahme ohne vorangehende Zeilen „Federführung:“ und „Maßnahmen“",
                "numbered measure without preceding “Federführung:” and “Maßnahmen” lines",
            )
        self.close_measure()
        number = int(item.group(1))
        title = clean_title(item.group(2))
        if not title:
            raise NapIParseError(lineno, f"Maßnahme {number} ohne Titel", f"measure {number} has no title")
        if any(m.number == number for m in theme.measures):
            raise NapIParseError(
                lineno,
                f"Maßnahme Nr. {number} doppelt im selben Themenforum",
                f"measure no. {number} appears twice in the same theme forum",
            )
        theme.current = _OpenMeasure(number=number, title=title, line=lineno, indent=indent_width(raw))

    def close_measure(self) -> None:
        theme = self.theme
        if theme is None or theme.current is None:
            return
        current = theme.current
        if not current.organisation_lines:
            raise NapIParseError(
                current.line,
                f"Maßnahme „{current.title}“ hat keine Zeile mit Organisationen",
                f"measure “{current.title}” has no organisation line",
            )
        theme.measures.append(
            NapIMeasure(
                number=current.number,
                title=current.title,
                organisation_lines=tuple(current.organisation_lines),
                line=current.line,
            )
        )
        theme.current = None

    # -- everything else ------------------------------------------------------------------

    def plain_line(self, lineno: int, raw: str, text: str) -> None:
        if self.state is _State.PHASE_START:
            self.theme = _OpenTheme(line=lineno, paragraphs=[text])
            self.state = _State.INTRO
        elif self.state is _State.INTRO:
            assert self.theme is not None
            self.theme.paragraphs.append(text)
        elif self.state is _State.LEADS:
            assert self.theme is not None
            self.theme.leads.append(text)
        elif self.state is _State.MEASURES:
            assert self.theme is not None
            current = self.theme.current
            if current is None:
                raise NapIParseError(
                    lineno,
                    "nach „Maßnahmen“ wird eine nummerierte Maßnahme („1. …“) erwartet",
                    "a numbered measure (“1. …”) is expected after “Maßnahmen”",
                )
            if indent_width(raw) > current.indent:
                current.organisation_lines.append(text)
            else:
                # Back at the margin: the next theme's introduction begins.
                self.close_theme(lineno)
                self.theme = _OpenTheme(line=lineno, paragraphs=[text])
                self.state = _State.INTRO


def parse_nap_i(data: bytes | str) -> NapIDocument:
    """Parse the NAP-I text; raises `NapIParseError` (line, message) and returns nothing partial."""
    text = decode_text(data)
    if not collapse(text):
        raise NapIParseError(1, "die Datei ist leer", "the file is empty")
    return _Parser(split_lines(text)).run()
