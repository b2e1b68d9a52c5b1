"""The offer finder on the web: one question per page, POST and session, check page, result page,
and no answer in any address, log line or feedback link; the API and the CLI give the same answers.
"""

from __future__ import annotations

import json
import logging
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

START = "/angebotsfinder/"
STEP = re.compile(r"^/angebotsfinder/frage/([a-z-]+)/$")

# The four people of the issue, as they answer the questions on their papers and life.
SYRIAN_REFUGEE = {
    "staatsangehoerigkeit": "third_country",
    "dokument": "aufenthaltserlaubnis",
    "aufenthaltszweck": "protection",
    "schule": "no",
    "deutsch": "no",
    "arbeit": ["sgb2"],
    "deutsch-beruf": "yes",
}
EU_WORKER = {
    "staatsangehoerigkeit": "eu",
    "schule": "no",
    "deutsch": "no",
    "arbeit": ["employed"],
    "deutsch-beruf": "yes",
}
AFGHAN_ASYLUM_SEEKER = {
    "staatsangehoerigkeit": "third_country",
    "dokument": "gestattung",
    "herkunftsland": "AF",
    "schule": "no",
    "deutsch": "no",
    "arbeit": ["registered"],
    "deutsch-beruf": "yes",
}
UKRAINIAN = {
    "staatsangehoerigkeit": "third_country",
    "dokument": "aufenthaltserlaubnis",
    "aufenthaltszweck": "temporary_protection",
    "schule": "no",
    "deutsch": "no",
    "arbeit": ["sgb2", "registered"],
    "deutsch-beruf": "yes",
}
# Words that give an answer away; none may appear in an address or a log line.
ANSWER_WORDS = (
    "third_country", "gestattung", "aufenthaltserlaubnis", "protection", "AF", "sgb2", "registered",
    "employed", "asylum", "duldung", "tolerated", "eu_free", "nationality", "antwort",
)  # fmt: skip


class Run:
    """A person going through the finder with the test client, recording every address."""

    def __init__(self, client: Client | None = None) -> None:
        self.client = client or Client()
        self.urls: list[str] = []

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        self.urls.append(url)
        return response

    def post(self, url: str, data: dict[str, Any]) -> Any:
        response = self.client.post(url, data)
        self.urls.append(url)
        if response.status_code == 302:
            self.urls.append(response["Location"])
        return response

    def through(self, answers: dict[str, Any]) -> list[str]:
        """Answer every question asked; return the step ids in the order asked."""
        asked = []
        location = self.post("/angebotsfinder/start/", {})["Location"]
        while match := STEP.match(location):
            step = match.group(1)
            asked.append(step)
            page = self.get(location)
            assert page.status_code == 200, location
            location = self.post(location, {"antwort": answers[step]})["Location"]
        assert location == "/angebotsfinder/pruefen/"
        return asked

    def result(self) -> str:
        response = self.get("/angebotsfinder/ergebnis/")
        assert response.status_code == 200
        return str(response.content.decode())


@pytest.mark.parametrize(
    ("answers", "basis_ik", "office_bsk"),
    [
        (SYRIAN_REFUGEE, "Anspruch", "Jobcenter"),
        (EU_WORKER, "Zulassung", "BAMF"),
        (AFGHAN_ASYLUM_SEEKER, "Zulassung", "Jobcenter"),
        (UKRAINIAN, "Zulassung", "Jobcenter"),
    ],
    ids=["syrian-refugee", "eu-worker", "afghan-asylum-seeker", "ukrainian-24"],
)
def test_the_four_people_reach_an_explained_answer_in_few_steps(
    answers: dict[str, Any], basis_ik: str, office_bsk: str
) -> None:
    run = Run()
    asked = run.through(answers)
    assert len(asked) <= 7
    html = run.result()
    assert html.count("Sie können wahrscheinlich teilnehmen.") == 2
    assert f"({basis_ik})" in html
    assert "Wer entscheidet:" in html and office_bsk in html
    assert "bamf-navi.bamf.de" in html  # course search
    assert "Migrationsberatung für erwachsene Zuwanderer" in html and "Jugendmigrationsdienste" in html
    assert "keine verbindliche Entscheidung" in html
    assert "Rechtsstand" in html
    assert "(needs_language_qualification)" not in html and "Endnote" not in html


def test_only_questions_that_matter_are_asked() -> None:
    eu = Run().through(EU_WORKER)
    assert "dokument" not in eu and "herkunftsland" not in eu
    refugee = Run().through(SYRIAN_REFUGEE)
    assert "herkunftsland" not in refugee and "duldung" not in refugee
    asylum = Run().through(AFGHAN_ASYLUM_SEEKER)
    assert "herkunftsland" in asylum and "aufenthaltszweck" not in asylum


def test_no_answer_in_any_address_or_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="isi.requests")
    run = Run()
    run.through(AFGHAN_ASYLUM_SEEKER)
    html = run.result()
    run.get("/angebotsfinder/pruefen/")
    lines = [record.getMessage() for record in caplog.records if record.name == "isi.requests"]
    assert lines, "the request log must be on"
    logged = [json.loads(line)["path"] for line in lines]
    assert all("password" not in line and "antwort" not in line for line in lines)
    for line in [*run.urls, *logged]:
        assert "?" not in line.replace("?aendern=1", ""), line
        for word in ANSWER_WORDS:
            assert word not in line, (word, line)
    # The feedback link carries the page path only.
    links = re.findall(r'href="(/feedback/[^"]*)"', html)
    assert links and all(link == "/feedback/?seite=/angebotsfinder/ergebnis/" for link in links)


def test_answers_are_in_the_session_only_and_can_be_deleted() -> None:
    run = Run()
    run.through(EU_WORKER)
    assert run.client.session["finder"]["page"]["staatsangehoerigkeit"] == "eu"
    response = run.post("/angebotsfinder/loeschen/", {})
    assert response.status_code == 302
    assert "finder" not in run.client.session
    assert run.get("/angebotsfinder/ergebnis/").status_code == 302


def test_old_addresses_with_answers_are_not_evaluated() -> None:
    response = Client().get("/angebotsfinder/?auswerten=1&nationality=eu&status=eu_free_movement")
    assert response.status_code == 200
    assert "finder-result" not in response.content.decode()


def test_check_page_lists_answers_with_change_links_and_change_returns_to_it() -> None:
    run = Run()
    run.through(EU_WORKER)
    html = run.get("/angebotsfinder/pruefen/").content.decode()
    assert "Ihre Antworten prüfen" in html
    assert html.count("?aendern=1") == 5
    assert "Die eines anderen Landes der Europäischen Union (EU)" in html
    response = run.post("/angebotsfinder/frage/deutsch/?aendern=1", {"antwort": "yes"})
    assert response["Location"] == "/angebotsfinder/pruefen/"
    assert "Orientierungskurs" in run.result()


def test_changing_an_answer_that_opens_new_questions_asks_them_first() -> None:
    run = Run()
    run.through(EU_WORKER)
    response = run.post("/angebotsfinder/frage/staatsangehoerigkeit/?aendern=1", {"antwort": "third_country"})
    assert response["Location"] == "/angebotsfinder/frage/dokument/?aendern=1"


def test_back_link_keeps_the_answer() -> None:
    run = Run()
    run.post("/angebotsfinder/start/", {})
    run.post("/angebotsfinder/frage/staatsangehoerigkeit/", {"antwort": "third_country"})
    html = run.get("/angebotsfinder/frage/dokument/").content.decode()
    assert 'href="/angebotsfinder/frage/staatsangehoerigkeit/"' in html
    back = run.get("/angebotsfinder/frage/staatsangehoerigkeit/").content.decode()
    assert re.search(r'value="third_country"\s+checked', back)


def test_a_step_without_an_answer_is_an_error_linked_to_the_input() -> None:
    run = Run()
    run.post("/angebotsfinder/start/", {})
    response = run.client.post("/angebotsfinder/frage/staatsangehoerigkeit/", {})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#antwort-1"' in html and 'id="antwort-1"' in html
    assert 'aria-describedby="frage-hinweis frage-fehler"' in html


def test_none_of_these_cannot_be_combined() -> None:
    run = Run()
    run.post("/angebotsfinder/start/", {})
    for step, answer in list(EU_WORKER.items())[:3]:
        run.post(f"/angebotsfinder/frage/{step}/", {"antwort": answer})
    response = run.client.post("/angebotsfinder/frage/arbeit/", {"antwort": ["employed", "none"]})
    assert response.status_code == 400


def test_a_question_that_does_not_apply_redirects_to_the_next_one() -> None:
    run = Run()
    run.post("/angebotsfinder/start/", {})
    run.post("/angebotsfinder/frage/staatsangehoerigkeit/", {"antwort": "eu"})
    response = run.get("/angebotsfinder/frage/herkunftsland/")
    assert response.status_code == 302 and response["Location"] == "/angebotsfinder/frage/schule/"


def test_dont_know_names_the_open_question_as_a_link_back() -> None:
    run = Run()
    answers = dict(AFGHAN_ASYLUM_SEEKER, herkunftsland="unknown")
    run.through(answers)
    html = run.result()
    assert "Das können wir noch nicht sagen." in html
    assert 'href="/angebotsfinder/frage/herkunftsland/?aendern=1">Aus welchem Land kommen Sie?</a>' in html


def test_the_privacy_page_says_what_happens_to_the_answers() -> None:
    html = Client().get("/datenschutz/").content.decode()
    assert 'id="angebotsfinder"' in html
    for words in ("Sitzung", "30 Minuten", "nicht in der Adresse", "Protokoll", "Rückmeldung"):
        assert words in html, words


# --- the same answers through API and CLI ----------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {"nationality": "third_country", "status": "refugee_protection", "receives_sgb2": True},
        {"nationality": "eu", "employed": True, "needs_language_qualification": True},
        {"nationality": "third_country", "status": "asylum_unclear_prospects", "country_of_origin": "AF"},
        {"nationality": "third_country", "status": "temporary_protection_24", "country_of_origin": "UA"},
        {"nationality": "third_country", "status": "asylum_good_prospects", "country_of_origin": "GE"},
    ],
)
def test_api_and_cli_give_the_same_answers_with_the_contract_keys(
    tmp_path: Any, answers: dict[str, Any]
) -> None:
    api = Client().post("/api/v1/finder", answers, content_type="application/json").json()
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    out = StringIO()
    call_command("finder", "--answers", str(path), "--json", stdout=out)
    cli = json.loads(out.getvalue())
    assert api == cli
    for result in api["results"]:
        assert {"offer", "eligible", "reasons", "basis", "decided_by", "legal_state", "next_steps"} <= set(
            result
        )
        assert result["binding"] is False
    assert "keine verbindliche Entscheidung" in api["notice"]


def test_api_catches_contradictions() -> None:
    response = Client().post(
        "/api/v1/finder", {"nationality": "eu", "status": "tolerated_other"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["key"] == "status"


def test_api_schema_names_the_new_keys() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    text = json.dumps(schema)
    for key in ("country_of_origin", "in_school", "sufficient_german", "refugee_protection", "legal_state"):
        assert key in text


def test_the_language_prefix_chooses_the_language_and_is_kept() -> None:
    client = Client()
    response = client.post("/uk/angebotsfinder/start/")
    assert response["Location"] == "/uk/angebotsfinder/frage/staatsangehoerigkeit/"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="uk" dir="ltr"' in html
    # The switch links to the same question in the other languages (German without prefix).
    assert 'href="/angebotsfinder/frage/staatsangehoerigkeit/" hreflang="de"' in html
    assert 'href="/ar/angebotsfinder/frage/staatsangehoerigkeit/" hreflang="ar"' in html
    arabic = client.get("/ar/angebotsfinder/").content.decode()
    assert '<html lang="ar" dir="rtl"' in arabic
    assert Client().get("/xx/angebotsfinder/").status_code == 404


def test_the_language_switch_names_each_language_in_itself() -> None:
    html = Client().get("/angebotsfinder/").content.decode()
    for code, name in (("en", "English"), ("ar", "العربيّة"), ("uk", "Українська"), ("tr", "Türkçe"),
                       ("fa", "فارسی / دری"), ("ru", "Русский")):  # fmt: skip
        assert f'hreflang="{code}" lang="{code}"' in html and name in html


def test_leichte_sprache_questions_and_answers() -> None:
    client = Client()
    response = client.post("/angebotsfinder/start/", {"leicht": "1"})
    html = client.get(response["Location"]).content.decode()
    assert "Aus welchem Land ist Ihr Pass?" in html
    for step, answer in EU_WORKER.items():
        client.post(f"/angebotsfinder/frage/{step}/", {"antwort": answer})
    result = client.get("/angebotsfinder/ergebnis/").content.decode()
    assert "Sie dürfen wahrscheinlich mit·machen." in result
    assert "Das ist nur eine Einschätzung. Das Amt entscheidet." in result
    # Started normally, the questions are the usual ones.
    plain = Client()
    location = plain.post("/angebotsfinder/start/")["Location"]
    assert "Aus welchem Land ist Ihr Pass?" not in plain.get(location).content.decode()


def test_the_result_lists_public_measures_for_the_persons_target_groups() -> None:
    from isi.catalog.models import Level, TargetGroup
    from isi.measures.models import Measure
    from isi.organisations.models import Organisation

    def measure(title: str, group: str, public: bool = True) -> None:
        item = Measure.objects.create(
            title=title,
            owner=Organisation.objects.get(key="bmi"),
            level=Level.objects.get(key="bund"),
            publication=Measure.Publication.RELEASED if public else Measure.Publication.DRAFT,
        )
        item.target_groups.set([TargetGroup.objects.get(key=group)])

    measure("Willkommen für EU-Bürgerinnen", "eu-buerger")
    measure("Entwurf für EU-Bürger", "eu-buerger", public=False)
    measure("Angebot für Geduldete", "geduldete-unklare-bleibeperspektive")
    run = Run()
    run.through(EU_WORKER)
    html = run.result()
    assert "Willkommen für EU-Bürgerinnen" in html
    assert "Entwurf für EU-Bürger" not in html and "Angebot für Geduldete" not in html
    assert "target_group=" not in html  # no link that would name the person's groups
