"""The staff list's view options (columns, page size), saved filters and its CSV/XLSX export.

The export is the same selection as the page (``StaffFilter`` over ``visible_measures``), with
the chosen columns; every text cell passes the one spreadsheet guard
(``isi.core.spreadsheets.spreadsheet_safe``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from isi.core.access import require_access
from isi.core.spreadsheets import spreadsheet_safe
from isi.measures.models import Measure
from isi.measures.rules import review_due
from isi.measures.selectors import measures_with_details
from isi.workspace.filters import StaffFilter
from isi.workspace.models import SavedFilter
from isi.workspace.permissions import can_use_workspace, visible_measures

COLUMNS_PARAM = "spalten"
PAGE_SIZE_PARAM = "pro_seite"
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
EXPORT_MAX_ROWS = 20_000
SAVED_FILTERS_PER_USER = 50


def _nap_i(m: Measure) -> str:
    if m.nap_i_theme is None:
        return ""
    return f"{m.nap_i_theme.phase.number}.{m.nap_i_theme.position}.{m.nap_i_number or ''}".rstrip(".")


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    value: Callable[[Measure], str]


# The title is always shown (it names the row); these can be chosen.
COLUMNS: tuple[Column, ...] = (
    Column("owner", gettext_lazy("Ressort"), lambda m: m.owner.name),
    Column("status", gettext_lazy("Status"), lambda m: str(m.get_status_display())),
    Column("nap_i", gettext_lazy("NAP-I"), _nap_i),
    Column("publication", gettext_lazy("Veröffentlichung"), lambda m: str(m.get_publication_display())),
    Column("review", gettext_lazy("Prüfung"), lambda m: _date(m.last_reviewed_at)),
    Column("updated", gettext_lazy("zuletzt geändert"), lambda m: _date(m.updated_at)),
    Column("areas", gettext_lazy("Bereiche"), lambda m: ", ".join(a.name for a in m.areas.all())),
    Column(
        "target_groups",
        gettext_lazy("Zielgruppen"),
        lambda m: ", ".join(t.name for t in m.target_groups.all()),
    ),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_COLUMNS = ("owner", "status", "nap_i", "publication", "review")


@dataclass(frozen=True)
class ListOptions:
    """How the list is shown: which columns, how many rows a page."""

    columns: tuple[str, ...] = DEFAULT_COLUMNS
    page_size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_params(cls, params: QueryDict) -> ListOptions:
        chosen = tuple(key for key in dict.fromkeys(params.getlist(COLUMNS_PARAM)) if key in COLUMNS_BY_KEY)
        raw_size = params.get(PAGE_SIZE_PARAM, "")
        size = int(raw_size) if raw_size.isascii() and raw_size.isdigit() else DEFAULT_PAGE_SIZE
        page_size = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
        return cls(columns=chosen or DEFAULT_COLUMNS, page_size=page_size)

    def items(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.columns != DEFAULT_COLUMNS:
            pairs.extend((COLUMNS_PARAM, key) for key in self.columns)
        if self.page_size != DEFAULT_PAGE_SIZE:
            pairs.append((PAGE_SIZE_PARAM, str(self.page_size)))
        return pairs

    def chosen(self) -> list[Column]:
        return [COLUMNS_BY_KEY[key] for key in self.columns]

    def choices(self) -> list[dict[str, Any]]:
        return [{"key": c.key, "label": c.label, "checked": c.key in self.columns} for c in COLUMNS]


def list_query(staff_filter: StaffFilter, options: ListOptions) -> str:
    """The list's address without the page number: filters, then view options."""
    return urlencode(staff_filter.items() + options.items())


def clean_query(raw: str) -> str:
    """A query string reduced to what the list understands (so a saved filter holds nothing else)."""
    params = QueryDict(raw[:2000])
    return list_query(StaffFilter.from_params(params), ListOptions.from_params(params))


def selection(request: HttpRequest) -> tuple[StaffFilter, ListOptions, Any]:
    staff_filter = StaffFilter.from_params(request.GET)
    options = ListOptions.from_params(request.GET)
    qs = staff_filter.apply(visible_measures(request.user), today=timezone.localdate())
    return staff_filter, options, qs


def saved_filters(user: Any) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user=user))


# --- export ------------------------------------------------------------------------------------

staff_required = require_access(can_use_workspace, "workspace")


def _rows(measures: Iterable[Measure], columns: list[Column], today: date) -> Iterable[list[str]]:
    for m in measures:
        cells = [m.title] + [c.value(m) for c in columns]
        if "review" in [c.key for c in columns] and review_due(m.last_reviewed_at, today):
            index = 1 + [c.key for c in columns].index("review")
            cells[index] = (cells[index] + " " + _("(Prüfung fällig)")).strip()
        yield cells


def _headers(columns: list[Column]) -> list[str]:
    return [_("Titel")] + [str(c.label) for c in columns] + [_("Adresse im Arbeitsbereich")]


def _filename(ext: str) -> str:
    return f"isi-massnahmen-{timezone.localdate().isoformat()}.{ext}"


@require_GET
@staff_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list as CSV (Excel-ready: UTF-8 with BOM, semicolons) or XLSX, chosen columns only."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filter, options, qs = selection(request)
    columns = options.chosen()
    measures = list(measures_with_details(qs)[:EXPORT_MAX_ROWS])
    today = timezone.localdate()
    base = request.build_absolute_uri("/")[:-1]
    rows = [
        [*cells, base + reverse("workspace:measure_detail", args=[m.pk])]
        for m, cells in zip(measures, _rows(measures, columns, today), strict=True)
    ]
    headers = _headers(columns)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([spreadsheet_safe(h) for h in headers])
        for row in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook  # type: ignore[import-untyped]

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Maßnahmen"))
        sheet.append([_cell(sheet, h, bold=True) for h in headers])
        for row in rows:
            sheet.append([_cell(sheet, cell) for cell in row])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{_filename(fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _cell(sheet: Any, value: str, *, bold: bool = False) -> Any:
    # openpyxl is imported on first use, not at every process start (~0.4 s).
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    cell = WriteOnlyCell(sheet, value=spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value)))
    cell.data_type = "s"
    if bold:
        from openpyxl.styles import Font  # type: ignore[import-untyped]

        cell.font = Font(bold=True)
    return cell


# --- saved filters -----------------------------------------------------------------------------


def _me(request: HttpRequest) -> Any:
    """The signed-in user (staff_required has made sure there is one)."""
    return request.user


@require_POST
@staff_required
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:100]
    query = clean_query(request.POST.get("query", ""))
    target = reverse("workspace:measure_list") + (f"?{query}" if query else "")
    if not name:
        messages.error(request, _("Bitte geben Sie dem Filter einen Namen."))
        return HttpResponseRedirect(target)
    if SavedFilter.objects.filter(user=_me(request)).count() >= SAVED_FILTERS_PER_USER:
        text = _("Sie haben schon %(n)d gespeicherte Filter.") % {"n": SAVED_FILTERS_PER_USER}
        messages.error(request, text)
        return HttpResponseRedirect(target)
    try:
        with transaction.atomic():
            SavedFilter.objects.update_or_create(user=_me(request), name=name, defaults={"query": query})
    except IntegrityError:  # the same name saved twice at once
        pass
    messages.success(request, _("Filter „%(name)s“ gespeichert.") % {"name": name})
    return HttpResponseRedirect(target)


@require_POST
@staff_required
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deleted, _details = SavedFilter.objects.filter(user=_me(request), pk=pk).delete()
    if deleted:  # someone else's filter (or a stale page): nothing to say
        messages.success(request, _("Der gespeicherte Filter wurde gelöscht."))
    return HttpResponseRedirect(reverse("workspace:measure_list"))
