"""Template context every page needs: operator, feedback address, current path for the feedback link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language_info, override


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "ISI_OPERATOR": settings.ISI_OPERATOR,
        "ISI_FEEDBACK_EMAIL": settings.ISI_FEEDBACK_EMAIL,
        "current_path": request.get_full_path(),
        "language_versions": language_versions(request),
    }


def language_versions(request: HttpRequest) -> list[dict[str, Any]]:
    """This public page in each language of settings.LANGUAGES (German without prefix), for the
    language switch (links, no cookie needed) and the hreflang alternates. Empty on pages outside
    the public portal: there the switch is the form that sets the language cookie."""
    match = getattr(request, "resolver_match", None)
    # The "portal" namespace is what isi/urls.py puts in i18n_patterns (robots.txt and the
    # sitemap are in "site", outside).
    if match is None or match.namespaces[:1] != ["portal"] or not match.url_name:
        return []
    query = request.GET.copy()
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
    for code, name in settings.LANGUAGES:
        path = german if code == settings.LANGUAGE_CODE else f"{script_prefix}{code}/{rest}"
        info = get_language_info(code)
        versions.append(
            {
                "code": code,
                # Each language named in itself (Persian with Dari, as in settings.LANGUAGES).
                "name": name if code == "fa" else info["name_local"],
                "bidi": info["bidi"],
                "href": path + suffix,
                "url": origin + path,
                "default": code == settings.LANGUAGE_CODE,  # also the x-default alternate
            }
        )
    return versions
