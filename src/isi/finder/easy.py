"""The finder's questions and answers in Leichte Sprache (Easy German).

Short sentences, one statement each, hard words explained, long words split with the middle dot
(Aufenthalts·papier). Shown instead of the usual German when a person starts the finder "in
Leichter Sprache"; the legal categories worked out from the answers are the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EasyStep:
    question: str
    hint: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    # Hints under single options (instead of the usual ones, which cite the law with abbreviations;
    # the Easy option names its paragraph itself). An option not named here has no hint.
    option_hints: Mapping[str, str] = field(default_factory=dict)


EASY_STEPS: Mapping[str, EasyStep] = {
    "staatsangehoerigkeit": EasyStep(
        "Aus welchem Land ist Ihr Pass?",
        "Haben Sie 2 Pässe? Und ist ein Pass aus Deutschland? Dann wählen Sie: Deutschland.",
        {
            "german": "Deutschland",
            "eu": "Ein anderes Land in der Europäischen Union. Zum Beispiel: Polen, Rumänien, Italien.",
            "third_country": "Ein Land außerhalb der Europäischen Union. Zum Beispiel: Syrien, Türkei, Ukraine.",  # noqa: E501
        },
    ),
    "herkunft": EasyStep(
        "Sie haben einen deutschen Pass. Wie war das bei Ihrer Geburt?",
        None,
        {
            "spaetaussiedler": "Ich bin Spät·aussiedlerin oder Spät·aussiedler. "
            "Das heißt: Ich habe deutsche Vorfahren und bin aus Ost·europa gekommen.",
            "background": "Ich oder meine Mutter oder mein Vater hatten bei der Geburt einen anderen Pass.",
            "born_german": "Ich und meine Eltern hatten schon immer einen deutschen Pass.",
        },
    ),
    "dokument": EasyStep(
        "Welches Papier haben Sie von der Ausländer·behörde?",
        "Das Papier zeigt: Sie dürfen in Deutschland sein. Der Name steht oben auf dem Papier.",
        {
            "gestattung": "Aufenthalts·gestattung. Das Papier bekommen Sie, wenn Sie Asyl beantragt haben.",
            "duldung": "Duldung. Das heißt: Sie müssen Deutschland eigentlich verlassen. "
            "Aber Sie dürfen noch bleiben.",
            "aufenthaltserlaubnis": "Aufenthalts·erlaubnis. Das ist eine Karte. Auf der Karte steht ein Datum. "  # noqa: E501
            "Bis zu diesem Datum dürfen Sie bleiben.",
            "niederlassung": "Niederlassungs·erlaubnis. Damit dürfen Sie für immer in Deutschland bleiben.",
            "other": "Ein anderes Papier. Zum Beispiel ein Visum.",
        },
    ),
    "duldung": EasyStep(
        "Was für eine Duldung haben Sie?",
        "Auf dem Papier steht ein Paragraf. Das ist eine Nummer mit diesem Zeichen: §. "
        "Sie wissen es nicht? Dann fragen Sie bei der Ausländer·behörde.",
        {
            "personal_reasons": "Auf dem Papier steht: § 60a Absatz 2 Satz 3. Oder § 60c. Oder § 60d.",
            "other": "Auf dem Papier steht etwas anderes.",
        },
    ),
    "duldung-seit": EasyStep(
        "Wie lange haben Sie schon eine Duldung?",
        None,
        {"short": "Weniger als 6 Monate.", "long": "6 Monate oder länger."},
    ),
    "aufenthaltszweck": EasyStep(
        "Warum dürfen Sie in Deutschland bleiben?",
        "Auf Ihrer Karte steht ein Paragraf. Wir schreiben den Paragrafen neben jede Antwort.",
        {
            "protection": "Ich bin als Flüchtling anerkannt. Oder ich habe Asyl bekommen. (§ 25 Absatz 1 oder 2)",  # noqa: E501
            "temporary_protection": "Ich bin wegen Krieg geflohen. Zum Beispiel aus der Ukraine. (§ 24)",
            "work_family": "Ich arbeite hier. Oder ich mache hier eine Ausbildung. "
            "Oder ich lebe hier mit meiner Familie.",
            "humanitarian_temporary": "Ich darf aus einem anderen wichtigen Grund bleiben. "
            "Aber nur für kurze Zeit. (§ 25 Absatz 4)",
            "cannot_leave": "Ich kann nicht aus Deutschland ausreisen. (§ 25 Absatz 5)",
        },
        {"work_family": "Auf der Karte steht zum Beispiel: § 16 bis § 21. Oder: § 27 bis § 36."},
    ),
    "erster-titel": EasyStep(
        "Haben Sie Ihr erstes Papier in Deutschland vor weniger als 1 Jahr bekommen?",
        "Wer neu in Deutschland ist, darf 1 Jahr lang sicher den Integrations·kurs machen.",
        {"yes": "Ja. Das war vor weniger als 1 Jahr.", "no": "Nein. Das war vor 1 Jahr oder früher."},
    ),
    "herkunftsland": EasyStep("Aus welchem Land kommen Sie?", "Wählen Sie das Land von Ihrem Pass."),
    "schule": EasyStep(
        "Gehen Sie in Deutschland zur Schule?",
        "Zum Beispiel: Grund·schule, Gesamt·schule oder Gymnasium.",
        {"yes": "Ja", "no": "Nein"},
    ),
    "deutsch": EasyStep(
        "Sprechen Sie schon gut Deutsch?",
        "Gut heißt: Sie verstehen fast alles beim Einkaufen und beim Arzt. "
        "Oder Sie haben eine Prüfung gemacht: B1 oder besser.",
        {"yes": "Ja", "no": "Nein"},
    ),
    "unterstuetzung": EasyStep(
        "Haben Sie Probleme im Alltag, weil Sie wenig Deutsch sprechen?",
        "Zum Beispiel: beim Amt oder beim Arzt.",
        {"yes": "Ja", "no": "Nein"},
    ),
    "arbeit": EasyStep(
        "Was passt zu Ihnen?",
        "Sie können mehr als 1 Antwort wählen.",
        {
            "registered": "Ich bin beim Job·center oder bei der Agentur für Arbeit gemeldet. Ich suche Arbeit.",  # noqa: E501
            "sgb2": "Ich bekomme Geld vom Job·center. Das Geld heißt: Bürger·geld.",
            "employed": "Ich habe eine Arbeit.",
            "recognition": "Mein Beruf aus meinem Land wird gerade in Deutschland geprüft.",
            "training": "Ich mache eine Ausbildung.",
            "contract": "Ich habe einen Vertrag für eine Ausbildung.",
        },
    ),
    "deutsch-beruf": EasyStep(
        "Brauchen Sie besseres Deutsch für Ihre Arbeit?",
        "Oder für eine Ausbildung.",
        {"yes": "Ja", "no": "Nein"},
    ),
}

EASY_VERDICTS: Mapping[str, str] = {
    "eligible": "Sie dürfen wahrscheinlich mit·machen.",
    "not_eligible": "Sie dürfen wahrscheinlich nicht mit·machen.",
    "open": "Das wissen wir noch nicht.",
    "claim": "Sie haben ein Recht auf den Kurs. Sie dürfen den Kurs machen, wenn Sie wollen.",
    "admission": "Sie können den Kurs machen, wenn es freie Plätze gibt. Dafür müssen Sie einen Antrag stellen.",  # noqa: E501
    "not_binding": "Das ist nur eine Einschätzung. Das Amt entscheidet.",
}

# "Weiß ich nicht" and "Nichts davon" are plain already; the check page uses them as they are.


def easy_answer(step_id: str, values: list[str]) -> list[str] | None:
    """A page answer in Easy German for the "check your answers" page, or ``None`` when a value has
    no Easy label (a country: its name is the same)."""
    plain = EASY_STEPS.get(step_id)
    if plain is None or not values or any(v not in plain.options for v in values):
        return None
    return [label for value, label in plain.options.items() if value in values]  # in the step's order
