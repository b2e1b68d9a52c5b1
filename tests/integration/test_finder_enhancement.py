"""The finder's htmx enhancement in the markup: the step form stays a plain POST to the step's own
address (it works without JavaScript) and is boosted by htmx; the script is a static file (no
inline script, CSP); finder pages with answers carry hx-history="false", so htmx keeps no copy of
them in the browser's storage; a request sent by htmx gets the same answers from the server.
The behaviour in a browser: tests/browser/test_finder_htmx.py.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.integration.test_finder_web import EU_WORKER, Run

pytestmark = pytest.mark.django_db

SCRIPT = '<script src="/static/isi/finder.js" defer></script>'
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true"}


def inline_scripts(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<script[^>]*>", html) if "src=" not in tag]


def test_the_step_form_is_a_plain_post_boosted_by_htmx() -> None:
    run = Run()
    run.post("/angebotsfinder/start/", {})
    html = run.get("/angebotsfinder/frage/staatsangehoerigkeit/").content.decode()
    form = re.search(r"<form [^>]*finder-form[^>]*>", html)
    assert form is not None
    tag = form.group(0)
    assert 'method="post"' in tag and "action=" not in tag  # to the step's own address, ?aendern=1 kept
    assert 'hx-boost="true"' in tag and "data-finder-form" in tag
    assert "hx-get" not in tag and "hx-push-url" not in tag  # POST, and only the step's address in history
    assert SCRIPT in html and inline_scripts(html) == []
    assert '<div class="finder" hx-history="false">' in html


def test_every_finder_page_with_answers_is_kept_out_of_the_htmx_history_cache() -> None:
    run = Run()
    run.through(EU_WORKER)
    check = run.get("/angebotsfinder/pruefen/").content.decode()
    result = run.result()
    change = run.get("/angebotsfinder/frage/deutsch/?aendern=1").content.decode()
    for html in (check, result, change):
        assert 'hx-history="false"' in html
        assert inline_scripts(html) == []


def test_a_request_sent_by_htmx_gets_the_same_answers() -> None:
    client = Client()
    client.post("/angebotsfinder/start/", {})
    response = client.post("/angebotsfinder/frage/staatsangehoerigkeit/", {"antwort": "eu"}, **HTMX)
    assert response.status_code == 302 and response["Location"] == "/angebotsfinder/frage/schule/"
    # A missing answer: the whole page with the error summary (finder.js swaps it in and focuses it).
    response = client.post("/angebotsfinder/frage/schule/", {}, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary" tabindex="-1"' in html and "<title>Fehler: " in html
    assert html.lstrip().startswith("<!doctype html>")
