"""Public indicator pages: list by area, detail with charts, tables, downloads and linked measures."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from isi.monitoring import charts, selectors, series
from isi.monitoring.downloads import csv_response
from isi.monitoring.forms import ChartForm
from isi.monitoring.models import BUND, Indicator
from isi.monitoring.opensdg import Row


def formatter(indicator: Indicator) -> charts.Formatter:
    """Numbers in the reader's locale (German: decimal comma) with the indicator's precision."""

    def fmt(value: Decimal) -> str:
        return formats.number_format(value, decimal_pos=indicator.decimals, use_l10n=True)

    return fmt


def _svg(text: str) -> SafeString:
    # charts.py escapes every piece of text it writes into the SVG.
    return mark_safe(text)  # noqa: S308


class Selection:
    """The reader's choice (region, category) checked against what the data has."""

    def __init__(self, request: HttpRequest, rows: list[Row], names: dict[str, str]) -> None:
        present = series.geo_codes(rows)
        regions = [(code, names.get(code, code)) for code in names if code in present]
        self.categories = series.categories(rows)
        self.form = ChartForm(request.GET or None, regions=regions, categories=self.categories)
        self.geo = series.default_geo(rows)
        self.category = ""
        if request.GET and self.form.is_valid():
            self.geo = self.form.cleaned_data["gebiet"] or BUND
            self.category = self.form.cleaned_data["aufschluesselung"] or ""
        elif not request.GET:
            self.form = ChartForm(initial={"gebiet": self.geo}, regions=regions, categories=self.categories)
        if self.geo not in present and present:
            self.geo = series.default_geo(rows)


def _indicator(slug: str) -> Indicator:
    indicator = selectors.public_indicators().filter(slug=slug).first()
    if indicator is None:
        raise Http404
    return indicator


@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.indicators_by_area(selectors.public_indicators())
    return render(request, "monitoring/list.html", {"groups": groups})


@require_GET
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = _indicator(slug)
    rows = selectors.rows_of(indicator)
    names = selectors.region_names()
    selection = Selection(request, rows, names)
    fmt = formatter(indicator)
    region = names.get(selection.geo, selection.geo)
    line = series.line_data(rows, geo=selection.geo, category=selection.category, total_label=_("Insgesamt"))
    bars = series.bar_data(rows, {k: v for k, v in names.items() if k != BUND})
    unit = indicator.unit_label
    line_title = _("%(indicator)s: %(region)s im Zeitverlauf") % {
        "indicator": indicator.label,
        "region": region,
    }
    line_svg = None
    if line.years:
        description = _(
            "Liniendiagramm, %(first)s bis %(last)s, in %(unit)s. Linien: %(series)s. "
            "Die Werte stehen in der Tabelle unter dem Diagramm."
        ) % {"first": line.years[0], "last": line.years[-1], "unit": unit, "series": ", ".join(line.labels)}
        line_svg = _svg(
            charts.line_chart(
                chart_id="chart-line",
                title=line_title,
                description=description,
                series=[
                    charts.Series(label, [(r.year, r.value) for r in rows_])
                    for label, rows_ in zip(line.labels, line.rows, strict=True)
                ],
                unit=unit,
                fmt=fmt,
            )
        )
    bar_svg = None
    bar_title = ""
    if bars.year is not None:
        bar_title = _("%(indicator)s: Länder im Vergleich, %(year)s") % {
            "indicator": indicator.label,
            "year": bars.year,
        }
        description = _(
            "Balkendiagramm mit %(count)s Ländern, in %(unit)s; die gestrichelte Linie zeigt den Bundeswert. "
            "Die Werte stehen in der Tabelle unter dem Diagramm."
        ) % {"count": len(bars.rows), "unit": unit}
        bar_svg = _svg(
            charts.bar_chart(
                chart_id="chart-bars",
                title=bar_title,
                description=description,
                bars=[charts.Bar(names.get(r.geo_code, r.geo_code), r.value) for r in bars.rows],
                reference=charts.Bar(_("Bund"), bars.reference.value) if bars.reference else None,
                unit=unit,
                fmt=fmt,
            )
        )
    context = {
        "indicator": indicator,
        "form": selection.form,
        "has_choices": len(series.geo_codes(rows)) > 1 or bool(selection.categories),
        "geo": selection.geo,
        "category": selection.category,
        "region": region,
        "line": line,
        "line_title": line_title,
        "line_svg": line_svg,
        "line_csv": reverse("monitoring:csv", args=[indicator.slug])
        + "?"
        + urlencode({"ansicht": "verlauf", "gebiet": selection.geo, "aufschluesselung": selection.category}),
        "line_table": [(year, [fmt(r.value) if r else "–" for r in cells]) for year, cells in line.table()],
        "bars": bars,
        "bar_title": bar_title,
        "bar_svg": bar_svg,
        "bar_table": [(names.get(r.geo_code, r.geo_code), fmt(r.value)) for r in bars.rows],
        "bar_reference": fmt(bars.reference.value) if bars.reference else None,
        "links": selectors.public_measure_links(indicator),
        "observation_count": len(rows),
    }
    return render(request, "monitoring/detail.html", context)


VIEWS = ("verlauf", "laender", "alle")


@require_GET
def indicator_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The data a chart shows (?ansicht=verlauf|laender), or all values (?ansicht=alle)."""
    indicator = _indicator(slug)
    rows = selectors.rows_of(indicator)
    view = request.GET.get("ansicht", "alle")
    if view not in VIEWS:
        raise Http404
    if view == "alle":
        return csv_response(indicator, rows, part="alle")
    names = selectors.region_names()
    if view == "laender":
        bars = series.bar_data(rows, {k: v for k, v in names.items() if k != BUND})
        return csv_response(indicator, bars.all_rows(), part=f"laender-{bars.year or 'keine'}")
    selection = Selection(request, rows, names)
    line = series.line_data(rows, geo=selection.geo, category=selection.category, total_label="")
    part = f"verlauf-{selection.geo or 'bund'}" + (f"-{selection.category}" if selection.category else "")
    return csv_response(indicator, line.all_rows(), part=part)
