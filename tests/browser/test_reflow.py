"""Reflow (WCAG 1.4.10): every public page type at 320 CSS px, in every UI language, without
horizontal scrolling. The finder has its own, deeper runs (test_finder.py); this one covers the
rest: a long German compound in a large heading once widened the start page by 56 px."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from isi.measures.models import Measure
from tests.browser.support import overflow
from tests.integration.test_language_prefix import make_world, public_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def world() -> Measure:
    return make_world()


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_no_public_page_scrolls_sideways_at_320_px(
    live_server: LiveServer,
    browser: Browser,
    world: Measure,
    code: str,
) -> None:
    context = browser.new_context(locale=code, viewport={"width": 320, "height": 640})
    page = context.new_page()
    prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
    wide: dict[str, int] = {}
    try:
        for path in public_pages(world):
            response = page.goto(f"{live_server.url}{prefix}{path}")
            assert response is not None and response.status == 200, path
            if (extra := overflow(page)) > 0:
                wide[path] = extra
    finally:
        context.close()
    assert wide == {}, f"wider than 320 px ({code}): {wide}"
