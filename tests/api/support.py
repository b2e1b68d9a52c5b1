"""Shared builders for the API tests: people of every role, measures of every kind, tokens.

Plain functions (no fixtures), so each test module states its fixtures itself.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from isi.accounts.models import User
from isi.api.models import ApiToken
from isi.catalog.models import Area, Level
from isi.measures.models import Measure
from isi.measures.services import OrganisationRole, measure_create
from isi.organisations.models import Organisation

API = "/api/v1"

# username → (role, organisation key); "anonymous" has no account.
ROLES: dict[str, tuple[str, str | None] | None] = {
    "anonymous": None,
    "bmi": ("desk_officer", "bmi"),
    "bmas": ("desk_officer", "bmas"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
}

# measure kind → (owner, released, implementing organisation)
KINDS: dict[str, tuple[str, bool, str | None]] = {
    "bmi_draft": ("bmi", False, "bamf"),
    "bmi_public": ("bmi", True, None),
    "bamf_own_draft": ("bamf", False, None),
    "bmas_draft": ("bmas", False, None),
    "bmas_public": ("bmas", True, None),
}


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_user(username: str, *, active: bool = True) -> User:
    spec = ROLES[username]
    assert spec is not None
    role, org_key = spec
    return User.objects.create_user(
        username=username,
        password="x",
        role=role,
        organisation=org(org_key) if org_key else None,
        is_active=active,
    )


def make_measure(
    title: str, owner: str, *, released: bool, implementer: str | None = None, **extra: Any
) -> Measure:
    fields: dict[str, Any] = {
        "title": title,
        "summary": f"Zusammenfassung von {title}",
        "owner": org(owner),
        "level": Level.objects.get(key="bund"),
        "publication": Measure.Publication.RELEASED if released else Measure.Publication.DRAFT,
        "areas": [Area.objects.get(key="sprache")],
        **extra,
    }
    if implementer:
        fields["organisations"] = [OrganisationRole(org(implementer).pk, "responsible")]
    return measure_create(fields=fields, source="test")


def make_world() -> dict[str, Measure]:
    return {
        kind: make_measure(f"Maßnahme {kind}", owner, released=released, implementer=implementer)
        for kind, (owner, released, implementer) in KINDS.items()
    }


def token_for(user: User, name: str = "test") -> str:
    _token, secret = ApiToken.issue(user, name=name)
    return secret


def client_for(username: str) -> Client:
    """A test client acting as `username` with a Bearer token (anonymous: no credentials)."""
    if username == "anonymous":
        return Client()
    user = User.objects.filter(username=username).first() or make_user(username)
    return Client(headers={"Authorization": f"Bearer {token_for(user)}"})


def valid_new_measure(owner: str = "bmi", **extra: Any) -> dict[str, Any]:
    """A POST body that satisfies every rule of the Leitfaden."""
    return {
        "title": "Neue Sprachlotsen",
        "owner": owner,
        "summary": "Lotsen begleiten Neuzugewanderte in den ersten Wochen.",
        "regular_system_reason": "Das Regelsystem erreicht Neuzugewanderte in den ersten Wochen nicht.",
        "offer_type": "complementary",
        "complementary_need": "Begleitung in der Ankunftsphase",
        "areas": ["sprache"],
        "evaluation": {"state": "planned", "method": "Befragung der Teilnehmenden"},
        **extra,
    }


def new_measure_data(**overrides: Any) -> dict[str, Any]:
    """A POST body of the work area's "new measure" form that satisfies every rule of the Leitfaden."""
    data: dict[str, Any] = {
        "title": "Elternbegleitung in Familienzentren",
        "summary": "Begleitung von Eltern mit Zuwanderungsgeschichte.",
        "status": "planned",
        "owner": org("bmi").pk,
        "level": Level.objects.get(key="bund").pk,
        "offer_type": "complementary",
        "complementary_need": "Beratung für Familien",
        "regular_system_reason": "Das Regelsystem erreicht die Familien nicht.",
        "eval_state": "planned",
        "eval_method": "Befragung",
        "eval_due_date": "31.12.2027",
        "publication": "draft",
    }
    data.update(overrides)
    return data
