"""The questionnaire of the contract keys: one question per answer key of DESIGN §5 (German, English).

This is the reference for programs that build their own form against the API. People use the
step-by-step questionnaire of ``isi.finder.flow``, which asks about their papers and life and works
the legal category out. Each question sets one answer key of DESIGN §5.
``relevant_when`` says when a question matters
(in the condition language of the rule file); a question is shown unless its condition is
*false* for the answers so far, so a form without JavaScript can show everything at once (with
the ``only_if`` hint) or step by step (``relevant_questions``).

``questions_for(lang)`` returns plain data (dicts, lists, strings, bools) a template or the API
renders directly; ``coerce_form_data`` turns posted form strings into typed answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from isi.finder.answers import SPECS, Answers, Kind, Lang, Text, coerce_form_data, to_lang, validate_answers
from isi.finder.countries import COUNTRIES
from isi.finder.rules import Condition, evaluate_condition, load_rules, parse_condition

__all__ = ["QUESTIONS", "Question", "coerce_form_data", "is_relevant", "questions_for", "relevant_questions"]

YES = Text("Ja", "Yes")
NO = Text("Nein", "No")
DONT_KNOW = Text("Weiß ich nicht", "I don't know")

# Who endnote 8, bullet 1 is about (foreign nationals with a residence right, EU citizens
# included, Spätaussiedler and German citizens with a migration background): the rule file's
# definition, so the questionnaire and the rules cannot drift apart.
_BULLET_1_GROUP: dict[str, Any] = {"$ref": "residence_title_or_migration_background"}
_ONLY_GERMANS = Text("Nur für Deutsche.", "Only for German citizens.")
_ONLY_BULLET_1 = Text(
    "Nur für Ausländerinnen und Ausländer mit Aufenthaltserlaubnis (auch aus der EU) "
    "und für Deutsche mit Migrationshintergrund.",
    "Only for foreign nationals with a residence permit (EU citizens included) "
    "and for German citizens with a migration background.",
)
_ONLY_ASYLUM_UNCLEAR = Text(
    "Nur für Menschen im Asylverfahren mit unklarer Bleibeperspektive.",
    "Only for asylum seekers with unclear prospects of staying.",
)


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text
    help: Text | None = None


@dataclass(frozen=True)
class Question:
    key: str
    label: Text
    help: Text
    choices: tuple[Choice, ...] = ()
    relevant_when: Condition | None = None
    only_if: Text | None = None

    @property
    def kind(self) -> Kind:
        return SPECS[self.key].kind


def _question(
    key: str,
    label: Text,
    help_text: Text,
    *,
    choices: tuple[Choice, ...] = (),
    relevant_when: Mapping[str, Any] | None = None,
    only_if: Text | None = None,
) -> Question:
    condition = None
    if relevant_when is not None:
        condition = parse_condition(relevant_when, load_rules().definitions)
    return Question(key, label, help_text, choices, condition, only_if)


def _activity(key: str, label: Text, help_text: Text) -> Question:
    """A question about the activities of endnote 8, bullet 1 (only asked of that group)."""
    return _question(key, label, help_text, relevant_when=_BULLET_1_GROUP, only_if=_ONLY_BULLET_1)


QUESTIONS: tuple[Question, ...] = (
    _question(
        "nationality",
        Text("Welche Staatsangehörigkeit haben Sie?", "What is your nationality?"),
        Text(
            "Haben Sie mehrere Staatsangehörigkeiten und ist eine davon deutsch? Dann wählen Sie „Deutsch“.",
            "If you have more than one nationality and one of them is German, choose “German”.",
        ),
        choices=(
            Choice("german", Text("Deutsch", "German")),
            Choice("eu", Text("Aus einem anderen Land der EU", "Another country of the European Union (EU)")),
            Choice("third_country", Text("Aus einem Land außerhalb der EU", "A country outside the EU")),
        ),
    ),
    _question(
        "country_of_origin",
        Text("Aus welchem Land kommen Sie?", "Which country are you from?"),
        Text(
            "Das Land, dessen Staatsangehörigkeit Sie haben. Es entscheidet bei Menschen im Asylverfahren, "
            "ob sie aus einem sicheren Herkunftsstaat kommen.",
            "The country of your nationality. For people in the asylum procedure it decides whether they "
            "come from a safe country of origin.",
        ),
        choices=tuple(Choice(c.code, Text(c.de, c.en)) for c in COUNTRIES),
    ),
    _question(
        "migration_background",
        Text("Haben Sie einen Migrationshintergrund?", "Do you have a migration background?"),
        Text(
            "Das heißt: Sie selbst oder Ihre Mutter oder Ihr Vater hatten bei der Geburt nicht die deutsche "
            "Staatsangehörigkeit. Spätaussiedlerinnen und Spätaussiedler wählen „Ja“.",
            "This means: you, your mother or your father did not have German nationality at birth. "
            "Late repatriates (Spätaussiedler) choose “Yes”.",
        ),
        relevant_when={"key": "nationality", "op": "eq", "value": "german"},
        only_if=_ONLY_GERMANS,
    ),
    _question(
        "particularly_integration_needy",
        Text(
            "Brauchen Sie besonders viel Unterstützung, um in Deutschland zurechtzukommen?",
            "Do you need particular support to find your way in Germany?",
        ),
        Text(
            "Zum Beispiel: Sie sprechen wenig Deutsch und haben deshalb im Alltag Schwierigkeiten. "
            "Ob das so ist, entscheidet am Ende die zuständige Stelle.",
            "For example: you speak little German and this makes everyday life hard. "
            "The responsible office decides this in the end.",
        ),
        relevant_when={"key": "nationality", "op": "eq", "value": "german"},
        only_if=_ONLY_GERMANS,
    ),
    _question(
        "status",
        Text("Was passt zu Ihrem Aufenthalt in Deutschland?", "What describes your stay in Germany?"),
        Text(
            "Schauen Sie auf Ihr Aufenthaltspapier. Wenn Sie unsicher sind, fragen Sie eine Beratungsstelle.",
            "Look at your residence document. If you are not sure, ask an advice centre.",
        ),
        choices=(
            Choice("german_citizen", Text("Ich bin Deutsche oder Deutscher.", "I am a German citizen.")),
            Choice(
                "spaetaussiedler",
                Text(
                    "Ich bin Spätaussiedlerin oder Spätaussiedler.",
                    "I am a late repatriate (Spätaussiedler).",
                ),
            ),
            Choice(
                "eu_free_movement",
                Text(
                    "Ich lebe als Bürgerin oder Bürger der EU in Deutschland (Freizügigkeit).",
                    "I live in Germany as a citizen of the EU (free movement).",
                ),
            ),
            Choice(
                "permanent_residence",
                Text(
                    "Ich bin neu in Deutschland und darf auf Dauer bleiben.",
                    "I am new to Germany and allowed to stay for good.",
                ),
                Text(
                    "Zum Beispiel: Sie sind zum Arbeiten oder zu Ihrer Familie gekommen, "
                    "oder Sie sind als Flüchtling anerkannt.",
                    "For example: you came to work or to join your family, or you are a recognised refugee.",
                ),
            ),
            Choice(
                "long_term_resident",
                Text(
                    "Ich lebe schon länger in Deutschland und bin nicht Deutsche oder Deutscher.",
                    "I have lived in Germany for some time and am not a German citizen.",
                ),
            ),
            Choice(
                "refugee_protection",
                Text(
                    "Ich habe Asyl, den Flüchtlingsschutz oder den subsidiären Schutz bekommen "
                    "(§ 25 Abs. 1 oder 2 AufenthG).",
                    "I was granted asylum, refugee status or subsidiary protection "
                    "(§ 25 (1) or (2) AufenthG).",
                ),
            ),
            Choice(
                "temporary_protection_24",
                Text(
                    "Ich habe vorübergehenden Schutz (§ 24 AufenthG), zum Beispiel aus der Ukraine.",
                    "I have temporary protection (§ 24 AufenthG), for example from Ukraine.",
                ),
            ),
            Choice(
                "humanitarian_temporary",
                Text(
                    "Ich habe eine Aufenthaltserlaubnis aus humanitären Gründen nur für eine begrenzte Zeit "
                    "(§ 25 Abs. 4, 4a oder 4b AufenthG).",
                    "I have a residence permit on humanitarian grounds for a limited time only "
                    "(§ 25 (4), (4a) or (4b) AufenthG).",
                ),
                Text(
                    "Zum Beispiel für einen kurzen Aufenthalt aus dringenden persönlichen Gründen, "
                    "oder als Opfer von Menschenhandel oder illegaler Beschäftigung.",
                    "For example for a short stay for urgent personal reasons, "
                    "or as a victim of human trafficking or illegal employment.",
                ),
            ),
            Choice(
                "residence_25_5",
                Text(
                    "Ich habe eine Aufenthaltserlaubnis nach § 25 Abs. 5 AufenthG.",
                    "I have a residence permit under § 25 (5) AufenthG.",
                ),
                Text(
                    "Diese Erlaubnis bekommen Menschen, die Deutschland nicht verlassen können.",
                    "People get this permit when they cannot leave Germany.",
                ),
            ),
            Choice(
                "asylum_good_prospects",
                Text(
                    "Ich bin im Asylverfahren und habe eine gute Bleibeperspektive.",
                    "I am in the asylum procedure and have good prospects of staying.",
                ),
                Text(
                    "Das hängt von Ihrem Herkunftsland ab. Das Bundesamt für Migration und Flüchtlinge "
                    "(BAMF) legt fest, welche Länder dazugehören.",
                    "This depends on your country of origin. The Federal Office for Migration and Refugees "
                    "(BAMF) decides which countries count.",
                ),
            ),
            Choice(
                "asylum_unclear_prospects",
                Text(
                    "Ich bin im Asylverfahren und meine Bleibeperspektive ist unklar.",
                    "I am in the asylum procedure and my prospects of staying are unclear.",
                ),
            ),
            Choice(
                "asylum_safe_country",
                Text(
                    "Ich bin im Asylverfahren und komme aus einem sicheren Herkunftsland.",
                    "I am in the asylum procedure and come from a safe country of origin.",
                ),
            ),
            Choice(
                "tolerated_60a_2_3",
                Text(
                    "Ich habe eine Duldung nach § 60a Abs. 2 Satz 3 AufenthG.",
                    "I have a toleration (Duldung) under § 60a (2) sentence 3 AufenthG.",
                ),
                Text(
                    "Diese Duldung gibt es aus dringenden humanitären oder persönlichen Gründen. "
                    "Wenn Sie unsicher sind, fragen Sie die Ausländerbehörde.",
                    "This toleration is granted for urgent humanitarian or personal reasons. "
                    "If you are not sure, ask the immigration office.",
                ),
            ),
            Choice(
                "tolerated_other",
                Text("Ich habe eine andere Duldung.", "I have another kind of toleration (Duldung)."),
            ),
        ),
    ),
    _question(
        "in_school",
        Text("Gehen Sie in Deutschland zur Schule?", "Do you go to school in Germany?"),
        Text(
            "Gemeint ist eine allgemeinbildende Schule, zum Beispiel Grundschule, Gesamtschule "
            "oder Gymnasium.",
            "This means a general school, for example primary or secondary school.",
        ),
    ),
    _question(
        "sufficient_german",
        Text(
            "Sprechen Sie schon gut Deutsch – auf dem Niveau B1 oder besser?",
            "Do you already speak German well – at level B1 or better?",
        ),
        Text(
            "B1 heißt: Sie können sich im Alltag und bei der Arbeit gut verständigen. Zum Beispiel haben Sie "
            "ein B1-Zertifikat.",
            "B1 means: you can communicate well in everyday life and at work. For example you have a B1 "
            "certificate.",
        ),
    ),
    _question(
        "entry_date",
        Text("Wann sind Sie nach Deutschland gekommen?", "When did you come to Germany?"),
        Text(
            "Das Datum Ihrer Einreise. Wichtig ist vor allem: vor oder nach dem 1. August 2019?",
            "The date you entered Germany. What matters most: before or after 1 August 2019?",
        ),
        relevant_when={"key": "status", "op": "eq", "value": "asylum_unclear_prospects"},
        only_if=_ONLY_ASYLUM_UNCLEAR,
    ),
    _question(
        "months_permitted_stay",
        Text(
            "Seit wie vielen Monaten haben Sie eine Aufenthaltsgestattung?",
            "For how many months have you had permission to stay (Aufenthaltsgestattung)?",
        ),
        Text(
            "Die Aufenthaltsgestattung ist Ihr Papier für die Zeit des Asylverfahrens. "
            "Geben Sie ganze Monate an.",
            "The Aufenthaltsgestattung is your document for the time of the asylum procedure. "
            "Give whole months.",
        ),
        relevant_when={"key": "status", "op": "eq", "value": "asylum_unclear_prospects"},
        only_if=_ONLY_ASYLUM_UNCLEAR,
    ),
    _question(
        "months_tolerated",
        Text("Seit wie vielen Monaten sind Sie geduldet?", "For how many months have you been tolerated?"),
        Text(
            "Zählen Sie die Monate, in denen Sie eine Duldung haben. Geben Sie ganze Monate an.",
            "Count the months in which you have had a toleration (Duldung). Give whole months.",
        ),
        relevant_when={"key": "status", "op": "in", "values": ["tolerated_60a_2_3", "tolerated_other"]},
        only_if=Text("Nur für Menschen mit Duldung.", "Only for people with a toleration (Duldung)."),
    ),
    _question(
        "labour_market_near",
        Text("Sind Sie arbeitsmarktnah?", "Are you close to the labour market?"),
        Text(
            "Das heißt: Sie können bald eine Arbeit oder Ausbildung anfangen. Zum Beispiel: Sie sind bei der "
            "Agentur für Arbeit gemeldet, Sie suchen eine Arbeit oder Sie haben schon eine.",
            "This means: you could soon start work or training. For example: you are registered with the "
            "employment agency, you are looking for work or you already have a job.",
        ),
        relevant_when={
            "key": "status",
            "op": "in",
            "values": ["asylum_unclear_prospects", "tolerated_60a_2_3", "tolerated_other"],
        },
        only_if=Text(
            "Nur für Menschen im Asylverfahren mit unklarer Bleibeperspektive und für Menschen mit Duldung.",
            "Only for asylum seekers with unclear prospects of staying and for people with a toleration.",
        ),
    ),
    _question(
        "needs_language_qualification",
        Text(
            "Brauchen Sie besseres Deutsch für eine Ausbildung oder eine Arbeit?",
            "Do you need better German for training or a job?",
        ),
        Text(
            "Zum Beispiel: Sie wollen eine Arbeit finden oder behalten oder eine Ausbildung schaffen, "
            "und dafür reicht Ihr Deutsch noch nicht.",
            "For example: you want to find or keep a job or complete training, "
            "and your German is not good enough for that yet.",
        ),
    ),
    _activity(
        "registered_with_employment_agency",
        Text(
            "Sind Sie bei der Agentur für Arbeit gemeldet?", "Are you registered with the employment agency?"
        ),
        Text(
            "Als ausbildungsuchend, arbeitsuchend oder arbeitslos. Oder Sie machen eine Maßnahme "
            "der Agentur für Arbeit mit.",
            "As looking for training, looking for work or unemployed. Or you take part in a programme "
            "of the employment agency.",
        ),
    ),
    _activity(
        "receives_sgb2",
        Text("Bekommen Sie Bürgergeld vom Jobcenter?", "Do you receive citizen's benefit (Bürgergeld)?"),
        Text(
            "Bürgergeld sind Leistungen nach dem SGB II. Es zählt auch, wenn Sie es nur zusätzlich "
            "zu Ihrem Lohn bekommen.",
            "Citizen's benefit means benefits under SGB II from the job centre. It also counts if you "
            "only get it on top of your wages.",
        ),
    ),
    _activity(
        "employed",
        Text("Haben Sie eine Arbeit?", "Do you have a job?"),
        Text("Auch eine Arbeit in Teilzeit zählt.", "A part-time job counts too."),
    ),
    _activity(
        "in_recognition_procedure",
        Text(
            "Lassen Sie gerade Ihren Berufsabschluss anerkennen?",
            "Is your professional qualification being recognised right now?",
        ),
        Text(
            "Das heißt: Eine Stelle prüft, ob Ihr Abschluss aus dem Ausland zu einem deutschen "
            "Abschluss passt.",
            "This means: an office checks whether your qualification from abroad matches a German one.",
        ),
    ),
    _activity(
        "in_vocational_training",
        Text("Machen Sie gerade eine Berufsausbildung?", "Are you doing vocational training right now?"),
        Text(
            "Zum Beispiel eine Ausbildung in einem Betrieb oder eine Ausbildung zur Pflegefachkraft.",
            "For example training in a company or training as a nurse.",
        ),
    ),
    _activity(
        "training_contract_signed",
        Text(
            "Haben Sie schon einen Ausbildungsvertrag unterschrieben?",
            "Have you already signed a training contract?",
        ),
        Text(
            "Das heißt: Ihre Ausbildung fängt bald an, und Sie bereiten sich darauf vor.",
            "This means: your training starts soon and you are getting ready for it.",
        ),
    ),
)

_BY_KEY: Mapping[str, Question] = {q.key: q for q in QUESTIONS}


def question(key: str) -> Question:
    return _BY_KEY[key]


def is_relevant(q: Question, answers: Mapping[str, Any]) -> bool:
    """Whether to ask: yes unless the answers so far make the question's condition false."""
    if q.relevant_when is None:
        return True
    if not isinstance(answers, Answers):
        answers, _errors = validate_answers(answers)
    return evaluate_condition(q.relevant_when, answers).value is not False


def _as_data(question: Question, lang: Lang) -> dict[str, Any]:
    kind = question.kind
    choices: list[dict[str, Any]]
    if kind == "bool":
        choices = [{"value": True, "label": YES.get(lang)}, {"value": False, "label": NO.get(lang)}]
    else:
        choices = [
            {"value": c.value, "label": c.label.get(lang), "help": c.help.get(lang) if c.help else None}
            for c in question.choices
        ]
    data: dict[str, Any] = {
        "key": question.key,
        "type": kind,
        "label": question.label.get(lang),
        "help": question.help.get(lang),
        "choices": choices,
        "unknown_label": DONT_KNOW.get(lang),
        "relevant_when": question.relevant_when.to_data() if question.relevant_when else None,
        "only_if": question.only_if.get(lang) if question.only_if else None,
    }
    if kind == "int":
        data["min"] = 0
    return data


def questions_for(lang: Lang | str = "de") -> list[dict[str, Any]]:
    """All questions in order as plain data: key, type, label, help, choices (value, label, help),
    unknown_label, relevant_when (condition data or None), only_if (hint text or None), min (ints)."""
    language = to_lang(lang)
    return [_as_data(q, language) for q in QUESTIONS]


def relevant_questions(answers: Mapping[str, Any], lang: Lang | str = "de") -> list[dict[str, Any]]:
    """The questions still worth asking for these answers (answered ones included), as plain data."""
    language = to_lang(lang)
    checked = answers if isinstance(answers, Answers) else validate_answers(answers)[0]
    return [_as_data(q, language) for q in QUESTIONS if is_relevant(q, checked)]
