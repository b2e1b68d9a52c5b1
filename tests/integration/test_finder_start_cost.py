"""The finder's cost per request (issue #13): the start page costs a visitor without answers no rule
evaluation and no query (someone with answers is still offered to go on where they stopped), and
the pages and POSTs of a walk evaluate each set of answers once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from isi.finder.flow import walk
from isi.portal.views import finder as finder_views

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["auswerten=1&nationality=eu&status=eu_free_movement", "auswerten=1", ""])
def test_start_page_without_answers_evaluates_nothing(
    client: Client, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    def no_walk(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the rules were evaluated for a visitor without answers")

    monkeypatch.setattr(finder_views, "walk", no_walk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/angebotsfinder/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jetzt beginnen" in html and "Neu beginnen" not in html
    assert "Mit Ihren bisherigen Antworten weitermachen" not in html
    assert queries.captured_queries == []


def test_start_page_with_answers_offers_the_next_question(client: Client) -> None:
    client.post(reverse("portal:finder_start"))
    first = walk({}).next
    assert first is not None
    value = next(option.value for option in first.options if first.accepts(option.value))
    response = client.post(reverse("portal:finder_step", args=[first.id]), {"antwort": value})
    assert response.status_code == 302
    following = walk({first.id: value}, today=timezone.localdate()).next
    expected = (
        reverse("portal:finder_step", args=[following.id]) if following else reverse("portal:finder_check")
    )
    html = client.get("/angebotsfinder/").content.decode()
    assert "Neu beginnen" in html
    assert f'<a class="kern-link" href="{expected}">Mit Ihren bisherigen Antworten weitermachen</a>' in html


def test_each_set_of_answers_is_walked_once(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[dict[str, Any]] = []

    def counting(page: dict[str, Any], **kwargs: Any) -> Any:
        walked.append(dict(page))
        return walk(page, **kwargs)

    finder_views._walk_of.cache_clear()
    monkeypatch.setattr(finder_views, "walk", counting)
    client.post(reverse("portal:finder_start"))
    first = walk({}).next
    assert first is not None
    value = next(option.value for option in first.options if first.accepts(option.value))
    step_url = reverse("portal:finder_step", args=[first.id])
    assert client.get(step_url).status_code == 200
    response = client.post(step_url, {"antwort": value})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # the next question (or the check)
    assert client.get(step_url).status_code == 200  # back to the first question, answered
    # The question page, its POST and the next page: two sets of answers, each walked once.
    assert walked == [{}, {first.id: value}]
    finder_views._walk_of.cache_clear()
