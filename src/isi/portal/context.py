"""Template context every page needs: operator, feedback address, current path for the feedback link."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext, override
from django.utils.translation.trans_real import parse_accept_lang_header


def site(request: HttpRequest) -> dict[str, Any]:
    versions = language_versions(request)
    return {
        "ISI_OPERATOR": settings.ISI_OPERATOR,
        "ISI_FEEDBACK_EMAIL": settings.ISI_FEEDBACK_EMAIL,
        "current_path": request.get_full_path(),
        "language_versions": versions,
        # base.html's hreflang alternates and language links, built here: as template loops over
        # seven languages they cost a quarter of a millisecond on every public page (issue #13).
        "language_alternates": alternates_html(versions),
        "language_links": links_html(versions, get_language()),
        "language_hint": language_hint(request, versions),
    }


def preferred_language(accept_language: str) -> str | None:
    """The first of settings.LANGUAGES that the browser's Accept-Language asks for (by weight;
    "ar-SY" counts as "ar"), or None. Django's parser bounds the header's length."""
    ours = {code for code, _ in settings.LANGUAGES}
    for tag, weight in parse_accept_lang_header(accept_language):
        primary = tag.split("-")[0].lower()
        if primary in ours and weight > 0:  # q=0: "not this one"
            return primary
    return None


def language_hint(request: HttpRequest, versions: list[dict[str, Any]]) -> SafeString:
    """A German public page (the address without a language prefix is always German) for a
    browser that asks for another of ISI's languages first: one line in that language linking to
    this page in it. Nothing when the visitor chose a language (its cookie) or prefers German."""
    if not versions or get_language() != settings.LANGUAGE_CODE:
        return mark_safe("")
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return mark_safe("")
    wanted = preferred_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    version = next((v for v in versions if v["code"] == wanted), None)
    if version is None or version["default"]:
        return mark_safe("")
    with override(version["code"]):
        text = gettext("Diese Seite gibt es auch in Ihrer Sprache:")
    return format_html(
        '<p class="language-hint kern-body" lang="{code}" dir="{dir}">{text} '
        '<a class="kern-link" href="{href}" hreflang="{code}">{name}</a></p>',
        code=version["code"],
        dir="rtl" if version["bidi"] else "ltr",
        text=text,
        href=version["href"],
        name=version["name"],
    )


def alternates_html(versions: list[dict[str, Any]]) -> SafeString:
    """The <link rel="alternate"> lines of the page's head (x-default after German)."""
    lines = []
    for version in versions:
        url = escape(version["url"])
        lines.append(f'<link rel="alternate" hreflang="{escape(version["code"])}" href="{url}">\n  ')
        if version["default"]:
            lines.append(f'<link rel="alternate" hreflang="x-default" href="{url}">\n  ')
    return mark_safe("".join(lines))  # noqa: S308 - every value escaped


def links_html(versions: list[dict[str, Any]], current: str) -> SafeString:
    """The language switch's items: this page in every other language."""
    items = [
        f'\n            <li><a href="{escape(version["href"])}" hreflang="{escape(version["code"])}"'
        f' lang="{escape(version["code"])}" dir="{"rtl" if version["bidi"] else "ltr"}">'
        f"{escape(version['name'])}</a></li>"
        for version in versions
        if version["code"] != current
    ]
    return mark_safe("".join(items))  # noqa: S308 - every value escaped


@cache
def _names(languages: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, bool], ...]:
    """(code, name in itself, right to left) per language; the same in every active language."""
    named = []
    for code, name in languages:
        info = get_language_info(code)
        # Each language named in itself (Persian with Dari, as in settings.LANGUAGES).
        named.append((code, name if code == "fa" else info["name_local"], bool(info["bidi"])))
    return tuple(named)


def language_versions(request: HttpRequest) -> list[dict[str, Any]]:
    """This public page in each language of settings.LANGUAGES (German without prefix), for the
    language switch (links, no cookie needed) and the hreflang alternates. Empty on pages outside
    the public portal: there the switch is the form that sets the language cookie."""
    match = getattr(request, "resolver_match", None)
    # The "portal" namespace is what isi/urls.py puts in i18n_patterns (robots.txt and the
    # sitemap are in "site", outside).
    if match is None or match.namespaces[:1] != ["portal"] or not match.url_name:
        return []
    query: QueryDict = request.GET
    if match.url_name.startswith("finder"):
        # Old finder addresses carried answers in the query: never copy those into links.
        query = QueryDict(mutable=True)
        if request.GET.get("aendern") == "1":
            query["aendern"] = "1"
    suffix = f"?{query.urlencode()}" if query else ""
    with override(settings.LANGUAGE_CODE):
        try:
            german = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return []
    # i18n_patterns put "<code>/" right after the script prefix: one reverse() instead of seven.
    script_prefix = get_script_prefix()
    rest = german.removeprefix(script_prefix)
    origin = request.build_absolute_uri("/").removesuffix("/")  # scheme and host, checked once
    versions = []
    for code, name, bidi in _names(tuple(settings.LANGUAGES)):
        path = german if code == settings.LANGUAGE_CODE else f"{script_prefix}{code}/{rest}"
        versions.append(
            {
                "code": code,
                "name": name,
                "bidi": bidi,
                "href": path + suffix,
                "url": origin + path,
                "default": code == settings.LANGUAGE_CODE,  # also the x-default alternate
            }
        )
    return versions
