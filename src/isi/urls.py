from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from isi.api.api import api
from isi.portal.urls import site_urlpatterns as portal_site_urlpatterns

# The admin exists only with ISI_ADMIN_ENABLED, and answers only from ISI_ADMIN_ALLOWED_NETWORKS
# (isi.core.middleware.AdminAccessMiddleware).
admin_urls: list[URLPattern | URLResolver] = (
    [path("admin/", admin.site.urls)] if getattr(settings, "ISI_ADMIN_ENABLED", True) else []
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("isi.operations.urls")),  # /healthz, /readyz, /metrics
    *admin_urls,
    path("konto/", include("isi.accounts.urls")),
    path("daten/", include("isi.opendata.urls")),
    path("api/v1/", api.urls),
    path("arbeitsbereich/runden/", include("isi.rounds.urls")),
    path("arbeitsbereich/abstimmungen/", include("isi.consultations.urls")),
    path("arbeitsbereich/excel/", include("isi.imports.roundtrip.urls")),
    path("arbeitsbereich/kataloge/", include("isi.catalog.urls")),
    path("arbeitsbereich/koordination/", include("isi.coordination.urls")),
    path("arbeitsbereich/auswertungen/", include("isi.reports.urls")),
    path("arbeitsbereich/erfolgskontrolle/", include("isi.monitoring.evaluation_urls")),
    path("arbeitsbereich/indikatoren/", include("isi.monitoring.staff_urls")),
    path("indikatoren/", include("isi.monitoring.urls")),
    path("arbeitsbereich/", include("isi.workspace.urls")),
    # The public portal in every language of settings.LANGUAGES: German without prefix, the others
    # under theirs (/en/massnahmen/); reverse() follows the active language (isi.core.locale).
    path("", include((portal_site_urlpatterns, "site"))),  # robots.txt, sitemap.xml
    *i18n_patterns(path("", include("isi.portal.urls")), prefix_default_language=False),
]

# Error pages in the KERN layout, without session or database (isi.operations.views).
handler400 = "isi.operations.views.bad_request"
handler403 = "isi.operations.views.permission_denied"
handler404 = "isi.operations.views.page_not_found"
handler500 = "isi.operations.views.server_error"
