"""Issue #12.4: a ministry's draft title never reaches anyone who may not see the draft.

Every page, prefill, choice label and e-mail names a measure through ``isi.measures.visibility``; a
viewer without ``can_view_measure`` gets "Nicht veröffentlichte Maßnahme (ID n)" instead.
"""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from isi.accounts.models import User
from isi.consultations.models import Consultation
from isi.consultations.services import comment_add, consultation_submit
from isi.coordination.models import ConsolidationProposal, OverlapCandidate
from isi.coordination.services import candidate_decide, proposal_respond, run_create
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure, MeasureRelation
from isi.measures.permissions import can_view_measure
from isi.reports.models import ReportJob
from isi.rounds import services as rounds
from tests.integration.coordination_fixtures import make_measure, make_user, org, pair, people, run_with

pytestmark = pytest.mark.django_db
__all__ = ["people"]

MARKER = "Geheimentwurf-Zebra-4711"


@pytest.fixture
def draft_pair(people: dict[str, User]) -> dict[str, Any]:
    draft = make_measure(f"{MARKER} Sprachkurse für Eltern", "bmi", released=False)
    mine = make_measure("Berufssprachkurse für Eltern", "bmas")
    run_with([pair(draft, mine, 0.8)])
    candidate = OverlapCandidate.objects.get()
    return {"draft": draft, "mine": mine, "candidate": candidate}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_proposal_prefill_from_a_pair_does_not_leak_a_foreign_draft_title(
    people: dict[str, User], draft_pair: dict[str, Any]
) -> None:
    candidate: OverlapCandidate = draft_pair["candidate"]
    draft: Measure = draft_pair["draft"]
    url = f"/arbeitsbereich/koordination/vorschlaege/neu/?paar={candidate.pk}"
    response = client_for(people["bmas"]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert MARKER not in html
    assert f"Nicht veröffentlichte Maßnahme (ID {draft.pk})" in html
    assert "Berufssprachkurse für Eltern" in html


# --- the whole class: every staff page, download and e-mail ---------------------------------------

NAMESPACES = ("workspace", "coordination", "consultations", "rounds", "reports", "evaluation")
READERS = ("bmas", "bamf", "ohne")  # desk officer elsewhere, BMI's own agency, no organisation
SEE_ALL = ("bmi", "koordination")  # control: these may see the draft and do get its title


def _routes() -> list[tuple[str, URLPattern]]:
    """(prefix, pattern) of every staff URL in NAMESPACES."""
    found: list[tuple[str, URLPattern]] = []

    def walk(entries: list[Any], prefix: str, namespace: str | None) -> None:
        for entry in entries:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and namespace in NAMESPACES:
                found.append((prefix, entry))

    walk(get_resolver().url_patterns, "/", None)
    return found


def _urls(ids: dict[str, list[Any]]) -> list[str]:
    """Every route with each combination of the ids that involve the draft substituted."""
    urls = []
    for prefix, route in _routes():
        converters = route.pattern.converters
        names = list(converters)
        pattern = str(route.pattern)
        choices = [ids.get(name, ids["pk"]) for name in names]
        for values in itertools.product(*choices):
            url = prefix + pattern
            for name, value in zip(names, values, strict=True):
                url = url.replace(f"<{_conv(pattern, name)}:{name}>", str(value))
            urls.append(url)
    return sorted(set(urls))


def _conv(pattern: str, name: str) -> str:
    start = pattern.index(f":{name}>")
    return pattern[pattern.rindex("<", 0, start) + 1 : start]


def _text(response: Any) -> str:
    """The response as text; XLSX cells read out of the workbook."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        book = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def world(
    people: dict[str, User], monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    from isi.reports import render

    # The "PDF" is the HTML it is printed from: searchable, and WeasyPrint takes seconds.
    monkeypatch.setattr(render, "report_pdf", lambda data: render.report_html(data).encode())
    people["ohne"] = make_user("ohne", "desk_officer", None)
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    draft = make_measure(f"{MARKER} Sprachkurse für Eltern", "bmi", released=False)
    record_change(draft, action=ChangeRecord.Action.CREATE, before=None, after={"title": draft.title})
    mine = make_measure("Berufssprachkurse für Eltern", "bmas")
    bamf = make_measure("Integrationskurs kompakt", "bamf")
    MeasureRelation.objects.create(source=mine, target=draft, kind=MeasureRelation.Kind.choices[0][0])
    run_with([pair(draft, mine, 0.8), pair(draft, bamf, 0.7)])
    candidates = list(OverlapCandidate.objects.order_by("pk"))
    for candidate in candidates:
        candidate_decide(candidate=candidate, actor=people["koordination"], decision="overlap")
    run = run_create(actor=people["koordination"])
    # Coordination proposes from the pair with the prefilled title, BMI from its own page.
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go after commit
        koordination = client_for(people["koordination"])
        prefill = koordination.get(f"/arbeitsbereich/koordination/vorschlaege/neu/?paar={candidates[0].pk}")
        title = prefill.context["form"].initial["title"]
        response = koordination.post(
            "/arbeitsbereich/koordination/vorschlaege/neu/",
            {
                "kind": "merge",
                "title": title,
                "reasons": "Gleiche Zielgruppe.",
                "measures": [draft.pk, mine.pk],
                "candidate": candidates[0].pk,
                "action": "submit",
            },
        )
        assert response.status_code == 302, response.content.decode()
        proposal = ConsolidationProposal.objects.get()
        proposal_respond(
            proposal=proposal,
            actor=people["bmas"],
            organisation=org("bmas"),
            answer="accept",
            reason="Passt.",
        )
        proposal_respond(
            proposal=proposal, actor=people["bmi"], organisation=org("bmi"), answer="accept", reason="Gut."
        )
    consultation = consultation_submit(
        measure=draft,
        actor=people["bmi"],
        kind=Consultation.Kind.NEW_PROGRAMME,
        summary="Neues Programm für Eltern.",
        comment_until=date.today() + timedelta(days=10),
    )
    comment = comment_add(consultation=consultation, actor=people["bmas"], text="Bitte abstimmen.")
    current = rounds.open_round(
        title="1. Halbjahr 2027", deadline=date.today() + timedelta(days=30), actor=people["koordination"]
    )
    # Each reader requests the IMAG report it may have (immediate task backend in tests).
    for name, scope in (("bmas", "bmas"), ("bamf", "bmi"), ("bmi", "bmi"), ("koordination", "gesamt")):
        client_for(people[name]).post("/arbeitsbereich/auswertungen/imag-bericht/", {"scope": scope})
    return {
        "people": people,
        "draft": draft,
        "ids": {
            "pk": sorted(
                {
                    draft.pk,
                    candidates[0].pk,
                    candidates[1].pk,
                    proposal.pk,
                    consultation.pk,
                    current.pk,
                    run.pk,
                }
            ),
            "measure_id": [draft.pk],
            "object_id": [draft.pk, proposal.pk, candidates[0].pk],
            "object_type": ["measures.measure", "coordination.consolidationproposal"],
            "comment_id": [comment.pk],
            "token": [],
            "fmt": ["pdf", "xlsx"],
        },
    }


def test_draft_title_reaches_only_those_who_may_see_the_draft(world: dict[str, Any]) -> None:
    people: dict[str, User] = world["people"]
    draft: Measure = world["draft"]
    seen: dict[str, list[str]] = {}
    for name in (*READERS, *SEE_ALL):
        user = people[name]
        client = client_for(user)
        ids = dict(world["ids"])
        ids["token"] = [
            str(t) for t in ReportJob.objects.filter(requested_by=user).values_list("token", flat=True)
        ]
        urls = _urls(ids)
        assert len(urls) > 40
        seen[name] = [url for url in urls if MARKER in _text(client.get(url))]
        compare = client.get(
            "/arbeitsbereich/runden/vergleich/", {"a": ids["pk"][0], "b": "aktuell"}
        )  # snapshots: coordination only
        if MARKER in _text(compare):
            seen[name].append("compare")
        if not can_view_measure(user, draft):
            assert seen[name] == [], f"{name} sees the draft title on {seen[name]}"
    # The check is real: those who may see the draft get its title on its pages and in reports.
    assert any("/massnahmen/" in url for url in seen["bmi"])
    assert any("imag-bericht" in url for url in seen["koordination"]), seen


def test_no_e_mail_names_a_draft_to_someone_who_may_not_see_it(world: dict[str, Any]) -> None:
    people: dict[str, User] = world["people"]
    draft: Measure = world["draft"]
    by_address = {u.email: u for u in people.values()}
    assert mail.outbox, "creating and deciding the proposal sends e-mail"
    for message in mail.outbox:
        for address in message.to:
            reader = by_address[address]
            if not can_view_measure(reader, draft):
                assert MARKER not in f"{message.subject}\n{message.body}", (address, message.subject)
