"""The authorisation matrix for measures: who sees, who changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.core.permissions import can_manage_catalogues
from isi.measures.models import Measure, MeasureOrganisation
from isi.measures.permissions import (
    can_change_measure,
    can_create_measure,
    can_view_measure,
    visible_measures,
)
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_user(username: str, role: str, org_key: str | None) -> User:
    return User.objects.create_user(
        username=username, password="x", role=role, organisation=org(org_key) if org_key else None
    )


def make_measure(title: str, owner: str, *, released: bool, implementer: str | None = None) -> Measure:
    measure = Measure.objects.create(
        title=title,
        owner=org(owner),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED if released else Measure.Publication.DRAFT,
    )
    if implementer:
        MeasureOrganisation.objects.create(measure=measure, organisation=org(implementer), role="responsible")
    return measure


@pytest.fixture
def world() -> dict[str, Measure]:
    return {
        "bmi_draft": make_measure("BMI-Entwurf", "bmi", released=False, implementer="bamf"),
        "bmi_public": make_measure("BMI öffentlich", "bmi", released=True),
        "bamf_own_draft": make_measure("BAMF-Entwurf", "bamf", released=False),
        "bmas_draft": make_measure("BMAS-Entwurf", "bmas", released=False),
        "bmas_public": make_measure("BMAS öffentlich", "bmas", released=True),
    }


USERS = {
    "anonymous": None,
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
}

# (user, measure) → (may see, may change)
MATRIX = {
    "anonymous": {"bmi_draft": (0, 0), "bmi_public": (1, 0), "bamf_own_draft": (0, 0), "bmas_draft": (0, 0)},
    "bmi": {
        "bmi_draft": (1, 1),
        "bmi_public": (1, 1),
        "bamf_own_draft": (1, 1),
        "bmas_draft": (0, 0),
        "bmas_public": (1, 0),
    },
    "bmas": {"bmi_draft": (0, 0), "bmi_public": (1, 0), "bmas_draft": (1, 1), "bmas_public": (1, 1)},
    "bamf": {"bmi_draft": (1, 1), "bmi_public": (1, 0), "bamf_own_draft": (1, 1), "bmas_draft": (0, 0)},
    "koordination": {"bmi_draft": (1, 0), "bmas_draft": (1, 0), "bmas_public": (1, 0)},
    "leser": {"bmi_draft": (1, 0), "bmas_public": (1, 0)},
}

CASES = [(user, measure, expected) for user, row in MATRIX.items() for measure, expected in row.items()]


@pytest.mark.parametrize(("who", "measure_key", "expected"), CASES)
def test_permission_matrix(
    world: dict[str, Measure], who: str, measure_key: str, expected: tuple[int, int]
) -> None:
    spec = USERS[who]
    user = AnonymousUser() if spec is None else make_user(who, spec[0], spec[1])
    measure = world[measure_key]
    may_see, may_change = expected
    assert can_view_measure(user, measure) is bool(may_see)
    assert (measure in visible_measures(user)) is bool(may_see)
    assert can_change_measure(user, measure) is bool(may_change)


def test_disabled_user_sees_only_public(world: dict[str, Measure]) -> None:
    user = make_user("weg", "desk_officer", "bmi")
    user.is_active = False
    assert not can_change_measure(user, world["bmi_draft"])
    assert world["bmi_draft"] not in visible_measures(user)


def test_creation_is_limited_to_own_ministry_and_its_agencies() -> None:
    bmi = make_user("bmi", "desk_officer", "bmi")
    assert can_create_measure(bmi, org("bmi"))
    assert can_create_measure(bmi, org("bamf"))
    assert not can_create_measure(bmi, org("bmas"))
    assert not can_create_measure(make_user("k", "coordination", "ib"), org("bmi"))
    assert not can_create_measure(AnonymousUser())


def test_only_coordination_and_admin_manage_catalogues() -> None:
    assert can_manage_catalogues(make_user("k", "coordination", "ib"))
    assert not can_manage_catalogues(make_user("bmi", "desk_officer", "bmi"))
    assert not can_manage_catalogues(AnonymousUser())
