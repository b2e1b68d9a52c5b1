from django.urls import path
from django.views.generic import RedirectView

from isi.portal.views import finder, measures, nap_i, organisations, pages, search, seo

# Every public page, in each language of settings.LANGUAGES: isi/urls.py includes these in
# i18n_patterns (German without prefix, /en/…, /ar/…); robots.txt and sitemap.xml exist once, without.
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
    path("offene-daten/", pages.open_data, name="open_data"),
    path("leichte-sprache/", pages.easy_language, name="easy_language"),
    path("barrierefreiheit/", pages.accessibility, name="accessibility"),
    path("feedback/", pages.feedback, name="feedback"),
    path("impressum/", pages.imprint, name="imprint"),
    path("datenschutz/", pages.privacy, name="privacy"),
    path("suche/", RedirectView.as_view(pattern_name="portal:search", query_string=True, permanent=True)),
]

# Outside the language prefixes (isi/urls.py): one robots.txt, one sitemap listing every language.
site_urlpatterns = [
    path("robots.txt", seo.robots_txt, name="robots"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
]
