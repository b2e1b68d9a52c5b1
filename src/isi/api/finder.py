"""POST /finder: the offer finder (DESIGN §5) – which offers fit the person described by the answers.

The body is the answers object with the keys of DESIGN §5 (all optional; null = not known).
Validation and evaluation are the finder's own (``isi.finder``), so the API, the CLI and the
page give the same answers with the same explanations. Invalid answers: 422 with the finder's
errors (``{"key", "message"}``) and no results.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from pydantic import Field

from isi.api.errors import ApiError, tr
from isi.api.schemas import ErrorOut
from isi.core.parsing import loads_json
from isi.finder.answers import ANSWER_SPECS, Lang, validate_answers
from isi.finder.rules import NOT_BINDING, error_to_json, evaluate, results_to_json

router = Router(tags=["Angebotsfinder"])

MAX_BODY = 64 * 1024


class FinderResultOut(Schema):
    offer: str = Field(description="z. B. 'integration_course', 'job_language_course'")
    eligible: bool | None = Field(description="null: die Angaben reichen nicht (siehe missing)")
    reasons: list[str]
    basis: Literal["claim", "admission"] | None = Field(
        default=None, description="claim: Anspruch; admission: Zulassung im Rahmen freier Kursplätze"
    )
    decided_by: str | None = Field(default=None, description="die Stelle, die entscheidet")
    legal_state: str | None = Field(default=None, description="Rechtsstand der Regeln (JJJJ-MM-TT)")
    next_steps: list[str] = Field(default_factory=list, description="was jetzt zu tun ist")
    binding: bool = Field(default=False, description="immer false: keine verbindliche Entscheidung")
    notice: str = ""
    missing: list[str] = Field(default_factory=list, description="Angaben, die noch fehlen (Schlüssel)")
    missing_questions: list[str] = Field(default_factory=list, description="dieselben, in Worten")
    title: str = ""


class FinderErrorOut(Schema):
    key: str = Field(description="die Angabe, die nicht passt ('' für das Ganze)")
    message: str


class FinderOut(Schema):
    results: list[FinderResultOut]
    errors: list[FinderErrorOut]
    notice: str = ""


class FinderInvalidOut(FinderOut):
    detail: str


def _answer_property(kind: str, choices: tuple[str, ...]) -> dict[str, Any]:
    if kind == "choice":
        return {"anyOf": [{"type": "string", "enum": list(choices)}, {"type": "null"}]}
    if kind == "bool":
        return {"anyOf": [{"type": "boolean"}, {"type": "null"}]}
    if kind == "date":
        return {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
    if kind == "country":
        return {"anyOf": [{"type": "string", "pattern": "^[A-Za-z]{2}$"}, {"type": "null"}]}
    return {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]}


ANSWERS_SCHEMA: dict[str, Any] = {
    "title": "FinderAnswers",
    "type": "object",
    "description": "Antworten (DESIGN §5); alle optional, null = unbekannt.",
    "properties": {spec.key: _answer_property(spec.kind, spec.choices) for spec in ANSWER_SPECS},
    "additionalProperties": False,
}


@router.post(
    "/finder",
    response={200: FinderOut, 422: FinderInvalidOut, 429: ErrorOut},
    summary="Angebotsfinder: welche Angebote passen?",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": ANSWERS_SCHEMA}}}
    },
)
def finder(request: HttpRequest) -> Status[dict[str, Any]]:
    """Per offer: eligible true/false/null with the reasons (German; English with Accept-Language: en)."""
    lang: Lang = "en" if (get_language() or "de").startswith("en") else "de"
    if len(request.body) > MAX_BODY:
        raise ApiError(
            413,
            tr(
                "Die Anfrage ist zu groß: höchstens 64 KiB sind erlaubt.",
                "The request is too large: at most 64 KiB are allowed.",
            ),
        )
    try:
        raw = loads_json(request.body or b"null", max_depth=8)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            422,
            tr("Der Inhalt ist kein gültiges JSON.", "The body is not valid JSON."),
            results=[],
            errors=[{"key": "", "message": str(exc)}],
        ) from exc
    answers, errors = validate_answers(raw, today=timezone.localdate())
    if errors:
        return Status(
            422,
            {
                "detail": tr("Die Antworten sind ungültig.", "The answers are invalid."),
                "results": [],
                "errors": [error_to_json(error, lang) for error in errors],
                "notice": NOT_BINDING.get(lang),
            },
        )
    results = evaluate(answers, today=timezone.localdate())
    return Status(200, results_to_json(results, (), lang))
