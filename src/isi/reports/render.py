"""Lay out a `ReportData` as PDF (WeasyPrint, from an HTML template) and as XLSX (openpyxl)."""

from __future__ import annotations

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from isi.core.spreadsheets import spreadsheet_safe
from isi.reports.report_data import ReportData
from isi.reports.tables import XLSX_FORMATS, Kind, Table, write_table, xlsx_value

PRINT_CSS = Path(__file__).resolve().parent / "static" / "reports" / "imag-print.css"
# WeasyPrint's accessible variant: tagged, with /Lang, /Title and DisplayDocTitle.
PDF_VARIANT = "pdf/ua-1"


def report_html(data: ReportData) -> str:
    return render_to_string("reports/imag_report.html", {"report": data})


def report_pdf(data: ReportData) -> bytes:
    # Imported here: WeasyPrint loads its fonts and Pango on import, which the web process
    # only needs when it builds a report.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    html = HTML(string=report_html(data), base_url=str(PRINT_CSS.parent))
    # Tagged PDF (EN 301 549 clause 10): PDF/UA-1 gives a structure tree from the HTML's headings,
    # tables and lists, the document language from <html lang> and the title from <title>, shown
    # in the viewer's title bar.
    return bytes(html.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant=PDF_VARIANT))


def report_xlsx(data: ReportData, full_tables: dict[str, Table] | None = None) -> bytes:
    """One overview sheet, then one sheet per section; `full_tables` replace a section's first table."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    full_tables = full_tables or {}
    workbook = Workbook()
    overview = workbook.active
    assert overview is not None
    overview.title = _("Übersicht")
    overview.column_dimensions["A"].width = 48
    overview.column_dimensions["B"].width = 40
    overview.cell(row=1, column=1, value=spreadsheet_safe(data.title)).font = Font(bold=True, size=14)
    overview.cell(row=2, column=1, value=_("Umfang")).font = Font(bold=True)
    overview.cell(row=2, column=2, value=spreadsheet_safe(data.scope_name))
    overview.cell(row=3, column=1, value=_("Stand")).font = Font(bold=True)
    stamp = overview.cell(row=3, column=2, value=xlsx_value(data.generated_at, Kind.DATETIME))
    stamp.number_format = XLSX_FORMATS[Kind.DATETIME]
    overview.cell(row=4, column=1, value=_("Änderungen")).font = Font(bold=True)
    overview.cell(row=4, column=2, value=spreadsheet_safe(data.since_label))
    row = 6
    for section in data.sections:
        overview.cell(row=row, column=1, value=spreadsheet_safe(section.title)).font = Font(bold=True)
        row += 1
        for fact in section.facts:
            overview.cell(row=row, column=1, value=spreadsheet_safe(fact.label))
            cell = overview.cell(row=row, column=2, value=xlsx_value(fact.value, fact.kind))
            if fact.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[fact.kind]
            row += 1
        row += 1

    for section in data.sections:
        sheet = workbook.create_sheet(section.sheet[:31])
        next_row = 1
        for index, table in enumerate(section.tables):
            if index == 0 and section.key in full_tables:
                table = full_tables[section.key]
            next_row = write_table(sheet, table, next_row)
        for note in section.notes:
            sheet.cell(row=next_row, column=1, value=spreadsheet_safe(note))
            next_row += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
