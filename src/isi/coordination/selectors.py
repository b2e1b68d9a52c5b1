"""Reads of overlap review and consolidation proposals: the review list, the IMAG report, overview."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from isi.coordination.models import ConsolidationProposal, OverlapCandidate
from isi.core.parsing import is_int
from isi.organisations.models import Organisation


def _owner_q(owner: Organisation, prefix: str = "") -> Q:
    return Q(**{f"{prefix}measure_a__owner": owner}) | Q(**{f"{prefix}measure_b__owner": owner})


def with_measures(queryset: QuerySet[OverlapCandidate]) -> QuerySet[OverlapCandidate]:
    return queryset.select_related("measure_a__owner", "measure_b__owner", "decided_by")


def confirmed_overlaps(owner: Organisation | None = None) -> QuerySet[OverlapCandidate]:
    """Pairs coordination marked as overlap; with `owner`, those where either side is its measure."""
    queryset = OverlapCandidate.objects.filter(decision=OverlapCandidate.Decision.OVERLAP)
    if owner is not None:
        queryset = queryset.filter(_owner_q(owner))
    return with_measures(queryset).order_by("-score", "id")


def open_proposals(owner: Organisation | None = None) -> QuerySet[ConsolidationProposal]:
    """Proposals still waiting for answers; with `owner`, those on its measures or proposed by it."""
    queryset = ConsolidationProposal.objects.filter(status=ConsolidationProposal.Status.OPEN)
    if owner is not None:
        involved = ConsolidationProposal.objects.filter(
            Q(items__owner=owner) | Q(items__measure__owner=owner) | Q(proposer_organisation=owner)
        ).values("pk")
        queryset = queryset.filter(pk__in=involved)
    return queryset.select_related("proposer", "proposer_organisation").prefetch_related(
        "items__measure", "items__owner"
    )


@dataclass(frozen=True)
class CandidateFilter:
    """The review list's filters, read from the query string (unknown values are ignored)."""

    ministry: str = ""
    area: str = ""
    target_group: str = ""
    decision: str = OverlapCandidate.Decision.OPEN

    PARAMS = ("ministry", "area", "target_group", "decision")

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> CandidateFilter:
        decision = params.get("decision", OverlapCandidate.Decision.OPEN)
        if decision not in (*OverlapCandidate.Decision.values, "all"):
            decision = OverlapCandidate.Decision.OPEN
        ministry = params.get("ministry", "")
        return cls(
            ministry=ministry if is_int(ministry) else "",
            area=params.get("area", "")[:80],
            target_group=params.get("target_group", "")[:80],
            decision=decision,
        )

    def apply(self, queryset: QuerySet[OverlapCandidate]) -> QuerySet[OverlapCandidate]:
        if self.decision != "all":
            queryset = queryset.filter(decision=self.decision)
        if self.ministry:
            ministry = int(self.ministry)
            # A ministry's pairs include those of its agencies (owner's parent chain).
            queryset = queryset.filter(
                Q(measure_a__owner_id=ministry)
                | Q(measure_a__owner__parent_id=ministry)
                | Q(measure_b__owner_id=ministry)
                | Q(measure_b__owner__parent_id=ministry)
            )
        if self.area:
            queryset = queryset.filter(
                Q(measure_a__areas__key=self.area) | Q(measure_b__areas__key=self.area)
            )
        if self.target_group:
            queryset = queryset.filter(
                Q(measure_a__target_groups__key=self.target_group)
                | Q(measure_b__target_groups__key=self.target_group)
            )
        if self.area or self.target_group:
            queryset = queryset.distinct()
        return queryset

    def querystring(self) -> str:
        values = {p: getattr(self, p) for p in self.PARAMS if getattr(self, p)}
        if values.get("decision") == OverlapCandidate.Decision.OPEN:
            del values["decision"]
        return urlencode(values)

    @property
    def is_default(self) -> bool:
        return self == CandidateFilter()


def review_list(queryset: QuerySet[OverlapCandidate], flt: CandidateFilter) -> QuerySet[OverlapCandidate]:
    """Ranked by score (best first), filtered; `queryset` is what the user may see."""
    return with_measures(flt.apply(queryset)).order_by("-score", "id")


def proposals_with_details(queryset: QuerySet[ConsolidationProposal]) -> QuerySet[ConsolidationProposal]:
    return queryset.select_related("proposer", "proposer_organisation").prefetch_related(
        "items__measure__owner", "items__owner", "responses__organisation"
    )
