"""The finder's result page offers a print button by progressive enhancement (issue 14, point 3):
in the page hidden, shown by a static script (no inline script under the CSP), labelled through
gettext in the page's language, inside the part the print style sheet leaves out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

EU_WORKER = {"staatsangehoerigkeit": "eu", "schule": "no", "deutsch": "no", "arbeit": "employed"}


def result_page(prefix: str = "") -> str:
    client = Client()
    location = client.post(f"{prefix}/angebotsfinder/start/")["Location"]
    for _ in range(12):
        if "/frage/" not in location:
            break
        step = location.rstrip("/").rsplit("/", 1)[-1]
        response = client.post(location, {"antwort": EU_WORKER.get(step, "unknown")})
        location = response["Location"]
    assert location == f"{prefix}/angebotsfinder/pruefen/"
    return client.get(f"{prefix}/angebotsfinder/ergebnis/").content.decode()


def test_the_result_page_has_a_hidden_print_button_and_its_script() -> None:
    html = result_page()
    button = re.search(
        r'<p class="kern-body finder-print" data-print-button hidden><button type="button"[^>]*>'
        r'<span class="kern-label">Ergebnis drucken</span></button></p>',
        html,
    )
    assert button, "the print button, hidden until the script shows it"
    actions = html.split('<div class="finder-actions no-print">', 1)[1]
    assert "data-print-button" in actions.split("</div>", 1)[0]  # not printed
    assert '<script src="/static/isi/print.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
    assert "nutzen Sie die Druckfunktion Ihres Browsers" in html  # the hint without JavaScript


def test_the_print_button_is_labelled_in_the_pages_language() -> None:
    html = result_page("/uk")
    assert '<html lang="uk"' in html
    button = r'data-print-button hidden><button type="button"[^>]*><span class="kern-label">([^<]+)<'
    label = re.search(button, html)
    assert label and label.group(1) != "Ergebnis drucken"
