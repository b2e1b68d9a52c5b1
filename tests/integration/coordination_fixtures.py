"""Shared helpers of the coordination tests: people, measures, and stand-ins for engine pairs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from isi.accounts.models import User
from isi.catalog.models import Area, Level, TargetGroup
from isi.coordination.models import OverlapRun
from isi.coordination.services import merge_pairs
from isi.measures.models import Measure
from isi.organisations.models import Organisation

PASSWORD = "ein-sicheres-Testpasswort-42"


@dataclass(frozen=True)
class FakeReason:
    kind: str
    values: tuple[str, ...]

    def label(self) -> str:
        return f"gemeinsam ({self.kind}): {', '.join(self.values)}"


@dataclass(frozen=True)
class FakePair:
    a: int
    b: int
    score: float
    text_score: float = 0.5
    reasons: tuple[FakeReason, ...] = field(default_factory=lambda: (FakeReason("terms", ("Sprachkurs",)),))


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_user(username: str, role: str, org_key: str | None) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, organisation=org(org_key) if org_key else None
    )


def make_people() -> dict[str, User]:
    return {
        "bmi": make_user("bmi", "desk_officer", "bmi"),
        "bmas": make_user("bmas", "desk_officer", "bmas"),
        "bmfsfj": make_user("bmfsfj", "desk_officer", "bmfsfj"),
        "bamf": make_user("bamf", "agency", "bamf"),
        "koordination": make_user("koordination", "coordination", "ib"),
        "leser": make_user("leser", "reader", None),
        "admin": make_user("admin", "admin", None),
    }


def make_measure(
    title: str,
    owner: str,
    *,
    summary: str = "",
    areas: Sequence[str] = (),
    groups: Sequence[str] = (),
    released: bool = True,
) -> Measure:
    measure = Measure.objects.create(
        title=title,
        summary=summary or f"{title}: Angebot für Zugewanderte.",
        owner=org(owner),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED if released else Measure.Publication.DRAFT,
    )
    measure.areas.set(Area.objects.filter(key__in=areas))
    measure.target_groups.set(TargetGroup.objects.filter(key__in=groups))
    return measure


def pair(x: Measure, y: Measure, score: float) -> FakePair:
    return FakePair(a=min(x.pk, y.pk), b=max(x.pk, y.pk), score=score)


def run_with(pairs: Sequence[FakePair], actor: User | None = None) -> OverlapRun:
    run = OverlapRun.objects.create(started_by=actor, state=OverlapRun.State.DONE)
    merge_pairs(run, pairs)
    return run


def fake_source(pairs: Sequence[FakePair]) -> Callable[..., Sequence[FakePair]]:
    def source(*, top_k: int, min_score: float, progress: Callable[[int, int], None]) -> Sequence[FakePair]:
        progress(1, 2)
        progress(2, 2)
        return pairs

    return source


@pytest.fixture
def people(db: Any) -> dict[str, User]:
    return make_people()
