"""`isi import nap-i`: the real seed into the database, idempotency, variants, rejection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from isi.catalog.loaders import theme_titles
from isi.catalog.models import Area, Phase, Theme
from isi.core.models import ChangeRecord
from isi.imports.napi.document import NapIDocument, NapIMeasure, NapIPhase, NapITheme
from isi.imports.napi.facts import FACTS_PATH, read_facts
from isi.imports.napi.parser import parse_nap_i
from isi.imports.napi.service import ImportReport, NapIImportError, import_nap_i
from isi.measures.models import Measure
from isi.measures.snapshots import measure_snapshot
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
FRAGMENT = REPO / "tests" / "fixtures" / "napi" / "fragment.txt"
IB = "Die Beauftragte der Bundesregierung für Migration, Flüchtlinge und Integration"
BMI = "Bundesministerium des Innern"
AA = "Auswärtiges Amt"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_nap_i", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def measure(key: str) -> Measure:
    return Measure.objects.get(source_key=f"nap-i/{key}")


def orgs(key: str) -> list[tuple[str, str]]:
    return [(link.organisation.name, link.role) for link in measure(key).organisation_links.all()]


def snapshots() -> dict[str | None, dict[str, Any]]:
    return {m.source_key: measure_snapshot(m) for m in Measure.objects.all()}


def state() -> tuple[int, int, int, list[int]]:
    return (
        Measure.objects.count(),
        ChangeRecord.objects.count(),
        Organisation.objects.count(),
        list(Measure.objects.order_by("pk").values_list("version", flat=True)),
    )


@pytest.fixture
def seed_bytes(nap_i_seed_path: Path) -> bytes:
    return nap_i_seed_path.read_bytes()


@pytest.fixture
def imported(nap_i_seed_path: Path) -> str:
    return run(str(nap_i_seed_path))


# -- the seed -------------------------------------------------------------------------------


def test_summary_of_first_import(imported: str) -> None:
    assert imported.splitlines()[0] == (
        "NAP-I importiert: 5 Phasen, 24 Themenforen, 114 Maßnahmen (114 neu, 0 geändert, "
        "0 unverändert); nicht aufgelöste Organisationen: keine"
    )
    assert Measure.objects.count() == 114
    assert not Organisation.objects.filter(needs_review=True).exists()


def test_phases_and_themes(imported: str) -> None:
    assert Phase.objects.get(number=3).title == (
        "Eingliederung: Teilhabe ermöglichen – Leistung fordern und fördern"
    )
    assert Phase.objects.get(number=1).title == "Erwartungen steuern – Orientierung geben"
    titles = theme_titles()
    for theme in Theme.objects.select_related("phase"):
        assert theme.title == titles[(theme.phase.number, theme.position)]  # not overwritten
        assert theme.introduction
    media = Theme.objects.get(phase__number=4, position=4)
    assert media.introduction.startswith("Gesellschaftliche Vielfalt ist in Deutschland")
    assert "\n\n" in media.introduction
    leads = Theme.objects.get(phase__number=3, position=4).lead_links.all()
    assert [link.organisation.name for link in leads] == [BMI, IB]


def test_exact_titles(imported: str) -> None:
    assert measure("1/1/1").title == (
        "Vernetzung der Angebote und Akteure - Handbook Germany und Rumors about Germany"
    )
    assert measure("4/4/1").title.startswith('Fortbildung "Medien - Integration – Migration"')
    assert measure("1/1/2").title == "Evaluierung der Plattform „Mein Weg nach Deutschland“"
    assert measure("2/1/2").title.endswith(
        "unter andrem zur frühzeitigen Identifizierung von Langsamlernenden"
    )
    assert measure("4/5/5").title == "„Bericht zur Diversität im Kultur- und Medienbereich in Deutschland“"


def test_nap_i_places_and_defaults(imported: str) -> None:
    m = measure("5/1/6")
    assert (m.nap_i_theme and m.nap_i_theme.phase.number, m.nap_i_theme.position, m.nap_i_number) == (5, 1, 6)
    assert measure_snapshot(m)["nap_i"] == {"phase": 5, "theme": 1, "number": 6}
    for m in Measure.objects.all():
        assert m.level.key == "bund"
        assert m.publication == Measure.Publication.RELEASED and m.released_at is not None
        assert m.status == Measure.Status.UNKNOWN
        assert m.version == 1
        assert m.nap_i_theme is not None
        assert m.source_key == (
            f"nap-i/{m.nap_i_theme.phase.number}/{m.nap_i_theme.position}/{m.nap_i_number}"
        )
    assert Measure.objects.public().count() == 114


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1/1/1", [(AA, "responsible"), ("Neue deutsche Medienmacher*innen e. V.", "responsible")]),
        (
            "1/3/2",
            [
                ("Türkische Gemeinde in Deutschland", "responsible"),
                ("Föderation Türkischer Elternvereine in Deutschland e.V.", "responsible"),
                ("Verband deutsch-syrischer Hilfsvereine e.V.", "responsible"),
            ],
        ),
        (
            "2/3/3",
            [
                ("Bundesministerium für Arbeit und Soziales", "responsible"),
                ("Bundesagentur für Arbeit", "responsible"),
                # The NAP-I names the BMBF; since 6 May 2025 it is the BMFTR (register successions).
                ("Bundesministerium für Forschung, Technologie und Raumfahrt", "funder"),
            ],
        ),
        ("1/3/5", [("Diakonie Deutschland", "responsible"), (IB, "funder")]),
        (
            "5/1/4",
            [
                ("Minor e.V.", "responsible"),
                (IB, "funder"),
                ("Bundeszentrale für politische Bildung", "funder"),
            ],
        ),
        ("5/2/2", [(IB, "responsible"), ("Alle Bundesressorts", "responsible")]),
        ("1/3/4", [(IB, "responsible")]),
        ("4/3/1", [(BMI, "responsible")]),
    ],
)
def test_organisations_per_measure(imported: str, key: str, expected: list[tuple[str, str]]) -> None:
    assert orgs(key) == expected


def test_funding_notes(imported: str) -> None:
    assert measure("1/3/5").funding_note == "Förderung durch die Integrationsbeauftragte"
    assert measure("5/1/4").funding_note == (
        "Förderung durch die Integrationsbeauftragte und die Bundeszentrale für politische Bildung"
    )
    assert measure("1/1/1").funding_note == ""
    assert Measure.objects.exclude(funding_note="").count() == 9


def test_aliases_fold_to_one_organisation(imported: str) -> None:
    bmi = Organisation.objects.get(key="bmi")
    assert Measure.objects.filter(organisation_links__organisation=bmi).count() >= 10
    assert Theme.objects.filter(lead_links__organisation=bmi).count() == 8
    assert not Organisation.objects.filter(name__startswith="Bundesministerium des Innern,").exists()
    ib = Organisation.objects.get(key="ib")
    assert measure("1/3/4").organisation_links.get().organisation == ib


@pytest.mark.parametrize(
    ("key", "owner", "basis", "explanation"),
    [
        ("1/1/2", AA, "theme_lead", f"erste Federführung des Themenforums: {AA}"),
        ("2/1/1", BMI, "agency_parent", "(Bundesamt für Migration und Flüchtlinge)"),
        ("1/3/5", IB, "named_ressort", f"Erstes genanntes Bundesressort: {IB}"),
        ("1/1/1", AA, "named_ressort", f"Erstes genanntes Bundesressort: {AA}"),
        ("5/2/1", BMI, "theme_lead", "Kein Bundesressort"),
        ("1/2/3", "Bundesministerium für Arbeit und Soziales", "agency_parent", "Bundesagentur"),
    ],
)
def test_owner_derivation(imported: str, key: str, owner: str, basis: str, explanation: str) -> None:
    m = measure(key)
    assert (m.owner.name, m.owner_basis) == (owner, basis)
    assert explanation in m.owner_explanation
    assert m.owner.is_ressort


def test_suggestions_are_stored_and_marked(imported: str) -> None:
    m = measure("2/1/4")  # Zertifikatsprüfungen für die Berufssprachkurse
    assert (m.offer_type, m.component and m.component.key) == ("component", "berufssprache")
    assert "sprache" in {a.key for a in m.areas.all()}
    assert m.suggested_fields == ["areas", "offer_type", "component"]
    assert set(m.suggestion_notes) == set(m.suggested_fields)
    pre = measure("1/3/1")
    assert (pre.offer_type, pre.component) == ("pre_integration", None)
    assert measure("3/2/1").target_groups.filter(key="kinder-jugendliche").exists()


def test_one_create_record_per_measure(imported: str) -> None:
    records = ChangeRecord.objects.filter(object_type="measures.measure")
    assert records.count() == 114
    record = records.get(object_id=measure("1/1/1").pk)
    assert (record.action, record.source, record.before) == ("create", "import nap-i", None)
    assert record.after == measure_snapshot(measure("1/1/1"))


# -- idempotency and updates ----------------------------------------------------------------


def test_second_run_changes_nothing(imported: str, nap_i_seed_path: Path) -> None:
    before_state, before_snapshots = state(), snapshots()
    updated_at = dict(Measure.objects.values_list("pk", "updated_at"))
    output = run(str(nap_i_seed_path))
    assert "(0 neu, 0 geändert, 114 unverändert)" in output
    assert (
        "Phasen: 0 neu, 0 geändert, 5 unverändert; Themenforen: 0 neu, 0 geändert, 24 unverändert" in output
    )
    assert state() == before_state
    assert snapshots() == before_snapshots
    assert dict(Measure.objects.values_list("pk", "updated_at")) == updated_at


def test_changed_measure_is_restored_with_version_and_record(imported: str, seed_bytes: bytes) -> None:
    m = measure("1/1/1")
    m.title = "Von Hand geändert"
    m.save()
    Measure.objects.filter(pk=m.pk).update(funding_note="x")
    report = import_nap_i(parse_nap_i(seed_bytes))
    assert (report.measures.created, report.measures.updated, report.measures.unchanged) == (0, 1, 113)
    m.refresh_from_db()
    assert m.title.startswith("Vernetzung der Angebote") and m.funding_note == ""
    assert m.version == 2
    record = ChangeRecord.objects.filter(
        object_type="measures.measure", object_id=m.pk, action="update"
    ).get()
    assert record.before and record.after
    assert record.before["title"] == "Von Hand geändert"
    assert set(record.changed_fields()) == {"title", "funding_note"}


def test_text_change_updates_organisations(imported: str, seed_bytes: bytes) -> None:
    changed = seed_bytes.replace(
        b"    Goethe Institut\n",
        b"    Goethe Institut\n    Deutscher Akademischer Austauschdienst\n",
    )
    report = import_nap_i(parse_nap_i(changed))
    assert report.measures.updated == 1
    m = measure("1/1/2")
    assert [name for name, _role in orgs("1/1/2")] == [
        "Goethe-Institut",
        "Deutscher Akademischer Austauschdienst",
    ]
    assert m.version == 2


def test_edits_by_people_survive_reimport(imported: str, seed_bytes: bytes) -> None:
    m = measure("1/1/1")
    m.areas.set(Area.objects.filter(key="gesellschaft"))
    m.status = Measure.Status.RUNNING
    m.owner = Organisation.objects.get(key="bmi")
    m.owner_basis = Measure.OwnerBasis.MANUAL
    m.save()
    report = import_nap_i(parse_nap_i(seed_bytes))
    assert report.measures.unchanged == 114
    m.refresh_from_db()
    assert [a.key for a in m.areas.all()] == ["gesellschaft"]
    assert (m.status, m.owner.key, m.owner_basis) == ("running", "bmi", "manual")


def test_theme_introduction_and_leads_are_restored(imported: str, seed_bytes: bytes) -> None:
    theme = Theme.objects.get(phase__number=1, position=1)
    theme.introduction = "alt"
    theme.save()
    theme.lead_links.all().delete()
    report = import_nap_i(parse_nap_i(seed_bytes))
    assert (report.themes.updated, report.themes.unchanged) == (1, 23)
    theme.refresh_from_db()
    assert theme.introduction.startswith("Viele unterschiedliche Personengruppen")
    assert [link.organisation.name for link in theme.lead_links.all()] == [AA]


# -- harmless variants ----------------------------------------------------------------------

VARIANTS = {
    "crlf": lambda b: b.replace(b"\n", b"\r\n"),
    "no-braille": lambda b: b.replace("\u2800".encode(), b""),
    "nbsp": lambda b: b.replace(b"\n    ", "\n\u00a0\u00a0\u00a0\u00a0".encode()).replace(
        " für ".encode(), " für\u00a0".encode()
    ),
    "nbsp-for-every-space": lambda b: b.replace(b" ", "\u00a0".encode()),
    "extra-braille": lambda b: b.replace(b"\n", "\u2800\n\u2800".encode()),
    "doubled-blank-lines": lambda b: b.replace(b"\n\n", b"\n\n\n\n"),
    "blank-line-after-every-line": lambda b: b.replace(b"\n", b"\n\n"),
    "final-newline": lambda b: b + b"\n",
    "no-final-newline": lambda b: b.rstrip(),
    "bom": lambda b: b"\xef\xbb\xbf" + b,
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_harmless_variant_gives_the_same_measures(imported: str, seed_bytes: bytes, name: str) -> None:
    variant = VARIANTS[name](seed_bytes)
    assert variant != seed_bytes or name == "no-final-newline"
    assert parse_nap_i(variant) == parse_nap_i(seed_bytes)
    before = snapshots()
    report = import_nap_i(parse_nap_i(variant))
    assert (report.measures.unchanged, report.themes.unchanged, report.phases.unchanged) == (114, 24, 5)
    assert snapshots() == before


# -- rejection: nothing written, clear message ----------------------------------------------


def _without_line(data: bytes, index: int) -> bytes:
    lines = data.split(b"\n")
    del lines[index]
    return b"\n".join(lines)


@pytest.mark.parametrize(
    ("name", "make", "line"),
    [
        ("empty", lambda b: b"", 1),
        ("whitespace", lambda b: b"  \n\n  ", 1),
        ("binary", lambda b: b[:200] + b"\x00" + b[200:], 5),
        ("not-utf8", lambda b: b.replace(b"Phase II", b"Phase \xff II"), 128),
        ("no-federfuehrung", lambda b: _without_line(b, 14), 17),  # line 15 "Federführung:" gone
        ("measure-without-organisations", lambda b: _without_line(b, 22), 22),
        ("no-phase-heading", lambda b: b.replace(b"Phase ", b"Abschnitt "), 15),
    ],
)
def test_malformed_input_is_rejected_and_nothing_written(
    seed_bytes: bytes, tmp_path: Path, name: str, make: Any, line: int
) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(make(seed_bytes))
    before = state()
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert str(info.value).startswith(f"Zeile {line}: ")
    assert info.value.returncode == 1
    assert state() == before
    assert not Phase.objects.exclude(title="").exists()


def test_rejection_after_import_changes_nothing(imported: str, seed_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(_without_line(seed_bytes, 22))
    before, before_snapshots = state(), snapshots()
    with pytest.raises(CommandError):
        run(str(path))
    assert state() == before and snapshots() == before_snapshots


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Datei nicht gefunden"):
        run(str(tmp_path / "fehlt.txt"))


def test_cli_prints_message_without_traceback(tmp_path: Path, seed_bytes: bytes) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(_without_line(seed_bytes, 22))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "ISI_TESTING": "1",
        "ISI_VAR_DIR": str(tmp_path),
    }
    isi = Path(sys.executable).with_name("isi")
    for args, expected in [
        ([str(bad)], "Fehler: Zeile 22: Maßnahme „Evaluierung der Plattform"),
        ([str(tmp_path / "fehlt.txt")], "Fehler: Datei nicht gefunden"),
    ]:
        result = subprocess.run(
            [str(isi), "import", "nap-i", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1, result.stderr
        assert expected in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_dry_run_writes_nothing(nap_i_seed_path: Path) -> None:
    before = state()
    output = run(str(nap_i_seed_path), "--dry-run")
    assert output.startswith("Probelauf, nichts gespeichert – NAP-I gelesen: 5 Phasen, 24 Themenforen, 114")
    assert "(114 neu, 0 geändert, 0 unverändert)" in output
    assert state() == before
    assert not Phase.objects.exclude(title="").exists()


def test_unknown_theme_is_refused_before_writing() -> None:
    doc = NapIDocument(
        phases=(
            NapIPhase(
                number=1,
                title="A – B",
                themes=(
                    NapITheme(
                        phase=1,
                        position=9,
                        introduction="",
                        leads=(AA,),
                        measures=(NapIMeasure(number=1, title="X", organisation_lines=(AA,)),),
                    ),
                ),
            ),
        )
    )
    before = state()
    with pytest.raises(NapIImportError, match=r"Themenforum 1\.9"):
        import_nap_i(doc)
    assert state() == before


# -- unresolved organisations ---------------------------------------------------------------


def test_unresolved_organisations_are_created_for_review_and_reported(tmp_path: Path) -> None:
    text = FRAGMENT.read_text(encoding="utf-8").replace(
        "    Goethe Institut", "    Goethe Institut, Verein Unbekannt e.V. / Stiftung Nirgendwo"
    )
    path = tmp_path / "fragment.txt"
    path.write_text(text, encoding="utf-8")
    output = run(str(path))
    assert output.splitlines()[0] == (
        "NAP-I importiert: 3 Phasen, 4 Themenforen, 6 Maßnahmen (6 neu, 0 geändert, 0 unverändert); "
        "nicht aufgelöste Organisationen: Verein Unbekannt e.V., Stiftung Nirgendwo"
    )
    created = Organisation.objects.filter(needs_review=True).order_by("name")
    assert [(o.name, o.kind) for o in created] == [
        ("Stiftung Nirgendwo", "other"),
        ("Verein Unbekannt e.V.", "other"),
    ]
    assert [name for name, _ in orgs("1/1/2")] == [
        "Goethe-Institut",
        "Verein Unbekannt e.V.",
        "Stiftung Nirgendwo",
    ]
    again = run(str(path))
    assert "(0 neu, 0 geändert, 6 unverändert); nicht aufgelöste Organisationen: Verein Unbekannt" in again
    assert Organisation.objects.filter(needs_review=True).count() == 2


def test_fragment_import_report_counts() -> None:
    report = import_nap_i(parse_nap_i(FRAGMENT.read_bytes()))
    assert isinstance(report, ImportReport)
    assert (report.phases.updated, report.themes.updated, report.measures.created) == (3, 4, 6)
    assert report.unresolved == []
    assert measure("1/2/1").owner.key == "bmas"


# -- facts file -----------------------------------------------------------------------------


def test_committed_facts_import_without_the_seed() -> None:
    output = run("--facts", str(FACTS_PATH))
    assert (
        "114 Maßnahmen (114 neu, 0 geändert, 0 unverändert); nicht aufgelöste Organisationen: keine" in output
    )
    assert Phase.objects.get(number=3).title.startswith("Eingliederung: Teilhabe")
    assert measure("1/3/5").owner.key == "ib"


def test_committed_facts_match_the_seed(nap_i_seed_path: Path, seed_bytes: bytes) -> None:
    assert read_facts(FACTS_PATH) == parse_nap_i(seed_bytes)
    run(str(nap_i_seed_path))
    from_seed = snapshots()
    output = run("--facts", str(FACTS_PATH))
    assert "(0 neu, 0 geändert, 114 unverändert)" in output
    assert snapshots() == from_seed


def test_write_facts_reproduces_the_committed_file(nap_i_seed_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "facts.json"
    output = run(str(nap_i_seed_path), "--write-facts", str(target))
    assert "nichts importiert" in output
    assert Measure.objects.count() == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        FACTS_PATH.read_text(encoding="utf-8")
    )
    assert target.read_bytes() == FACTS_PATH.read_bytes()


def test_broken_facts_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"version": 1, "phases": [{"number": 1}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="Fakten-Datei"):
        run("--facts", str(path))
    path.write_text("{kein json", encoding="utf-8")
    with pytest.raises(CommandError, match="kein gültiges JSON"):
        run("--facts", str(path))


def test_exactly_one_source() -> None:
    with pytest.raises(CommandError, match="genau eine Quelle"):
        run()
    with pytest.raises(CommandError, match="genau eine Quelle"):
        run(str(FRAGMENT), "--facts", str(FACTS_PATH))


def test_reimported_change_is_found_by_search(nap_i_seed_path: Path) -> None:
    """A title changed by a second import is searchable at once (the index moves with the import)."""
    from isi.search.filters import MeasureFilter
    from isi.search.selectors import search_public_measures

    text = nap_i_seed_path.read_text(encoding="utf-8")
    call_command("import_nap_i", str(nap_i_seed_path), stdout=StringIO())
    assert search_public_measures(MeasureFilter(q="Zebrastreifenprogramm")).count == 0
    changed = text.replace("Runder Tisch Anerkennung", "Runder Tisch Zebrastreifenprogramm")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        handle.write(changed)
    call_command("import_nap_i", handle.name, stdout=StringIO())
    assert search_public_measures(MeasureFilter(q="Zebrastreifenprogramm")).count == 1


def test_restored_theme_leads_and_phase_title_are_recorded(imported: str, seed_bytes: bytes) -> None:
    """Measure pages show a theme's leads: a re-import that changes them leaves a change record
    (the pages' caches and the search snapshot follow change records), and so does a phase title."""
    theme = Theme.objects.get(phase__number=1, position=1)
    theme.lead_links.all().delete()
    Phase.objects.filter(number=2).update(title="Alter Titel")
    records = ChangeRecord.objects.count()
    import_nap_i(parse_nap_i(seed_bytes))
    assert ChangeRecord.objects.count() == records + 2
    lead_record = ChangeRecord.objects.filter(object_type="catalog.theme", object_id=theme.pk).latest("id")
    assert (lead_record.action, lead_record.source) == ("update", "import nap-i")
    assert lead_record.before is not None and lead_record.before["leads"] == []
    assert lead_record.after is not None and lead_record.after["leads"] == [AA]
    assert lead_record.changed_fields() == ["leads"]
    phase_record = ChangeRecord.objects.filter(object_type="catalog.phase").latest("id")
    assert phase_record.before == {"title": "Alter Titel"}
