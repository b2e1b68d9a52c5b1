"""Writes of measures. Every change runs in a transaction and leaves a change record.

Optimistic locking: a caller says which version it edited; if someone else saved in between,
`StaleVersion` is raised with what the other person changed, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.judgement import judge_change
from isi.measures.models import Evaluation, Measure, MeasureOrganisation, PendingRevision
from isi.measures.permissions import WritePolicy, can_create_measure, measure_write_policy, needs_release
from isi.measures.provenance import confirmed_by_change
from isi.measures.rules import Violation
from isi.measures.selectors import measures_with_details
from isi.measures.signals import measures_changed
from isi.measures.snapshots import measure_snapshot

# Called as hook(measure, actor, source) after every update that changed something, inside the
# transaction. Other contexts subscribe from their AppConfig.ready() (the six-monthly rounds count
# an owner's edit as the measure's update in the open round) without measures importing them.
AFTER_UPDATE_HOOKS: list[Callable[[Measure, Any, str], None]] = []

# Many-to-many fields a change may carry, as lists of related objects.
M2M_FIELDS = ("areas", "target_groups", "funding_programmes")


@dataclass(frozen=True)
class OrganisationRole:
    organisation_id: int
    role: str


class StaleVersion(Exception):
    """The measure was saved by someone else since the caller loaded it."""

    def __init__(self, measure: Measure, expected_version: int) -> None:
        self.measure = measure
        self.expected_version = expected_version
        self.current_version = measure.version
        self.their_changes = list(
            ChangeRecord.objects.filter(object_type=Measure._meta.label_lower, object_id=measure.pk).order_by(
                "-created_at", "-id"
            )[: max(1, measure.version - expected_version)]
        )
        super().__init__(f"Version {expected_version} ist veraltet; aktuell ist Version {measure.version}.")


class RulesBroken(ValidationError):
    """The change breaks rules of the Leitfaden (or plausibility checks); nothing was written.

    ``violations`` are the blocking ones, each naming its rule; ``messages`` are their German texts.
    """

    def __init__(self, violations: Iterable[Violation], warnings: Iterable[Violation] = ()) -> None:
        self.violations = list(violations)
        self.warnings = list(warnings)
        super().__init__([violation.message("de") for violation in self.violations])


class ChangePending(Exception):
    """The change was not applied but waits as a pending revision for the owning side's release."""

    def __init__(self, revision: PendingRevision) -> None:
        self.revision = revision
        super().__init__(f"Änderungsvorschlag {revision.pk} wartet auf Freigabe.")


@dataclass(frozen=True)
class ChangeOutcome:
    """What `measure_change` did: changed the measure, or filed a proposal (`revision`)."""

    measure: Measure
    revision: PendingRevision | None = None
    warnings: tuple[Violation, ...] = ()

    @property
    def pending(self) -> bool:
        return self.revision is not None


class _Undo(Exception):
    """Leaves a savepoint without keeping what was written in it."""


class ChangeNotPermitted(PermissionDenied):
    """The actor may not change these fields of this measure; nothing was written."""

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        labels = ", ".join(field_label(name) for name in fields)
        super().__init__(f"Diese Angaben dürfen Sie bei dieser Maßnahme nicht ändern: {labels}.")


# Labels of snapshot keys that are not plain model fields.
EXTRA_FIELD_LABELS = {"archived": "Archivierung", "organisations": "Beteiligte Organisationen"}


def field_label(name: str) -> str:
    """The German label of a snapshot key, for messages (never the internal name)."""
    if name in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[name]
    try:
        field = Measure._meta.get_field(name)
    except Exception:  # an unknown key: say something human rather than the key
        return "weitere Angaben"
    return str(getattr(field, "verbose_name", "weitere Angaben"))


def _policy(actor: Any, measure: Measure, *, succession: bool = False) -> WritePolicy | None:
    """The actor's write policy; None for system writes (imports, demo data: no person acts)."""
    if actor is None:
        return None
    return measure_write_policy(actor, measure, succession=succession)


def _enforce(policy: WritePolicy | None, before: dict[str, Any], after: dict[str, Any]) -> None:
    if policy is None:
        return
    changed = [key for key in after if after[key] != before.get(key)]
    denied = policy.denied(changed)
    if denied:
        raise ChangeNotPermitted(denied)


# Keys of `changes` that are not plain model fields of Measure.
RELATED_KEYS = (*M2M_FIELDS, "organisations", "evaluation")
EVALUATION_FIELDS = ("state", "method", "effort_note", "due_date", "result_summary")


def _apply(measure: Measure, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name in RELATED_KEYS:
            continue
        setattr(measure, name, value)


def _apply_relations(measure: Measure, changes: dict[str, Any]) -> None:
    for name in M2M_FIELDS:
        if name in changes:
            getattr(measure, name).set(changes[name])
    if "organisations" in changes:
        set_organisations(measure, changes["organisations"])
    if "evaluation" in changes:
        set_evaluation(measure, changes["evaluation"])


def set_evaluation(measure: Measure, values: dict[str, Any] | None) -> None:
    """Create, update or (with None) remove the measure's Erfolgskontrolle entry."""
    if values is None:
        Evaluation.objects.filter(measure=measure).delete()
        return
    evaluation = Evaluation.objects.filter(measure=measure).first() or Evaluation(measure=measure)
    for name in EVALUATION_FIELDS:
        if name in values:
            setattr(evaluation, name, values[name])
    evaluation.full_clean()
    evaluation.save()


def set_organisations(measure: Measure, links: Iterable[OrganisationRole]) -> None:
    """Replace the organisations of a measure, keeping the given order."""
    measure.organisation_links.all().delete()
    seen: set[tuple[int, str]] = set()
    rows: list[MeasureOrganisation] = []
    for link in links:
        if (link.organisation_id, link.role) in seen:
            continue
        seen.add((link.organisation_id, link.role))
        rows.append(
            MeasureOrganisation(
                measure=measure, organisation_id=link.organisation_id, role=link.role, position=len(rows) + 1
            )
        )
    MeasureOrganisation.objects.bulk_create(rows)


@transaction.atomic
def measure_create(
    *,
    fields: dict[str, Any],
    actor: Any = None,
    source: str = "",
    check_rules: bool | None = None,
    similar_measure_ids: tuple[int, ...] = (),
    warnings: list[Violation] | None = None,
) -> Measure:
    """Create a measure with its relations; `fields` uses model field names (+ M2M, organisations,
    evaluation).

    Every error of the Leitfaden's rules and the plausibility checks blocks (`RulesBroken`);
    `similar_measure_ids` are the close matches the caller's check before creating found (rule 3).
    The rules judge what a person does (`check_rules` None: when there is an `actor`); importers
    and other system writes never block (they record open points instead, see
    ``isi.measures.rules``). Warnings are appended to `warnings` if given.
    """
    measure = Measure()
    _apply(measure, fields)
    if actor is not None and not can_create_measure(actor, measure.owner if measure.owner_id else None):
        raise ChangeNotPermitted(["owner"])
    if check_rules if check_rules is not None else actor is not None:
        judgement = judge_change(
            None, fields, today=timezone.localdate(), similar_measure_ids=tuple(similar_measure_ids)
        )
        if judgement.blocking:
            raise RulesBroken(judgement.blocking, judgement.warnings)
        if warnings is not None:
            warnings.extend(judgement.warnings)
    if measure.publication == Measure.Publication.RELEASED and measure.released_at is None:
        measure.released_at = timezone.now()
    if actor is not None and "last_reviewed_at" not in fields:
        # Rule 2: a measure a person just wrote down is reviewed by definition (a system write –
        # import, demo data – is not a review).
        measure.last_reviewed_at = timezone.now()
    measure.full_clean()
    measure.save()
    _apply_relations(measure, fields)
    record_change(
        measure,
        action=ChangeRecord.Action.CREATE,
        before=None,
        after=measure_snapshot(measure),
        actor=actor,
        source=source,
    )
    measures_changed([measure.pk])
    return measure


def measure_update(
    *,
    measure_id: int,
    expected_version: int,
    changes: dict[str, Any],
    actor: Any = None,
    source: str = "",
    succession: bool = False,
    check_rules: bool | None = None,
    warnings: list[Violation] | None = None,
) -> Measure:
    """`measure_change` for callers that expect the change to be applied at once.

    Raises `ChangePending` (after the proposal was stored) when the change waits for the owning
    side's release instead.
    """
    outcome = measure_change(
        measure_id=measure_id,
        expected_version=expected_version,
        changes=changes,
        actor=actor,
        source=source,
        succession=succession,
        check_rules=check_rules,
    )
    if warnings is not None:
        warnings.extend(outcome.warnings)
    if outcome.revision is not None:
        raise ChangePending(outcome.revision)
    return outcome.measure


@transaction.atomic
def measure_change(
    *,
    measure_id: int,
    expected_version: int,
    changes: dict[str, Any],
    actor: Any = None,
    source: str = "",
    succession: bool = False,
    check_rules: bool | None = None,
    releasing: PendingRevision | None = None,
) -> ChangeOutcome:
    """The one command that changes a measure; every channel maps its input onto `changes`.

    In this order, nothing written when any step refuses:

    1. Optimistic locking: the measure must still be at `expected_version` (`StaleVersion`).
    2. Field permissions (`isi.measures.permissions.measure_write_policy`) on what really changed
       (`ChangeNotPermitted`). `succession`: the write moves the owner as part of a recorded
       succession (see isi.organisations.services).
    3. The Leitfaden's rules and the plausibility checks on the resulting facts
       (``isi.measures.judgement``): errors the change introduces or touches block
       (`RulesBroken`); pre-existing errors on facts it leaves alone do not. The rules judge
       what a person does (`check_rules` None: when there is an `actor`); importers and other
       system writes never block.
    4. A change by someone who is not the owning side (or, where the ministry asks for it, any
       change of a released measure) is stored as a `PendingRevision` for the owner's release,
       and the measure stays as it is (``isi.measures.revisions``). `releasing` is the revision
       whose release this write is.
    5. Otherwise: saved, version bumped, change recorded, listeners told
       (``isi.measures.signals``, `AFTER_UPDATE_HOOKS`).

    A change that alters nothing is not saved, does not bump the version and records nothing.
    """
    # With its relations in a fixed number of queries: the rules and both snapshots read them all
    # (row by row, a staff PATCH took 70 statements). Only the measure's own row is locked.
    measure = measures_with_details(Measure.objects.select_for_update(of=("self",))).get(pk=measure_id)
    if measure.version != expected_version:
        raise StaleVersion(measure, expected_version)
    policy = _policy(actor, measure, succession=succession)
    judges = check_rules if check_rules is not None else actor is not None
    judgement = judge_change(measure, changes, today=timezone.localdate()) if judges else None
    pending = releasing is None and not succession and actor is not None and needs_release(actor, measure)
    if judgement is not None and judgement.blocking:
        # Before the model's own checks, so the person reads the rule, not "field required".
        raise RulesBroken(judgement.blocking, judgement.warnings)
    before = measure_snapshot(measure)
    # Fields outside the snapshot (an import's source key, its suggestion notes) count too.
    hidden = [name for name in changes if name not in RELATED_KEYS and name not in before]
    hidden_before = [getattr(measure, name) for name in hidden]
    try:
        with transaction.atomic():
            _apply(measure, changes)
            unchanged = [getattr(measure, name) for name in hidden] == hidden_before
            if measure.publication == Measure.Publication.RELEASED and measure.released_at is None:
                measure.released_at = timezone.now()
            measure.full_clean()
            measure.save()
            _apply_relations(measure, changes)
            measure = measures_with_details().get(pk=measure.pk)
            after = measure_snapshot(measure)
            if actor is not None and measure.suggested_fields and "suggested_fields" not in changes:
                # A person who changes a machine suggestion has decided it (isi.measures.provenance).
                left = confirmed_by_change(list(measure.suggested_fields), before, after)
                if left != list(measure.suggested_fields):
                    Measure.objects.filter(pk=measure.pk).update(suggested_fields=left)
                    measure.suggested_fields = left
                    after = measure_snapshot(measure)
            _enforce(policy, before, after)
            unchanged = unchanged and after == before
            if unchanged:
                raise _Undo  # nothing changed: keep updated_at as it was
            if pending:
                raise _Undo  # the measure keeps its released content; the proposal is stored below
    except _Undo:
        measure = Measure.objects.get(pk=measure_id)
        if unchanged:
            return ChangeOutcome(measure)
        from isi.measures.revisions import propose

        revision = propose(measure, before=before, after=after, author=actor, source=source)
        return ChangeOutcome(measure, revision, judgement.warnings if judgement else ())
    # Compare-and-set on the version: a concurrent writer that slipped past the row lock
    # (SQLite has none) makes this update match no row.
    # Rule 2: a person's edit is a review (not a system write, not a succession by coordination).
    reviewed = {"last_reviewed_at": timezone.now()} if actor is not None and not succession else {}
    bumped = Measure.objects.filter(pk=measure.pk, version=expected_version).update(
        version=F("version") + 1, **reviewed
    )
    if bumped != 1:
        transaction.set_rollback(True)
        raise StaleVersion(Measure.objects.get(pk=measure.pk), expected_version)
    measure.refresh_from_db()
    if hidden:
        # Every new version has its record, also when only fields outside the snapshot changed
        # (a NAP-I number without a theme, an import's source key): the history shows them, and
        # the search snapshot and the caches follow change records (isi.search.snapshot.token).
        before = before | {name: _plain(value) for name, value in zip(hidden, hidden_before, strict=True)}
        after = after | {name: _plain(getattr(measure, name)) for name in hidden}
    record_change(
        measure, action=ChangeRecord.Action.UPDATE, before=before, after=after, actor=actor, source=source
    )
    measures_changed([measure.pk])
    for hook in AFTER_UPDATE_HOOKS:
        hook(measure, actor, source)
    return ChangeOutcome(measure, None, judgement.warnings if judgement else ())


def _set_archived(
    *, measure_id: int, expected_version: int, archive: bool, actor: Any, source: str
) -> Measure:
    measure = Measure.objects.select_for_update().get(pk=measure_id)
    if measure.version != expected_version:
        raise StaleVersion(measure, expected_version)
    if (measure.archived_at is not None) == archive:
        return measure
    before = measure_snapshot(measure)
    _enforce(_policy(actor, measure), before, {**before, "archived": archive})
    archived_at = timezone.now() if archive else None
    bumped = Measure.objects.filter(pk=measure.pk, version=expected_version).update(
        archived_at=archived_at, version=F("version") + 1, updated_at=timezone.now()
    )
    if bumped != 1:
        transaction.set_rollback(True)
        raise StaleVersion(Measure.objects.get(pk=measure.pk), expected_version)
    measure.refresh_from_db()
    record_change(
        measure,
        action=ChangeRecord.Action.ARCHIVE if archive else ChangeRecord.Action.RESTORE,
        before=before,
        after=measure_snapshot(measure),
        actor=actor,
        source=source,
    )
    measures_changed([measure.pk])
    return measure


@transaction.atomic
def measure_archive(
    *, measure_id: int, expected_version: int, actor: Any = None, source: str = ""
) -> Measure:
    """Archive instead of delete: the measure leaves lists and the public, its history stays."""
    return _set_archived(
        measure_id=measure_id, expected_version=expected_version, archive=True, actor=actor, source=source
    )


@transaction.atomic
def measure_unarchive(
    *, measure_id: int, expected_version: int, actor: Any = None, source: str = ""
) -> Measure:
    """Bring an archived measure back (recorded as a "restore" change)."""
    return _set_archived(
        measure_id=measure_id, expected_version=expected_version, archive=False, actor=actor, source=source
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _plain(value: Any) -> Any:
    """A field's value as JSON for a change record (a related object by its id)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # Decimal and the like


@transaction.atomic
def measure_confirm_reviewed(*, measure_id: int, when: Any, actor: Any, source: str) -> Measure:
    """The owning side confirms the measure is still correct (a round's "unverändert bestätigen").

    "Still correct" vouches for the whole measure, so every blocking error of the rules and the
    plausibility checks refuses the confirmation (`RulesBroken`, naming the rules), not only
    errors a change would touch. Sets the date of the last review and records it; the version
    stays, because a review changes no content (the rounds tell edits from confirmations by the
    version, and an edit form opened before the confirmation must still save).
    """
    measure = Measure.objects.select_for_update().get(pk=measure_id)
    judgement = judge_change(measure, {}, today=timezone.localdate(), strict=True)
    if judgement.blocking:
        raise RulesBroken(judgement.blocking, judgement.warnings)
    before = measure_snapshot(measure) | {"last_reviewed_at": _iso(measure.last_reviewed_at)}
    Measure.objects.filter(pk=measure.pk).update(last_reviewed_at=when)
    measure.last_reviewed_at = when
    record_change(
        measure,
        action=ChangeRecord.Action.UPDATE,
        before=before,
        after=before | {"last_reviewed_at": _iso(when)},
        actor=actor,
        source=source,
    )
    return measure


def measure_mark_reviewed(*, measure_id: int, when: Any) -> None:
    """Count an edit that was just recorded as the measure's review (rule 2): date only, no record
    and no version of its own (the edit has both)."""
    Measure.objects.filter(pk=measure_id).update(last_reviewed_at=when)
