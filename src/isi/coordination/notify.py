"""E-mail to the people concerned: owners when a proposal names their measures, the proposer when
it is decided. Sent after the transaction commits, so a rolled-back proposal sends nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from isi.accounts.models import User
from isi.coordination.models import ConsolidationProposal
from isi.organisations.models import Organisation

log = logging.getLogger(__name__)
ANSWERING = (User.Role.DESK_OFFICER, User.Role.AGENCY, User.Role.REGIONAL_EDITOR)


def _answering(organisation: Organisation) -> Q:
    ressort = organisation.ressort()
    condition = Q(organisation=organisation, role__in=ANSWERING)
    if ressort is not None and ressort != organisation:
        condition |= Q(organisation=ressort, role=User.Role.DESK_OFFICER)
    return condition


def owner_recipients(organisation: Organisation) -> list[str]:
    """Editors of the owning organisation and desk officers of its ministry, with an address."""
    users = User.objects.filter(_answering(organisation), is_active=True).exclude(email="")
    return sorted({u.email for u in users})


def has_answerer(organisation: Organisation) -> bool:
    """Someone active in ISI can answer for the organisation (sees the proposal, maybe by mail)."""
    return User.objects.filter(_answering(organisation), is_active=True).exists()


def _link(proposal: ConsolidationProposal) -> str:
    base = str(getattr(settings, "ISI_PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000")
    return f"{base.rstrip('/')}{reverse('coordination:proposal', args=[proposal.pk])}"


def _footer() -> str:
    return "\nDiese Nachricht wurde vom Informationssystem Integration automatisch versandt.\n"


def proposal_created(proposal_id: int) -> int:
    """Tell each owner (except the proposer's own people) that a proposal awaits its answer."""
    proposal = ConsolidationProposal.objects.select_related("proposer_organisation").get(pk=proposal_id)
    proposer = proposal.proposer_organisation.name if proposal.proposer_organisation else "–"
    owners = Organisation.objects.filter(pk__in=proposal.items.values("owner_id")).order_by("name")
    sent = 0
    for owner in owners:
        recipients = [r for r in owner_recipients(owner) if r != proposal.proposer.email]
        if not recipients:
            log.info("proposal %s: no recipient with e-mail for %s", proposal.pk, owner.key)
            continue
        subject = f"ISI: Konsolidierungsvorschlag „{proposal.title}“"
        body = (
            f"Guten Tag,\n\n{proposer} schlägt vor: {proposal.get_kind_display()} – „{proposal.title}“.\n"
            f"Betroffen sind Maßnahmen von {owner.name}.\n"
            f"Bitte antworten Sie mit Begründung:\n{_link(proposal)}\n"
            f"{_footer()}"
        )
        send_mail(subject, body, None, recipients)
        sent += 1
    return sent


def proposal_decided(proposal_id: int) -> int:
    """Tell the proposer that all owners accepted, or one declined, or it was withdrawn."""
    proposal = ConsolidationProposal.objects.select_related("proposer").get(pk=proposal_id)
    if proposal.is_open or not proposal.proposer.email:
        return 0
    subject = f"ISI: Konsolidierungsvorschlag „{proposal.title}“ – {proposal.get_status_display()}"
    body = (
        f"Guten Tag,\n\nIhr Vorschlag „{proposal.title}“ ist jetzt: {proposal.get_status_display()}.\n"
        f"Antworten und Begründungen: {_link(proposal)}\n{_footer()}"
    )
    send_mail(subject, body, None, [proposal.proposer.email])
    return 1


def safely(send: Callable[[int], int], proposal_id: int) -> int:
    """A mail server hiccup must not turn a saved answer into an error page."""
    try:
        return send(proposal_id)
    except Exception:
        log.exception("could not send notification for proposal %s", proposal_id)
        return 0
