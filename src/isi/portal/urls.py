from django.urls import path
from django.views.generic import RedirectView

from isi.portal.views import finder, measures, nap_i, organisations, pages, search, seo

app_name = "portal"
urlpatterns = [
    path("", pages.home, name="home"),
    path("massnahmen/", search.search, name="search"),
    path("massnahmen/<int:pk>/", measures.measure_detail, name="measure"),
    path("massnahmen/<int:pk>/<slug:slug>/", measures.measure_detail, name="measure_slug"),
    path("nap-i/", nap_i.phases, name="phases"),
    path("nap-i/phase-<int:number>/", nap_i.phase, name="phase"),
    path("nap-i/phase-<int:number>/thema-<int:position>/", nap_i.theme, name="theme"),
    path("organisationen/", organisations.organisation_list, name="organisations"),
    path("organisationen/<slug:key>/", organisations.organisation_detail, name="organisation"),
    path("angebotsfinder/", finder.finder, name="finder"),
    path("angebotsfinder/start/", finder.finder_start, name="finder_start"),
    path("angebotsfinder/frage/<slug:step_id>/", finder.finder_step, name="finder_step"),
    path("angebotsfinder/pruefen/", finder.finder_check, name="finder_check"),
    path("angebotsfinder/ergebnis/", finder.finder_result, name="finder_result"),
    path("angebotsfinder/loeschen/", finder.finder_forget, name="finder_forget"),
    # The finder under a language prefix (/uk/angebotsfinder/…); see isi.portal.views.finder.
    path("<slug:lang>/angebotsfinder/", finder.with_language_prefix(finder.finder)),
    path("<slug:lang>/angebotsfinder/start/", finder.with_language_prefix(finder.finder_start)),
    path("<slug:lang>/angebotsfinder/frage/<slug:step_id>/", finder.with_language_prefix(finder.finder_step)),
    path("<slug:lang>/angebotsfinder/pruefen/", finder.with_language_prefix(finder.finder_check)),
    path("<slug:lang>/angebotsfinder/ergebnis/", finder.with_language_prefix(finder.finder_result)),
    path("<slug:lang>/angebotsfinder/loeschen/", finder.with_language_prefix(finder.finder_forget)),
    path("offene-daten/", pages.open_data, name="open_data"),
    path("leichte-sprache/", pages.easy_language, name="easy_language"),
    path("barrierefreiheit/", pages.accessibility, name="accessibility"),
    path("feedback/", pages.feedback, name="feedback"),
    path("impressum/", pages.imprint, name="imprint"),
    path("datenschutz/", pages.privacy, name="privacy"),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("suche/", RedirectView.as_view(pattern_name="portal:search", query_string=True, permanent=True)),
]
