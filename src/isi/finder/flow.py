"""The finder's questions for people: one question per step, in the words of their papers and life.

A person is never asked for a legal category ("gute Bleibeperspektive", "§ 60a Abs. 2 Satz 3"):
they say which document they have, why they got it, which country they are from; ``walk`` works
out the answer keys of DESIGN §5 from that. A step is asked only while one of the keys it sets
still matters for an answer (it is named as missing, or it is a condition still open), so a
recognised refugee on the Jobcenter and an EU worker each see only a handful of questions.

The page answers (``{step id: value}``) are all that is kept, in the session; nothing here
touches a request. ``walk(page)`` is pure: the steps asked, the next one, the answer keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from isi.finder.answers import Answers, AnswerValue, validate_answers
from isi.finder.countries import COUNTRIES, OTHER_COUNTRY
from isi.finder.easy import EASY_STEPS
from isi.finder.rules import OfferResult, evaluate

UNKNOWN = "unknown"
NONE = "none"  # "none of these" on a check-box question
PageAnswers = Mapping[str, str | list[str]]
ACTIVITIES = (
    "registered_with_employment_agency",
    "receives_sgb2",
    "employed",
    "in_recognition_procedure",
    "in_vocational_training",
    "training_contract_signed",
)


@dataclass(frozen=True)
class Option:
    """One answer a person can give; ``sets`` are the answer keys it stands for.

    ``term`` is the German word on the person's papers, shown beside a translation.
    """

    value: str
    label: str | Promise
    sets: Mapping[str, AnswerValue] = field(default_factory=dict)
    hint: str | Promise | None = None
    term: str | None = None


@dataclass(frozen=True)
class Step:
    id: str
    question: str | Promise
    hint: str | Promise | None
    options: tuple[Option, ...]
    keys: frozenset[str]
    when: Callable[[PageAnswers], bool] = lambda page: True
    multiple: bool = False  # check boxes: every option not chosen is "no"
    select: bool = False  # a long list (countries): a select box
    check_label: str | Promise | None = None  # the short name on the "check your answers" page

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def answers_for(self, value: str | list[str]) -> dict[str, AnswerValue]:
        """The answer keys one page answer stands for ("don't know" stands for none)."""
        if self.multiple:
            chosen = [value] if isinstance(value, str) else list(value)
            if UNKNOWN in chosen or not chosen:
                return {}
            # NONE and any other choice: every option not chosen is "no".
            result: dict[str, AnswerValue] = {}
            for option in self.options:
                for key, answer in option.sets.items():
                    result[key] = answer if option.value in chosen else False
            return result
        chosen_option = self.option(value if isinstance(value, str) else (value[0] if value else ""))
        return dict(chosen_option.sets) if chosen_option is not None else {}

    def accepts(self, value: str | list[str]) -> bool:
        """Whether a page answer fits: one known option (or "don't know"); for check boxes one or
        more options, or "none of these" alone, or "don't know" alone."""
        values = [value] if isinstance(value, str) else value
        if not values or (not self.multiple and len(values) != 1):
            return False
        if len(values) > 1 and (UNKNOWN in values or NONE in values):
            return False
        allowed = {o.value for o in self.options} | {UNKNOWN} | ({NONE} if self.multiple else set())
        return all(v in allowed for v in values)


def _page(step_id: str, *values: str) -> Callable[[PageAnswers], bool]:
    def test(page: PageAnswers) -> bool:
        answer = page.get(step_id)
        return answer in values if isinstance(answer, str) else False

    return test


def _not_page(step_id: str, *values: str) -> Callable[[PageAnswers], bool]:
    def test(page: PageAnswers) -> bool:
        return page.get(step_id) not in values

    return test


def _any(*tests: Callable[[PageAnswers], bool]) -> Callable[[PageAnswers], bool]:
    return lambda page: any(t(page) for t in tests)


YES_NO = (Option("yes", _("Ja")), Option("no", _("Nein")))


def _yes_no(key: str) -> tuple[Option, ...]:
    return (Option("yes", _("Ja"), {key: True}), Option("no", _("Nein"), {key: False}))


STEPS: tuple[Step, ...] = (
    Step(
        "staatsangehoerigkeit",
        _("Welche Staatsangehörigkeit haben Sie?"),
        _("Haben Sie mehrere Staatsangehörigkeiten und ist eine davon deutsch? Dann wählen Sie „Deutsch“."),
        (
            Option("german", _("Deutsch"), {"nationality": "german"}),
            Option(
                "eu",
                _("Die eines anderen Landes der Europäischen Union (EU)"),
                {"nationality": "eu", "status": "eu_free_movement"},
            ),
            Option("third_country", _("Die eines Landes außerhalb der EU"), {"nationality": "third_country"}),
        ),
        frozenset({"nationality"}),
        check_label=_("Staatsangehörigkeit"),
    ),
    Step(
        "herkunft",
        _("Wie sind Sie Deutsche oder Deutscher geworden?"),
        None,
        (
            Option(
                "spaetaussiedler",
                _("Ich bin als Spätaussiedlerin oder Spätaussiedler nach Deutschland gekommen."),
                {"status": "spaetaussiedler", "migration_background": True},
                term="Spätaussiedler",
            ),
            Option(
                "background",
                _(
                    "Ich oder meine Mutter oder mein Vater hatten bei der Geburt eine andere Staatsangehörigkeit."  # noqa: E501
                ),
                {"status": "german_citizen", "migration_background": True},
            ),
            Option(
                "born_german",
                _("Ich und meine Eltern waren schon bei der Geburt Deutsche."),
                {"status": "german_citizen", "migration_background": False},
            ),
        ),
        frozenset({"status", "migration_background"}),
        when=_page("staatsangehoerigkeit", "german"),
        check_label=_("Herkunft"),
    ),
    Step(
        "dokument",
        _("Welches Aufenthaltspapier haben Sie?"),
        _("Schauen Sie auf Ihr Papier oder Ihre Karte. Der Name steht meistens oben."),
        (
            Option(
                "gestattung",
                _("Aufenthaltsgestattung: Ich bin im Asylverfahren."),
                {"status": "asylum_unclear_prospects"},
                term="Aufenthaltsgestattung",
            ),
            Option("duldung", _("Duldung"), term="Duldung"),
            Option(
                "aufenthaltserlaubnis",
                _("Aufenthaltserlaubnis (eine Karte mit Ablaufdatum)"),
                term="Aufenthaltserlaubnis",
            ),
            Option(
                "niederlassung",
                _("Niederlassungserlaubnis oder Daueraufenthalt-EU (unbefristet)"),
                term="Niederlassungserlaubnis",
            ),
            Option("other", _("Ein anderes Papier, zum Beispiel ein Visum oder eine Fiktionsbescheinigung")),
        ),
        frozenset({"status"}),
        when=_not_page("staatsangehoerigkeit", "german", "eu"),
        check_label=_("Aufenthaltspapier"),
    ),
    Step(
        "duldung",
        _("Welche Duldung haben Sie?"),
        _(
            "Auf dem Papier steht, nach welchem Paragrafen die Duldung erteilt wurde. Fragen Sie sonst die Ausländerbehörde."  # noqa: E501
        ),
        (
            Option(
                "personal_reasons",
                _(
                    "Eine Duldung aus dringenden persönlichen oder humanitären Gründen, eine Ausbildungsduldung oder eine Beschäftigungsduldung"  # noqa: E501
                ),
                {"status": "tolerated_60a_2_3"},
                hint=_("Auf dem Papier steht „§ 60a Abs. 2 Satz 3“, „§ 60c“ oder „§ 60d AufenthG“."),
                term="§ 60a Abs. 2 Satz 3 AufenthG",
            ),
            Option("other", _("Eine andere Duldung"), {"status": "tolerated_other"}),
        ),
        frozenset({"status"}),
        when=_page("dokument", "duldung"),
        check_label=_("Art der Duldung"),
    ),
    Step(
        "duldung-seit",
        _("Seit wann haben Sie eine Duldung?"),
        None,
        (
            Option("short", _("Seit weniger als 6 Monaten"), {"months_tolerated": 0}),
            Option("long", _("Seit 6 Monaten oder länger"), {"months_tolerated": 6}),
        ),
        frozenset({"months_tolerated"}),
        when=_page("dokument", "duldung"),
        check_label=_("Duldung seit"),
    ),
    Step(
        "aufenthaltszweck",
        _("Warum haben Sie die Aufenthaltserlaubnis bekommen?"),
        _("Auf der Karte steht ein Paragraf des Aufenthaltsgesetzes. Wir zeigen ihn neben jeder Antwort."),
        (
            Option(
                "protection",
                _("Ich habe Asyl oder Schutz als Flüchtling bekommen (Anerkennung durch das BAMF)."),
                {"status": "refugee_protection"},
                hint=_("Asyl, Flüchtlingsschutz oder subsidiärer Schutz: § 25 Abs. 1 oder 2 AufenthG"),
                term="§ 25 Abs. 1, 2 AufenthG",
            ),
            Option(
                "temporary_protection",
                _("Ich habe vorübergehenden Schutz, zum Beispiel wegen des Krieges in der Ukraine."),
                {"status": "temporary_protection_24"},
                hint=_("§ 24 AufenthG"),
                term="§ 24 AufenthG",
            ),
            Option(
                "work_family",
                _("Zum Arbeiten, für eine Ausbildung oder ein Studium oder zu meiner Familie"),
                hint=_("zum Beispiel §§ 16 bis 21 oder §§ 27 bis 36 AufenthG"),
            ),
            Option(
                "humanitarian_temporary",
                _("Aus einem anderen humanitären Grund, nur für eine begrenzte Zeit"),
                {"status": "humanitarian_temporary"},
                hint=_("§ 25 Abs. 4, 4a oder 4b AufenthG"),
                term="§ 25 Abs. 4 AufenthG",
            ),
            Option(
                "cannot_leave",
                _("Weil ich Deutschland nicht verlassen kann"),
                {"status": "residence_25_5"},
                hint=_("§ 25 Abs. 5 AufenthG"),
                term="§ 25 Abs. 5 AufenthG",
            ),
        ),
        frozenset({"status"}),
        when=_page("dokument", "aufenthaltserlaubnis"),
        check_label=_("Grund der Aufenthaltserlaubnis"),
    ),
    Step(
        "erster-titel",
        _("Haben Sie Ihr erstes Aufenthaltspapier in Deutschland vor weniger als einem Jahr bekommen?"),
        _("Wer neu nach Deutschland kommt, hat ein Jahr lang einen Anspruch auf den Integrationskurs."),
        (
            Option("yes", _("Ja, vor weniger als einem Jahr"), {"status": "permanent_residence"}),
            Option("no", _("Nein, vor einem Jahr oder länger"), {"status": "long_term_resident"}),
        ),
        frozenset({"status"}),
        when=_any(_page("dokument", "niederlassung"), _page("aufenthaltszweck", "work_family")),
        check_label=_("Erstes Aufenthaltspapier"),
    ),
    Step(
        "herkunftsland",
        _("Aus welchem Land kommen Sie?"),
        _("Wählen Sie das Land Ihrer Staatsangehörigkeit."),
        tuple(Option(c.code, _(c.de), {"country_of_origin": c.code}) for c in COUNTRIES),
        frozenset({"country_of_origin"}),
        when=_page("dokument", "gestattung"),
        select=True,
        check_label=_("Herkunftsland"),
    ),
    Step(
        "schule",
        _("Gehen Sie in Deutschland zur Schule?"),
        _(
            "Gemeint ist eine allgemeinbildende Schule, zum Beispiel Grundschule, Gesamtschule oder Gymnasium."  # noqa: E501
        ),
        _yes_no("in_school"),
        frozenset({"in_school"}),
        check_label=_("Schule"),
    ),
    Step(
        "deutsch",
        _("Sprechen Sie schon gut Deutsch – auf dem Niveau B1 oder besser?"),
        _(
            "B1 heißt: Sie können sich im Alltag gut verständigen, zum Beispiel beim Einkaufen, beim Arzt oder bei der Arbeit. Oder Sie haben ein B1-Zertifikat."  # noqa: E501
        ),
        _yes_no("sufficient_german"),
        frozenset({"sufficient_german"}),
        check_label=_("Deutschkenntnisse"),
    ),
    Step(
        "unterstuetzung",
        _("Haben Sie im Alltag Schwierigkeiten, weil Sie wenig Deutsch sprechen?"),
        _("Zum Beispiel bei Behörden, beim Arzt oder bei der Arbeitssuche."),
        _yes_no("particularly_integration_needy"),
        frozenset({"particularly_integration_needy"}),
        check_label=_("Unterstützung im Alltag"),
    ),
    Step(
        "arbeit",
        _("Was trifft auf Sie zu?"),
        _("Wählen Sie alles, was passt. Wenn nichts passt, wählen Sie „Nichts davon“."),
        (
            Option(
                "registered",
                _(
                    "Ich bin bei der Agentur für Arbeit oder beim Jobcenter als arbeitsuchend, ausbildungsuchend oder arbeitslos gemeldet."  # noqa: E501
                ),
                {"registered_with_employment_agency": True},
            ),
            Option(
                "sgb2", _("Ich bekomme Bürgergeld vom Jobcenter."), {"receives_sgb2": True}, term="Bürgergeld"
            ),
            Option("employed", _("Ich habe eine Arbeit (auch Teilzeit)."), {"employed": True}),
            Option(
                "recognition",
                _("Mein Berufsabschluss aus dem Ausland wird gerade anerkannt."),
                {"in_recognition_procedure": True},
                term="Anerkennungsverfahren",
            ),
            Option("training", _("Ich mache eine Berufsausbildung."), {"in_vocational_training": True}),
            Option(
                "contract",
                _("Ich habe einen Ausbildungsvertrag unterschrieben."),
                {"training_contract_signed": True},
            ),
        ),
        frozenset(ACTIVITIES),
        multiple=True,
        check_label=_("Arbeit und Ausbildung"),
    ),
    Step(
        "deutsch-beruf",
        _("Brauchen Sie besseres Deutsch für eine Arbeit oder eine Ausbildung?"),
        _(
            "Zum Beispiel: Sie wollen eine Arbeit finden oder behalten, und dafür reicht Ihr Deutsch noch nicht."  # noqa: E501
        ),
        _yes_no("needs_language_qualification"),
        frozenset({"needs_language_qualification"}),
        check_label=_("Deutsch für den Beruf"),
    ),
)
BY_ID: Mapping[str, Step] = {step.id: step for step in STEPS}
OTHER = OTHER_COUNTRY


@dataclass(frozen=True)
class Walk:
    """Where a person stands: the steps asked so far (in order), the next one, the answer keys."""

    asked: tuple[Step, ...]
    next: Step | None
    answers: Answers
    results: tuple[OfferResult, ...]

    @property
    def done(self) -> bool:
        return self.next is None

    def previous(self, step_id: str) -> Step | None:
        ids = [s.id for s in self.asked]
        if step_id not in ids:
            return self.asked[-1] if self.asked else None
        index = ids.index(step_id)
        return self.asked[index - 1] if index > 0 else None


def open_keys(results: Sequence[OfferResult]) -> set[str]:
    """The answer keys that could still change an answer: missing ones and open conditions."""
    keys: set[str] = set()
    for result in results:
        keys |= set(result.missing) | set(result.open_conditions)
    return keys


def walk(page: PageAnswers, *, today: date | None = None) -> Walk:
    """Go through the steps in order with the page answers given; stop at the first one not answered.

    A step counts only when its ``when`` holds for the page answers so far and one of its keys is
    still open; answers to steps that no longer count are kept (back navigation) but not used.
    """
    counted: dict[str, str | list[str]] = {}
    raw: dict[str, AnswerValue] = {}
    asked: list[Step] = []
    results = tuple(evaluate(raw, today=today))
    for step in STEPS:
        if not step.when(counted) or not (step.keys & open_keys(results)):
            continue
        asked.append(step)
        value = page.get(step.id)
        if value is None or not step.accepts(value):
            answers, _errors = validate_answers(raw, today=today)
            return Walk(tuple(asked), step, answers, results)
        counted[step.id] = value
        raw.update(step.answers_for(value))
        results = tuple(evaluate(raw, today=today))
    answers, _errors = validate_answers(raw, today=today)
    return Walk(tuple(asked), None, answers, results)


def answer_label(step: Step, value: str | list[str]) -> list[str]:
    """The page answer in the person's words, for the "check your answers" page."""
    values = [value] if isinstance(value, str) else list(value)
    if UNKNOWN in values:
        return [str(_("Weiß ich nicht"))]
    if NONE in values:
        return [str(_("Nichts davon"))]
    labels = [str(o.label) for o in step.options if o.value in values]
    return labels or [str(_("Nichts davon"))]


def step_for_key(key: str, state: Walk) -> Step | None:
    """The step that asks for an answer key on this person's path (to link a missing answer back
    to its question), or ``None`` when no step asked there sets it.

    Several steps set the same key ("status": the Germans' "Herkunft", the residence paper, then
    the kind of toleration or the purpose of the permit), each on its own path; later ones ask
    more precisely. The last asked step that sets the key is the one whose answer left it open
    (a "don't know", or a paper that says nothing about it). A step not on the path would only
    redirect to the next question or to the check page.
    """
    return next((s for s in reversed(state.asked) if key in s.keys), None)


def as_data(step: Step, page: PageAnswers, *, easy: bool = False) -> dict[str, Any]:
    """A step as plain data for the template: options with ``checked``; ``easy``: in Leichte Sprache."""
    current = page.get(step.id)
    chosen = [current] if isinstance(current, str) else list(current or [])
    plain = EASY_STEPS.get(step.id) if easy else None
    return {
        "id": step.id,
        "question": plain.question if plain else step.question,
        "hint": plain.hint if plain else step.hint,
        "multiple": step.multiple,
        "select": step.select,
        "options": [
            {
                "value": o.value,
                "label": plain.options.get(o.value, o.label) if plain else o.label,
                "hint": o.hint,
                "term": o.term,
                "checked": o.value in chosen,
            }
            for o in step.options
        ],
        "unknown_checked": UNKNOWN in chosen,
        "none_checked": NONE in chosen,
    }
