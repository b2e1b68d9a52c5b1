"""The shared layout's kept parts (issue #13, isi.core.templatetags.layout_parts) give the same HTML
as a fresh render: per language, per active navigation item, per script prefix, per operator name,
and never anything of one visitor in another's page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.template import Engine
from django.template.context import Context
from django.templatetags.static import StaticNode
from django.test import Client, RequestFactory, override_settings
from django.urls import set_script_prefix
from django.utils.safestring import SafeString, mark_safe

from isi.accounts.models import User
from isi.core.templatetags import layout_parts
from isi.core.templatetags.layout_parts import LayoutPartNode

pytestmark = pytest.mark.django_db

# Public pages in German, English and Arabic (right to left), a page of another app (monitoring:
# its own navigation item) and the sign-in page (outside the portal: the cookie language switch).
PAGES = [
    "/",
    "/massnahmen/",
    "/massnahmen/?q=Sprachkurs",
    "/angebotsfinder/",
    "/nap-i/",
    "/organisationen/",
    "/offene-daten/",
    "/impressum/",
    "/indikatoren/",
    "/konto/anmelden/",
    "/en/",
    "/en/massnahmen/",
    "/en/angebotsfinder/",
    "/en/impressum/",
    "/ar/",
    "/ar/massnahmen/",
    "/ar/datenschutz/",
]


@pytest.fixture(autouse=True)
def no_kept_parts() -> Iterator[None]:
    layout_parts.forget_all()
    yield
    layout_parts.forget_all()


def fresh_render(self: LayoutPartNode, context: Context) -> SafeString:
    return mark_safe(self.nodelist.render(context))  # noqa: S308 - as the tag does


def page(client: Client, path: str, **extra: Any) -> str:
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    # A CSRF token is masked anew for every render.
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1-", response.content.decode())


def nav(html: str) -> str:
    found = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert found is not None
    return found.group(0)


def current_item(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" aria-current="page">', nav(html))


def test_pages_from_kept_parts_equal_fresh_renders(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    # Twice round all pages: the second round takes every part from what the first kept, after
    # pages in other languages and with other navigation items.
    for _ in range(2):
        kept = {path: page(client, path) for path in PAGES}
    nodes = kept_nodes()
    assert len(nodes) == 6 and all(node.kept for node in nodes), "every part of base.html was kept"
    monkeypatch.setattr(LayoutPartNode, "render", fresh_render)
    for path in PAGES:
        assert kept[path] == page(client, path), path


def kept_nodes() -> list[LayoutPartNode]:
    base = Engine.get_default().get_template("base.html")
    return [
        node for node in base.nodelist.get_nodes_by_type(LayoutPartNode) if isinstance(node, LayoutPartNode)
    ]


def test_a_kept_part_is_not_rendered_again(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    original = StaticNode.render

    def counting(self: StaticNode, context: Context) -> str:
        rendered.append("static")
        return str(original(self, context))

    monkeypatch.setattr(StaticNode, "render", counting)
    page(client, "/impressum/")
    assert len(rendered) == 6  # the style and script links of the layout's head
    page(client, "/datenschutz/")
    page(client, "/impressum/")
    assert len(rendered) == 6
    page(client, "/en/impressum/")  # another language: rendered once more
    assert len(rendered) == 12


def test_chrome_follows_language_page_and_visitor(client: Client) -> None:
    home = page(client, "/")
    search = page(client, "/massnahmen/")
    assert current_item(home) == ["/"] and current_item(search) == ["/massnahmen/"]
    assert current_item(page(client, "/indikatoren/")) == ["/indikatoren/"]
    assert current_item(page(client, "/impressum/")) == []
    assert '<a href="/feedback/?seite=/massnahmen/">' in search
    assert '<a href="/feedback/?seite=/">' in home
    assert '<a href="/konto/anmelden/">Anmelden</a>' in search and "Abmelden" not in search

    english = page(client, "/en/massnahmen/")
    assert '<html lang="en" dir="ltr"' in english
    assert current_item(english) == ["/en/massnahmen/"]
    assert ">Search measures</a>" in nav(english) and "Maßnahmen suchen" not in nav(english)
    assert '<a href="/en/impressum/">Legal notice</a>' in english
    assert '<a href="/en/feedback/?seite=/en/massnahmen/">' in english
    arabic = page(client, "/ar/datenschutz/")
    assert '<html lang="ar" dir="rtl"' in arabic
    assert '<a href="/ar/massnahmen/"' in nav(arabic) and '<a href="/ar/impressum/">' in arabic

    # Signed in, then anonymous again: nobody's name or sign-out form is kept for the next one.
    user = User.objects.create_user("lp-user", password="x", first_name="Lea", last_name="Probe")
    signed_in = Client()
    signed_in.force_login(user)
    theirs = page(signed_in, "/massnahmen/")
    assert "Lea Probe" in theirs and "Abmelden" in theirs and ">Anmelden<" not in theirs
    again = page(client, "/massnahmen/")
    assert "Lea Probe" not in again and "Abmelden" not in again and ">Anmelden</a>" in again


def test_operator_name_changes_the_footer(client: Client) -> None:
    assert "Testbetrieb GmbH" not in page(client, "/impressum/")
    with override_settings(ISI_OPERATOR="Testbetrieb GmbH"):
        footer = page(client, "/impressum/").split('<footer class="site-footer">')[1]
        assert "Ein Angebot von: Testbetrieb GmbH" in footer
    assert "Testbetrieb GmbH" not in page(client, "/impressum/").split('<footer class="site-footer">')[1]


def wsgi_page(path: str, script_name: str) -> str:
    """A GET through Django's WSGI handler, which sets the script prefix (the test client does not)."""
    environ = RequestFactory(HTTP_HOST="localhost").get(path).environ
    environ.update(PATH_INFO=path, SCRIPT_NAME=script_name)
    status: list[str] = []

    def start_response(given: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        status.append(given)

    try:
        response = WSGIHandler()(environ, start_response)
        body = b"".join(response).decode()
        response.close()
    finally:
        set_script_prefix("/")  # the handler leaves it set for this thread
    assert status[0].startswith("200"), (path, status)
    return body


def test_parts_follow_the_script_prefix(client: Client) -> None:
    page(client, "/impressum/")  # parts kept without a prefix
    under_path = wsgi_page("/impressum/", "/isi")
    assert '<a class="brand" href="/isi/">' in under_path
    assert '<a href="/isi/massnahmen/"' in nav(under_path)
    assert '<a href="/isi/konto/anmelden/">' in under_path and '<a href="/isi/datenschutz/">' in under_path
    assert 'href="/massnahmen/"' not in under_path
    assert '<a class="brand" href="/">' in wsgi_page("/impressum/", "")


def test_kept_variants_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout_parts, "MAX_VARIANTS", 3)
    template = Engine.get_default().from_string(
        '{% load layout_parts %}{% layoutpart "x" n %}<{{ n }}>{% endlayoutpart %}'
    )
    node = template.nodelist.get_nodes_by_type(LayoutPartNode)[0]
    assert isinstance(node, LayoutPartNode)
    for n in range(10):
        assert template.render(Context({"n": n})) == f"<{n}>"
        assert 1 <= len(node.kept) <= 3
    assert template.render(Context({"n": 9})) == "<9>"


def test_a_block_inside_a_part_is_refused() -> None:
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="block"):
        Engine.get_default().from_string(
            '{% load layout_parts %}{% layoutpart "x" %}{% block title %}{% endblock %}{% endlayoutpart %}'
        )


# The loops base.html had before the context processor built these parts (isi.portal.context).
ALTERNATES_LOOP = (
    "{% for version in language_versions %}"
    '<link rel="alternate" hreflang="{{ version.code }}" href="{{ version.url }}">\n'
    '  {% if version.default %}<link rel="alternate" hreflang="x-default" href="{{ version.url }}">\n'
    "  {% endif %}{% endfor %}"
)
LINKS_LOOP = (
    "{% for version in language_versions %}{% if version.code != LANGUAGE_CODE %}\n"
    '            <li><a href="{{ version.href }}" hreflang="{{ version.code }}" lang="{{ version.code }}"'
    ' dir="{% if version.bidi %}rtl{% else %}ltr{% endif %}">{{ version.name }}</a></li>'
    "{% endif %}{% endfor %}"
)


@pytest.mark.parametrize(
    "path",
    [
        "/massnahmen/?q=Sprach<kurs>&level=bund",
        "/en/impressum/",
        "/ar/massnahmen/?q=%22x%22",
        "/uk/angebotsfinder/",
    ],
)
def test_language_links_equal_the_template_loops(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    context = response.context
    versions = context["language_versions"]
    assert len(versions) == 7
    engine = Engine.get_default()
    language = response.wsgi_request.LANGUAGE_CODE
    loop_context = Context({"language_versions": versions, "LANGUAGE_CODE": language})
    assert context["language_alternates"] == engine.from_string(ALTERNATES_LOOP).render(loop_context)
    assert context["language_links"] == engine.from_string(LINKS_LOOP).render(loop_context)
    assert context["language_links"].count("<li>") == 6
