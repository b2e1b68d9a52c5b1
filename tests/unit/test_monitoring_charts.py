"""Server-rendered SVG charts: accessible names, escaping, distinguishable without colour."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise
from xml.etree import ElementTree

from isi.monitoring import charts
from isi.monitoring.opensdg import Row
from isi.monitoring.series import bar_data, category_values, default_geo, line_data

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    # Our own output, not untrusted input: the stdlib parser is fine here.
    return ElementTree.fromstring(svg)  # noqa: S314


def fmt(value: Decimal) -> str:
    return f"{value:.1f}".replace(".", ",")


def two_lines(label: str = "Insgesamt") -> str:
    return charts.line_chart(
        chart_id="c1",
        title="Quote <im> Zeitverlauf",
        description="Zwei Linien & eine Tabelle",
        series=[
            charts.Series(label, [(2020, Decimal("50")), (2021, Decimal("52.5"))]),
            charts.Series("mit", [(2020, Decimal("40")), (2021, Decimal("43"))]),
        ],
        unit="Prozent",
        fmt=fmt,
    )


def test_line_chart_has_role_title_and_description() -> None:
    root = parse(two_lines())
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Quote <im> Zeitverlauf"  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").get("id") == "c1-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Zwei Linien & eine Tabelle"  # type: ignore[union-attr]


def test_text_is_escaped() -> None:
    svg = two_lines(label='<script>alert("x")</script>')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)  # still well-formed XML


def test_each_series_has_its_own_marker_and_dash() -> None:
    svg = two_lines()
    root = parse(svg)
    groups = root.findall(f"{SVG}g")
    markers = [g.get("data-marker") for g in groups]
    assert markers == ["circle", "square"]
    dashes = [g.find(f"{SVG}polyline").get("stroke-dasharray") for g in groups]  # type: ignore[union-attr]
    assert dashes[0] is None and dashes[1] == "8 4"
    assert groups[0].find(f"{SVG}circle") is not None and groups[1].find(f"{SVG}rect") is not None
    assert len(set(charts.MARKERS)) == len(charts.MARKERS) == len(set(charts.DASHES))


def test_lines_are_labelled_directly_with_their_last_value() -> None:
    svg = two_lines()
    assert "Insgesamt: 52,5" in svg
    assert "mit: 43,0" in svg


def test_direct_labels_do_not_overlap() -> None:
    svg = charts.line_chart(
        chart_id="c",
        title="t",
        description="d",
        series=[charts.Series(f"s{i}", [(2020, Decimal("50")), (2021, Decimal("50"))]) for i in range(3)],
        unit="u",
        fmt=fmt,
    )
    ys = sorted(float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" fill="#1a1a1a">s\d', svg))
    assert len(ys) == 3
    assert all(b - a >= 15.9 for a, b in pairwise(ys))


def test_more_series_than_markers_are_cut() -> None:
    series = [charts.Series(f"s{i}", [(2020, Decimal(i))]) for i in range(10)]
    svg = charts.line_chart(chart_id="c", title="t", description="d", series=series, unit="u", fmt=fmt)
    assert svg.count('<g class="chart-series"') == charts.MAX_SERIES


def test_empty_chart_is_still_valid_svg() -> None:
    svg = charts.line_chart(chart_id="c", title="t", description="d", series=[], unit="u", fmt=fmt)
    assert parse(svg).get("role") == "img"


def test_bar_chart_writes_values_as_text_and_reference_line() -> None:
    svg = charts.bar_chart(
        chart_id="b",
        title="Länder & Bund",
        description="d",
        bars=[charts.Bar("Bayern", Decimal("53.1")), charts.Bar("Bremen", Decimal("-2"))],
        reference=charts.Bar("Bund", Decimal("51.3")),
        unit="Prozent",
        fmt=fmt,
    )
    root = parse(svg)
    assert root.get("aria-labelledby") == "b-title b-desc"
    assert "Länder &amp; Bund" in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Bayern" in texts and "53,1" in texts and "-2,0" in texts
    assert "Bund: 51,3" in texts
    assert len(root.findall(f"{SVG}rect[@class='chart-bar']")) == 2


def test_nice_ticks_cover_the_range() -> None:
    ticks = charts.nice_ticks(0, 87)
    assert ticks[0] == 0 and ticks[-1] >= 87
    assert charts.nice_ticks(5, 5)[-1] > 5


ROWS = [
    Row(2020, "", {}, Decimal("50")),
    Row(2021, "", {}, Decimal("51")),
    Row(2021, "", {"MH": "mit"}, Decimal("40")),
    Row(2021, "", {"MH": "ohne"}, Decimal("55")),
    Row(2021, "", {"MH": "mit", "Sex": "w"}, Decimal("38")),
    Row(2020, "01", {}, Decimal("48")),
    Row(2021, "01", {}, Decimal("49")),
    Row(2021, "09", {}, Decimal("53")),
]


def test_line_data_selects_total_and_one_line_per_category_value() -> None:
    data = line_data(ROWS, geo="", category="MH", total_label="Insgesamt")
    assert data.labels == ["Insgesamt", "mit", "ohne"]
    assert data.years == [2020, 2021]
    # The cross-tabulated row (MH and Sex) is not a line of "MH".
    assert all(len(r.disaggregation) <= 1 for r in data.all_rows())
    table = data.table()
    assert table[0][0] == 2020 and table[0][1][1] is None


def test_bar_data_uses_latest_year_with_laender_and_bund_reference() -> None:
    data = bar_data(ROWS, {"01": "Schleswig-Holstein", "09": "Bayern"})
    assert data.year == 2021
    assert [r.geo_code for r in data.rows] == ["01", "09"]
    assert data.reference is not None and data.reference.value == Decimal("51")


def test_default_region_is_bund_and_category_values_are_sorted() -> None:
    assert default_geo(ROWS) == ""
    assert default_geo([Row(2020, "05", {}, Decimal(1))]) == "05"
    assert category_values(ROWS, "MH") == ["mit", "ohne"]
