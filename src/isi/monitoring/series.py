"""Which values a chart shows: pure selection over an indicator's observations.

The line chart shows one region over time: the total, and with a chosen category one line per
value of that category (other categories at total). The Länder comparison shows the totals of
every Land in the latest year that has Länder values, with the federal value as reference. The
same `Row`s feed the SVG, the table beneath it and the CSV download, so they always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from isi.monitoring.charts import MAX_SERIES
from isi.monitoring.opensdg import Row

BUND = ""


@dataclass
class LineData:
    labels: list[str]  # series labels, in order
    rows: list[list[Row]]  # rows per series, sorted by year
    years: list[int]

    def table(self) -> list[tuple[int, list[Row | None]]]:
        """Per year, the row of each series (None where a series has no value)."""
        by_series = [{r.year: r for r in rows} for rows in self.rows]
        return [(year, [s.get(year) for s in by_series]) for year in self.years]

    def all_rows(self) -> list[Row]:
        return [r for rows in self.rows for r in rows]


@dataclass
class BarData:
    year: int | None
    rows: list[Row] = field(default_factory=list)  # one per Land, in key order
    reference: Row | None = None  # the federal value of the same year

    def all_rows(self) -> list[Row]:
        return [*([self.reference] if self.reference else []), *self.rows]


def categories(rows: Sequence[Row]) -> list[str]:
    return sorted({c for r in rows for c in r.disaggregation})


def category_values(rows: Sequence[Row], category: str) -> list[str]:
    return sorted({r.disaggregation[category] for r in rows if category in r.disaggregation})


def geo_codes(rows: Sequence[Row]) -> list[str]:
    return sorted({r.geo_code for r in rows})


def default_geo(rows: Sequence[Row]) -> str:
    """Bund when it has values, else the first region that does."""
    codes = geo_codes(rows)
    return BUND if BUND in codes or not codes else codes[0]


def line_data(rows: Sequence[Row], *, geo: str, category: str, total_label: str) -> LineData:
    here = [r for r in rows if r.geo_code == geo]
    labels: list[str] = []
    grouped: list[list[Row]] = []
    total = sorted((r for r in here if not r.disaggregation), key=lambda r: r.year)
    if total:
        labels.append(total_label)
        grouped.append(total)
    if category:
        for value in category_values(here, category):
            if len(grouped) >= MAX_SERIES:
                break
            selected = sorted(
                (r for r in here if r.disaggregation == {category: value}), key=lambda r: r.year
            )
            if selected:
                labels.append(value)
                grouped.append(selected)
    years = sorted({r.year for rows_ in grouped for r in rows_})
    return LineData(labels=labels, rows=grouped, years=years)


def bar_data(rows: Sequence[Row], land_order: Mapping[str, str]) -> BarData:
    """Totals of the Länder in the latest year with Länder values (order: official key)."""
    totals = [r for r in rows if not r.disaggregation]
    land_rows = [r for r in totals if r.geo_code != BUND and r.geo_code in land_order]
    if not land_rows:
        return BarData(year=None)
    year = max(r.year for r in land_rows)
    selected = sorted((r for r in land_rows if r.year == year), key=lambda r: r.geo_code)
    reference = next((r for r in totals if r.geo_code == BUND and r.year == year), None)
    return BarData(year=year, rows=selected, reference=reference)
