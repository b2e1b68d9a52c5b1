"""Overlap runs, pairs and proposals in the admin: read-only (decisions go through the services)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from isi.coordination.models import ConsolidationProposal, OverlapCandidate, OverlapRun

if TYPE_CHECKING:
    RunAdminBase = admin.ModelAdmin[OverlapRun]
    CandidateAdminBase = admin.ModelAdmin[OverlapCandidate]
    ProposalAdminBase = admin.ModelAdmin[ConsolidationProposal]
else:
    RunAdminBase = CandidateAdminBase = ProposalAdminBase = admin.ModelAdmin


class ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OverlapRun)
class OverlapRunAdmin(ReadOnly, RunAdminBase):
    list_display = ("pk", "state", "started_by", "created_at", "finished_at", "found", "created", "reopened")
    list_filter = ("state",)


@admin.register(OverlapCandidate)
class OverlapCandidateAdmin(ReadOnly, CandidateAdminBase):
    list_display = ("pk", "measure_a", "measure_b", "score", "decision", "decided_at")
    list_filter = ("decision",)
    search_fields = ("measure_a__title", "measure_b__title")


@admin.register(ConsolidationProposal)
class ConsolidationProposalAdmin(ReadOnly, ProposalAdminBase):
    list_display = ("pk", "title", "kind", "status", "proposer_organisation", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("title",)
