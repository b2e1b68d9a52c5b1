"""Catalogue pages of the work tool: every staff role reads, coordination and admins edit.

Writes go through ``isi.catalog.services``; permissions come from ``isi.core.permissions``.
Every refusal is logged (``log_denied``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from isi.catalog.forms import entry_form_class
from isi.catalog.models import Area, BasicOffer, CatalogEntry, Component, FundingProgramme, Level, TargetGroup
from isi.catalog.services import CREATABLE, catalog_entry_create, catalog_entry_update
from isi.core.access import forbidden, require_access
from isi.core.changes import object_type_of
from isi.core.forms import apply_errors
from isi.core.models import ChangeRecord
from isi.core.permissions import can_manage_catalogues, can_use_workspace

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Catalogue:
    slug: str
    model: type[CatalogEntry]
    title: Any

    @property
    def creatable(self) -> bool:
        return self.model in CREATABLE


CATALOGUES = (
    Catalogue("bereiche", Area, _("Bereiche")),
    Catalogue("grundangebote", BasicOffer, _("Grundangebote")),
    Catalogue("bausteine", Component, _("Bausteine")),
    Catalogue("zielgruppen", TargetGroup, _("Zielgruppen")),
    Catalogue("ebenen", Level, _("Ebenen")),
    Catalogue("foerderprogramme", FundingProgramme, _("Förderprogramme")),
)
BY_SLUG = {c.slug: c for c in CATALOGUES}


def _forbidden(request: HttpRequest, what: str) -> HttpResponse:
    return forbidden(request, what)


staff_required = require_access(can_use_workspace, "workspace")


def _catalogue(kind: str) -> Catalogue:
    catalogue = BY_SLUG.get(kind)
    if catalogue is None:
        raise Http404
    return catalogue


def _with_history(model: type[CatalogEntry]) -> set[int]:
    """Ids of the entries that have change records (the history page exists only for those)."""
    label = model._meta.label_lower
    return set(ChangeRecord.objects.filter(object_type=label).values_list("object_id", flat=True))


@staff_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    sections = []
    for catalogue in CATALOGUES:
        with_history = _with_history(catalogue.model)
        queryset: QuerySet[Any] = catalogue.model._default_manager.all()
        if catalogue.model is Component:
            queryset = queryset.select_related("basic_offer")
        entries = [
            {"entry": entry, "has_history": entry.pk in with_history, "object_type": object_type_of(entry)}
            for entry in queryset.order_by("position", "name")
        ]
        sections.append({"catalogue": catalogue, "entries": entries})
    context = {"sections": sections, "may_manage": can_manage_catalogues(request.user)}
    return render(request, "catalog/catalogue_list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    catalogue = _catalogue(kind)
    entry = get_object_or_404(catalogue.model, pk=pk)
    if not can_manage_catalogues(request.user):
        return _forbidden(request, f"{object_type_of(entry)}#{pk} change")
    form_class = entry_form_class(catalogue.model, create=False)
    if request.method == "POST":
        form = form_class(request.POST, instance=entry)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.fields}
            try:
                catalog_entry_update(entry, changes, request.user)
            except ValidationError as error:
                apply_errors(form, error)
                form._mark_errors()
            else:
                return HttpResponseRedirect(f"{reverse('catalog:list')}#{catalogue.slug}")
    else:
        form = form_class(instance=entry)
    context = {"catalogue": catalogue, "entry": entry, "form": form}
    return render(request, "catalog/entry_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, kind: str) -> HttpResponse:
    catalogue = _catalogue(kind)
    if not catalogue.creatable:
        raise Http404
    if not can_manage_catalogues(request.user):
        return _forbidden(request, f"{catalogue.model._meta.label_lower} create")
    form_class = entry_form_class(catalogue.model, create=True)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.fields}
            try:
                catalog_entry_create(catalogue.model, fields, request.user)
            except ValidationError as error:
                apply_errors(form, error)
                form._mark_errors()
            else:
                return HttpResponseRedirect(f"{reverse('catalog:list')}#{catalogue.slug}")
    else:
        form = form_class()
    context = {"catalogue": catalogue, "entry": None, "form": form}
    return render(request, "catalog/entry_form.html", context)
