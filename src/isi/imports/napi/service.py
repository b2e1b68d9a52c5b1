"""Write a parsed NAP-I into the database, in one transaction, idempotently.

What the import owns and what it leaves alone:

* Phases: the title (from the text). Themes: the introduction and the leads (from the text);
  theme titles come from catalog/data/nap_i_themes.json and are never overwritten.
* Measures, keyed by `source_key = "nap-i/{phase}/{theme}/{number}"`: title, organisations,
  funding note, NAP-I place, and the derived owner (unless a person fixed the owner, i.e.
  `owner_basis == "manual"`) follow the text on every run.
* Set only when a measure is created: level "bund", publication "released" with `released_at`,
  status "unknown", and the suggestions (areas, target groups, offer type, component). After
  that they belong to the people who keep the measure.

Every created or changed measure gets a change record with before/after snapshots and its
version goes up by one; a measure whose facts did not change is not saved at all, so a second
run with the same file changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from isi.catalog.loaders import read_data
from isi.catalog.models import Area, Component, Level, Phase, TargetGroup, Theme, ThemeLead
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.imports.napi.document import NapIDocument, NapIMeasure, NapIPhase, NapITheme
from isi.imports.napi.gazetteer import Gazetteer, OrgMention
from isi.imports.napi.owner import NoOwnerError, derive_owner
from isi.imports.napi.suggestions import suggest
from isi.imports.napi.text import collapse
from isi.measures.models import Measure, MeasureOrganisation
from isi.measures.services import OrganisationRole, measure_create, measure_update
from isi.measures.signals import announced_together
from isi.organisations.models import Organisation, OrganisationAlias

SOURCE = "import nap-i"


class NapIImportError(ValueError):
    """The document is readable but cannot be imported (e.g. a theme the catalogue lacks)."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def german(self) -> str:
        return f"{self.created} neu, {self.updated} geändert, {self.unchanged} unverändert"


@dataclass
class ImportReport:
    phases: Tally = field(default_factory=Tally)
    themes: Tally = field(default_factory=Tally)
    measures: Tally = field(default_factory=Tally)
    unresolved: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        names = ", ".join(self.unresolved) if self.unresolved else "keine"
        head = "Probelauf, nichts gespeichert – NAP-I gelesen" if self.dry_run else "NAP-I importiert"
        return (
            f"{head}: {self.phases.total} Phasen, {self.themes.total} Themenforen, "
            f"{self.measures.total} Maßnahmen ({self.measures.german()}); "
            f"nicht aufgelöste Organisationen: {names}"
        )

    def details(self) -> str:
        return f"Phasen: {self.phases.german()}; Themenforen: {self.themes.german()}"


def source_key(phase: int, theme: int, number: int) -> str:
    return f"nap-i/{phase}/{theme}/{number}"


def database_gazetteer() -> Gazetteer:
    """Names and aliases of every reviewed organisation; import-created ones stay unresolved."""
    names: dict[str, str] = {}
    aliases = OrganisationAlias.objects.filter(organisation__needs_review=False)
    for alias_name, org_name in aliases.values_list("name", "organisation__name"):
        names[alias_name] = org_name
    reviewed = Organisation.objects.filter(needs_review=False)
    for name, dissolved_on in reviewed.values_list("name", "dissolved_on"):
        if dissolved_on is not None and name in names:
            continue  # a succession made the old name an alias of the successor (BMBF → BMFTR)
        names[name] = name
    return Gazetteer(names)


def _roles(links: list[tuple[Organisation, str]]) -> list[OrganisationRole]:
    return [OrganisationRole(org.pk, role) for org, role in links]


def _differs(measure: Measure, name: str, value: Any) -> bool:
    if isinstance(value, models.Model):  # compare foreign keys by id, without loading them
        return bool(getattr(measure, f"{name}_id") != value.pk)
    return bool(getattr(measure, name) != value)


def import_nap_i(document: NapIDocument, *, source: str = SOURCE, dry_run: bool = False) -> ImportReport:
    """Import the whole document or nothing. With `dry_run` everything is rolled back."""
    with transaction.atomic():
        # One announcement for the whole import (search documents change in the same
        # transaction), made before a dry run marks the transaction for rollback.
        with announced_together():
            importer = _Importer(source)
            importer.check(document)
            for phase in document.phases:
                importer.import_phase(phase)
        importer.report.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return importer.report


class _Importer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.report = ImportReport()
        self.touched: list[int] = []
        self.gazetteer = database_gazetteer()
        self.orgs = {collapse(org.name): org for org in Organisation.objects.all()}
        self.catalog_themes = {
            (item["phase"], item["position"]): item for item in read_data("nap_i_themes.json")["themes"]
        }
        self.areas = {a.key: a for a in Area.objects.all()}
        self.groups = {g.key: g for g in TargetGroup.objects.all()}
        self.components = {c.key: c for c in Component.objects.all()}
        self.level: Level | None = Level.objects.filter(key="bund").first()
        # Existing measures and their organisation links, read once instead of per measure.
        placed = Measure.objects.filter(Q(source_key__startswith="nap-i/") | Q(nap_i_theme__isnull=False))
        self.by_key = {m.source_key: m for m in placed if m.source_key}
        self.by_place = {(m.nap_i_theme_id, m.nap_i_number): m for m in placed if m.nap_i_theme_id}
        self.links: dict[int, list[tuple[int, str]]] = defaultdict(list)
        rows = MeasureOrganisation.objects.filter(measure__in=placed).order_by("measure", "position", "pk")
        for measure_id, org_id, role in rows.values_list("measure_id", "organisation_id", "role"):
            self.links[measure_id].append((org_id, role))

    def check(self, document: NapIDocument) -> None:
        """Refuse before writing anything."""
        for theme in document.themes:
            if (theme.phase, theme.position) not in self.catalog_themes:
                raise NapIImportError(
                    f"Themenforum {theme.phase}.{theme.position} steht nicht im Katalog der "
                    f"Themenforen (nap_i_themes.json) / theme {theme.phase}.{theme.position} "
                    "is not in the theme catalogue"
                )
        if self.level is None:
            raise NapIImportError(
                "Ebene „bund“ fehlt im Katalog (isi migrate ausführen) / level “bund” missing"
            )

    # -- organisations --------------------------------------------------------------------

    def organisation(self, mention: OrgMention) -> Organisation:
        name = collapse(mention.name)
        org = self.orgs.get(name)
        if org is None:
            org = Organisation.objects.create(
                key=self._free_key(name),
                name=name[:300],
                kind=Organisation.Kind.OTHER,
                needs_review=True,
            )
            self.orgs[name] = org
        unresolved = not mention.resolved or org.needs_review
        if unresolved and name not in self.report.unresolved:
            self.report.unresolved.append(name)
        return org

    @staticmethod
    def _free_key(name: str) -> str:
        base = (slugify(name) or "organisation")[:70].strip("-")
        key, counter = base, 1
        while Organisation.objects.filter(key=key).exists():
            counter += 1
            key = f"{base}-{counter}"
        return key

    # -- phases and themes ----------------------------------------------------------------

    def import_phase(self, phase: NapIPhase) -> None:
        obj = Phase.objects.filter(number=phase.number).first()
        if obj is None:
            obj = Phase.objects.create(number=phase.number, title=phase.title)
            self.report.phases.created += 1
        elif obj.title != phase.title:
            before = {"title": obj.title}
            obj.title = phase.title
            obj.save(update_fields=["title"])
            self._record(obj, before, {"title": obj.title})
            self.report.phases.updated += 1
        else:
            self.report.phases.unchanged += 1
        for theme in phase.themes:
            self.import_theme(obj, theme)

    def import_theme(self, phase: Phase, theme: NapITheme) -> None:
        leads = self._unique([self.organisation(m) for m in self.gazetteer.resolve_leads(theme.leads)])
        obj = Theme.objects.filter(phase=phase, position=theme.position).first()
        if obj is None:
            item = self.catalog_themes[(theme.phase, theme.position)]
            obj = Theme.objects.create(
                phase=phase,
                position=theme.position,
                title=item["title"],
                title_en=item.get("title_en", ""),
                introduction=theme.introduction,
            )
            self._set_leads(obj, leads)
            self.report.themes.created += 1
        else:
            current = list(
                obj.lead_links.order_by("position", "pk").values_list("organisation_id", flat=True)
            )
            before = self._theme_facts(obj, current)
            changed = False
            if obj.introduction != theme.introduction:
                obj.introduction = theme.introduction
                obj.save(update_fields=["introduction"])
                changed = True
            if current != [org.pk for org in leads]:
                obj.lead_links.all().delete()
                self._set_leads(obj, leads)
                changed = True
            if changed:
                # Theme pages and every measure page of the theme show these (the pages' caches
                # and the search snapshot follow change records).
                self._record(obj, before, self._theme_facts(obj, [org.pk for org in leads]))
                self.report.themes.updated += 1
            else:
                self.report.themes.unchanged += 1
        for measure in theme.measures:
            self.import_measure(obj, leads, measure)

    @staticmethod
    def _theme_facts(theme: Theme, lead_ids: Sequence[int]) -> dict[str, Any]:
        names = Organisation.objects.in_bulk(list(lead_ids))
        return {
            "introduction": theme.introduction,
            "leads": [names[pk].name for pk in lead_ids if pk in names],
        }

    def _record(self, obj: models.Model, before: dict[str, Any], after: dict[str, Any]) -> None:
        record_change(obj, action=ChangeRecord.Action.UPDATE, before=before, after=after, source=self.source)

    @staticmethod
    def _set_leads(theme: Theme, leads: Sequence[Organisation]) -> None:
        ThemeLead.objects.bulk_create(
            ThemeLead(theme=theme, organisation=org, position=pos) for pos, org in enumerate(leads, 1)
        )

    @staticmethod
    def _unique(orgs: list[Organisation]) -> list[Organisation]:
        unique: list[Organisation] = []
        for org in orgs:
            if org not in unique:
                unique.append(org)
        return unique

    # -- measures -------------------------------------------------------------------------

    def import_measure(self, theme: Theme, leads: list[Organisation], item: NapIMeasure) -> None:
        key = source_key(theme.phase.number, theme.position, item.number)
        resolved = self.gazetteer.resolve_measure(item.organisation_lines)
        links: list[tuple[Organisation, str]] = []
        for mention in resolved.mentions:
            org = self.organisation(mention)
            if (org, mention.role) not in links:
                links.append((org, mention.role))
        try:
            owner = derive_owner([org for org, _role in links], leads)
        except NoOwnerError as exc:
            raise NapIImportError(f"Maßnahme {key}: {exc}") from None
        values: dict[str, Any] = {
            "title": item.title,
            "funding_note": resolved.funding_note,
            "nap_i_theme": theme,
            "nap_i_number": item.number,
            "owner": owner.owner,
            "owner_basis": owner.basis,
            "owner_explanation": owner.explanation,
        }
        measure = self.by_key.get(key) or self.by_place.get((theme.pk, item.number))
        if measure is None:
            self._create(key, theme, item, values, links)
        else:
            self._update(measure, key, values, links)

    def _create(
        self,
        key: str,
        theme: Theme,
        item: NapIMeasure,
        values: dict[str, Any],
        links: list[tuple[Organisation, str]],
    ) -> None:
        assert self.level is not None  # checked in check()
        hint = suggest(item.title, theme.title, theme.phase.number, theme.position)
        # Through the one write service, as a system write (no person: the rules record open
        # points instead of blocking, isi.measures.rules); it records the change and announces it.
        measure = measure_create(
            fields={
                **values,
                "source_key": key,
                "level": self.level,
                "status": Measure.Status.UNKNOWN,
                "publication": Measure.Publication.RELEASED,
                "released_at": timezone.now(),
                "offer_type": hint.offer_type,
                "component": self._lookup(self.components, hint.component) if hint.component else None,
                "suggested_fields": hint.fields,
                "suggestion_notes": hint.notes,
                # Imported, not reviewed by the owner (rule 2 asks the owner to look at it).
                "last_reviewed_at": None,
                "organisations": _roles(links),
                "areas": [self._lookup(self.areas, k) for k in hint.areas],
                "target_groups": [self._lookup(self.groups, k) for k in hint.target_groups],
            },
            source=self.source,
        )
        self.touched.append(measure.pk)
        self.report.measures.created += 1

    def _update(
        self,
        measure: Measure,
        key: str,
        values: dict[str, Any],
        links: list[tuple[Organisation, str]],
    ) -> None:
        if measure.owner_basis == Measure.OwnerBasis.MANUAL:
            for name in ("owner", "owner_basis", "owner_explanation"):
                values.pop(name)
        changed = [name for name, value in values.items() if _differs(measure, name, value)]
        current = self.links.get(measure.pk, [])
        links_changed = current != [(org.pk, role) for org, role in links]
        if not changed and not links_changed and measure.source_key == key:
            self.report.measures.unchanged += 1
            return
        changes: dict[str, Any] = {name: values[name] for name in changed}
        changes["source_key"] = key
        if links_changed:
            changes["organisations"] = _roles(links)
        measure_update(
            measure_id=measure.pk, expected_version=measure.version, changes=changes, source=self.source
        )
        self.touched.append(measure.pk)
        self.report.measures.updated += 1

    @staticmethod
    def _lookup[T](table: dict[str, T], key: str) -> T:
        try:
            return table[key]
        except KeyError:
            raise NapIImportError(
                f"Katalogschlüssel „{key}“ fehlt (Vorschlagsregel) / catalogue key “{key}” missing"
            ) from None
