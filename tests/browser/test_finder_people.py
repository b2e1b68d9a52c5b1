"""The four people of issue 14, as new users on a 375 px phone in Arabic and in Ukrainian.

A Syrian recognised refugee on the Jobcenter, an EU worker, an Afghan asylum seeker and a Ukrainian
with temporary protection each go through the finder by keyboard, never answering "don't know",
and reach an explained answer under today's law (the verdicts of the persona tables in
tests/unit/test_finder_law.py and tests/integration/test_finder_web.py): the verdict per offer,
claim or admission, the reason, who decides and what to do next; in few questions and well under two
minutes; with the right language and direction, no horizontal scrolling, and no answer in any
address the browser asked for or in the access log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.support import overflow
from tests.browser.test_finder_htmx import STEP_PATH, LogLines, choose_by_keyboard, path_of, send_and_wait
from tests.integration.test_finder_web import (
    AFGHAN_ASYLUM_SEEKER,
    ANSWER_WORDS,
    EU_WORKER,
    SYRIAN_REFUGEE,
    UKRAINIAN,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# (answers, integration course basis, who decides on the job-related German course): as in
# test_the_four_people_reach_an_explained_answer_in_few_steps; under today's law all four may
# attend both courses (test_personas_before_and_after_the_2022_change, test_eu_worker_persona).
PEOPLE: dict[str, tuple[dict[str, Any], str, str]] = {
    "syrian-refugee": (SYRIAN_REFUGEE, "Anspruch", "Jobcenter"),
    "eu-worker": (EU_WORKER, "Zulassung", "BAMF"),
    "afghan-asylum-seeker": (AFGHAN_ASYLUM_SEEKER, "Zulassung", "Jobcenter"),
    "ukrainian-24": (UKRAINIAN, "Zulassung", "Jobcenter"),
}
LANGUAGES = {"ar": "rtl", "uk": "ltr"}
# The offers in the order of the result page, by the German name shown beside the translation.
OFFERS = ("Integrationskurs", "Berufssprachkurs")
MAX_QUESTIONS = 10
MAX_SECONDS = 120


def answer_by_keyboard(page: Page, step: str, value: str | list[str]) -> None:
    """Tick every box of a check-box answer with Space, then Tab on to the button as a person does."""
    values = [value] if isinstance(value, str) else value
    for other in values[:-1]:
        page.locator(f"input[name=antwort][value='{other}']").focus()
        page.keyboard.press("Space")
    choose_by_keyboard(page, step, values[-1])
    send_and_wait(page)


def words_of(answers: dict[str, Any]) -> set[str]:
    """The person's own answer values that would give them away in an address (not "yes"/"no")."""
    values = {v for value in answers.values() for v in ([value] if isinstance(value, str) else value)}
    return {v for v in values if v not in {"yes", "no", "eu"}} | set(ANSWER_WORDS)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("person", list(PEOPLE))
def test_a_person_reaches_an_explained_answer_on_a_phone(
    live_server: LiveServer, browser: Browser, person: str, lang: str
) -> None:
    answers, basis_ik, office_bsk = PEOPLE[person]
    direction = LANGUAGES[lang]
    flat = [v for value in answers.values() for v in ([value] if isinstance(value, str) else value)]
    assert "unknown" not in flat  # the person knows every answer

    log = LogLines()
    logging.getLogger("isi.requests").addHandler(log)
    context = browser.new_context(locale=lang, viewport={"width": 375, "height": 812})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    addresses: list[str] = []

    def check(page: Page) -> None:
        addresses.append(page.url)
        assert page.locator("html").get_attribute("lang") == lang, page.url
        assert page.locator("html").get_attribute("dir") == direction, page.url
        assert overflow(page) <= 0, (page.url, overflow(page))

    try:
        started = time.monotonic()
        page.goto(f"{live_server.url}/{lang}/angebotsfinder/")
        check(page)
        page.locator("form.finder-actions button[type=submit]").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        asked: list[str] = []
        while (match := STEP_PATH.match(path_of(page))) and len(asked) <= MAX_QUESTIONS:
            check(page)
            step = match.group(1)
            asked.append(step)
            answer_by_keyboard(page, step, answers[step])
        assert path_of(page) == f"/{lang}/angebotsfinder/pruefen/", (page.url, asked)
        check(page)
        page.locator(".finder a.kern-btn--primary").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("h1#result-title")).to_be_visible()
        elapsed = time.monotonic() - started
        check(page)

        # In few questions, well under two minutes.
        assert len(asked) <= MAX_QUESTIONS, asked
        assert asked == list(answers), asked  # exactly the questions that matter for this person
        assert elapsed < MAX_SECONDS, elapsed

        # The verdict per offer under today's law, with claim or admission, reason, who decides and
        # next steps; a first assessment, not a binding decision, with its legal state.
        expect(page.locator(".finder-notice")).to_be_visible()
        sections = page.locator("section.finder-result")
        expect(sections).to_have_count(len(OFFERS))
        for number, offer in enumerate(OFFERS, start=1):
            section = page.locator(f"section.finder-result[aria-labelledby='angebot-{number}']")
            expect(section.locator("h2")).to_contain_text(f"({offer})")
            expect(section).to_have_class("finder-result eligible")  # "may probably attend"
            reasons = section.locator("h3 + ul.kern-list li")
            assert reasons.count() >= 1 and reasons.first.inner_text().strip(), (offer, "no reason")
            assert "(needs_" not in section.inner_text() and "Endnote" not in section.inner_text()
            decides = section.locator("p.kern-body:has(strong)").last
            assert len(decides.inner_text().strip()) > len(decides.locator("strong").inner_text()) + 3, offer
            steps = section.locator("ul.finder-steps li")
            assert steps.count() >= 2, offer
            expect(section.locator("ul.finder-steps")).to_contain_text("https://bamf-navi.bamf.de/")
            expect(section.locator("a[href*='/frage/']")).to_have_count(0)  # no question left open
            if offer == "Integrationskurs":
                expect(section).to_contain_text(f"({basis_ik})")
            else:
                expect(decides).to_contain_text(office_bsk)
    finally:
        context.close()
        logging.getLogger("isi.requests").removeHandler(log)

    # No answer in any address the browser asked for or showed, nor in the access log.
    assert requested and log.lines
    words = words_of(answers)
    for line in [*requested, *addresses, *log.lines]:
        assert "?" not in line.replace("?aendern=1", ""), line
        for word in words:
            assert word not in line, (word, line)
