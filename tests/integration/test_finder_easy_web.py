"""The finder in Leichte Sprache on the web: started "in Leichter Sprache", a person gets the
reasons, who decides, the next steps and the notice in Easy German – on the result page (which is
also the page people print) and on the "check your answers" page – and no standard German reason.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from isi.finder.easy import EASY_STEPS
from isi.finder.flow import walk
from isi.finder.rules import result_for_page
from tests.integration.test_finder_web import AFGHAN_ASYLUM_SEEKER, EU_WORKER, SYRIAN_REFUGEE, UKRAINIAN

pytestmark = pytest.mark.django_db

STEP = re.compile(r"^/angebotsfinder/frage/([a-z-]+)/$")
# Words only the standard German answer uses (engine prefixes, abbreviations, the notice).
STANDARD_MARKERS = (
    "Berechtigt, weil", "Nicht berechtigt:", "Noch offen:", "Voraussetzung:", "Wir müssen noch wissen",
    "Abs.", "AufenthG", "DeuFöV", "IntV", "keine verbindliche Entscheidung", "Kurssuche des BAMF",
    "Wer entscheidet:", "Was Sie jetzt tun können", "Rechtsstand",
)  # fmt: skip


def easy_run(answers: dict[str, Any], *, leicht: bool = True, pages: list[str] | None = None) -> Client:
    """Start (in Leichter Sprache) and answer every question asked, as a person would; ``pages``
    collects the question pages."""
    client = Client()
    location = client.post("/angebotsfinder/start/", {"leicht": "1"} if leicht else {})["Location"]
    while match := STEP.match(location):
        response = client.get(location)
        assert response.status_code == 200
        if pages is not None:
            pages.append(response.content.decode())
        location = client.post(location, {"antwort": answers[match.group(1)]})["Location"]
    assert location == "/angebotsfinder/pruefen/"
    return client


def text_of(page: str) -> str:
    """The page's text as a person reads it (tags gone, entities decoded, spaces collapsed)."""
    main = page.split("<main", 1)[-1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def standard_texts(answers: dict[str, Any]) -> list[str]:
    """The standard German reasons, offices and next steps for the same page answers."""
    state = walk(answers, today=timezone.localdate())
    texts: list[str] = []
    for result in state.results:
        data = result_for_page(result, "de")
        texts += [*data["reasons"], *data["next_steps"], data["decided_by"] or ""]
    return [t for t in texts if t]


@pytest.mark.parametrize(
    "answers",
    [SYRIAN_REFUGEE, EU_WORKER, AFGHAN_ASYLUM_SEEKER, UKRAINIAN],
    ids=["syrian-refugee", "eu-worker", "afghan-asylum-seeker", "ukrainian-24"],
)
def test_an_easy_run_gives_the_whole_answer_in_easy_german(answers: dict[str, Any]) -> None:
    client = easy_run(answers)
    page = client.get("/angebotsfinder/ergebnis/").content.decode()
    text = text_of(page)
    for marker in STANDARD_MARKERS:
        assert marker not in text, marker
    for standard in standard_texts(answers):
        assert re.sub(r"\s+", " ", standard) not in text, standard
    # The Easy answer is there: reasons with their law, who decides, where to apply, the notice.
    assert text.count("Sie dürfen wahrscheinlich mit·machen.") == 2
    assert text.count("Das steht im Gesetz: ") >= 2 and ", Paragraf " in text
    assert "Wer entscheidet?" in text and "Das können Sie jetzt tun:" in text
    assert "Das Ergebnis ist nur eine Einschätzung. Es ist keine feste Entscheidung." in text
    legal_state = walk(answers, today=timezone.localdate()).results[0].legal_state
    assert legal_state is not None
    assert f"Die Regeln in diesem Angebots·finder sind vom {date_format(legal_state, 'j. F Y')}." in text
    assert '<a href="https://bamf-navi.bamf.de/"' in page  # the course search is a link
    assert "<br>" in page  # one sentence a line


def test_the_legal_term_stands_beside_the_easy_words() -> None:
    text = text_of(easy_run(AFGHAN_ASYLUM_SEEKER).get("/angebotsfinder/ergebnis/").content.decode())
    assert "Ihr Papier heißt: Aufenthalts·gestattung." in text
    assert "Der Antrag heißt: Antrag auf Zulassung zum Integrations·kurs." in text
    syrian = text_of(easy_run(SYRIAN_REFUGEE).get("/angebotsfinder/ergebnis/").content.decode())
    assert "Auf Ihrer Karte steht: § 25 Absatz 1 oder 2. Das Zeichen § heißt: Paragraf." in syrian


def test_a_person_who_is_not_eligible_reads_why_in_easy_german() -> None:
    pupil = {**EU_WORKER, "schule": "yes"}
    text = text_of(easy_run(pupil).get("/angebotsfinder/ergebnis/").content.decode())
    assert "Sie dürfen wahrscheinlich nicht mit·machen." in text
    assert "Sie gehen in Deutschland zur Schule. Dort lernen Sie Deutsch." in text
    assert "Gehen Sie zu einer Beratungs·stelle." in text
    assert not any(marker in text for marker in STANDARD_MARKERS)


def test_open_questions_are_named_by_their_easy_question_and_linked() -> None:
    unsure = {**SYRIAN_REFUGEE, "aufenthaltszweck": "unknown"}
    page = easy_run(unsure).get("/angebotsfinder/ergebnis/").content.decode()
    text = text_of(page)
    assert "Wir brauchen noch mehr Antworten von Ihnen." in text
    assert "Diese Fragen sind noch offen:" in text
    links = re.findall(r'href="/angebotsfinder/frage/([a-z-]+)/\?aendern=1">([^<]+)</a>', page)
    assert links
    for step_id, label in links:
        assert html.unescape(label) == EASY_STEPS[step_id].question
    assert "Wir müssen noch wissen" not in text and "Ihr Aufenthaltsstatus" not in text


def test_the_check_page_asks_and_answers_in_easy_german() -> None:
    text = text_of(easy_run(SYRIAN_REFUGEE).get("/angebotsfinder/pruefen/").content.decode())
    assert EASY_STEPS["dokument"].question in text
    assert EASY_STEPS["aufenthaltszweck"].options["protection"] in text
    assert EASY_STEPS["arbeit"].options["sgb2"] in text
    assert "Aufenthaltspapier " not in text and "Ich bekomme Bürgergeld vom Jobcenter." not in text


def test_several_easy_answers_stand_one_a_line_on_the_check_page() -> None:
    page = easy_run(UKRAINIAN).get("/angebotsfinder/pruefen/").content.decode()
    options = EASY_STEPS["arbeit"].options
    assert f"{html.escape(options['registered'])}<br>{html.escape(options['sgb2'])}" in page


def test_started_normally_the_answer_is_the_standard_one() -> None:
    client = easy_run(SYRIAN_REFUGEE, leicht=False)
    text = text_of(client.get("/angebotsfinder/ergebnis/").content.decode())
    assert "Berechtigt, weil" in text and "keine verbindliche Entscheidung" in text
    assert "Das steht im Gesetz:" not in text and "mit·machen" not in text
    check = text_of(client.get("/angebotsfinder/pruefen/").content.decode())
    assert EASY_STEPS["dokument"].question not in check


@pytest.mark.parametrize(
    "answers",
    [SYRIAN_REFUGEE, UKRAINIAN, {**SYRIAN_REFUGEE, "aufenthaltszweck": "work_family", "erster-titel": "no"}],
    ids=["syrian-refugee", "ukrainian-24", "work-permit"],
)
def test_the_easy_questions_cite_the_law_without_abbreviations(answers: dict[str, Any]) -> None:
    pages: list[str] = []
    easy_run(answers, pages=pages)
    assert len(pages) >= 5
    for page in pages:
        text = text_of(page)
        assert "Abs." not in text and "AufenthG" not in text, text[:300]
    purpose = next(text_of(p) for p in pages if EASY_STEPS["aufenthaltszweck"].question in p)
    assert (
        "(§ 25 Absatz 1 oder 2)" in purpose and "Auf der Karte steht zum Beispiel: § 16 bis § 21." in purpose
    )
