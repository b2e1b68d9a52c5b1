"""A small world for the reports tests: users of every role, measures of two ministries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isi.accounts.models import User
from isi.catalog.models import Area, Level, TargetGroup
from isi.measures.models import Measure
from isi.organisations.models import Organisation

ROLES: dict[str, tuple[str, str | None]] = {
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}


@dataclass
class World:
    users: dict[str, User]
    bmi_draft: Measure
    bmas_draft: Measure
    bmas_released: Measure
    archived: Measure


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_world() -> World:
    users = {
        name: User.objects.create_user(
            username=name, password="x", role=role, organisation=org(org_key) if org_key else None
        )
        for name, (role, org_key) in ROLES.items()
    }
    bund = Level.objects.get(key="bund")
    sprache = Area.objects.get(key="sprache")
    frauen = TargetGroup.objects.get(key="frauen-maedchen")
    kinder = TargetGroup.objects.get(key="kinder-jugendliche")

    def measure(title: str, owner: str, *, released: bool = False, budget: str | None = None) -> Measure:
        m = Measure.objects.create(
            title=title,
            owner=org(owner),
            level=bund,
            publication=Measure.Publication.RELEASED if released else Measure.Publication.DRAFT,
            budget_eur=Decimal(budget) if budget else None,
        )
        m.areas.set([sprache])
        m.target_groups.set([frauen])
        return m

    bmi_draft = measure("Integrationskurs für Frauen", "bmi", budget="1234567.50")
    bmas_draft = measure('=HYPERLINK("http://evil") Berufssprachkurs', "bmas", budget="1000")
    bmas_released = measure("Jobcoaching für Mütter", "bmas", released=True, budget="250.25")
    bmas_released.target_groups.add(kinder)
    archived = measure("Alte Maßnahme", "bmi", released=True)
    from django.utils import timezone

    Measure.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    return World(users, bmi_draft, bmas_draft, bmas_released, archived)
