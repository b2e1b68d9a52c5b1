"""The finder's answer keys (DESIGN §5) and their validation, as plain Python.

The keys and their values are a contract checked from outside (API and CLI): keep them stable.
Every key is optional; a missing key (or JSON ``null``) means "not known yet".

``validate_answers(raw)`` never raises: it returns the valid answers and a list of
``AnswerError(key, message_de, message_en)`` for everything it could not accept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

Kind = Literal["choice", "bool", "date", "int", "country"]
AnswerValue = str | bool | int | date

# The key used for errors about the answers as a whole (not a single key).
NON_KEY = ""


def to_lang(value: object) -> Lang:
    """Normalise a language code; anything but English falls back to German."""
    return "en" if isinstance(value, str) and value.lower().startswith("en") else "de"


def translate(msgid: str, lang: str) -> str:
    """A German text in another language from the gettext catalogues (``src/isi/locale``); the
    German text itself when there is no translation (legal citations stay German on purpose)."""
    try:
        from django.utils import translation

        with translation.override(lang):
            return translation.gettext(msgid)
    except Exception:  # no Django settings (a pure script): German is authoritative
        return msgid


@dataclass(frozen=True)
class Text:
    """A user-facing text in German (first) and English; other languages come from gettext.

    A text the engine composes (a reason with its clause) carries ``render``, which builds it in
    any language from its translated parts.
    """

    de: str
    en: str
    render: Callable[[str], str] | None = field(default=None, compare=False, repr=False)

    def get(self, lang: str) -> str:
        if lang == "en":
            return self.en
        if lang == "de" or not lang:
            return self.de
        if self.render is not None:
            return self.render(lang)
        return translate(self.de, lang)


@dataclass(frozen=True)
class AnswerSpec:
    """One answer key: its kind, allowed values (for choices) and a short name for messages."""

    key: str
    kind: Kind
    name: Text
    choices: tuple[str, ...] = ()


NATIONALITIES: tuple[str, ...] = ("german", "eu", "third_country")

STATUSES: tuple[str, ...] = (
    "spaetaussiedler",
    "permanent_residence",
    "long_term_resident",
    "eu_free_movement",
    "german_citizen",
    "refugee_protection",
    "temporary_protection_24",
    "humanitarian_temporary",
    "residence_25_5",
    "asylum_good_prospects",
    "asylum_unclear_prospects",
    "asylum_safe_country",
    "tolerated_60a_2_3",
    "tolerated_other",
)

# Statuses only a foreigner can hold (asylum procedure, toleration, residence permits under the
# AufenthG). A German citizen choosing one of these is a contradiction we report.
FOREIGNER_ONLY_STATUSES: frozenset[str] = frozenset(
    {
        "refugee_protection",
        "temporary_protection_24",
        "humanitarian_temporary",
        "residence_25_5",
        "asylum_good_prospects",
        "asylum_unclear_prospects",
        "asylum_safe_country",
        "tolerated_60a_2_3",
        "tolerated_other",
    }
)

# Statuses an EU citizen cannot hold: EU citizens live here under free movement, not with an
# asylum procedure, a toleration or a residence permit of the AufenthG ("EU citizen" + "Duldung").
NOT_FOR_EU_CITIZENS: frozenset[str] = FOREIGNER_ONLY_STATUSES | {"spaetaussiedler"}

ANSWER_SPECS: tuple[AnswerSpec, ...] = (
    AnswerSpec("nationality", "choice", Text("Ihre Staatsangehörigkeit", "your nationality"), NATIONALITIES),
    AnswerSpec(
        "country_of_origin", "country", Text("aus welchem Land Sie kommen", "which country you come from")
    ),
    AnswerSpec(
        "migration_background",
        "bool",
        Text("ob Sie einen Migrationshintergrund haben", "whether you have a migration background"),
    ),
    AnswerSpec(
        "particularly_integration_needy",
        "bool",
        Text(
            "ob Sie besonders viel Hilfe bei der Integration brauchen",
            "whether you need particular support to integrate",
        ),
    ),
    AnswerSpec("status", "choice", Text("Ihr Aufenthaltsstatus", "your residence status"), STATUSES),
    AnswerSpec("entry_date", "date", Text("wann Sie eingereist sind", "when you entered Germany")),
    AnswerSpec(
        "months_permitted_stay",
        "int",
        Text(
            "wie viele Monate Sie schon eine Gestattung haben",
            "for how many months you have had permission to stay (Gestattung)",
        ),
    ),
    AnswerSpec(
        "months_tolerated",
        "int",
        Text(
            "wie viele Monate Sie schon geduldet sind",
            "for how many months you have been tolerated (Duldung)",
        ),
    ),
    AnswerSpec(
        "labour_market_near",
        "bool",
        Text("ob Sie arbeitsmarktnah sind", "whether you are close to the labour market"),
    ),
    AnswerSpec(
        "registered_with_employment_agency",
        "bool",
        Text(
            "ob Sie bei der Agentur für Arbeit gemeldet sind",
            "whether you are registered with the employment agency",
        ),
    ),
    AnswerSpec(
        "receives_sgb2",
        "bool",
        Text("ob Sie Bürgergeld (SGB II) bekommen", "whether you receive citizen's benefit (SGB II)"),
    ),
    AnswerSpec("employed", "bool", Text("ob Sie eine Arbeit haben", "whether you are employed")),
    AnswerSpec(
        "in_recognition_procedure",
        "bool",
        Text(
            "ob Ihr Berufsabschluss gerade anerkannt wird",
            "whether your qualification is going through recognition",
        ),
    ),
    AnswerSpec(
        "in_vocational_training",
        "bool",
        Text("ob Sie eine Berufsausbildung machen", "whether you are in vocational training"),
    ),
    AnswerSpec(
        "training_contract_signed",
        "bool",
        Text(
            "ob Sie schon einen Ausbildungsvertrag haben",
            "whether you have already signed a training contract",
        ),
    ),
    AnswerSpec(
        "needs_language_qualification",
        "bool",
        Text(
            "ob Sie besseres Deutsch für Ausbildung oder Arbeit brauchen",
            "whether you need better German for training or work",
        ),
    ),
    AnswerSpec(
        "in_school",
        "bool",
        Text("ob Sie in Deutschland zur Schule gehen", "whether you go to school in Germany"),
    ),
    AnswerSpec(
        "sufficient_german",
        "bool",
        Text(
            "ob Sie schon ausreichend Deutsch sprechen (Niveau B1)",
            "whether you already speak enough German (level B1)",
        ),
    ),
)

SPECS: Mapping[str, AnswerSpec] = {spec.key: spec for spec in ANSWER_SPECS}
ANSWER_KEYS: tuple[str, ...] = tuple(spec.key for spec in ANSWER_SPECS)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# ISO 3166-1 alpha-2 in form only: the finder needs to know whether a country is on a dated list
# (safe countries of origin), not to keep a registry of all countries. "ZZ" (user-assigned) is
# "another country" in the questionnaire.
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True)
class AnswerError:
    """An answer the finder could not accept: which key, and why (German and English)."""

    key: str
    message_de: str
    message_en: str

    def message(self, lang: Lang = "de") -> str:
        return self.message_en if lang == "en" else self.message_de


class Answers(Mapping[str, AnswerValue]):
    """Validated answers: only known keys, only correctly typed values, unknown keys absent.

    Dates are ``datetime.date``, months ``int``, yes/no ``bool``, choices ``str``.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, AnswerValue] | None = None) -> None:
        ordered = {key: values[key] for key in ANSWER_KEYS if values and values.get(key) is not None}
        self._values: dict[str, AnswerValue] = ordered

    def __getitem__(self, key: str) -> AnswerValue:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Answers({self._values!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def to_json(self) -> dict[str, str | bool | int]:
        """The answers as JSON-ready values (dates as ISO strings)."""
        return {key: value.isoformat() if isinstance(value, date) else value for key, value in self.items()}


def validate_answers(raw: Any, *, today: date | None = None) -> tuple[Answers, list[AnswerError]]:
    """Check raw answers (e.g. parsed JSON); return the valid ones and an error for each bad one.

    Never raises. Unknown keys, wrong types, unknown choice values, dates in the future and
    negative months are errors; ``None`` means "not known" and is simply left out.
    """
    today = today or date.today()
    if not isinstance(raw, Mapping):
        return Answers(), [
            AnswerError(
                NON_KEY,
                'Die Antworten müssen ein JSON-Objekt sein, zum Beispiel {"nationality": "eu"}.',
                'The answers must be a JSON object, for example {"nationality": "eu"}.',
            )
        ]
    values: dict[str, AnswerValue] = {}
    errors: list[AnswerError] = []
    for key, value in raw.items():
        spec = SPECS.get(key) if isinstance(key, str) else None
        if spec is None:
            errors.append(
                AnswerError(
                    str(key),
                    f"Unbekannte Angabe „{key}“. Erlaubt sind: {', '.join(ANSWER_KEYS)}.",
                    f"Unknown answer key '{key}'. Allowed keys: {', '.join(ANSWER_KEYS)}.",
                )
            )
            continue
        if value is None:
            continue
        checked = _check_value(spec, value, today)
        if isinstance(checked, AnswerError):
            errors.append(checked)
        else:
            values[key] = checked
    errors.extend(_check_consistency(values))
    return Answers(values), errors


def _check_value(spec: AnswerSpec, value: object, today: date) -> AnswerValue | AnswerError:
    key = spec.key
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        return AnswerError(key, "Bitte true oder false angeben (ja oder nein).", "Please give true or false.")
    if spec.kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                return AnswerError(
                    key,
                    "Die Zahl der Monate darf nicht negativ sein.",
                    "The number of months must not be negative.",
                )
            return value
        return AnswerError(
            key,
            "Bitte eine ganze Zahl von Monaten angeben (0 oder mehr).",
            "Please give a whole number of months (0 or more).",
        )
    if spec.kind == "date":
        return _check_date(key, value, today)
    if spec.kind == "country":
        if isinstance(value, str) and _COUNTRY_CODE.fullmatch(value.strip()):
            return value.strip().upper()
        return AnswerError(
            key,
            f"Ungültiger Ländercode {_show(value)}. Bitte den zweibuchstabigen Code nach ISO 3166-1 angeben, "
            "zum Beispiel „SY“ für Syrien.",
            f"Invalid country code {_show(value)}. Please give the two-letter ISO 3166-1 code, "
            "for example 'SY' for Syria.",
        )
    # choice
    if isinstance(value, str) and value in spec.choices:
        return value
    return AnswerError(
        key,
        f"Ungültiger Wert {_show(value)}. Erlaubt sind: {', '.join(spec.choices)}.",
        f"Invalid value {_show(value)}. Allowed values: {', '.join(spec.choices)}.",
    )


def _check_date(key: str, value: object, today: date) -> date | AnswerError:
    parsed: date | None = None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        return AnswerError(
            key,
            f"Ungültiges Datum {_show(value)}. Bitte im Format JJJJ-MM-TT angeben, zum Beispiel 2019-07-31.",
            f"Invalid date {_show(value)}. Please use the format YYYY-MM-DD, for example 2019-07-31.",
        )
    if parsed > today:
        return AnswerError(
            key,
            f"Das Datum {parsed.isoformat()} liegt in der Zukunft.",
            f"The date {parsed.isoformat()} is in the future.",
        )
    return parsed


def _check_consistency(values: Mapping[str, AnswerValue]) -> list[AnswerError]:
    """Report answers that contradict each other (nationality against residence status)."""
    nationality = values.get("nationality")
    status = values.get("status")
    if nationality is None or status is None:
        return []
    if nationality == "eu" and status in NOT_FOR_EU_CITIZENS:
        return [
            AnswerError(
                "status",
                "Diesen Aufenthaltsstatus können Bürgerinnen und Bürger der EU nicht haben: Sie leben mit "
                "Freizügigkeit in Deutschland. Bitte prüfen Sie Ihre Staatsangehörigkeit und Ihren "
                "Aufenthaltsstatus.",
                "EU citizens cannot have this residence status: they live in Germany under free movement. "
                "Please check your nationality and your residence status.",
            )
        ]
    if status == "german_citizen" and nationality != "german":
        return [
            AnswerError(
                "status",
                "Der Status „deutsche Staatsangehörigkeit“ passt nicht zu Ihrer Angabe zur "
                "Staatsangehörigkeit. Bitte prüfen Sie beide Angaben.",
                "The status 'German citizen' does not match the nationality you gave. Please check both.",
            )
        ]
    if nationality == "german" and status in FOREIGNER_ONLY_STATUSES:
        return [
            AnswerError(
                "status",
                "Diesen Aufenthaltsstatus können nur Ausländerinnen und Ausländer haben. Sie haben aber "
                "„deutsch“ als Staatsangehörigkeit angegeben. Bitte prüfen Sie beide Angaben.",
                "Only foreign nationals can have this residence status, but you gave German nationality. "
                "Please check both.",
            )
        ]
    return []


def _show(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f"„{value}“"
    return text if len(text) <= 60 else text[:57] + "…"


_TRUE_WORDS = frozenset({"true", "1", "ja", "yes", "on", "j", "y"})
_FALSE_WORDS = frozenset({"false", "0", "nein", "no", "off", "n"})
_UNKNOWN_WORDS = frozenset({"", "unknown", "unbekannt", "none", "null"})


def coerce_form_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Turn HTML form strings into the typed values ``validate_answers`` expects.

    For the no-JavaScript form: "ja"/"nein"/"true"/"false" become booleans, digit strings
    become ints for the month keys, and an empty string (or "unknown") becomes ``None``.
    Anything it cannot read is passed on unchanged so that validation names the problem.
    Keys that are not answer keys (e.g. ``csrfmiddlewaretoken``, ``lang``) are dropped.
    """
    coerced: dict[str, Any] = {}
    for key in ANSWER_KEYS:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, list):  # QueryDict.lists() style
            value = value[-1] if value else None
        if not isinstance(value, str):
            coerced[key] = value
            continue
        text = value.strip()
        if text.lower() in _UNKNOWN_WORDS:
            coerced[key] = None
            continue
        kind = SPECS[key].kind
        if kind == "bool" and text.lower() in _TRUE_WORDS | _FALSE_WORDS:
            coerced[key] = text.lower() in _TRUE_WORDS
        elif kind == "int" and re.fullmatch(r"-?\d{1,6}", text):
            coerced[key] = int(text)
        else:
            coerced[key] = text
    return coerced
