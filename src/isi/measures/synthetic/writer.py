"""The bulk writer: generated measures into the database, fast and in one transaction.

Rows are inserted with `bulk_create` in batches: measures, their organisation links, the
many-to-many rows for areas, target groups and funding programmes, Erfolgskontrollen, and one
change record per measure. The change record's snapshot is built from the generated data rather
than by re-reading each measure; it has the shape of `isi.measures.snapshots.measure_snapshot`.

This is the one writer of measures besides `isi.measures.services` (and the only one the layering
test lets through): a scale test needs up to a million synthetic measures, and the service's
per-measure checks, snapshots and row locks would take hours for what `bulk_create` does in
minutes. The generated data is valid by construction, is never edited by a person, has no owner
to release anything, and gets the same change records.

`bulk_create` sends no signals. Each batch is announced with `isi.measures.signals.measures_changed`
inside the same transaction, so the search index (and whoever else listens) keeps current
(`generate` does that unless told not to; then `isi search_index` catches up later).
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import reset_queries, transaction

from isi.catalog.models import Area, Component, FundingProgramme, Level, Region, TargetGroup
from isi.core.models import ChangeRecord
from isi.measures.models import Evaluation, Measure, MeasureOrganisation
from isi.measures.signals import measures_changed
from isi.measures.synthetic.generator import GeneratedMeasure, iter_measures
from isi.measures.synthetic.regions import KOMMUNEN, LAENDER
from isi.organisations.models import Organisation

DEFAULT_BATCH_SIZE = 2000
PROGRESS_EVERY = 10_000
CHANGE_SOURCE = "generate"

ProgressCallback = Callable[[int], None]
AfterBatch = Callable[[list[int]], object]


class SyntheticDataError(Exception):
    """The database lacks what generation needs (catalogue, registry); the message is German."""


@dataclass
class WriteResult:
    created: int = 0
    skipped: int = 0
    per_level: Counter[str] = field(default_factory=Counter)
    paraphrases: int = 0
    evaluations: int = 0
    organisation_links: int = 0
    change_records: int = 0
    regions_created: int = 0
    organisations_created: int = 0
    after_batch_seconds: float = 0.0  # time spent in the after-batch hook (search indexing)


@dataclass(frozen=True)
class _Lookup:
    """Catalogue keys and organisation keys → primary keys (and canonical names)."""

    levels: dict[str, int]
    areas: dict[str, int]
    target_groups: dict[str, int]
    components: dict[str, int]
    funding: dict[str, int]
    regions: dict[str, int]
    organisations: dict[str, tuple[int, str]]


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def snapshot_of(measure: GeneratedMeasure, organisation_names: dict[str, str]) -> dict[str, Any]:
    """The change-record snapshot of a generated measure, equal to `measure_snapshot` once stored."""
    evaluation = measure.evaluation
    return {
        "title": measure.title,
        "summary": measure.summary,
        "goals": measure.goals,
        "status": measure.status,
        "start_date": _date(measure.start_date),
        "end_date": _date(measure.end_date),
        "owner": organisation_names[measure.owner],
        "owner_basis": Measure.OwnerBasis.MANUAL.value,
        "owner_explanation": "",
        "organisations": [
            {"name": organisation_names[link.organisation], "role": link.role}
            for link in sorted(measure.organisations, key=lambda link: link.position)
        ],
        "level": measure.level,
        "region": measure.region,
        "areas": sorted(measure.areas),
        "target_groups": sorted(measure.target_groups),
        "offer_type": measure.offer_type,
        "component": measure.component,
        "complementary_need": measure.complementary_need,
        "nap_i": None,
        "legal_basis": measure.legal_basis,
        "funding_note": measure.funding_note,
        "funding_programmes": sorted(measure.funding_programmes),
        "budget_eur": str(measure.budget_eur) if measure.budget_eur is not None else None,
        "regular_system_reason": measure.regular_system_reason,
        "status_independence_reason": measure.status_independence_reason,
        "similar_measures_reason": measure.similar_measures_reason,
        "imposes_obligation": measure.imposes_obligation,
        "obligation_control": measure.obligation_control,
        "obligation_sanction": measure.obligation_sanction,
        "is_model_project": measure.is_model_project,
        "test_phase_start": _date(measure.test_phase_start),
        "test_phase_end": _date(measure.test_phase_end),
        "scale_decision": measure.scale_decision,
        "publication": measure.publication,
        "archived": False,
        "suggested_fields": [],
        # Contact and link are for owners to fill; generated measures have none.
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "url": "",
        "evaluation": (
            {
                "state": evaluation.state,
                "method": evaluation.method,
                "effort_note": evaluation.effort_note,
                "due_date": _date(evaluation.due_date),
                "result_summary": evaluation.result_summary,
            }
            if evaluation
            else None
        ),
    }


def ensure_reference_data() -> tuple[int, int, dict[str, str]]:
    """Region rows for the Kommunen and one Organisation per Land and Kommune; idempotent.

    Returns how many regions and organisations were created, and the generator's organisation
    keys that map to an organisation someone else already created under the same name and kind
    (generated key → existing key). An existing organisation is never changed.
    """
    lands = {r.code: r for r in Region.objects.filter(code__in=[land.code for land in LAENDER])}
    new_lands = [
        Region(code=land.code, name=land.name, kind=Region.Kind.LAND)
        for land in LAENDER
        if land.code not in lands
    ]
    for region in new_lands:
        region.save()
        lands[region.code] = region
    existing_codes = set(
        Region.objects.filter(code__in=[k.ars for k in KOMMUNEN]).values_list("code", flat=True)
    )
    new_kommunen = [
        Region(code=k.ars, name=k.name, kind=Region.Kind.KOMMUNE, land=lands[k.land_code])
        for k in KOMMUNEN
        if k.ars not in existing_codes
    ]
    Region.objects.bulk_create(new_kommunen)

    wanted = [
        Organisation(
            key=land.organisation_key,
            name=land.government,
            short_name=land.short_name,
            kind=Organisation.Kind.LAND,
            region_code=land.code,
        )
        for land in LAENDER
    ] + [
        Organisation(
            key=k.organisation_key,
            name=k.official_name,
            kind=Organisation.Kind.KOMMUNE,
            region_code=k.ars,
        )
        for k in KOMMUNEN
    ]
    existing_keys = set(
        Organisation.objects.filter(key__in=[o.key for o in wanted]).values_list("key", flat=True)
    )
    missing = [o for o in wanted if o.key not in existing_keys]
    by_name = {
        name: (key, kind)
        for name, key, kind in Organisation.objects.filter(name__in=[o.name for o in missing]).values_list(
            "name", "key", "kind"
        )
    }
    aliases: dict[str, str] = {}
    conflicts: list[str] = []
    for org in missing:
        if org.name in by_name:
            key, kind = by_name[org.name]
            if kind != org.kind:
                conflicts.append(f"{org.name} ({key})")
            aliases[org.key] = key
    if conflicts:
        raise SyntheticDataError(
            "Diese Organisationen gibt es schon, aber nicht als Land bzw. Kommune: "
            + ", ".join(sorted(conflicts))
        )
    created = Organisation.objects.bulk_create([o for o in missing if o.key not in aliases])
    return len(new_lands) + len(new_kommunen), len(created), aliases


def _load_lookup(aliases: dict[str, str]) -> _Lookup:
    def keys(model: Any) -> dict[str, int]:
        return dict(model.objects.values_list("key", "id"))

    lookup = _Lookup(
        levels=keys(Level),
        areas=keys(Area),
        target_groups=keys(TargetGroup),
        components=keys(Component),
        funding=keys(FundingProgramme),
        regions=dict(Region.objects.values_list("code", "id")),
        organisations={
            key: (pk, name) for key, pk, name in Organisation.objects.values_list("key", "id", "name")
        },
    )
    for generated_key, existing_key in aliases.items():
        lookup.organisations[generated_key] = lookup.organisations[existing_key]
    if not lookup.levels or not lookup.areas or not lookup.target_groups:
        raise SyntheticDataError("Der Katalog fehlt in der Datenbank. Bitte zuerst „isi migrate“ ausführen.")
    return lookup


def _missing_keys(measure: GeneratedMeasure, lookup: _Lookup) -> list[str]:
    missing = [f"Ebene {measure.level}"] if measure.level not in lookup.levels else []
    missing += [
        f"Organisation {link.organisation}"
        for link in measure.organisations
        if link.organisation not in lookup.organisations
    ]
    missing += [f"Bereich {key}" for key in measure.areas if key not in lookup.areas]
    missing += [f"Zielgruppe {key}" for key in measure.target_groups if key not in lookup.target_groups]
    missing += [f"Förderprogramm {key}" for key in measure.funding_programmes if key not in lookup.funding]
    if measure.component and measure.component not in lookup.components:
        missing.append(f"Baustein {measure.component}")
    if measure.region and measure.region not in lookup.regions:
        missing.append(f"Region {measure.region}")
    return missing


def _batched(items: Iterable[GeneratedMeasure], size: int) -> Iterator[list[GeneratedMeasure]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _measure_row(m: GeneratedMeasure, lookup: _Lookup) -> Measure:
    return Measure(
        title=m.title,
        summary=m.summary,
        goals=m.goals,
        status=m.status,
        start_date=m.start_date,
        end_date=m.end_date,
        owner_id=lookup.organisations[m.owner][0],
        level_id=lookup.levels[m.level],
        region_id=lookup.regions[m.region] if m.region else None,
        offer_type=m.offer_type,
        component_id=lookup.components[m.component] if m.component else None,
        complementary_need=m.complementary_need,
        legal_basis=m.legal_basis,
        funding_note=m.funding_note,
        budget_eur=m.budget_eur,
        regular_system_reason=m.regular_system_reason,
        status_independence_reason=m.status_independence_reason,
        similar_measures_reason=m.similar_measures_reason,
        imposes_obligation=m.imposes_obligation,
        obligation_control=m.obligation_control,
        obligation_sanction=m.obligation_sanction,
        is_model_project=m.is_model_project,
        test_phase_start=m.test_phase_start,
        test_phase_end=m.test_phase_end,
        scale_decision=m.scale_decision,
        publication=m.publication,
        released_at=m.released_at,
        last_reviewed_at=m.last_reviewed_at,
        source_key=m.source_key,
        suggested_fields=[],
        suggestion_notes={},
    )


def _insert_measures(new: list[GeneratedMeasure], lookup: _Lookup) -> list[int]:
    """Insert the measure rows of a batch; their primary keys in the same order."""
    rows = Measure.objects.bulk_create([_measure_row(m, lookup) for m in new])
    ids = [row.pk for row in rows]
    if any(pk is None for pk in ids):  # a backend that does not return ids from bulk inserts
        by_key = dict(
            Measure.objects.filter(source_key__in=[m.source_key for m in new]).values_list("source_key", "id")
        )
        ids = [by_key[m.source_key] for m in new]
    return ids


def _insert_related(
    ids: list[int], new: list[GeneratedMeasure], lookup: _Lookup, names: dict[str, str], result: WriteResult
) -> None:
    """Organisation links, many-to-many rows, Erfolgskontrollen and change records of a batch."""
    area_through = Measure.areas.through
    group_through = Measure.target_groups.through
    funding_through = Measure.funding_programmes.through
    object_type = Measure._meta.label_lower
    links: list[MeasureOrganisation] = []
    areas: list[Any] = []
    groups: list[Any] = []
    funding: list[Any] = []
    evaluations: list[Evaluation] = []
    changes: list[ChangeRecord] = []
    for pk, m in zip(ids, new, strict=True):
        links.extend(
            MeasureOrganisation(
                measure_id=pk,
                organisation_id=lookup.organisations[link.organisation][0],
                role=link.role,
                position=link.position,
            )
            for link in m.organisations
        )
        areas.extend(area_through(measure_id=pk, area_id=lookup.areas[key]) for key in m.areas)
        groups.extend(
            group_through(measure_id=pk, targetgroup_id=lookup.target_groups[key]) for key in m.target_groups
        )
        funding.extend(
            funding_through(measure_id=pk, fundingprogramme_id=lookup.funding[key])
            for key in m.funding_programmes
        )
        if m.evaluation is not None:
            evaluations.append(
                Evaluation(
                    measure_id=pk,
                    state=m.evaluation.state,
                    method=m.evaluation.method,
                    effort_note=m.evaluation.effort_note,
                    due_date=m.evaluation.due_date,
                    result_summary=m.evaluation.result_summary,
                )
            )
        changes.append(
            ChangeRecord(
                object_type=object_type,
                object_id=pk,
                object_repr=m.title[:500],
                action=ChangeRecord.Action.CREATE,
                source=CHANGE_SOURCE,
                before=None,
                after=snapshot_of(m, names),
            )
        )
        result.per_level[m.level] += 1
        result.paraphrases += m.paraphrase_of is not None
    MeasureOrganisation.objects.bulk_create(links)
    area_through.objects.bulk_create(areas)
    group_through.objects.bulk_create(groups)
    funding_through.objects.bulk_create(funding)
    Evaluation.objects.bulk_create(evaluations)
    ChangeRecord.objects.bulk_create(changes)
    result.created += len(new)
    result.evaluations += len(evaluations)
    result.organisation_links += len(links)
    result.change_records += len(changes)


def write_measures(
    measures: Iterable[GeneratedMeasure],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    progress_every: int = PROGRESS_EVERY,
    after_batch: AfterBatch | None = None,
) -> WriteResult:
    """Insert generated measures that are not stored yet (by source key); all or nothing.

    `progress` is called with the number of measures processed (created or skipped) each time
    that number passes a multiple of `progress_every`. `after_batch` gets the ids of each batch's
    new measures, inside the transaction, once all their rows are written.
    """
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    result = WriteResult()
    processed = 0
    with transaction.atomic():
        result.regions_created, result.organisations_created, aliases = ensure_reference_data()
        lookup = _load_lookup(aliases)
        names = {key: name for key, (_, name) in lookup.organisations.items()}
        for batch in _batched(measures, batch_size):
            stored = set(
                Measure.objects.filter(source_key__in=[m.source_key for m in batch]).values_list(
                    "source_key", flat=True
                )
            )
            new = [m for m in batch if m.source_key not in stored]
            result.skipped += len(batch) - len(new)
            if new:
                missing = sorted({key for m in new for key in _missing_keys(m, lookup)})
                if missing:
                    raise SyntheticDataError(
                        "Für die synthetischen Maßnahmen fehlen Stammdaten: " + ", ".join(missing)
                    )
                ids = _insert_measures(new, lookup)
                _insert_related(ids, new, lookup, names, result)
                if after_batch is not None:
                    started = time.perf_counter()
                    after_batch(ids)
                    result.after_batch_seconds += time.perf_counter() - started

            # With DEBUG on, Django keeps every statement; bulk SQL would pile up hundreds of MB.
            reset_queries()
            before, processed = processed, processed + len(batch)
            if progress is not None and processed // progress_every > before // progress_every:
                progress(processed)
    return result


def generate(
    *,
    count: int,
    seed: int,
    reference_date: date,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    index: bool = True,
) -> WriteResult:
    """Generate `count` measures for `seed` and store those not stored yet.

    With `index`, each batch is added to the search index in the same transaction.
    """
    return write_measures(
        iter_measures(count, seed, reference_date),
        batch_size=batch_size,
        progress=progress,
        after_batch=measures_changed if index else None,
    )
