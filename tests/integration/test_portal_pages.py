"""Every public page: one h1, skip link, lang, labelled fields, titles, security headers, no leaks."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from isi.catalog.models import Level, Theme
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

SECRET_DRAFT_TITLE = "Geheimer Entwurf Zebrafisch"
PAGES = [
    "/",
    "/massnahmen/",
    "/massnahmen/?q=Beratung",
    "/massnahmen/?q=nichtsdergleichen",
    "/nap-i/",
    "/nap-i/phase-2/",
    "/nap-i/phase-2/thema-2/",
    "/organisationen/",
    "/organisationen/bmi/",
    "/angebotsfinder/",
    "/angebotsfinder/?auswerten=1&nationality=eu&status=eu_free_movement",
    "/angebotsfinder/?auswerten=1&entry_date=2099-01-01",
    "/offene-daten/",
    "/leichte-sprache/",
    "/barrierefreiheit/",
    "/feedback/",
    "/impressum/",
    "/datenschutz/",
    "/daten/",
]


class PageFacts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.lang: str | None = None
        self.links: list[str] = []
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.title = ""
        self._in_title = False
        self.meta_description: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "a":
            self.links.append(a.get("href") or "")
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"] or "")
        elif tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit", "button"}:
            self.fields.append(a)
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and a.get("name") == "description":
            self.meta_description = a.get("content")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.fixture
def world() -> Measure:
    bmi = Organisation.objects.get(key="bmi")
    theme = Theme.objects.get(phase__number=2, position=2)
    public = Measure.objects.create(
        title="Migrationsberatung online",
        owner=bmi,
        level=Level.objects.get(key="bund"),
        nap_i_theme=theme,
        nap_i_number=1,
        publication="released",
    )
    MeasureOrganisation.objects.create(measure=public, organisation=bmi, role="responsible")
    draft = Measure.objects.create(
        title=SECRET_DRAFT_TITLE,
        summary="Beratung intern",
        owner=bmi,
        level=Level.objects.get(key="bund"),
        nap_i_theme=theme,
        nap_i_number=2,
        publication="draft",
    )
    MeasureOrganisation.objects.create(measure=draft, organisation=bmi, role="responsible")
    return public


@pytest.mark.parametrize("path", PAGES)
def test_page_structure(client: Client, world: Measure, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    facts = PageFacts()
    facts.feed(html)
    assert facts.h1 == 1
    assert facts.lang == "de"
    assert facts.links and facts.links[0] == "#main", "the skip link comes first"
    assert facts.title.strip().endswith("– ISI") and len(facts.title.strip()) > 8
    assert facts.meta_description and len(facts.meta_description) > 20
    for field in facts.fields:
        assert field.get("id") in facts.label_for or field.get("aria-label"), f"unlabelled field {field}"
    assert SECRET_DRAFT_TITLE not in html


@pytest.mark.parametrize("path", ["/", "/massnahmen/", "/robots.txt"])
def test_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "img-src 'self' data:",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_measure_page_has_stable_url_and_hides_drafts(client: Client, world: Measure) -> None:
    assert client.get(f"/massnahmen/{world.pk}/").status_code == 200
    wrong_slug = client.get(f"/massnahmen/{world.pk}/alter-titel/")
    assert wrong_slug.status_code == 301
    assert wrong_slug["Location"] == f"/massnahmen/{world.pk}/migrationsberatung-online/"
    draft = Measure.objects.get(title=SECRET_DRAFT_TITLE)
    assert client.get(f"/massnahmen/{draft.pk}/").status_code == 404
    assert SECRET_DRAFT_TITLE not in client.get("/sitemap.xml").content.decode()


def test_search_fragment_for_htmx_is_the_results_area_only(client: Client, world: Measure) -> None:
    response = client.get("/massnahmen/?q=Beratung", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "<mark>Migrationsberatung</mark> online" in html  # the title, the matching word highlighted
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]


def test_feedback_keeps_input_on_error_and_stores_on_success(client: Client) -> None:
    from isi.portal.models import Feedback

    rejected = client.post("/feedback/", {"kind": "barrier", "page": "/x", "message": "ab", "email": "nope"})
    assert rejected.status_code == 200
    body = rejected.content.decode()
    assert 'value="/x"' in body and "ab</textarea>" in body
    assert Feedback.objects.count() == 0
    accepted = client.post("/feedback/", {"kind": "barrier", "page": "/x", "message": "Kontrast zu schwach"})
    assert accepted.status_code == 302
    assert Feedback.objects.get().message == "Kontrast zu schwach"


def test_feedback_is_stored_when_the_notification_mail_fails(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isi.portal.models import Feedback
    from isi.portal.views import pages

    def unreachable(**kwargs: object) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(pages, "send_mail", unreachable)
    accepted = client.post("/feedback/", {"kind": "barrier", "page": "/x", "message": "Kontrast zu schwach"})
    assert accepted.status_code == 302
    assert Feedback.objects.get().message == "Kontrast zu schwach"


def test_robots_and_sitemap(client: Client, world: Measure) -> None:
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/massnahmen/{world.pk}/" in sitemap
    assert "/nap-i/phase-2/thema-2/" in sitemap


def test_language_switch_serves_english(client: Client) -> None:
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/en/"  # public pages: the address names the language
    html = client.get(switched["Location"]).content.decode()
    assert '<html lang="en"' in html
    assert "Federal integration measures" in html
    assert "Zum Inhalt springen" not in html
