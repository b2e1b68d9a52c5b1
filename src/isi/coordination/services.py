"""Writes of overlap review and consolidation proposals. Each call asks the permission predicates.

Rule 9: neither a review decision nor a proposal (or its acceptance) touches a measure. Accepting a
proposal records the owner's answer; the owner then changes its measure through the normal edit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from isi.coordination import notify
from isi.coordination.material import Fingerprint, changed_materially, fingerprint
from isi.coordination.models import (
    ConsolidationProposal,
    OverlapCandidate,
    OverlapRun,
    ProposalMeasure,
    ProposalResponse,
)
from isi.coordination.permissions import (
    answering_organisations,
    can_decide_candidate,
    can_propose,
    can_start_run,
    can_withdraw,
)
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.permissions import visible_measures
from isi.measures.rules.governance import ORIGIN_CONSOLIDATION_PROPOSAL, check_change_origin
from isi.organisations.models import Organisation

logger = logging.getLogger(__name__)

# A run that has not finished after this long is taken for dead (worker restarted): a new one may start.
STALE_RUN_AFTER = timedelta(hours=2)
DEFAULT_TOP_K = 10
DEFAULT_MIN_SCORE = 0.25
SOURCE = "coordination"


class ReasonLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def values(self) -> tuple[str, ...]: ...
    def label(self) -> str: ...


class PairLike(Protocol):
    """The engine's Pair (isi.similarity.Pair), or a stand-in in tests."""

    @property
    def a(self) -> int: ...
    @property
    def b(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def text_score(self) -> float: ...
    @property
    def reasons(self) -> Sequence[ReasonLike]: ...


# --- fingerprints ------------------------------------------------------------------------------


def fingerprints_for(measure_ids: Iterable[int]) -> dict[int, Fingerprint]:
    """The material fingerprint of each measure (catalogue keys, text words), in three queries."""
    measures = (
        Measure.objects.filter(pk__in=set(measure_ids))
        .select_related("component")
        .prefetch_related("areas", "target_groups")
    )
    return {
        m.pk: fingerprint(
            title=m.title,
            summary=m.summary,
            goals=m.goals,
            target_groups=[t.key for t in m.target_groups.all()],
            areas=[a.key for a in m.areas.all()],
            component=m.component.key if m.component else None,
        )
        for m in measures
    }


def reasons_json(reasons: Iterable[ReasonLike]) -> list[dict[str, Any]]:
    return [{"kind": r.kind, "values": list(r.values), "label": r.label()} for r in reasons]


# --- runs --------------------------------------------------------------------------------------


def running_run() -> OverlapRun | None:
    cutoff = timezone.now() - STALE_RUN_AFTER
    return (
        OverlapRun.objects.filter(
            state__in=(OverlapRun.State.QUEUED, OverlapRun.State.RUNNING), created_at__gte=cutoff
        )
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def run_create(*, actor: Any) -> OverlapRun:
    """A queued run; the caller enqueues the task. Refused while another run is under way."""
    if not can_start_run(actor):
        raise PermissionDenied("Nur die Koordinierung startet die Überschneidungsprüfung.")
    # Serialise concurrent clicks: lock the latest run row (if any) before checking.
    list(OverlapRun.objects.select_for_update().order_by("-created_at")[:1])
    if running_run() is not None:
        raise ValidationError("Es läuft bereits eine Überschneidungsprüfung.")
    return OverlapRun.objects.create(started_by=actor)


@dataclass(frozen=True)
class MergeCounts:
    found: int
    created: int
    reopened: int
    removed: int


def _decision_snapshot(candidate: OverlapCandidate) -> dict[str, Any]:
    return {
        "decision": candidate.decision,
        "note": candidate.note,
        "score": round(candidate.score, 4),
    }


@transaction.atomic
def merge_pairs(run: OverlapRun, pairs: Sequence[PairLike]) -> MergeCounts:
    """Store a run's pairs: no duplicates, decisions kept unless a measure changed materially.

    Pairs found again are updated (score, reasons, last seen). A decided pair found again is
    reopened only if one of its measures changed materially since the decision. Open pairs not
    found any more are removed; decided ones stay with their decision.
    """
    found: dict[tuple[int, int], PairLike] = {}
    for pair in pairs:
        key = (min(pair.a, pair.b), max(pair.a, pair.b))
        if key[0] == key[1]:
            continue
        if key not in found or pair.score > found[key].score:
            found[key] = pair
    existing = {(c.measure_a_id, c.measure_b_id): c for c in OverlapCandidate.objects.select_for_update()}
    decided_again = [c for key, c in existing.items() if key in found and not c.is_open]
    prints = fingerprints_for({i for c in decided_again for i in (c.measure_a_id, c.measure_b_id)})

    created = reopened = 0
    new_rows: list[OverlapCandidate] = []
    for key, pair in found.items():
        candidate = existing.get(key)
        reasons = reasons_json(pair.reasons)
        if candidate is None:
            new_rows.append(
                OverlapCandidate(
                    measure_a_id=key[0],
                    measure_b_id=key[1],
                    score=pair.score,
                    text_score=pair.text_score,
                    reasons=reasons,
                    first_seen=run,
                    last_seen=run,
                )
            )
            continue
        candidate.score, candidate.text_score = pair.score, pair.text_score
        candidate.reasons, candidate.last_seen = reasons, run
        fields = ["score", "text_score", "reasons", "last_seen"]
        if not candidate.is_open and _changed(candidate, prints):
            before = _decision_snapshot(candidate)
            candidate.decision = OverlapCandidate.Decision.OPEN
            candidate.decided_by, candidate.decided_at = None, None
            candidate.fingerprint_a, candidate.fingerprint_b = {}, {}
            candidate.version += 1
            fields += ["decision", "decided_by", "decided_at", "fingerprint_a", "fingerprint_b", "version"]
            reopened += 1
            record_change(
                candidate,
                action=ChangeRecord.Action.UPDATE,
                before=before,
                after={**_decision_snapshot(candidate), "reopened": True},
                actor=run.started_by,
                source=f"{SOURCE}:run:{run.pk}",
            )
        candidate.save(update_fields=fields)
    OverlapCandidate.objects.bulk_create(new_rows, batch_size=500)
    created = len(new_rows)

    stale_open = [c.pk for key, c in existing.items() if key not in found and c.is_open]
    removed = OverlapCandidate.objects.filter(pk__in=stale_open).delete()[0] if stale_open else 0
    return MergeCounts(found=len(found), created=created, reopened=reopened, removed=removed)


def _changed(candidate: OverlapCandidate, prints: dict[int, Fingerprint]) -> bool:
    now_a, now_b = prints.get(candidate.measure_a_id), prints.get(candidate.measure_b_id)
    return bool(
        (now_a is not None and changed_materially(candidate.fingerprint_a, now_a))
        or (now_b is not None and changed_materially(candidate.fingerprint_b, now_b))
    )


Progress = Callable[[int, int], None]
PairSource = Callable[..., Sequence[PairLike]]


def _engine_pairs(*, top_k: int, min_score: float, progress: Progress) -> Sequence[PairLike]:
    from isi.coordination.similar import all_candidate_pairs

    return all_candidate_pairs(top_k=top_k, min_score=min_score, progress=progress)


def run_execute(
    run_id: int,
    *,
    top_k: int = DEFAULT_TOP_K,
    min_score: float = DEFAULT_MIN_SCORE,
    source: PairSource | None = None,
) -> OverlapRun:
    """Compute all pairs (engine), store them, and keep progress on the run row as it goes."""
    run = OverlapRun.objects.select_related("started_by").get(pk=run_id)
    OverlapRun.objects.filter(pk=run.pk).update(state=OverlapRun.State.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int) -> None:
        OverlapRun.objects.filter(pk=run.pk).update(done=done, total=total)

    try:
        pairs = (source or _engine_pairs)(top_k=top_k, min_score=min_score, progress=progress)
        counts = merge_pairs(run, pairs)
    except Exception:
        logger.exception("overlap run %s failed", run.pk)
        OverlapRun.objects.filter(pk=run.pk).update(
            state=OverlapRun.State.FAILED,
            finished_at=timezone.now(),
            message="Die Berechnung ist unerwartet abgebrochen. Bisherige Bewertungen bleiben erhalten.",
        )
        raise
    run.refresh_from_db()
    run.state = OverlapRun.State.DONE
    run.finished_at = timezone.now()
    run.done = run.total = max(run.total, run.done)
    run.found, run.created, run.reopened, run.removed = (
        counts.found,
        counts.created,
        counts.reopened,
        counts.removed,
    )
    run.save()
    return run


# --- decisions on pairs ------------------------------------------------------------------------


@transaction.atomic
def candidate_decide(
    *, candidate: OverlapCandidate, actor: Any, decision: str, note: str = "", version: int | None = None
) -> OverlapCandidate:
    """Coordination marks a pair; the measures' state is captured so the decision sticks."""
    if not can_decide_candidate(actor):
        raise PermissionDenied("Nur die Koordinierung bewertet mögliche Überschneidungen.")
    candidate = OverlapCandidate.objects.select_for_update().get(pk=candidate.pk)
    if version is not None and version != candidate.version:
        raise ValidationError(
            {
                "version": "Dieses Paar wurde inzwischen von jemand anderem bewertet. "
                "Bitte prüfen Sie den neuen Stand."
            }
        )
    if decision not in OverlapCandidate.Decision.values:
        raise ValidationError({"decision": "Bitte wählen Sie eine Bewertung."})
    before = _decision_snapshot(candidate)
    prints = fingerprints_for([candidate.measure_a_id, candidate.measure_b_id])
    candidate.decision = decision
    candidate.note = note.strip()
    if decision == OverlapCandidate.Decision.OPEN:
        candidate.decided_by, candidate.decided_at = None, None
        candidate.fingerprint_a, candidate.fingerprint_b = {}, {}
    else:
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.fingerprint_a = prints.get(candidate.measure_a_id, {})
        candidate.fingerprint_b = prints.get(candidate.measure_b_id, {})
    candidate.version += 1
    candidate.save()
    record_change(
        candidate,
        action=ChangeRecord.Action.UPDATE,
        before=before,
        after=_decision_snapshot(candidate),
        actor=actor,
        source=SOURCE,
    )
    return candidate


# Pairs rated at once; a page of the review list holds 25.
MAX_BULK_PAIRS = 200


@dataclass(frozen=True)
class BulkDecision:
    """What a bulk rating did: pairs rated, and pairs left alone because someone else rated them."""

    decided: list[OverlapCandidate]
    stale: list[OverlapCandidate]


def candidates_decide(
    *, versions: dict[int, int | None], actor: Any, decision: str, note: str = ""
) -> BulkDecision:
    """Coordination marks several pairs at once (``versions``: pair id → version seen, or None).

    Each pair is decided on its own, like ``candidate_decide``: a pair rated by someone else since
    the list was loaded is left as it is and reported as ``stale``; the others are rated.
    """
    if not can_decide_candidate(actor):
        raise PermissionDenied("Nur die Koordinierung bewertet mögliche Überschneidungen.")
    if decision not in OverlapCandidate.Decision.values:
        raise ValidationError({"decision": "Bitte wählen Sie eine Bewertung."})
    if not versions:
        raise ValidationError({"pair": "Bitte wählen Sie mindestens ein Paar aus."})
    if len(versions) > MAX_BULK_PAIRS:
        raise ValidationError({"pair": f"Höchstens {MAX_BULK_PAIRS} Paare auf einmal."})
    decided: list[OverlapCandidate] = []
    stale: list[OverlapCandidate] = []
    for candidate in OverlapCandidate.objects.filter(pk__in=list(versions)).order_by("pk"):
        try:
            decided.append(
                candidate_decide(
                    candidate=candidate,
                    actor=actor,
                    decision=decision,
                    note=note if note.strip() else candidate.note,  # no note: keep each pair's own
                    version=versions[candidate.pk],
                )
            )
        except ValidationError:
            stale.append(candidate)
    return BulkDecision(decided=decided, stale=stale)


# --- proposals ---------------------------------------------------------------------------------


def _refuse_measure_change() -> None:
    """Rule 9 as code: a proposal is not an origin from which a measure may be changed."""
    if not check_change_origin(ORIGIN_CONSOLIDATION_PROPOSAL):  # pragma: no cover - fixed rule
        raise RuntimeError("rule 9 must refuse changes originating from consolidation proposals")


def _proposal_snapshot(proposal: ConsolidationProposal) -> dict[str, Any]:
    return {
        "kind": proposal.kind,
        "title": proposal.title,
        "reasons": proposal.reasons,
        "status": proposal.status,
        "measures": sorted(proposal.items.values_list("measure_id", flat=True)),
    }


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    reasons: str,
    measures: Sequence[Measure],
    candidate: OverlapCandidate | None = None,
) -> ConsolidationProposal:
    """A ministry proposes merging or aligning two or more measures it can see."""
    if not can_propose(actor):
        raise PermissionDenied("Vorschläge machen Ressorts, Behörden und die Koordinierung.")
    errors: dict[str, str] = {}
    unique = list({m.pk: m for m in measures}.values())
    if kind not in ConsolidationProposal.Kind.values:
        errors["kind"] = "Bitte wählen Sie die Art des Vorschlags."
    if not title.strip():
        errors["title"] = "Bitte geben Sie dem Vorschlag einen Titel."
    if not reasons.strip():
        errors["reasons"] = "Bitte begründen Sie den Vorschlag."
    if len(unique) < 2:
        errors["measures"] = "Ein Vorschlag betrifft mindestens zwei verschiedene Maßnahmen."
    elif visible_measures(actor).filter(pk__in=[m.pk for m in unique]).count() != len(unique):
        errors["measures"] = "Sie können nur Maßnahmen vorschlagen, die Sie sehen dürfen."
    else:
        unreachable = _owners_nobody_can_answer_for(actor, unique)
        if unreachable:
            errors["measures"] = (
                "Der Vorschlag kann nicht vorgelegt werden: Für "
                + ", ".join(unreachable)
                + " gibt es in ISI niemanden, der benachrichtigt werden und antworten könnte (kein "
                "aktives Benutzerkonto). Bitte wenden Sie sich direkt an das Ressort oder bitten Sie "
                "die Administration, dort ein Konto einzurichten."
            )
    if errors:
        raise ValidationError(errors)
    _refuse_measure_change()
    proposal = ConsolidationProposal.objects.create(
        kind=kind,
        title=title.strip(),
        reasons=reasons.strip(),
        proposer=actor,
        proposer_organisation=actor.organisation,
        candidate=candidate,
    )
    ProposalMeasure.objects.bulk_create(
        ProposalMeasure(proposal=proposal, measure=m, owner_id=m.owner_id) for m in unique
    )
    transaction.on_commit(lambda: notify.safely(notify.proposal_created, proposal.pk))
    record_change(
        proposal,
        action=ChangeRecord.Action.CREATE,
        before=None,
        after=_proposal_snapshot(proposal),
        actor=actor,
        source=SOURCE,
    )
    return proposal


def _owners_nobody_can_answer_for(actor: Any, measures: Sequence[Measure]) -> list[str]:
    """Names of the owners (other than the proposer's own side) with no active user to answer."""
    own = getattr(actor, "organisation", None)
    own_side: set[int] = set()
    if own is not None:
        ressort = own.ressort()
        own_side = {own.pk} | ({ressort.pk} if ressort is not None else set())
    owners = Organisation.objects.filter(pk__in={m.owner_id for m in measures}).exclude(pk__in=own_side)
    return [owner.name for owner in owners.order_by("name") if not notify.has_answerer(owner)]


def owner_organisations(proposal: ConsolidationProposal) -> list[Organisation]:
    ids = proposal.items.values("owner_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def status_from_answers(owner_ids: Iterable[int], answers: dict[int, str]) -> str:
    """Accepted once every owner accepted; declined as soon as one declined; open otherwise."""
    if any(answer == ProposalResponse.Answer.DECLINE for answer in answers.values()):
        return ConsolidationProposal.Status.DECLINED
    owners = set(owner_ids)
    if owners and all(answers.get(o) == ProposalResponse.Answer.ACCEPT for o in owners):
        return ConsolidationProposal.Status.ACCEPTED
    return ConsolidationProposal.Status.OPEN


@transaction.atomic
def proposal_respond(
    *,
    proposal: ConsolidationProposal,
    actor: Any,
    organisation: Organisation,
    answer: str,
    reason: str,
) -> ProposalResponse:
    """An owner accepts or declines, with reasons; the answer may change while the proposal is open."""
    proposal = ConsolidationProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_open:
        raise ValidationError({"answer": "Über diesen Vorschlag ist bereits entschieden."})
    if organisation not in answering_organisations(actor, proposal):
        raise PermissionDenied("Antworten gibt das federführende Ressort der betroffenen Maßnahme.")
    errors: dict[str, str] = {}
    if answer not in ProposalResponse.Answer.values:
        errors["answer"] = "Bitte wählen Sie Zustimmung oder Ablehnung."
    if not reason.strip():
        errors["reason"] = "Bitte begründen Sie Ihre Antwort."
    if errors:
        raise ValidationError(errors)
    _refuse_measure_change()
    existing = ProposalResponse.objects.filter(proposal=proposal, organisation=organisation).first()
    before = {"answer": existing.answer, "reason": existing.reason} if existing else None
    response, _created = ProposalResponse.objects.update_or_create(
        proposal=proposal,
        organisation=organisation,
        defaults={"answer": answer, "reason": reason.strip(), "by": actor},
    )
    record_change(
        response,
        action=ChangeRecord.Action.UPDATE if existing else ChangeRecord.Action.CREATE,
        before=before,
        after={"answer": response.answer, "reason": response.reason},
        actor=actor,
        source=SOURCE,
    )
    answers = dict(proposal.responses.values_list("organisation_id", "answer"))
    status = status_from_answers([o.pk for o in owner_organisations(proposal)], answers)
    if status != ConsolidationProposal.Status.OPEN:
        transaction.on_commit(lambda: notify.safely(notify.proposal_decided, proposal.pk))
    _set_status(proposal, status, actor)
    return response


@transaction.atomic
def proposal_withdraw(
    *, proposal: ConsolidationProposal, actor: Any, version: int | None = None
) -> ConsolidationProposal:
    proposal = ConsolidationProposal.objects.select_for_update().get(pk=proposal.pk)
    if version is not None and version != proposal.version:
        raise ValidationError(
            {"version": "Der Vorschlag wurde inzwischen geändert. Bitte prüfen Sie den neuen Stand."}
        )
    if not can_withdraw(actor, proposal):
        if not proposal.is_open:
            raise ValidationError({"version": "Über diesen Vorschlag ist bereits entschieden."})
        raise PermissionDenied("Nur das vorschlagende Ressort zieht einen Vorschlag zurück.")
    _set_status(proposal, ConsolidationProposal.Status.WITHDRAWN, actor)
    return proposal


def _set_status(proposal: ConsolidationProposal, status: str, actor: Any) -> None:
    """Set the status, bump the version (a stale form then fails) and record the change."""
    before = _proposal_snapshot(proposal)
    proposal.status = status
    proposal.version += 1
    proposal.save(update_fields=["status", "version", "updated_at"])
    record_change(
        proposal,
        action=ChangeRecord.Action.UPDATE,
        before=before,
        after=_proposal_snapshot(proposal),
        actor=actor,
        source=SOURCE,
    )
