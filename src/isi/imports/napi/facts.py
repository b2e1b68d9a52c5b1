"""The parsed NAP-I as plain JSON ("facts"), so `isi demo` works where the seed text is absent.

The committed file src/isi/imports/data/nap_i_facts.json is generated from the seed with

    isi import nap-i ../shared/seeds/000_62a3dcb9e0a31828.txt \
        --write-facts src/isi/imports/data/nap_i_facts.json

and imported with `isi import nap-i --facts src/isi/imports/data/nap_i_facts.json`. The facts
hold what the parser read (organisation lines as printed, not yet resolved), so both routes go
through the same gazetteer and service and give the same measures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from isi.imports.napi.document import NapIDocument, NapIMeasure, NapIPhase, NapITheme

FACTS_VERSION = 1
FACTS_PATH = Path(__file__).resolve().parent.parent / "data" / "nap_i_facts.json"


class FactsError(ValueError):
    """The facts file does not have the expected shape."""


def document_to_facts(doc: NapIDocument) -> dict[str, Any]:
    return {
        "version": FACTS_VERSION,
        "note": (
            "Generated from the NAP-I seed text by `isi import nap-i SEED --write-facts FILE`; "
            "do not edit by hand."
        ),
        "phases": [
            {
                "number": phase.number,
                "title": phase.title,
                "themes": [
                    {
                        "position": theme.position,
                        "introduction": theme.introduction,
                        "leads": list(theme.leads),
                        "measures": [
                            {
                                "number": measure.number,
                                "title": measure.title,
                                "organisation_lines": list(measure.organisation_lines),
                            }
                            for measure in theme.measures
                        ],
                    }
                    for theme in phase.themes
                ],
            }
            for phase in doc.phases
        ],
    }


def _get(item: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(item, dict) or key not in item or not isinstance(item[key], kind):
        raise FactsError(
            f"Fakten-Datei: {where}: Feld „{key}“ fehlt oder hat den falschen Typ "
            f"/ facts file: {where}: field “{key}” missing or of the wrong type"
        )
    return item[key]


def _strings(item: Any, key: str, where: str) -> tuple[str, ...]:
    values = _get(item, key, list, where)
    if not all(isinstance(value, str) for value in values):
        raise FactsError(
            f"Fakten-Datei: {where}: „{key}“ muss Text enthalten "
            f"/ facts file: {where}: “{key}” must hold strings"
        )
    return tuple(values)


def facts_to_document(facts: Any) -> NapIDocument:
    """Rebuild the document; raises `FactsError` on a malformed file, naming the place."""
    version = _get(facts, "version", int, "Kopf")
    if version != FACTS_VERSION:
        raise FactsError(
            f"Fakten-Datei: Version {version} wird nicht unterstützt "
            f"/ facts file: version {version} is not supported"
        )
    phases: list[NapIPhase] = []
    for phase_item in _get(facts, "phases", list, "Kopf"):
        number = _get(phase_item, "number", int, "Phase")
        themes: list[NapITheme] = []
        for theme_item in _get(phase_item, "themes", list, f"Phase {number}"):
            position = _get(theme_item, "position", int, f"Phase {number}")
            where = f"Themenforum {number}.{position}"
            measures = tuple(
                NapIMeasure(
                    number=_get(m, "number", int, where),
                    title=_get(m, "title", str, where),
                    organisation_lines=_strings(m, "organisation_lines", where),
                )
                for m in _get(theme_item, "measures", list, where)
            )
            themes.append(
                NapITheme(
                    phase=number,
                    position=position,
                    introduction=_get(theme_item, "introduction", str, where),
                    leads=_strings(theme_item, "leads", where),
                    measures=measures,
                )
            )
        title = _get(phase_item, "title", str, f"Phase {number}")
        phases.append(NapIPhase(number=number, title=title, themes=tuple(themes)))
    doc = NapIDocument(phases=tuple(phases))
    check_document(doc)
    return doc


def check_document(doc: NapIDocument) -> None:
    """What the parser guarantees for text, checked again for facts from a file."""
    problems: list[str] = []
    if not doc.phases:
        problems.append("keine Phase / no phase")
    for index, phase in enumerate(doc.phases, 1):
        if phase.number != index or not phase.title or not phase.themes:
            problems.append(f"Phase {phase.number}: Nummer, Titel oder Themenforen fehlerhaft")
        for pos, theme in enumerate(phase.themes, 1):
            where = f"Themenforum {phase.number}.{theme.position}"
            if theme.position != pos or not theme.leads or not theme.measures:
                problems.append(f"{where}: Position, Federführung oder Maßnahmen fehlerhaft")
            numbers = [m.number for m in theme.measures]
            if len(set(numbers)) != len(numbers):
                problems.append(f"{where}: doppelte Maßnahmennummer")
            for m in theme.measures:
                if not m.title.strip() or not m.organisation_lines:
                    problems.append(f"{where}, Maßnahme {m.number}: Titel oder Organisationen fehlen")
    if problems:
        raise FactsError("Fakten-Datei: " + "; ".join(problems[:5]) + " / facts file: inconsistent content")


def read_facts(path: Path) -> NapIDocument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FactsError(
            f"Fakten-Datei ist kein gültiges JSON ({exc}) / facts file is not valid JSON"
        ) from None
    return facts_to_document(data)


def write_facts(doc: NapIDocument, path: Path) -> None:
    text = json.dumps(document_to_facts(doc), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
