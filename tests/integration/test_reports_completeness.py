"""Reports that state their completeness: unclassified measures per cell and section, gaps only
where classification is complete enough, human labels instead of field names, a tagged IMAG PDF."""

from __future__ import annotations

import io
import re
import zlib
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from isi.accounts.models import User
from isi.catalog.models import Area, Level, TargetGroup
from isi.core.changes import record_change
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.reports.coverage import MIN_CLASSIFIED_SHARE
from isi.reports.render import report_html, report_pdf, report_xlsx
from isi.reports.report_data import build_report

pytestmark = pytest.mark.django_db

FIELD_NAMES = ("last_reviewed_at", "status_independence_reason", "suggested_fields", "areas: [")


def make(title: str, *, groups: tuple[str, ...] = (), areas: tuple[str, ...] = ()) -> Measure:
    measure = Measure.objects.create(
        title=title,
        summary=f"{title}.",
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key="bund"),
    )
    measure.target_groups.set(TargetGroup.objects.filter(key__in=groups))
    measure.areas.set(Area.objects.filter(key__in=areas))
    return measure


def coordination_client() -> Client:
    client = Client()
    client.force_login(
        User.objects.create_user(
            "koordination", password="x", role="coordination", organisation=Organisation.objects.get(key="ib")
        )
    )
    return client


def half_unclassified() -> None:
    """Four measures for women in "Sprache", four without any target group: 50 % classified."""
    for n in range(4):
        make(f"Sprachkurs für Frauen {n}", groups=("frauen-maedchen",), areas=("sprache",))
        make(f"Sprachkurs ohne Zielgruppe {n}", areas=("sprache",))


def test_coverage_page_says_no_gap_when_too_much_is_unclassified() -> None:
    half_unclassified()
    html = coordination_client().get(reverse("reports:coverage")).content.decode()
    assert "Zuordnung: 4 von 8 Maßnahmen (50,0 %) haben Angaben zu „Zielgruppe“ und „Bereiche“" in html
    assert "ohne „Zielgruppe“: 4" in html
    assert "keine Aussage – zu viele Maßnahmen ohne Zuordnung" in html
    assert "Lücken werden ab" not in html and "80,0 %" in html  # the threshold is named
    # The empty cell "children × Sprache" is not called a gap; it states the 4 that could belong.
    assert "coverage-cell--empty" not in html and "coverage-cell--unknown" in html
    assert "+ 4 ohne Zuordnung" in html


def test_coverage_page_names_gaps_once_classification_is_complete_enough() -> None:
    for n in range(4):
        make(f"Sprachkurs für Frauen {n}", groups=("frauen-maedchen",), areas=("sprache",))
    make("Sprachkurs ohne Zielgruppe", areas=("sprache",))  # 4 of 5 = 80 % classified
    assert str(MIN_CLASSIFIED_SHARE) == "0.8"
    html = coordination_client().get(reverse("reports:coverage")).content.decode()
    assert "Lücken werden ab 80,0 % Zuordnung ausgewiesen" in html
    assert "coverage-cell--empty" in html and "coverage-cell--unknown" not in html
    assert "+ 1 ohne Zuordnung" in html  # the unclassified one could be in any "Sprache" cell


def test_imag_report_states_the_unclassified_and_makes_no_gap_claim() -> None:
    half_unclassified()
    data, _full = build_report(None)
    section = next(s for s in data.sections if s.key == "abdeckung")
    facts = {fact.label: fact.value for fact in section.facts}
    assert facts["Maßnahmen ohne Zielgruppe"] == 4
    assert "Zellen ohne Maßnahme" not in facts  # no gap claim below the threshold
    assert facts["Zellen ohne Aussage (zu viele ohne Zuordnung)"] > 0
    assert any("keine Aussage über Lücken" in note for note in section.notes)
    measures = next(s for s in data.sections if s.key == "massnahmen")
    assert {f.label: f.value for f in measures.facts}["ohne Angabe zum Status"] == 8
    html = report_html(data)
    assert "ohne Zuordnung, könnten dazugehören" in html and "50,0 %" in html


def test_report_lists_changed_fields_by_their_labels_not_their_names() -> None:
    measure = make("Sprachkurs für Frauen", groups=("frauen-maedchen",), areas=("sprache",))
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"status_independence_reason": "Frauen erreicht das Regelangebot nicht."},
        source="test",
    )
    record_change(
        measure,
        action="update",
        before={"last_reviewed_at": None},
        after={"last_reviewed_at": "2026-12-07T10:00:00+00:00"},
        source="round_review:1",
    )
    data, full = build_report(None)
    html = report_html(data)
    assert "Warum nicht statusunabhängig oder zielgruppenübergreifend" in html
    assert "zuletzt geprüft" in html and "Bestätigung in der Runde" in html
    workbook = load_workbook(io.BytesIO(report_xlsx(data, full)))
    texts = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    for name in FIELD_NAMES:
        assert name not in html
        assert not any(name in text for text in texts), name


def test_machine_suggestions_are_labelled_in_words() -> None:
    measure = make("Sprachkurs")
    Measure.objects.filter(pk=measure.pk).update(
        suggested_fields=["areas", "offer_type"],
        suggestion_notes={
            "areas": ["Sprache oder Deutschlernen wird genannt."],
            "offer_type": ["Kein Baustein."],
        },
    )
    client = Client()
    client.force_login(
        User.objects.create_user(
            "bmi", password="x", role="desk_officer", organisation=Organisation.objects.get(key="bmi")
        )
    )
    html = client.get(reverse("workspace:measure_detail", args=[measure.pk])).content.decode()
    assert "Bereiche – Sprache oder Deutschlernen wird genannt." in html
    assert "Einordnung – Kein Baustein." in html
    assert "areas:" not in html and "[&#x27;" not in html and "offer_type" not in html


# --- the IMAG PDF is tagged -----------------------------------------------------------------------


def pdf_objects(pdf: bytes) -> dict[int, bytes]:
    """A minimal PDF reader: every object by number, also those packed into object streams."""
    objects: dict[int, bytes] = {}
    for match in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S):
        objects[int(match.group(1))] = match.group(2)
    for number, body in list(objects.items()):
        if b"/ObjStm" not in body:
            continue
        head = re.search(rb"/N (\d+).*?/First (\d+)", body, re.S) or re.search(
            rb"/First (\d+).*?/N (\d+)", body, re.S
        )
        stream = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
        assert head is not None and stream is not None, number
        values = dict(re.findall(rb"/(N|First) (\d+)", body))
        count, first = int(values[b"N"]), int(values[b"First"])
        data = zlib.decompress(stream.group(1))
        pairs = [int(x) for x in data[:first].split()]
        offsets = [(pairs[i], pairs[i + 1]) for i in range(0, 2 * count, 2)]
        for index, (obj, offset) in enumerate(offsets):
            end = offsets[index + 1][1] if index + 1 < len(offsets) else len(data) - first
            objects[obj] = data[first + offset : first + end]
    return objects


def pdf_text_string(raw: bytes) -> str:
    """A PDF string as text: <feff…> (UTF-16 hex) or (literal)."""
    raw = raw.strip()
    if raw.startswith(b"<"):
        return bytes.fromhex(raw[1:-1].decode()).decode("utf-16")
    return raw[1:-1].decode("latin-1")


def test_imag_pdf_is_tagged_with_language_title_and_structure_tree() -> None:
    half_unclassified()
    data, _full = build_report(None)
    pdf = report_pdf(data)
    assert pdf.startswith(b"%PDF-1.7")
    objects = pdf_objects(pdf)
    catalog = next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog", body))
    root = re.search(rb"/StructTreeRoot (\d+) 0 R", catalog)
    assert root is not None, "no structure tree"
    assert re.search(rb"/Lang \(de\)", catalog)
    assert re.search(rb"/MarkInfo <</Marked true>>", catalog)
    assert b"/DisplayDocTitle true" in catalog
    tree = objects[int(root.group(1))]
    assert b"/StructTreeRoot" in tree and b"/K" in tree
    roles = set(re.findall(rb"/S /(\w+)", b"".join(objects.values())))
    assert {b"H1", b"Table", b"TH", b"TD"} <= roles  # headings and tables are tagged as such
    info_title = re.search(rb"/Title (<[0-9a-fA-F]+>|\([^)]*\))", b"".join(objects.values()))
    assert info_title is not None
    assert pdf_text_string(info_title.group(1)).startswith("Sachstand für die IMAG")
    assert date.today().year > 2000  # the report is dated; nothing else to check here
