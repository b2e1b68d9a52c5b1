"""The result page names each open question as a link back to it: the link must lead to the step
that asks that answer key on *this person's* path (the status of a person from outside the EU is
asked by the residence paper, or the kind of toleration, not by the Germans' "Herkunft" step), in
standard German and in Leichte Sprache. Every link is followed: it must show that question, with
the inputs that answer it.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from isi.finder.flow import BY_ID, STEPS, step_for_key, walk
from tests.integration.test_finder_web import AFGHAN_ASYLUM_SEEKER, EU_WORKER, SYRIAN_REFUGEE, UKRAINIAN

pytestmark = pytest.mark.django_db

STEP = re.compile(r"^/angebotsfinder/frage/([a-z-]+)/$")
LINK = re.compile(r'<a class="kern-link" href="(/angebotsfinder/frage/([a-z-]+)/\?aendern=1)">([^<]+)</a>')
REST = {
    "schule": "no",
    "deutsch": "no",
    "arbeit": ["sgb2"],
    "deutsch-beruf": "yes",
    "unterstuetzung": "unknown",
}
THIRD = {"staatsangehoerigkeit": "third_country"}
# People with open answers, most of them from outside the EU with an unclear status.
PERSONAS: dict[str, dict[str, Any]] = {
    "paper-unknown": {**THIRD, "dokument": "unknown", **REST},
    "paper-other": {**THIRD, "dokument": "other", **REST},
    "toleration-unknown": {
        **THIRD,
        "dokument": "duldung",
        "duldung": "unknown",
        "duldung-seit": "long",
        **REST,
    },
    "purpose-unknown": {**THIRD, "dokument": "aufenthaltserlaubnis", "aufenthaltszweck": "unknown", **REST},
    "first-title-unknown": {**THIRD, "dokument": "niederlassung", "erster-titel": "unknown", **REST},
    "nationality-unknown": {"staatsangehoerigkeit": "unknown", "dokument": "unknown", **REST},
    "german-origin-unknown": {"staatsangehoerigkeit": "german", "herkunft": "unknown", **REST},
    "everything-unknown": {step.id: "unknown" for step in STEPS},
    "afghan-country-unknown": dict(AFGHAN_ASYLUM_SEEKER, herkunftsland="unknown"),
    "syrian-refugee": SYRIAN_REFUGEE,
    "eu-worker": dict(EU_WORKER, deutsch="unknown"),
    "ukrainian": dict(UKRAINIAN, schule="unknown"),
}


def run(answers: dict[str, Any], *, easy: bool) -> Client:
    client = Client()
    location = client.post("/angebotsfinder/start/", {"leicht": "1"} if easy else {})["Location"]
    while match := STEP.match(location):
        assert client.get(location).status_code == 200
        location = client.post(location, {"antwort": answers[match.group(1)]})["Location"]
    assert location == "/angebotsfinder/pruefen/"
    return client


def test_step_for_key_follows_the_persons_path() -> None:
    """The answer key "status" is asked by a different step for each kind of person."""
    today = timezone.localdate()
    expected = {
        "paper-unknown": "dokument",
        "paper-other": "dokument",
        "toleration-unknown": "duldung",
        "purpose-unknown": "aufenthaltszweck",
        "first-title-unknown": "erster-titel",
        "nationality-unknown": "dokument",
        "german-origin-unknown": "herkunft",
    }
    for name, step_id in expected.items():
        state = walk(PERSONAS[name], today=today)
        assert any("status" in r.missing for r in state.results), name
        step = step_for_key("status", state)
        assert step is not None and step.id == step_id, (name, step and step.id)
    # A key no step on the path asks has no step to link to.
    eu = walk(EU_WORKER, today=today)
    assert step_for_key("migration_background", eu) is None


@pytest.mark.parametrize("easy", [False, True], ids=["standard", "leicht"])
@pytest.mark.parametrize("name", list(PERSONAS))
def test_every_missing_answer_link_leads_to_its_question(name: str, easy: bool) -> None:
    answers = PERSONAS[name]
    client = run(answers, easy=easy)
    page = client.get("/angebotsfinder/ergebnis/").content.decode()
    links = LINK.findall(page)
    state = walk(answers, today=timezone.localdate())
    missing = {key for result in state.results for key in result.missing}
    # Every missing answer has a link, to a step that sets that key.
    linked = {step_id for _url, step_id, _text in links}
    for key in missing:
        assert any(key in BY_ID[step_id].keys for step_id in linked), (name, key, linked)
    assert bool(links) == bool(missing)
    # One link per question in each result (two keys of one step give one link).
    for section in page.split('<section class="finder-result')[1:]:
        urls = [url for url, _step, _text in LINK.findall(section)]
        assert len(urls) == len(set(urls)), (name, urls)
    for url, step_id, text in links:
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.get("Location"))
        question = response.content.decode()
        heading = re.search(r'<h1 class="kern-heading-large">([^<]+)</h1>', question)
        assert heading and html.unescape(heading.group(1)) == html.unescape(text), (name, url)
        step = BY_ID[step_id]
        if step.select:
            assert '<select class="kern-form-input__select" id="antwort-1" name="antwort"' in question
        for option in step.options:
            control = (
                f'<option value="{option.value}"' if step.select else f'name="antwort" value="{option.value}"'
            )
            assert control in question, (name, url, option.value)


def test_the_status_of_a_person_from_outside_the_eu_links_to_the_residence_paper() -> None:
    """The bug of issue #14: "status" always linked to the Germans' "Herkunft" step, which this
    person is never asked (the link led to the check page instead)."""
    client = run(PERSONAS["paper-unknown"], easy=False)
    page = client.get("/angebotsfinder/ergebnis/").content.decode()
    assert 'href="/angebotsfinder/frage/dokument/?aendern=1">Welches Aufenthaltspapier haben Sie?</a>' in page
    assert "/angebotsfinder/frage/herkunft/" not in page
