"""The owner's release (four eyes): proposals wait, the owning side releases or rejects them.

A change by an editor who is not the owning side of a measure (an agency implementing another
ministry's measure), or – where a ministry asks for it (``Organisation.second_release``) – any
change to a released measure, is not applied. ``measure_change`` stores it here as a
``PendingRevision``: the changed keys of the snapshot before and as proposed, on the version it
was made. The measure row keeps its released content, so the portal, the API, open data and the
search show nothing new until the release.

- ``propose``: called by the write service only; tells the owning side by e-mail (after commit).
- ``release``: the owning side applies the proposal through ``measure_change`` as a normal change
  (permissions, rules, version, change record naming who released and who proposed).
  A proposal made on an older version whose fields have changed since is a conflict
  (``RevisionConflict``, naming the fields); the owner may release it anyway (``overwrite``) or
  reject it.
- ``reject``: with a reason, which the author receives by e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from isi.accounts.models import User
from isi.core.permissions import EDITING_ROLES, SEES_EVERYTHING, is_admin, staff_user
from isi.measures.history import snapshot_to_changes
from isi.measures.models import Measure, PendingRevision
from isi.measures.permissions import can_release_revision, editable_measures_q, is_owning_side
from isi.measures.snapshots import measure_snapshot
from isi.organisations.models import Organisation

log = logging.getLogger(__name__)

# Change-record source of a release: which proposal, and by whom (the actor is who released it).
RELEASE_SOURCE = "freigabe"


class RevisionConflict(Exception):
    """The measure changed since the proposal was made, in fields the proposal changes too."""

    def __init__(self, revision: PendingRevision, fields: list[str], current: dict[str, Any]) -> None:
        self.revision = revision
        self.fields = fields
        self.current = current
        super().__init__(
            f"Die Maßnahme wurde seit dem Vorschlag geändert (Version {revision.base_version} → "
            f"{revision.measure.version}): {', '.join(fields)}."
        )


@dataclass(frozen=True)
class Decision:
    revision: PendingRevision
    measure: Measure


def owning_side_recipients(measure: Measure, *, exclude: Any = None) -> list[str]:
    """Addresses of the owning side: editors of the owner and desk officers of the ministry above."""
    owner: Organisation = measure.owner
    ressort = owner.ressort()
    condition = Q(organisation=owner, role__in=EDITING_ROLES)
    if ressort is not None and ressort != owner:
        condition |= Q(organisation=ressort, role=User.Role.DESK_OFFICER)
    users = User.objects.filter(condition, is_active=True).exclude(email="")
    excluded = getattr(exclude, "pk", None)
    if excluded is not None:
        users = users.exclude(pk=excluded)
    return sorted({user.email for user in users})


def _link(revision: PendingRevision) -> str:
    base = str(getattr(settings, "ISI_PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000")
    try:
        path = reverse("workspace:revision_detail", args=[revision.pk])
    except NoReverseMatch:  # the work tool is not installed (a bare measures test)
        path = f"/arbeitsbereich/freigaben/{revision.pk}/"
    return f"{base.rstrip('/')}{path}"


FOOTER = "\nDiese Nachricht wurde vom Informationssystem Integration automatisch versandt.\n"


def _safely(send: Callable[[int], int], revision_id: int) -> None:
    """A mail server hiccup must not undo a stored proposal or decision."""
    try:
        send(revision_id)
    except Exception:
        log.exception("could not send the notification for pending revision %s", revision_id)


def notify_proposed(revision_id: int) -> int:
    """Tell the owning side that a proposal awaits its release. Returns the number of mails."""
    revision = PendingRevision.objects.select_related("measure__owner", "author").get(pk=revision_id)
    recipients = owning_side_recipients(revision.measure, exclude=revision.author)
    if not recipients:
        log.warning("pending revision %s: nobody of the owning side has an e-mail address", revision.pk)
        return 0
    author = revision.author
    who = f"{author.get_full_name() or author.username}" if author else "–"
    if author is not None and author.organisation_id is not None:
        who += f" ({author.organisation})"
    subject = f"ISI: Änderungsvorschlag zu „{revision.measure.title}“ wartet auf Ihre Freigabe"
    body = (
        f"Guten Tag,\n\n{who} schlägt Änderungen an der Maßnahme „{revision.measure.title}“ vor "
        f"({', '.join(sorted(revision.proposed))}).\n"
        "Bis zu Ihrer Freigabe bleibt die veröffentlichte Fassung unverändert.\n"
        f"Vorschlag mit allen Unterschieden, Freigabe oder Ablehnung:\n{_link(revision)}\n{FOOTER}"
    )
    send_mail(subject, body, None, recipients)
    return 1


def notify_decided(revision_id: int) -> int:
    """Tell the author that the proposal was released or rejected (with the reason)."""
    revision = PendingRevision.objects.select_related("measure", "author", "decided_by").get(pk=revision_id)
    author = revision.author
    if author is None or not author.email:
        return 0
    decider = revision.decided_by
    by = (decider.get_full_name() or decider.username) if decider else "–"
    subject = f"ISI: Ihr Änderungsvorschlag zu „{revision.measure.title}“ – {revision.get_state_display()}"
    reason = f"\nBegründung: {revision.reason}\n" if revision.reason else ""
    body = (
        f"Guten Tag,\n\nIhr Änderungsvorschlag zur Maßnahme „{revision.measure.title}“ wurde von {by} "
        f"{'freigegeben' if revision.state == PendingRevision.State.RELEASED else 'abgelehnt'}.\n"
        f"{reason}\n{_link(revision)}\n{FOOTER}"
    )
    send_mail(subject, body, None, [author.email])
    return 1


def propose(
    measure: Measure, *, before: dict[str, Any], after: dict[str, Any], author: Any, source: str
) -> PendingRevision:
    """Store a proposal (called by ``isi.measures.services.measure_change`` only)."""
    changed = [key for key in after if after[key] != before.get(key)]
    revision = PendingRevision.objects.create(
        measure=measure,
        base_version=measure.version,
        before={key: before.get(key) for key in changed},
        proposed={key: after[key] for key in changed},
        author=author if getattr(author, "is_authenticated", False) else None,
        source=source[:64],
    )
    transaction.on_commit(lambda: _safely(notify_proposed, revision.pk))
    return revision


def conflicting_fields(revision: PendingRevision, current: dict[str, Any] | None = None) -> list[str]:
    """Fields the proposal changes that have changed on the measure since it was made."""
    if current is None:
        current = measure_snapshot(revision.measure)
    return sorted(key for key in revision.proposed if current.get(key) != revision.before.get(key))


@transaction.atomic
def release(*, revision_id: int, actor: Any, overwrite: bool = False) -> Decision:
    """Apply the proposal as the owning side's change (see the module docstring)."""
    from isi.measures.services import measure_change

    revision = (
        PendingRevision.objects.select_for_update(of=("self",))
        .select_related("measure", "author")
        .get(pk=revision_id)
    )
    if not can_release_revision(actor, revision):
        raise PermissionDenied(
            "Nur die federführende Stelle gibt Vorschläge frei – nicht wer sie gemacht hat."
        )
    measure = Measure.objects.select_for_update().get(pk=revision.measure_id)
    revision.measure = measure
    if measure.version != revision.base_version and not overwrite:
        current = measure_snapshot(measure)
        conflicts = conflicting_fields(revision, current)
        if conflicts:
            raise RevisionConflict(revision, conflicts, {key: current.get(key) for key in conflicts})
    author = revision.author.username if revision.author else "?"
    outcome = measure_change(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes=snapshot_to_changes(revision.proposed),
        actor=actor,
        source=f"{RELEASE_SOURCE}:{revision.pk} von {author}"[:64],
        releasing=revision,
    )
    revision.state = PendingRevision.State.RELEASED
    revision.decided_by = actor
    revision.decided_at = timezone.now()
    revision.save(update_fields=["state", "decided_by", "decided_at"])
    transaction.on_commit(lambda: _safely(notify_decided, revision.pk))
    return Decision(revision, outcome.measure)


@transaction.atomic
def reject(*, revision_id: int, actor: Any, reason: str) -> Decision:
    """Reject the proposal; the reason is required and goes to the author."""
    revision = (
        PendingRevision.objects.select_for_update(of=("self",)).select_related("measure").get(pk=revision_id)
    )
    if not can_release_revision(actor, revision):
        raise PermissionDenied("Nur die federführende Stelle lehnt Vorschläge ab.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Bitte begründen Sie die Ablehnung."})
    revision.state = PendingRevision.State.REJECTED
    revision.decided_by = actor
    revision.decided_at = timezone.now()
    revision.reason = reason
    revision.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    transaction.on_commit(lambda: _safely(notify_decided, revision.pk))
    return Decision(revision, revision.measure)


def revisions_to_release(user: Any) -> QuerySet[PendingRevision]:
    """Pending proposals `user` may release (the work tool's dashboard list), oldest first."""
    staff = staff_user(user)
    pending = PendingRevision.objects.filter(state=PendingRevision.State.PENDING).select_related(
        "measure", "author"
    )
    if staff is None:
        return pending.none()
    editable = editable_measures_q(staff)
    if editable is None:
        return pending.none()
    candidates = pending.filter(measure__in=Measure.objects.filter(editable)).exclude(author=staff)
    allowed = [r.pk for r in candidates if is_owning_side(staff, r.measure)]
    return pending.filter(pk__in=allowed).order_by("created_at", "pk")


def revisions_of(user: Any, measure: Measure) -> QuerySet[PendingRevision]:
    """The proposals on `measure` that `user` may see (the owning side and roles that see all:
    every proposal; anyone else: their own)."""
    staff = staff_user(user)
    revisions = PendingRevision.objects.filter(measure=measure).select_related("author", "decided_by")
    if staff is None:
        return revisions.none()
    if is_admin(staff) or staff.role in SEES_EVERYTHING or is_owning_side(staff, measure):
        return revisions
    return revisions.filter(author=staff)
