"""R11: EU funding programmes named in the funding note are recorded as funding sources."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from isi.measures.rules.core import MeasureFacts, Violation, violation


@dataclass(frozen=True)
class EuProgramme:
    key: str  # catalogue key of the FundingProgramme
    name_de: str
    name_en: str
    pattern: re.Pattern[str]


def _words(*alternatives: str) -> re.Pattern[str]:
    """Case-insensitive, word-bounded: "ESF" matches "ESF Plus", "ESF+" and "ESF-Mittel",
    but not the letters inside "Bundesfreiwilligendienst"."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# Abbreviations and the full German and English names as they occur in funding notes.
EU_PROGRAMMES: tuple[EuProgramme, ...] = (
    EuProgramme(
        "amif",
        "Asyl-, Migrations- und Integrationsfonds (AMIF)",
        "Asylum, Migration and Integration Fund (AMIF)",
        _words(
            "AMIF",
            r"Asyl-,?\s*Migrations-\s*und\s+Integrationsfonds?",
            r"Asylum,?\s+Migration\s+and\s+Integration\s+Fund",
        ),
    ),
    EuProgramme(
        "esf-plus",
        "Europäischer Sozialfonds Plus (ESF Plus)",
        "European Social Fund Plus (ESF+)",
        _words("ESF", r"Europäische[nrs]?\s+Sozialfonds?", r"European\s+Social\s+Fund"),
    ),
    EuProgramme(
        "efre",
        "Europäischer Fonds für regionale Entwicklung (EFRE)",
        "European Regional Development Fund (ERDF)",
        _words(
            "EFRE",
            "ERDF",
            r"Europäische[nrs]?\s+Fonds?\s+für\s+regionale\s+Entwicklung",
            r"European\s+Regional\s+Development\s+Fund",
        ),
    ),
    EuProgramme("erasmus-plus", "Erasmus+", "Erasmus+", _words("Erasmus")),
)


def eu_programmes_mentioned(text: str) -> list[EuProgramme]:
    """The EU funding programmes a free-text funding note names, in catalogue order."""
    return [programme for programme in EU_PROGRAMMES if programme.pattern.search(text or "")]


def check_eu_funding(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """R11: an EU programme mentioned in the funding note is also recorded as a funding source."""
    return [
        violation(
            rule="R11-eu-funding-programme",
            number=11,
            field="funding_programmes",
            message_de=(
                f"Der Hinweis zur Förderung nennt das EU-Förderprogramm „{programme.name_de}“. "
                "Bitte tragen Sie es auch unter „Förderprogramme“ ein"
            ),
            message_en=(
                f"The funding note names the EU funding programme “{programme.name_en}”. "
                "Please also record it under “Funding programmes”"
            ),
        )
        for programme in eu_programmes_mentioned(facts.funding_note)
        if programme.key not in facts.funding_programme_keys
    ]
