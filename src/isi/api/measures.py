"""/measures: list, read, change and create measures.

Who sees and changes what is decided by ``isi.core.permissions`` alone:

- The list for anonymous callers is exactly the public search: same filters, same text search,
  same order, answered like the search page by the in-memory snapshot evaluator
  (``isi.search.selectors.public_page_ids``, ``isi.search.evaluate``): the database matches
  the text once (or not at all: isi.search.textcache), count and page come from the snapshot,
  and only the page's measures are read – their items kept per process (``public_items``).
  The count follows the snapshot's freshness (at once after a write
  through the services; after ``ISI_SEARCH_SNAPSHOT_SECONDS`` at the latest for writes that
  bypass them); the items are read through ``Measure.objects.public()`` again, so a measure
  that is no longer public is never listed.
- Signed-in callers see ``visible_measures(user)``: the public search results (same semantics)
  plus the non-public measures they may see (drafts of their ministry, everything for
  coordination and readers). Those extra measures are filtered with the same facet parameters
  and a plain word match of ``q`` on title, summary and goals (the public search's full-text
  engine indexes public measures only); sort "relevance" falls back to the NAP-I order. One
  statement answers page, count and newest change (window functions), so the public full-text
  query runs once per request (twice only for an offset past the end).
- Reading a measure the caller may not see: 404. Changing one the caller may see but not
  change: 403. Anonymous writes: 401.

Last-Modified of the list (for ``If-Modified-Since``; the ETag, a hash of the body, is exact
anyway and wins when both are sent) is the later of the page's newest ``updated_at`` and
``public_list_changed_at()``: the newest ``updated_at`` among the measures that are public or
ever were (``released_at`` set, so withdrawn and archived ones count: withdrawing or archiving
bumps ``updated_at``). Any service write to a measure of any public list – an edit, a release,
a withdrawal, an archiving – therefore moves every list's validator forward; narrow filters get
more 200s than strictly needed, never a wrong 304. Limits: a measure made public without
``released_at`` (only by writes that bypass the services) and then withdrawn is not seen, and
writes that bypass the services are seen when the snapshot is renewed (as the count is). No
full-text query: one aggregate, kept per process for as long as the search snapshot the list
was evaluated on (a new snapshot after every service write, after
``ISI_SEARCH_SNAPSHOT_SECONDS`` at the latest). Edits of drafts that never were public do not
move it (the public validator tells nothing about drafts). Signed-in callers get the newest
``updated_at`` of exactly their result set, as before. An empty list has no Last-Modified.

Writes map the request onto the one write service (``isi.measures.services``: field permissions,
the Leitfaden rules and plausibility checks judged by ``isi.measures.judgement``, transaction,
change record, optimistic locking) and nothing else:

- POST: every violation of severity "error" blocks (422).
- PATCH: a violation of severity "error" blocks when the change introduces it, or when it
  concerns a fact the PATCH changes (e.g. changing the dates while the end is before the
  start). Errors the measure already had on facts the PATCH leaves alone (an imported measure
  without Erfolgskontrolle, say) do not block a change of its summary; they come back, with
  all warnings, in ``warnings``.
- PATCH by an editor who is not the owning side (an agency implementing another ministry's
  measure): 202 with the pending revision; the measure stays as it is until the owner releases
  the proposal in the work tool (``isi.measures.revisions``).

Nothing is written when anything fails.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q, Window
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Query, Router, Status
from ninja.renderers import JSONRenderer

from isi.accounts.models import User
from isi.api.auth import caller_of, require_user
from isi.api.caching import set_last_modified
from isi.api.errors import ApiError, field_error, not_found, tr, violation_errors
from isi.api.schemas import (
    ConflictOut,
    ErrorOut,
    MeasureCreateIn,
    MeasureFieldsIn,
    MeasureListOut,
    MeasureListParams,
    MeasureOut,
    MeasurePatchIn,
    MeasureWriteOut,
    PendingRevisionOut,
)
from isi.catalog.models import Area, Component, FundingProgramme, Level, Region, TargetGroup
from isi.core.parsing import parse_int, parse_ints
from isi.measures.export import measure_to_export
from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.permissions import can_change_measure, can_create_measure, visible_measures
from isi.measures.provenance import unconfirmed_fields
from isi.measures.rules import Violation
from isi.measures.selectors import measures_with_details, newest_other_change
from isi.measures.services import (
    ChangeNotPermitted,
    OrganisationRole,
    RulesBroken,
    StaleVersion,
    measure_change,
    measure_create,
)
from isi.organisations.models import Organisation
from isi.search import snapshot as snapshots
from isi.search.filters import FACET_PARAMS, MeasureFilter
from isi.search.selectors import filtered_public_measures, public_page_ids

router = Router(tags=["Maßnahmen"])
# The renderer of the API (NinjaAPI's default) for the anonymous list, which renders kept items.
LIST_RENDERER = JSONRenderer()

MAX_ID = 2**63 - 1
# Keys of measure_to_export that only signed-in callers get.
INTERNAL_EXPORT_KEYS = ("owner_basis", "owner_explanation", "suggested_fields", "source_key")
# Further fields signed-in callers get, so they can read what they may change.
EDITING_FIELDS = (
    "regular_system_reason",
    "status_independence_reason",
    "similar_measures_reason",
    "imposes_obligation",
    "obligation_control",
    "obligation_sanction",
    "is_model_project",
    "test_phase_start",
    "test_phase_end",
    "scale_decision",
    "budget_eur",
)
# Fields copied as they are from the request to the model (the service's names).
PLAIN_FIELDS = (
    "title",
    "summary",
    "goals",
    "status",
    "start_date",
    "end_date",
    "publication",
    "legal_basis",
    "funding_note",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
    "budget_eur",
    "offer_type",
    "complementary_need",
    "regular_system_reason",
    "status_independence_reason",
    "similar_measures_reason",
    "imposes_obligation",
    "obligation_control",
    "obligation_sanction",
    "is_model_project",
    "test_phase_start",
    "test_phase_end",
    "scale_decision",
)


# --- reading --------------------------------------------------------------------------------


def measure_item(measure: Measure, *, internal: bool) -> dict[str, Any]:
    """The API shape of a measure: the export's fields plus keys; internal ones for staff only."""
    data = measure_to_export(measure)
    data.update(
        owner_key=measure.owner.key,
        area_keys=[area.key for area in measure.areas.all()],
        target_group_keys=[group.key for group in measure.target_groups.all()],
        funding_programme_keys=[programme.key for programme in measure.funding_programmes.all()],
        level_key=measure.level.key,
        component_key=measure.component.key if measure.component else None,
        publication=measure.publication,
        legal_basis=measure.legal_basis,
        updated_at=measure.updated_at,
    )
    unconfirmed = unconfirmed_fields(measure)
    classification_suggested = bool({"offer_type", "component"} & set(unconfirmed))
    data.update(
        area_details=[
            {"key": a.key, "name": a.name, "suggested": "areas" in unconfirmed} for a in measure.areas.all()
        ],
        target_group_details=[
            {"key": t.key, "name": t.name, "suggested": "target_groups" in unconfirmed}
            for t in measure.target_groups.all()
        ],
        component_detail=(
            {
                "key": measure.component.key,
                "name": measure.component.name,
                "suggested": classification_suggested,
            }
            if measure.component
            else None
        ),
        offer_type_suggested=bool(measure.offer_type) and classification_suggested,
        unconfirmed_fields=unconfirmed,
    )
    if internal:
        data.update({name: getattr(measure, name) for name in EDITING_FIELDS})
    else:
        for key in INTERNAL_EXPORT_KEYS:
            data.pop(key, None)
    return data


def _clean(value: str) -> str:
    # NUL never occurs in real text, and PostgreSQL refuses it.
    return value.replace("\x00", "")


def measure_filter(params: MeasureListParams) -> MeasureFilter:
    """The public search filter from the validated query parameters (same names as the page)."""
    query = QueryDict(mutable=True)
    query["q"] = _clean(params.q)
    query["sort"] = params.sort
    for name in FACET_PARAMS:
        query.setlist(name, [_clean(value) for value in getattr(params, name)])
    return MeasureFilter.from_params(query)


def _facet_condition(param: str, values: Sequence[str]) -> Q:
    """The facet filters for the non-public measures a signed-in caller also sees."""
    if not values:
        return Q()
    simple = {
        "area": "areas__key__in",
        "target_group": "target_groups__key__in",
        "basic_offer": "component__basic_offer__key__in",
        "level": "level__key__in",
        "owner": "owner__key__in",
        "status": "status__in",
    }
    if param in simple:
        return Q(**{simple[param]: list(values)})
    if param == "land":
        return Q(region__code__in=values) | Q(region__land__code__in=values)
    if param == "phase":
        return Q(nap_i_theme__phase__number__in=parse_ints(values, max_digits=5))
    condition = Q(pk__in=[])
    for value in values:  # theme: "phase.position"
        phase, _, position = value.partition(".")
        phase_number = parse_int(phase, max_digits=5)
        position_number = parse_int(position, max_digits=5)
        if phase_number is not None and position_number is not None:
            condition |= Q(nap_i_theme__phase__number=phase_number, nap_i_theme__position=position_number)
    return condition


def _order(queryset: MeasureQuerySet, sort: str) -> MeasureQuerySet:
    if sort == "title":
        return queryset.order_by("title", "pk")
    if sort == "-updated":
        return queryset.order_by("-updated_at", "pk")
    return queryset.order_by(
        "nap_i_theme__phase__number", "nap_i_theme__position", "nap_i_number", "title", "pk"
    )


def staff_measures(user: User, search: MeasureFilter) -> MeasureQuerySet:
    """Public search results plus the matching non-public measures this user may see."""
    public = Q(publication=Measure.Publication.RELEASED, archived_at__isnull=True)
    others = visible_measures(user).exclude(public)
    for word in search.q.split():
        others = others.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(goals__icontains=word)
        )
    for param in FACET_PARAMS:
        others = others.filter(_facet_condition(param, search.facet_values(param)))
    found = Measure.objects.filter(
        Q(pk__in=filtered_public_measures(search).values("pk")) | Q(pk__in=others.values("pk"))
    )
    return measures_with_details(_order(found, search.sort))


def staff_page(
    queryset: MeasureQuerySet, *, offset: int, limit: int
) -> tuple[list[Measure], int, datetime | None]:
    """Page, count and newest ``updated_at`` of the whole result in one statement (window functions).

    The public full-text query inside ``staff_measures`` then runs once; only an offset past the
    end needs a second statement for the count.
    """
    windowed = queryset.annotate(total=Window(Count("pk")), latest=Window(Max("updated_at")))
    items = list(windowed[offset : offset + limit])
    if items:
        return items, int(getattr(items[0], "total")), getattr(items[0], "latest")  # noqa: B009
    if offset == 0:
        return [], 0, None
    summary = queryset.aggregate(total=Count("pk"), latest=Max("updated_at"))
    return [], int(summary["total"]), summary["latest"]


_changed_lock = threading.Lock()
# Per database: the search snapshot the value was computed for (weakly) and the value.
_changed: dict[str, tuple[weakref.ref[snapshots.Snapshot], datetime | None]] = {}


def _ever_public_latest() -> datetime | None:
    ever_public = Measure.objects.public() | Measure.objects.filter(released_at__isnull=False)
    latest: datetime | None = ever_public.aggregate(latest=Max("updated_at"))["latest"]
    return latest


def _snapshots_kept() -> bool:
    return int(getattr(settings, "ISI_SEARCH_SNAPSHOT_SECONDS", 0)) > 0 and snapshots.keepable()


def public_list_changed_at(snap: snapshots.Snapshot | None = None) -> datetime | None:
    """The newest ``updated_at`` of the measures that are or ever were public (see the docstring).

    One aggregate per search snapshot: kept as long as the snapshot the evaluator uses is (same
    token, ``ISI_SEARCH_SNAPSHOT_SECONDS``), computed afresh when snapshots are not kept.
    """
    if not _snapshots_kept():
        return _ever_public_latest()
    # The kept snapshot the list was just evaluated on (`snap`, else read again: no rebuild).
    snap = snap if snap is not None else snapshots.current()
    key = f"{connection.alias}:{connection.settings_dict['NAME']}"
    with _changed_lock:
        found = _changed.get(key)
    if found is not None and found[0]() is snap:
        return found[1]
    latest = _ever_public_latest()  # read after the snapshot: never older than it
    with _changed_lock:
        _changed[key] = (weakref.ref(snap), latest)
    return latest


def clear_list_changed() -> None:
    with _changed_lock:
        _changed.clear()


def list_last_modified(
    changed: Sequence[datetime], count: int, snap: snapshots.Snapshot | None = None
) -> datetime | None:
    """Last-Modified of an anonymous list page (`changed`: its measures' `updated_at`; see the
    module docstring)."""
    if not count:
        return None
    moments = list(changed)
    overall = public_list_changed_at(snap)
    if overall is not None:
        moments.append(overall)
    return max(moments, default=None)


def public_items(
    search: MeasureFilter, *, offset: int, limit: int, snap: snapshots.Snapshot | None = None
) -> tuple[list[dict[str, Any]], int, list[datetime]]:
    """An anonymous list page: its items, the count and the items' `updated_at`.

    An item is kept in CACHES by measure, version, language and the newest change record that is
    not a measure's (a catalogue entry or an organisation renamed: ``newest_other_change``), a
    key that means the same in every process, so a page of kept items costs one statement for
    the versions instead of loading every measure with its links; `ISI_PAGE_CACHE_SECONDS`
    bounds how long a write that bypasses the services stays unseen, as for the measure pages.
    Items are kept only while the search snapshot is (``result.epoch``: not in a transaction).
    """
    result = public_page_ids(search, offset=offset, limit=limit, snap=snap)
    # public() again: the snapshot may be older than a write that bypassed the services.
    rows = list(
        Measure.objects.public()
        .filter(pk__in=result.page_ids)
        .annotate(other_change=newest_other_change())
        .values_list("pk", "version", "updated_at", "other_change")
    )
    stamps = {pk: (version, changed) for pk, version, changed, _ in rows}
    ids = [pk for pk in result.page_ids if pk in stamps]
    seconds = int(getattr(settings, "ISI_PAGE_CACHE_SECONDS", 0))
    other = rows[0][3] if rows else None
    keys = (
        {pk: f"isi:api-item:{pk}:{stamps[pk][0]}:{other}:{get_language()}" for pk in ids}
        if seconds > 0 and result.epoch
        else {}
    )
    kept = cache.get_many(list(keys.values())) if keys else {}
    missing = [pk for pk in ids if keys.get(pk) not in kept]
    # Each item validated once, when it is built, and kept as the schema dumps it (what
    # django-ninja would render): the list answer renders kept items without validating them
    # again (list_measures); validating 20 items of nested dicts per request was half the CPU
    # time of a list answer.
    loaded = {
        measure.pk: MeasureOut.model_validate(measure_item(measure, internal=False)).model_dump(
            exclude_unset=True
        )
        for measure in measures_with_details(Measure.objects.public().filter(pk__in=missing))
    }
    if keys and loaded:
        cache.set_many({keys[pk]: item for pk, item in loaded.items() if pk in keys}, timeout=seconds)
    items = [kept[keys[pk]] if pk in keys and keys[pk] in kept else loaded.get(pk) for pk in ids]
    present = [(item, stamps[pk][1]) for pk, item in zip(ids, items, strict=True) if item is not None]
    return [item for item, _ in present], result.count, [changed for _, changed in present]


def visible_measure(user: User | None, measure_id: int) -> Measure:
    """The measure if the caller may see it, with details; else 404."""
    if not 0 < measure_id <= MAX_ID:
        raise not_found()
    measure = measures_with_details(visible_measures(user)).filter(pk=measure_id).first()
    if measure is None:
        raise not_found()
    return measure


@router.get(
    "/measures",
    response={200: MeasureListOut, 422: ErrorOut, 429: ErrorOut},
    exclude_unset=True,
    summary="Maßnahmen suchen und filtern",
)
def list_measures(
    request: HttpRequest, response: HttpResponse, params: Query[MeasureListParams]
) -> dict[str, Any] | HttpResponse:
    """Public measures for anonymous callers; for signed-in callers all they may see.

    Facets repeat their parameter for several values (`?area=sprache&area=gesellschaft`),
    as on the search page.
    """
    caller = caller_of(request)
    search = measure_filter(params)
    if caller.user is None:
        # One snapshot for the page and its Last-Modified (kept ones only: see public_list_changed_at).
        snap = snapshots.current() if _snapshots_kept() else None
        listed, count, changed = public_items(search, offset=params.offset, limit=params.limit, snap=snap)
        set_last_modified(response, list_last_modified(changed, count, snap))
        # The items were validated when they were built (public_items): rendered as django-ninja
        # renders a validated answer (NinjaAPI.create_response: its default JSON renderer into
        # the response that carries the headers set above), which it passes on as it is.
        body = {"items": listed, "count": count, "limit": params.limit, "offset": params.offset}
        response.content = LIST_RENDERER.render(request, body, response_status=response.status_code)
        return response
    found = staff_measures(caller.user, search)
    items, count, last_changed = staff_page(found, offset=params.offset, limit=params.limit)
    set_last_modified(response, last_changed)
    return {
        "items": [measure_item(measure, internal=True) for measure in items],
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
    }


@router.get(
    "/measures/{int:measure_id}",
    response={200: MeasureOut, 404: ErrorOut, 429: ErrorOut},
    exclude_unset=True,
    summary="Eine Maßnahme",
)
def get_measure(request: HttpRequest, response: HttpResponse, measure_id: int) -> dict[str, Any]:
    caller = caller_of(request)
    measure = visible_measure(caller.user, measure_id)
    set_last_modified(response, measure.updated_at)
    return measure_item(measure, internal=caller.user is not None)


# --- writing --------------------------------------------------------------------------------


def _by_keys(model: Any, keys: Iterable[str], field: str, *, attr: str = "key") -> list[Any]:
    wanted = list(dict.fromkeys(keys))
    found = {getattr(obj, attr): obj for obj in model.objects.filter(**{f"{attr}__in": wanted})}
    unknown = [key for key in wanted if key not in found]
    if unknown:
        raise ApiError(
            422,
            tr("Unbekannte Schlüssel.", "Unknown keys."),
            errors=[
                field_error(
                    field,
                    "unknown-key",
                    tr(f"Unbekannter Schlüssel „{key}“.", f"Unknown key “{key}”."),
                )
                for key in unknown
            ],
        )
    return [found[key] for key in wanted]


def _one(model: Any, key: str | None, field: str, *, attr: str = "key") -> Any:
    if key is None:
        return None
    (obj,) = _by_keys(model, [key], field, attr=attr)
    return obj


def resolve_changes(payload: MeasureFieldsIn, names: Iterable[str]) -> dict[str, Any]:
    """Request fields → the service's field values (catalogue keys → objects)."""
    changes: dict[str, Any] = {}
    for name in names:
        value = getattr(payload, name)
        if name in PLAIN_FIELDS:
            changes[name] = value
        elif name == "level":
            changes[name] = _one(Level, value, name)
        elif name == "region":
            changes[name] = _one(Region, value, name, attr="code")
        elif name == "component":
            changes[name] = _one(Component, value, name)
        elif name == "owner":
            changes[name] = _one(Organisation, value, name)
        elif name == "areas":
            changes[name] = _by_keys(Area, value, name)
        elif name == "target_groups":
            changes[name] = _by_keys(TargetGroup, value, name)
        elif name == "funding_programmes":
            changes[name] = _by_keys(FundingProgramme, value, name)
        elif name == "organisations":
            organisations = _by_keys(Organisation, [link.organisation for link in value], name)
            by_key = {org.key: org for org in organisations}
            changes[name] = [OrganisationRole(by_key[link.organisation].pk, link.role) for link in value]
    return changes


def _rule_error(violations: list[Violation]) -> ApiError:
    return ApiError(
        422,
        tr(
            "Die Änderung verstößt gegen Regeln des Leitfadens; nichts wurde gespeichert.",
            "The change breaks rules of the guideline; nothing was saved.",
        ),
        errors=violation_errors(violations),
    )


def conflict(exc: StaleVersion) -> ApiError:
    changes = []
    for record in exc.their_changes:
        fields = record.changed_fields()
        after = record.after or {}
        changes.append(
            {
                "at": record.created_at.isoformat(),
                "action": record.action,
                "fields": fields,
                "after": {name: after.get(name) for name in fields},
            }
        )
    return ApiError(
        409,
        tr(
            f"Die Maßnahme wurde inzwischen geändert: Sie haben Version {exc.expected_version} "
            f"bearbeitet, aktuell ist Version {exc.current_version}. Nichts wurde gespeichert.",
            f"The measure has been changed meanwhile: you edited version {exc.expected_version}, "
            f"the current version is {exc.current_version}. Nothing was saved.",
        ),
        current_version=exc.current_version,
        your_version=exc.expected_version,
        changes=changes,
    )


def _written(measure_id: int, warnings: list[Violation]) -> dict[str, Any]:
    measure = measures_with_details().get(pk=measure_id)
    return {**measure_item(measure, internal=True), "warnings": violation_errors(warnings)}


@router.patch(
    "/measures/{int:measure_id}",
    response={
        200: MeasureWriteOut,
        202: PendingRevisionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    exclude_unset=True,
    summary="Eine Maßnahme ändern (mit `version`)",
)
def patch_measure(
    request: HttpRequest, measure_id: int, payload: MeasurePatchIn
) -> dict[str, Any] | Status[dict[str, Any]]:
    """Change the fields sent; `version` is the version the caller edited.

    409 when someone else saved in between (the body names the current version and what
    changed), 422 when a rule of the Leitfaden is broken – in both cases nothing is written.
    202 when the caller is not the owning side (an agency implementing another ministry's
    measure): the change is stored as a pending revision that the owner releases or rejects in
    the work tool; the measure (and everything public) stays as it is until then.
    """
    user = require_user(request)
    measure = visible_measure(user, measure_id)
    if not can_change_measure(user, measure):
        raise ApiError(
            403,
            tr(
                "Sie dürfen diese Maßnahme sehen, aber nicht ändern: das federführende Ressort entscheidet.",
                "You may see this measure but not change it: the owning ministry decides.",
            ),
        )
    if measure.version != payload.version:
        raise conflict(StaleVersion(measure, payload.version))
    touched = set(payload.model_fields_set) - {"version"}
    changes = resolve_changes(payload, sorted(touched))
    try:
        outcome = measure_change(
            measure_id=measure.pk, expected_version=payload.version, changes=changes, actor=user, source="api"
        )
    except StaleVersion as exc:
        raise conflict(exc) from exc
    except ChangeNotPermitted as exc:
        # Field-level permissions (isi.measures.permissions): e.g. an implementer sending `owner`.
        raise ApiError(403, str(exc)) from exc
    except RulesBroken as exc:
        raise _rule_error(exc.violations) from exc
    if outcome.revision is not None:
        revision = outcome.revision
        return Status(
            202,
            {
                "detail": tr(
                    "Die Änderung wartet auf die Freigabe durch die federführende Stelle; "
                    "bis dahin bleibt die Maßnahme unverändert.",
                    "The change awaits the owning side's release; until then the measure is unchanged.",
                ),
                "revision_id": revision.pk,
                "measure_id": measure.pk,
                "base_version": revision.base_version,
                "state": revision.state,
                "before": revision.before,
                "proposed": revision.proposed,
                "warnings": violation_errors(outcome.warnings),
            },
        )
    return _written(outcome.measure.pk, list(outcome.warnings))


@router.post(
    "/measures",
    response={201: MeasureWriteOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    exclude_unset=True,
    summary="Eine Maßnahme anlegen",
)
def create_measure(
    request: HttpRequest, response: HttpResponse, payload: MeasureCreateIn
) -> Status[dict[str, Any]]:
    """Create a measure owned by the organisation `owner` (its key).

    All rules of the Leitfaden apply (a new measure says why the regular system does not
    suffice, is classified as component, complementary or pre-integration, and has an
    Erfolgskontrolle entry).
    """
    user = require_user(request)
    if not can_create_measure(user):
        raise ApiError(403, tr("Sie dürfen keine Maßnahmen anlegen.", "You may not create measures."))
    names = sorted(set(payload.model_fields_set) | {"title", "owner", "level"})
    changes = resolve_changes(payload, [name for name in names if name != "evaluation"])
    owner: Organisation = changes["owner"]
    if not can_create_measure(user, owner):
        raise ApiError(
            403,
            tr(
                f"Sie dürfen keine Maßnahmen für „{owner.name}“ anlegen.",
                f"You may not create measures for “{owner.name}”.",
            ),
        )
    evaluation = payload.evaluation
    if evaluation is not None:
        changes["evaluation"] = {
            "state": evaluation.state,
            "method": evaluation.method,
            "effort_note": evaluation.effort_note,
            "due_date": evaluation.due_date,
        }
    found: list[Violation] = []
    try:
        measure = measure_create(fields=changes, actor=user, source="api", warnings=found)
    except RulesBroken as exc:
        raise _rule_error(exc.violations) from exc
    response["Location"] = request.build_absolute_uri(
        reverse(f"{request.resolver_match.namespace}:get_measure", kwargs={"measure_id": measure.pk})
        if request.resolver_match
        else f"{request.path.rstrip('/')}/{measure.pk}"
    )
    return Status(201, _written(measure.pk, found))
