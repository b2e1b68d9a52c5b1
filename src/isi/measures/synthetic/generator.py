"""The pure generator: (count, seed, reference date) → synthetic measures as plain dataclasses.

No database and no clock: one `random.Random(seed)` drives every choice, so the same seed gives the
same measures. Measures are drawn one after another from that stream and nothing depends on the
requested count, so the first 300 measures of a 1,000-measure run equal a 300-measure run. All
dates are offsets from `reference_date`; titles, texts, owners and catalogue links do not depend
on it.

About 5 % of the measures paraphrase an earlier one (among the last ORIGINALS_WINDOW originals):
same subject and target group, another owner, another instrument and reworded text. They exercise
overlap detection; `paraphrase_of` records the family.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from isi.measures.synthetic.regions import (
    KOMMUNEN,
    KOMMUNEN_BY_LAND,
    LAENDER,
    LAND_BY_CODE,
    Kommune,
    Land,
)
from isi.measures.synthetic.subjects import SUBJECTS, Subject
from isi.measures.synthetic.vocabulary import (
    COMPONENT_NAMES,
    COMPONENT_OFFER_NAMES,
    EVALUATION_EFFORT_NOTES,
    EVALUATION_METHODS,
    EVALUATION_NOT_PROPORTIONATE,
    EVALUATION_RESULTS,
    FEDERAL_RESSORTS,
    FUNDING_NOTES,
    GOAL_TEMPLATES,
    INSTRUMENTS,
    INTRO_TEMPLATES,
    LEGAL_BASIS_BY_LEVEL,
    NATIONAL_FUNDING_NOTE,
    OBLIGATION_TEXTS,
    OUTCOME_BY_AREA,
    PARAPHRASE_WORDS,
    PARTNERS_FOUNDATIONS,
    PARTNERS_GENERAL,
    PARTNERS_RESEARCH,
    PROJECT_NAMES,
    REGION_SENTENCES,
    REGULAR_SYSTEM_REASONS,
    SIMILAR_REASONS,
    TARGETS,
    THEME_TITLES,
    TITLE_SUFFIXES,
    TITLE_TEMPLATES,
    TITLE_TEMPLATES_BY_STYLE,
    Instrument,
    TargetPhrase,
)

LEVELS: tuple[str, ...] = ("bund", "land", "kommune")
LEVEL_SHARES: tuple[float, ...] = (0.30, 0.40, 0.30)
PARAPHRASE_SHARE = 0.05
UNNAMED_TITLE_SHARE = 0.15
# Paraphrases copy one of the last this-many originals: memory stays flat at a million measures.
ORIGINALS_WINDOW = 20_000
# Paraphrases start once there is something to paraphrase.
FIRST_PARAPHRASE_INDEX = 20
NATIONAL_FUNDING: dict[str, str] = {
    "bund": "bundeshaushalt",
    "land": "landesmittel",
    "kommune": "kommunale-mittel",
}
# log10 of the budget range in euros per level.
BUDGET_LOG_RANGE: dict[str, tuple[float, float]] = {
    "bund": (5.5, 8.0),
    "land": (5.0, 7.3),
    "kommune": (4.0, 6.3),
}
EXTRA_KINDS: tuple[str, ...] = ("none", "catalog", "theme", "outcome", "region")
_CENT = Decimal("0.01")


def source_key_for(seed: int, index: int) -> str:
    return f"gen/{seed}/{index}"


@dataclass(frozen=True, slots=True)
class OrganisationLink:
    organisation: str  # registry key or Land/Kommune organisation key
    role: str  # MeasureOrganisation.Role value
    position: int


@dataclass(frozen=True, slots=True)
class GeneratedEvaluation:
    state: str
    method: str
    effort_note: str
    due_date: date | None
    result_summary: str


@dataclass(frozen=True, slots=True)
class GeneratedMeasure:
    """One measure by catalogue and organisation keys; the writer maps keys to rows."""

    index: int
    source_key: str
    level: str
    region: str | None  # Region.code: "09" or a 12-digit ARS
    owner: str
    organisations: tuple[OrganisationLink, ...]
    title: str
    summary: str
    goals: str
    status: str
    start_date: date | None
    end_date: date | None
    areas: tuple[str, ...]
    target_groups: tuple[str, ...]
    offer_type: str
    component: str | None
    complementary_need: str
    legal_basis: str
    funding_note: str
    funding_programmes: tuple[str, ...]
    budget_eur: Decimal | None
    regular_system_reason: str
    status_independence_reason: str
    similar_measures_reason: str
    imposes_obligation: bool
    obligation_control: str
    obligation_sanction: str
    is_model_project: bool
    test_phase_start: date | None
    test_phase_end: date | None
    scale_decision: str
    publication: str
    released_at: datetime | None
    last_reviewed_at: datetime
    evaluation: GeneratedEvaluation | None
    # How the measure was composed: for tests and overlap benchmarks.
    subject: str
    target: str
    instrument: str
    paraphrase_of: int | None


class _Composition(NamedTuple):
    """What a paraphrase needs to know about its original."""

    measure_index: int
    subject: Subject
    target: TargetPhrase
    owner: str
    level: str
    instrument: str
    title_template: int
    intro_template: int
    goal_template: int
    content: tuple[int, ...]
    extra: str


class _Place(NamedTuple):
    level: str
    region: str | None
    owner: str
    implementer: str | None
    land: Land | None
    kommune: Kommune | None

    @property
    def region_suffix(self) -> str:
        if self.kommune is not None:
            return f" {self.kommune.locative}"
        if self.land is not None:
            return f" {self.land.locative}"
        return ""


_PARAPHRASE_RE = re.compile(r"\b(" + "|".join(map(re.escape, PARAPHRASE_WORDS)) + r")\b")


def reword(sentence: str) -> str:
    """Swap words for synonyms; the subject's terms and compounds stay as they are."""
    return _PARAPHRASE_RE.sub(lambda m: PARAPHRASE_WORDS[m.group(1)], sentence)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first_of_month_plus(start: date, months: int) -> date:
    total = start.year * 12 + start.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


class Generator:
    """Draws measures one after another from a single seeded random stream."""

    def __init__(self, seed: int, reference_date: date) -> None:
        self.seed = seed
        self.reference_date = reference_date
        self.rng = random.Random(seed)
        self._originals: list[_Composition] = []
        self._originals_written = 0
        self._index = 0
        self._level_cum = list(itertools.accumulate(LEVEL_SHARES))
        self._land_cum = list(itertools.accumulate(land.population_millions for land in LAENDER))
        self._subjects_by_level: dict[str, tuple[tuple[Subject, ...], list[float]]] = {}
        for level in LEVELS:
            subjects = tuple(s for s in SUBJECTS if level in s.levels)
            self._subjects_by_level[level] = (
                subjects,
                list(itertools.accumulate(s.weight for s in subjects)),
            )

    def __iter__(self) -> Iterator[GeneratedMeasure]:
        return self

    def __next__(self) -> GeneratedMeasure:
        measure = self._draw(self._index)
        self._index += 1
        return measure

    # -- drawing ----------------------------------------------------------------------------

    def _draw(self, index: int) -> GeneratedMeasure:
        rng = self.rng
        original: _Composition | None = None
        if index >= FIRST_PARAPHRASE_INDEX and rng.random() < PARAPHRASE_SHARE:
            original = self._originals[rng.randrange(len(self._originals))]
        level = LEVELS[min(bisect.bisect_right(self._level_cum, rng.random()), len(LEVELS) - 1)]

        if original is None:
            subjects, cum = self._subjects_by_level[level]
            subject = rng.choices(subjects, cum_weights=cum)[0]
            target = TARGETS[rng.choice(subject.targets)]
        else:
            subject, target = original.subject, original.target
            if level not in subject.levels:
                level = subject.levels[0]

        place = self._place(level, subject, avoid_owner=original.owner if original else None)
        instrument = self._instrument(subject, level, avoid=original.instrument if original else None)
        # Federal programmes carry a name; Land and Kommune titles are told apart by their region,
        # so a few of them go without one.
        unnamed = place.level != "bund" and rng.random() < UNNAMED_TITLE_SHARE
        templates = (0,) if unnamed else tuple(t for t in TITLE_TEMPLATES_BY_STYLE[instrument.style] if t)
        title_template = self._pick(templates, avoid=original.title_template if original else None)
        name = rng.choice(PROJECT_NAMES) if title_template else ""
        core = self._core(subject, instrument)
        suffix = rng.choice(TITLE_SUFFIXES) if rng.random() < 0.15 else ""
        title = TITLE_TEMPLATES[title_template].format(
            instrument=instrument.name,
            core=core,
            target=target.accusative,
            region=place.region_suffix,
            name=name,
            suffix=suffix,
        )

        intro_template = self._pick(
            range(len(INTRO_TEMPLATES)), avoid=original.intro_template if original else None
        )
        goal_template = self._pick(
            range(len(GOAL_TEMPLATES)), avoid=original.goal_template if original else None
        )
        if original is None:
            content = tuple(rng.sample(range(len(subject.sentences)), rng.randint(1, 2)))
        else:
            content = original.content
        extra = self._pick(EXTRA_KINDS, avoid=original.extra if original else None)
        summary = self._summary(
            subject,
            target,
            instrument,
            name,
            place,
            intro_template,
            content,
            extra,
            paraphrase=original is not None,
        )
        goals = GOAL_TEMPLATES[goal_template].format(
            goal=subject.goal.format(target=target.accusative, target_dat=target.dative)
        )

        if original is None:
            self._remember(
                _Composition(
                    index,
                    subject,
                    target,
                    place.owner,
                    level,
                    instrument.key,
                    title_template,
                    intro_template,
                    goal_template,
                    content,
                    extra,
                )
            )
        return self._measure(
            index,
            subject,
            target,
            instrument,
            place,
            title,
            summary,
            goals,
            original.measure_index if original else None,
        )

    def _remember(self, composition: _Composition) -> None:
        if len(self._originals) < ORIGINALS_WINDOW:
            self._originals.append(composition)
        else:  # a ring buffer: overwrite the oldest
            self._originals[self._originals_written % ORIGINALS_WINDOW] = composition
        self._originals_written += 1

    def _pick[T](self, options: Sequence[T], *, avoid: T | None) -> T:
        candidates = [o for o in options if o != avoid] or list(options)
        return self.rng.choice(candidates)

    def _place(self, level: str, subject: Subject, *, avoid_owner: str | None) -> _Place:
        rng = self.rng
        if level == "bund":
            pairs = [p for p in subject.bund_owners if p[0] != avoid_owner]
            if pairs:
                owner, implementer = rng.choice(pairs)
            else:
                # A paraphrase at federal level whose subject has one Ressort: another Ressort
                # does much the same thing, which is exactly what coordination has to find.
                owner = rng.choice([r for r in FEDERAL_RESSORTS if r != avoid_owner])
                implementer = None
            return _Place("bund", None, owner, implementer, None, None)
        if level == "land":
            land = rng.choices(LAENDER, cum_weights=self._land_cum)[0]
            while land.organisation_key == avoid_owner:
                land = rng.choices(LAENDER, cum_weights=self._land_cum)[0]
            return _Place("land", land.code, land.organisation_key, None, land, None)
        kommune = rng.choice(KOMMUNEN)
        while kommune.organisation_key == avoid_owner:
            kommune = rng.choice(KOMMUNEN)
        land = LAND_BY_CODE[kommune.land_code]
        return _Place("kommune", kommune.ars, kommune.organisation_key, None, land, kommune)

    def _instrument(self, subject: Subject, level: str, *, avoid: str | None) -> Instrument:
        keys = tuple(k for k in subject.instruments if level in INSTRUMENTS[k].levels)
        return INSTRUMENTS[self._pick(keys, avoid=avoid)]

    def _core(self, subject: Subject, instrument: Instrument) -> str:
        rng = self.rng
        focus = rng.choice(subject.focuses)
        focused = rng.random() < 0.3
        if instrument.style == "focus":
            return f"mit Schwerpunkt {focus}"
        core = {"dative": subject.dative, "fuer": subject.fuer}.get(instrument.style, subject.label)
        return f"{core} mit Schwerpunkt {focus}" if focused else core

    def _summary(
        self,
        subject: Subject,
        target: TargetPhrase,
        instrument: Instrument,
        name: str,
        place: _Place,
        intro_template: int,
        content: tuple[int, ...],
        extra: str,
        *,
        paraphrase: bool,
    ) -> str:
        named = f" „{name}“" if name else ""
        intro = INTRO_TEMPLATES[intro_template].format(
            Instr=_cap(instrument.nominative()) + named,
            instr_acc=instrument.accusative() + named,
            instr_dat=instrument.dative() + named,
            target=target.accusative,
            Target=_cap(target.accusative),
            region=place.region_suffix,
            activity=subject.activity,
            offer=subject.offer,
        )
        sentences = [intro]
        body = [subject.sentences[i] for i in content]
        if paraphrase:
            body = [reword(s) for s in reversed(body)]
        sentences.extend(body)
        if extra == "catalog":
            sentences.append(self._catalog_sentence(subject))
        elif extra == "theme":
            sentences.append(f"Die Maßnahme gehört zum NAP-I-Themenforum „{THEME_TITLES[subject.theme]}“.")
        elif extra == "outcome":
            sentences.append(OUTCOME_BY_AREA[subject.areas[0]])
        elif extra == "region":
            locative = place.region_suffix.strip()
            sentences.append(self.rng.choice(REGION_SENTENCES[place.level]).format(loc=locative))
        return " ".join(sentences)

    @staticmethod
    def _catalog_sentence(subject: Subject) -> str:
        if subject.component:
            return (
                f"Die Maßnahme ist dem Baustein „{COMPONENT_NAMES[subject.component]}“ im "
                f"{COMPONENT_OFFER_NAMES[subject.component]} zugeordnet."
            )
        if subject.pre_integration:
            return (
                "Sie gehört zur Vorintegration im Herkunftsland und bereitet auf das Leben in "
                "Deutschland vor."
            )
        return f"Als komplementäres Angebot deckt sie folgenden Bedarf: {subject.need}."

    # -- the remaining fields ---------------------------------------------------------------

    def _measure(
        self,
        index: int,
        subject: Subject,
        target: TargetPhrase,
        instrument: Instrument,
        place: _Place,
        title: str,
        summary: str,
        goals: str,
        paraphrase_of: int | None,
    ) -> GeneratedMeasure:
        rng = self.rng
        ref = self.reference_date
        level = place.level

        # Draw every value unconditionally: how many numbers a measure takes from the stream must
        # not depend on where its dates fall relative to the reference date, or a different
        # reference date would change the texts and owners of all later measures.
        start = (ref - timedelta(days=rng.randint(-270, 3300))).replace(day=1)
        open_ended = rng.random() < 0.35
        years = rng.randint(1, 5)
        end = None if open_ended else _first_of_month_plus(start, 12 * years) - timedelta(days=1)
        unknown, discontinued = rng.random() < 0.03, rng.random() < 0.12
        if unknown:
            status = "unknown"
        elif start > ref:
            status = "planned"
        elif end is not None and end < ref:
            status = "discontinued" if discontinued else "completed"
        else:
            status = "running"

        is_model = rng.random() < 0.04 or instrument.model_project
        test_months = rng.choice((12, 18, 24, 36))
        decision = rng.choices(
            ("scale", "transfer", "scale_and_transfer", "end", ""), weights=(3, 2, 2, 2, 3)
        )[0]
        test_start = test_end = None
        scale_decision = ""
        if is_model:
            test_start = start
            test_end = _first_of_month_plus(start, test_months) - timedelta(days=1)
            if test_end < ref:
                scale_decision = decision

        obligation = OBLIGATION_TEXTS.get(subject.key)
        imposes = obligation is not None and level != "kommune" and rng.random() < 0.3
        control, sanction = obligation if imposes and obligation else ("", "")

        organisations, funders = self._organisations(subject, place)
        funding = {NATIONAL_FUNDING[level]}
        if "federal" in funders:
            funding.add("bundeshaushalt")
        if "land" in funders:
            funding.add("landesmittel")
        if "foundation" in funders:
            funding.add("stiftungsmittel")
        funding_note = ""
        if rng.random() < 0.18:
            funding.add(subject.eu_fund)
            funding_note = f"{FUNDING_NOTES[subject.eu_fund]} {NATIONAL_FUNDING_NOTE[level]}"

        budget = None
        if rng.random() < 0.55:
            low, high = BUDGET_LOG_RANGE[level]
            euros = round(10 ** rng.uniform(low, high), -3)
            budget = Decimal(int(euros)).quantize(_CENT)

        if subject.legal_basis and rng.random() < 0.8:
            legal_basis = subject.legal_basis
        elif rng.random() < 0.7:
            legal_basis = LEGAL_BASIS_BY_LEVEL[level]
        else:
            legal_basis = ""

        regular_reason = ""
        if (subject.offer_type == "complementary" or target.specific) and rng.random() < 0.5:
            regular_reason = rng.choice(REGULAR_SYSTEM_REASONS).format(
                regular=subject.regular, target=target.accusative, target_dat=target.dative
            )
        independence_reason = target.reason if target.specific and rng.random() < 0.85 else ""
        similar_reason = (
            rng.choice(SIMILAR_REASONS) if paraphrase_of is not None and rng.random() < 0.5 else ""
        )

        released = rng.random() < 0.85
        review_days = rng.randint(1, 182) if rng.random() < 0.65 else rng.randint(183, 365)
        reviewed = datetime(
            ref.year, ref.month, ref.day, rng.randint(7, 18), rng.randint(0, 59), tzinfo=UTC
        ) - timedelta(days=review_days)
        released_at = reviewed - timedelta(days=rng.randint(0, 540)) if released else None

        return GeneratedMeasure(
            index=index,
            source_key=source_key_for(self.seed, index),
            level=level,
            region=place.region,
            owner=place.owner,
            organisations=organisations,
            title=title,
            summary=summary,
            goals=goals,
            status=status,
            start_date=start,
            end_date=end,
            areas=tuple(sorted(subject.areas)),
            target_groups=tuple(sorted(target.target_groups)),
            offer_type=subject.offer_type,
            component=subject.component,
            complementary_need=subject.need if subject.offer_type == "complementary" else "",
            legal_basis=legal_basis,
            funding_note=funding_note,
            funding_programmes=tuple(sorted(funding)),
            budget_eur=budget,
            regular_system_reason=regular_reason,
            status_independence_reason=independence_reason,
            similar_measures_reason=similar_reason,
            imposes_obligation=imposes,
            obligation_control=control,
            obligation_sanction=sanction,
            is_model_project=is_model,
            test_phase_start=test_start,
            test_phase_end=test_end,
            scale_decision=scale_decision,
            publication="released" if released else "draft",
            released_at=released_at,
            last_reviewed_at=reviewed,
            evaluation=self._evaluation(status, start, end),
            subject=subject.key,
            target=target.key,
            instrument=instrument.key,
            paraphrase_of=paraphrase_of,
        )

    def _organisations(
        self, subject: Subject, place: _Place
    ) -> tuple[tuple[OrganisationLink, ...], set[str]]:
        """Owner first, then implementers, funders and partners; no organisation twice."""
        rng = self.rng
        links: list[tuple[str, str]] = [(place.owner, "responsible")]
        funders: set[str] = set()
        partners = subject.partners + PARTNERS_GENERAL
        if place.level == "bund":
            if place.implementer:
                links.append((place.implementer, "implementing"))
            if rng.random() < 0.3:
                links.append((rng.choice(partners), "partner"))
        elif place.level == "land":
            assert place.land is not None
            kommunen = KOMMUNEN_BY_LAND[place.land.code]
            if kommunen and rng.random() < 0.45:
                links.append((rng.choice(kommunen).organisation_key, "implementing"))
            elif rng.random() < 0.5:
                links.append((rng.choice(PARTNERS_GENERAL), "implementing"))
            if subject.bund_owners and rng.random() < 0.2:
                links.append((subject.bund_owners[0][0], "funder"))
                funders.add("federal")
            if rng.random() < 0.25:
                links.append((rng.choice(partners), "partner"))
        else:
            assert place.land is not None
            if rng.random() < 0.35:
                links.append((place.land.organisation_key, "funder"))
                funders.add("land")
            if rng.random() < 0.55:
                links.append((rng.choice(PARTNERS_GENERAL), "implementing"))
            if rng.random() < 0.2:
                links.append((rng.choice(partners), "partner"))
        if rng.random() < 0.08:
            links.append((rng.choice(PARTNERS_FOUNDATIONS), "funder"))
            funders.add("foundation")
        if rng.random() < 0.1:
            links.append((rng.choice(PARTNERS_RESEARCH), "partner"))

        seen: set[str] = set()
        result: list[OrganisationLink] = []
        for key, role in links:
            if key in seen:
                continue
            seen.add(key)
            result.append(OrganisationLink(key, role, len(result) + 1))
        return tuple(result), funders

    def _evaluation(self, status: str, start: date, end: date | None) -> GeneratedEvaluation | None:
        rng = self.rng
        # All draws up front, for the same reason as in _measure.
        evaluated, proportionate, running = rng.random() < 0.7, rng.random() >= 0.08, rng.random() < 0.5
        method, effort = rng.choice(EVALUATION_METHODS), rng.choice(EVALUATION_EFFORT_NOTES)
        not_proportionate, result = rng.choice(EVALUATION_NOT_PROPORTIONATE), rng.choice(EVALUATION_RESULTS)
        if not evaluated:
            return None
        if not proportionate:
            return GeneratedEvaluation("not_proportionate", "", not_proportionate, None, "")
        due = end or _first_of_month_plus(start, 36) - timedelta(days=1)
        if status in ("completed", "discontinued"):
            return GeneratedEvaluation("done", method, effort, due, result)
        state = "running" if status == "running" and running else "planned"
        return GeneratedEvaluation(state, method, effort, due, "")


def iter_measures(count: int, seed: int, reference_date: date) -> Iterator[GeneratedMeasure]:
    """The first `count` measures of the stream for `seed`, one at a time (constant memory)."""
    return itertools.islice(Generator(seed, reference_date), count)


def generate_measures(count: int, seed: int, reference_date: date) -> list[GeneratedMeasure]:
    return list(iter_measures(count, seed, reference_date))
