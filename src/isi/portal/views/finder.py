"""The offer finder page: a plain GET form (works without JavaScript), results with reasons."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from isi.finder.answers import coerce_form_data, validate_answers
from isi.finder.questions import questions_for
from isi.finder.rules import error_to_json, evaluate, result_to_json

SUBMIT_FLAG = "auswerten"


def _current_lang() -> str:
    return "en" if (get_language() or "de").startswith("en") else "de"


def finder(request: HttpRequest) -> HttpResponse:
    lang = _current_lang()
    submitted = SUBMIT_FLAG in request.GET
    raw_values = {key: request.GET.get(key, "") for key in request.GET if key != SUBMIT_FLAG}
    results: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    if submitted:
        answers, problems = validate_answers(coerce_form_data(request.GET.dict()))
        errors = {
            problem["key"]: problem["message"] for problem in (error_to_json(p, lang) for p in problems)
        }
        if not errors:
            results = [result_to_json(result, lang) for result in evaluate(answers)]
    questions = []
    for question in questions_for(lang):
        current = raw_values.get(question["key"], "")
        for choice in question["choices"]:
            value = choice["value"]
            choice["form_value"] = ("ja" if value else "nein") if isinstance(value, bool) else str(value)
            choice["checked"] = submitted and current == choice["form_value"]
        question["current"] = current
        question["error"] = errors.get(question["key"])
        questions.append(question)
    context = {
        "questions": questions,
        "results": results,
        "errors": [(q["key"], q["label"], q["error"]) for q in questions if q["error"]],
        "submitted": submitted,
    }
    return render(request, "portal/finder.html", context)
