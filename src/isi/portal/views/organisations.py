"""Pages for organisations: who owns, implements or funds public measures."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from isi.measures.selectors import measures_with_details, public_measures
from isi.organisations.models import Organisation


def _with_public_counts() -> object:
    public_ids = public_measures().values("pk")
    return Organisation.objects.annotate(
        owned_count=Count("owned_measures", filter=Q(owned_measures__in=public_ids), distinct=True),
        involved_count=Count(
            "measure_links__measure", filter=Q(measure_links__measure__in=public_ids), distinct=True
        ),
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = (
        _with_public_counts()  # type: ignore[attr-defined]
        .filter(Q(owned_count__gt=0) | Q(involved_count__gt=0))
        .filter(is_group=False)  # collective terms ("Kommunen") are no organisations
        .order_by("name")
    )
    return render(request, "portal/organisations.html", {"organisations": organisations})


def organisation_detail(request: HttpRequest, key: str) -> HttpResponse:
    organisation = (
        Organisation.objects.select_related("parent").prefetch_related("aliases").filter(key=key).first()
    )
    if organisation is None:
        raise Http404
    public = public_measures()
    owned = measures_with_details(public.filter(owner=organisation)).order_by("title")
    involved = measures_with_details(
        public.filter(organisation_links__organisation=organisation).exclude(owner=organisation).distinct()
    ).order_by("title")
    if not owned and not involved and not organisation.is_ressort:
        raise Http404
    return render(
        request,
        "portal/organisation.html",
        {"organisation": organisation, "owned": owned, "involved": involved},
    )
