"""The IMAG report ("Sachstand") as plain data: sections of key figures and tables.

Assembled from the selectors of the apps that own the facts (measures, rounds, consultations,
coordination, evaluation); the PDF and XLSX renderers only lay this structure out, so both always
say the same. Scope: all measures, or those of one ministry (its own and its agencies').
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from isi.consultations.models import Consultation
from isi.coordination.selectors import confirmed_overlaps, open_proposals
from isi.core.models import ChangeRecord
from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.services import field_label
from isi.measures.visibility import Labeller
from isi.monitoring.evaluation.selectors import evaluation_overview
from isi.organisations.models import Organisation
from isi.reports.coverage import Dimension, Gap
from isi.reports.coverage_export import completeness_text, count_table, gap_table, unclassified_table
from isi.reports.selectors import coverage_matrix
from isi.reports.tables import Column, Kind, Table
from isi.rounds.selectors import closed_rounds

# Without any closed round, "changes since the last round" covers this many days.
FALLBACK_DAYS = 183
# The PDF lists at most this many changes; the XLSX has them all.
PDF_CHANGE_LIMIT = 300


@dataclass(frozen=True)
class Fact:
    label: str
    value: Any
    kind: Kind = Kind.INT


@dataclass
class Section:
    key: str  # anchor in the PDF
    title: str
    sheet: str  # XLSX sheet name (at most 31 characters)
    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ReportData:
    title: str
    scope_name: str
    generated_at: datetime
    today: date
    since: date
    since_label: str
    sections: list[Section]


def scope_measures(ministry: Organisation | None) -> MeasureQuerySet:
    """All measures, or those a ministry answers for: its own and its agencies' (two levels down)."""
    if ministry is None:
        return Measure.objects.all()
    return Measure.objects.filter(
        Q(owner=ministry) | Q(owner__parent=ministry) | Q(owner__parent__parent=ministry)
    )


class _AllTitles(Labeller):
    """No reader given (internal use): every title as it is."""

    def __init__(self) -> None:
        super().__init__(None)

    def prime(self, measure_ids: Any) -> None:
        return None

    def label(self, measure_id: int, title: str) -> str:
        return title


def _labeller(reader: Any) -> Labeller:
    """Measure titles for the report's reader (``isi.measures.visibility``); None: all titles."""
    return _AllTitles() if reader is None else Labeller(reader)


def _ministry_name(owner: Organisation) -> str:
    ressort = owner.ressort() or owner
    return ressort.short_name or ressort.name


def measures_section(measures: MeasureQuerySet) -> Section:
    active = list(measures.active().select_related("owner__parent__parent", "level"))
    by_status = Counter(m.status for m in active)
    by_level = Counter(m.level.label for m in active)
    by_ministry: dict[str, Counter[str]] = {}
    for m in active:
        by_ministry.setdefault(_ministry_name(m.owner), Counter())[m.publication] += 1
    released = sum(1 for m in active if m.publication == Measure.Publication.RELEASED)
    status_table = Table(
        _("Maßnahmen nach Status"),
        [Column(_("Status"), width=28), Column(_("Maßnahmen"), Kind.INT, 12)],
        [[label, by_status[value]] for value, label in Measure.Status.choices if by_status[value]],
        empty_text=_("Keine Maßnahmen."),
    )
    ministry_table = Table(
        _("Maßnahmen nach Ressort"),
        [
            Column(_("Ressort"), width=36),
            Column(_("Maßnahmen"), Kind.INT, 12),
            Column(_("freigegeben"), Kind.INT, 12),
            Column(_("Entwurf"), Kind.INT, 12),
        ],
        [
            [name, sum(c.values()), c[Measure.Publication.RELEASED], c[Measure.Publication.DRAFT]]
            for name, c in sorted(by_ministry.items())
        ],
        empty_text=_("Keine Maßnahmen."),
    )
    level_table = Table(
        _("Maßnahmen nach Ebene"),
        [Column(_("Ebene"), width=28), Column(_("Maßnahmen"), Kind.INT, 12)],
        [[label, count] for label, count in sorted(by_level.items())],
        empty_text=_("Keine Maßnahmen."),
    )
    return Section(
        "massnahmen",
        _("Maßnahmen"),
        _("Maßnahmen"),
        facts=[
            Fact(_("Maßnahmen (nicht archiviert)"), len(active)),
            Fact(_("davon freigegeben"), released),
            Fact(_("davon Entwurf"), len(active) - released),
            Fact(_("archiviert"), measures.filter(archived_at__isnull=False).count()),
            Fact(_("ohne Angabe zum Status"), by_status[Measure.Status.UNKNOWN]),
        ],
        tables=[status_table, ministry_table, level_table],
        notes=[
            _(
                "Ohne Angabe zum Status sind %(count)s von %(total)s Maßnahmen; die Zählung nach Status "
                "sagt über sie nichts. Ressort und Ebene hat jede Maßnahme."
            )
            % {"count": by_status[Measure.Status.UNKNOWN], "total": len(active)}
        ],
    )


# Where a change came from when no person made it (ChangeRecord.source), in words.
SOURCE_LABELS = {
    "api": "Schnittstelle (API)",
    "arbeitsbereich": "Arbeitsbereich",
    "excel": "Excel/CSV-Abgleich",
    "round_review": "Bestätigung in der Runde",
    "coordination": "Koordinierung",
    "kataloge": "Katalogpflege",
    "freigabe": "Freigabe",
    "demo": "Demodaten",
    "generate": "erzeugte Testdaten",
    "nap-i": "NAP-I-Import",
}


def source_label(source: str) -> str:
    """A change record's source in words ("round_review:3" → "Bestätigung in der Runde")."""
    if not source:
        return "–"
    key = source.split(":", 1)[0].strip().casefold()
    for known, label in SOURCE_LABELS.items():
        if key == known or key.startswith(known):
            return label
    return "System"


def last_round_start(today: date) -> tuple[date, datetime, str]:
    """Since when changes count: the last closed round's closing, else FALLBACK_DAYS ago."""
    last = closed_rounds().first()
    if last is not None and last.closed_at is not None:
        return (
            timezone.localtime(last.closed_at).date(),
            last.closed_at,
            _("seit Abschluss der Runde „%(title)s“") % {"title": last.title},
        )
    start = today - timedelta(days=FALLBACK_DAYS)
    moment = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    return (
        start,
        moment,
        _("in den letzten %(days)s Tagen (noch keine Runde abgeschlossen)") % {"days": FALLBACK_DAYS},
    )


def changes_section(
    measures: MeasureQuerySet, since: datetime, since_label: str, labels: Labeller | None = None
) -> tuple[Section, Table]:
    labels = labels or _AllTitles()
    ids = list(measures.values_list("pk", flat=True))
    records = list(
        ChangeRecord.objects.filter(object_type="measures.measure", object_id__in=ids, created_at__gte=since)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    actions = Counter(r.action for r in records)
    labels.prime(r.object_id for r in records)
    columns = [
        Column(_("Zeitpunkt"), Kind.DATETIME, 18),
        Column(_("Maßnahme"), width=48),
        Column(_("Aktion"), width=14),
        Column(_("geänderte Felder"), width=40),
        Column(_("durch"), width=22),
    ]
    rows = [
        [
            r.created_at,
            labels.label(r.object_id, r.object_repr),
            r.get_action_display(),
            ", ".join(field_label(name) for name in r.changed_fields())
            if r.action == ChangeRecord.Action.UPDATE
            else "",
            r.actor.get_username() if r.actor else source_label(r.source),
        ]
        for r in records
    ]
    caption = _("Änderungen an Maßnahmen %(since)s") % {"since": since_label}
    full = Table(caption, columns, rows, empty_text=_("Keine Änderungen."))
    shown = Table(caption, columns, rows[:PDF_CHANGE_LIMIT], empty_text=full.empty_text)
    section = Section(
        "aenderungen",
        _("Änderungen seit der letzten Runde"),
        _("Änderungen"),
        facts=[
            Fact(_("Änderungen"), len(records)),
            Fact(_("geänderte Maßnahmen"), len({r.object_id for r in records})),
            Fact(_("neu angelegt"), actions[ChangeRecord.Action.CREATE]),
            Fact(_("archiviert"), actions[ChangeRecord.Action.ARCHIVE]),
        ],
        tables=[shown],
    )
    if len(rows) > PDF_CHANGE_LIMIT:
        section.notes.append(
            _("Die PDF-Fassung zeigt die neuesten %(limit)s Änderungen; die XLSX-Datei enthält alle.")
            % {"limit": PDF_CHANGE_LIMIT}
        )
    return section, full


def consultations_section(measures: MeasureQuerySet, today: date, labels: Labeller | None = None) -> Section:
    labels = labels or _AllTitles()
    consultations = (
        Consultation.objects.filter(measure__in=measures.values("pk"))
        .exclude(state=Consultation.State.DECIDED)
        .select_related("measure__owner__parent__parent")
        .annotate(comment_count=Count("comments"))
        .order_by("comment_until", "id")
    )
    labels.prime(c.measure_id for c in consultations)
    rows = [
        [
            labels.of(c.measure),
            _ministry_name(c.measure.owner),
            c.get_kind_display(),
            c.comment_until,
            c.current_state_label(today),
            c.comment_count,
        ]
        for c in consultations
    ]
    table = Table(
        _("Offene IMAG-Abstimmungen (noch nicht entschieden)"),
        [
            Column(_("Maßnahme"), width=48),
            Column(_("Ressort"), width=16),
            Column(_("Art"), width=24),
            Column(_("Stellungnahmen bis"), Kind.DATE, 14),
            Column(_("Stand"), width=24),
            Column(_("Stellungnahmen"), Kind.INT, 12),
        ],
        rows,
        empty_text=_("Keine offenen Abstimmungen."),
    )
    waiting = sum(1 for c in consultations if c.current_state(today) == Consultation.State.CLOSED)
    return Section(
        "abstimmungen",
        _("Offene IMAG-Abstimmungen"),
        _("Abstimmungen"),
        facts=[
            Fact(_("noch nicht entschieden"), len(rows)),
            Fact(_("Frist abgelaufen, Entscheidung offen"), waiting),
        ],
        tables=[table],
    )


def _reason_text(reason: Any) -> str:
    if isinstance(reason, dict):
        return str(reason.get("label") or reason.get("kind") or "")
    return str(reason)


def proposals_section(ministry: Organisation | None, labels: Labeller | None = None) -> Section:
    labels = labels or _AllTitles()
    proposals = list(open_proposals(owner=ministry))
    overlaps = list(confirmed_overlaps(owner=ministry))
    labels.prime(
        [i.measure_id for p in proposals for i in p.items.all()]
        + [m for o in overlaps for m in (o.measure_a_id, o.measure_b_id)]
    )
    proposal_table = Table(
        _("Offene Konsolidierungsvorschläge"),
        [
            Column(_("Titel"), width=40),
            Column(_("Art"), width=22),
            Column(_("vorgeschlagen von"), width=22),
            Column(_("angelegt am"), Kind.DATE, 12),
            Column(_("Maßnahmen"), width=48),
        ],
        [
            [
                p.title,
                p.get_kind_display(),
                (p.proposer_organisation.short_name or p.proposer_organisation.name)
                if p.proposer_organisation
                else p.proposer.get_username(),
                timezone.localtime(p.created_at).date(),
                "; ".join(labels.of(item.measure) for item in p.items.all() if item.measure is not None),
            ]
            for p in proposals
        ],
        empty_text=_("Keine offenen Vorschläge."),
    )
    overlap_table = Table(
        _("Bestätigte Überschneidungen"),
        [
            Column(_("Maßnahme A"), width=40),
            Column(_("Ressort A"), width=14),
            Column(_("Maßnahme B"), width=40),
            Column(_("Ressort B"), width=14),
            Column(_("Ähnlichkeit"), Kind.PERCENT, 12),
            Column(_("Gründe"), width=40),
        ],
        [
            [
                labels.of(o.measure_a),
                _ministry_name(o.measure_a.owner),
                labels.of(o.measure_b),
                _ministry_name(o.measure_b.owner),
                o.score,
                "; ".join(filter(None, (_reason_text(r) for r in o.reasons or []))),
            ]
            for o in overlaps
        ],
        empty_text=_("Keine bestätigten Überschneidungen."),
    )
    return Section(
        "konsolidierung",
        _("Konsolidierungsvorschläge und Überschneidungen"),
        _("Konsolidierung"),
        facts=[
            Fact(_("offene Vorschläge"), len(proposals)),
            Fact(_("bestätigte Überschneidungen"), len(overlaps)),
        ],
        tables=[proposal_table, overlap_table],
    )


def coverage_section(measures: MeasureQuerySet) -> Section:
    """Gaps only where classification is complete enough (``coverage.MIN_CLASSIFIED_SHARE``)."""
    matrix = coverage_matrix(measures.active(), Dimension.AREAS)
    gaps = matrix.gaps()
    facts = [
        Fact(_("Maßnahmen ohne Zielgruppe"), matrix.without_rows),
        Fact(_("Maßnahmen ohne Bereich"), matrix.without_columns),
        Fact(_("nach Zielgruppe und Bereich zugeordnet"), matrix.classified_share, Kind.PERCENT),
    ]
    if matrix.judges_gaps:
        facts += [
            Fact(_("Zellen ohne Maßnahme"), sum(1 for *_, cell in gaps if cell.gap == Gap.EMPTY)),
            Fact(_("Zellen mit nur einer Maßnahme"), sum(1 for *_, cell in gaps if cell.gap == Gap.THIN)),
        ]
        gap_caption = _("Lücken: Zielgruppen und Bereiche ohne oder mit nur einer Maßnahme")
    else:
        facts.append(Fact(_("Zellen ohne Aussage (zu viele ohne Zuordnung)"), len(matrix.unknown())))
        gap_caption = _(
            "Keine Aussage über Lücken: leere oder schwach besetzte Zellen bei zu vielen "
            "Maßnahmen ohne Zuordnung"
        )
    return Section(
        "abdeckung",
        _("Abdeckungslücken"),
        _("Abdeckung"),
        facts=facts,
        tables=[
            gap_table(matrix, gap_caption, _("Bereich")),
            count_table(matrix, _("Maßnahmen je Zielgruppe und Bereich")),
            unclassified_table(
                matrix, _("Maßnahmen ohne Zielgruppe oder ohne Bereich, die zur Zelle gehören könnten")
            ),
        ],
        notes=[
            completeness_text(matrix, _("Zielgruppe"), _("Bereich")),
            _(
                "Eine Maßnahme zählt in jeder Zelle, zu der sie gehört; die Summen zählen jede Maßnahme "
                "nur einmal. Mittel werden nicht aufgeteilt."
            ),
        ],
    )


def evaluation_section(ministry: Organisation | None, today: date, labels: Labeller | None = None) -> Section:
    labels = labels or _AllTitles()
    overview = evaluation_overview(owner=ministry, today=today, list_limit=None)
    labels.prime(
        [e.measure_id for e in overview.overdue] + [e.measure_id for e in overview.undecided_model_projects]
    )
    ministry_table = Table(
        _("Erfolgskontrolle je Ressort"),
        [
            Column(_("Ressort"), width=36),
            Column(_("Maßnahmen"), Kind.INT, 12),
            Column(_("mit Planung"), Kind.INT, 12),
            Column(_("Anteil mit Planung"), Kind.PERCENT, 14),
            Column(_("überfällig"), Kind.INT, 12),
        ],
        [
            [
                row.short_name or row.name,
                row.coverage.total,
                row.coverage.with_plan,
                row.coverage.share,
                row.coverage.overdue,
            ]
            for row in overview.by_ministry
        ],
        empty_text=_("Keine Maßnahmen."),
    )
    overdue_table = Table(
        _("Überfällige Erfolgskontrollen"),
        [
            Column(_("Maßnahme"), width=48),
            Column(_("Ressort"), width=16),
            Column(_("Stand"), width=20),
            Column(_("fällig am"), Kind.DATE, 12),
            Column(_("Tage überfällig"), Kind.INT, 12),
        ],
        [
            [labels.label(e.measure_id, e.title), e.ministry, e.state_label, e.due_date, e.days_overdue]
            for e in overview.overdue
        ],
        empty_text=_("Keine überfälligen Erfolgskontrollen."),
    )
    model_table = Table(
        _("Modellprojekte ohne Entscheidung nach der Testphase"),
        [
            Column(_("Maßnahme"), width=48),
            Column(_("Ressort"), width=16),
            Column(_("Testphase bis"), Kind.DATE, 12),
            Column(_("Erfolgskontrolle"), width=22),
        ],
        [
            [labels.label(e.measure_id, e.title), e.ministry, e.test_phase_end, e.evaluation_state_label]
            for e in overview.undecided_model_projects
        ],
        empty_text=_("Keine offenen Entscheidungen."),
    )
    return Section(
        "erfolgskontrolle",
        _("Stand der Erfolgskontrolle"),
        _("Erfolgskontrolle"),
        facts=[
            Fact(_("Maßnahmen"), overview.total_measures),
            Fact(_("mit Planung der Erfolgskontrolle"), overview.with_plan),
            Fact(_("Anteil mit Planung"), overview.share_with_plan, Kind.PERCENT),
            Fact(_("ohne Eintrag zur Erfolgskontrolle"), overview.total_measures - overview.with_plan),
            Fact(_("überfällig"), overview.overdue_count),
            Fact(_("Modellprojekte ohne Entscheidung"), overview.undecided_count),
        ],
        tables=[ministry_table, overdue_table, model_table],
    )


Progress = Callable[[int, str], None]


def build_report(
    ministry: Organisation | None, *, progress: Progress | None = None, reader: Any = None
) -> tuple[ReportData, dict[str, Table]]:
    """The report for one scope, and the full tables the XLSX gets instead of the PDF's cut ones.

    `reader`: the person the report is for; measures they may not see are named neutrally
    ("Nicht veröffentlichte Maßnahme (ID n)"). None (internal use only): every title.
    """
    labels = _labeller(reader)
    step: Progress = progress or (lambda percent, label: None)
    now = timezone.now()
    today = timezone.localdate(now)
    measures = scope_measures(ministry)
    since_day, since, since_label = last_round_start(today)
    step(10, _("Maßnahmen"))
    sections = [measures_section(measures)]
    step(20, _("Änderungen"))
    changes, full_changes = changes_section(measures, since, since_label, labels)
    sections.append(changes)
    step(30, _("Abstimmungen"))
    sections.append(consultations_section(measures, today, labels))
    step(40, _("Konsolidierung"))
    sections.append(proposals_section(ministry, labels))
    step(50, _("Abdeckung"))
    sections.append(coverage_section(measures))
    step(60, _("Erfolgskontrolle"))
    sections.append(evaluation_section(ministry, today, labels))
    scope_name = ministry.name if ministry is not None else _("alle Ressorts")
    data = ReportData(
        title=_("Sachstand für die IMAG"),
        scope_name=scope_name,
        generated_at=now,
        today=today,
        since=since_day,
        since_label=since_label,
        sections=sections,
    )
    return data, {"aenderungen": full_changes}
