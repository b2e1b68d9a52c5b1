"""The language of a request: the address decides on public pages, the language switch elsewhere.

The public portal is in ``i18n_patterns(prefix_default_language=False)`` (isi/urls.py): German
pages have no prefix, the other languages of ``settings.LANGUAGES`` one (``/uk/angebotsfinder/``).
On those pages the address alone decides, so that a link always shows the language it names,
with or without cookies: ``/en/massnahmen/`` is English, ``/massnahmen/`` German whatever a cookie
or the browser says. Everything else (work area, API, open data files, /healthz, an address that
does not exist) has no prefix and follows the language switch's cookie, then the browser's
``Accept-Language``, as before.

Django's own LocaleMiddleware would make every unprefixed address German once i18n_patterns are
used, the work area and the API included; this one keeps that rule to the public pages.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import Resolver404
from django.utils import translation


def localized_resolver(urlconf: str | None = None) -> URLResolver | None:
    """The resolver of the public pages (the one i18n_patterns made), if the URLconf has one."""
    for pattern in get_resolver(urlconf).url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            return pattern
    return None


def is_localized_path(path_info: str, language: str, urlconf: str | None = None) -> bool:
    """Whether ``path_info`` is a public page in ``language`` (with that language's prefix)."""
    resolver = localized_resolver(urlconf)
    if resolver is None:
        return False
    with translation.override(language):
        try:
            resolver.resolve(path_info.removeprefix("/"))
        except Resolver404:
            return False
    return True


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        from_path = translation.get_language_from_path(request.path_info)
        if from_path and from_path != settings.LANGUAGE_CODE:
            language = from_path
        else:
            # The cookie of the language switch, then the browser's languages; but an unprefixed
            # public page is German. The address is looked up only when that makes a difference.
            language = translation.get_language_from_request(request, check_path=False)
            if language != settings.LANGUAGE_CODE:
                urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
                if is_localized_path(request.path_info, settings.LANGUAGE_CODE, urlconf):
                    language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def canonical_reverse(name: str, args: list[object] | None = None) -> str:
    """A public page's address in German (no prefix), whatever the request's language.

    For links that are identifiers as much as links (feeds, the DCAT catalogue): they must not
    change with the language of whoever fetched them.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, args=args)
