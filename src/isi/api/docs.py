"""The API documentation page at /api/v1/docs – Swagger UI served from this server, no CDN.

ninja ships Swagger UI's files in its package but loads them via Django's static files only
when "ninja" is an installed app (otherwise from a CDN). Here the few files are served by the
API itself (``/api/v1/docs/assets/<name>``), so the page makes no request to another host.
Without JavaScript the page still lists every operation, rendered on the server from the schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from ninja.openapi.docs import DocsBase

from isi.api.caching import body_etag
from isi.api.errors import tr

if TYPE_CHECKING:
    from ninja import NinjaAPI

SWAGGER_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def docs_asset(request: HttpRequest, name: str, **kwargs: Any) -> HttpResponse:
    """One of Swagger UI's files from ninja's package, cacheable for a day."""
    if name not in ASSETS:
        raise Http404(name)
    content = (SWAGGER_DIR / name).read_bytes()
    response = HttpResponse(content, content_type=ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    response["ETag"] = body_etag(content)
    return response


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        namespace = api.urls_namespace

        def asset(name: str) -> str:
            return reverse(f"{namespace}:docs-asset", kwargs={**kwargs, "name": name})

        schema = api.get_openapi_schema(path_params=kwargs)
        operations = [
            {"method": method.upper(), "path": path, "summary": spec.get("summary", "")}
            for path, item in schema["paths"].items()
            for method, spec in item.items()
            if method in HTTP_METHODS
        ]
        context = {
            "lang": (get_language() or "de")[:2],
            "title": f"{api.title} {api.version}",
            "intro": tr(
                "Die interaktive Dokumentation braucht JavaScript. Ohne JavaScript: die Liste der "
                "Operationen unten und das OpenAPI-Schema.",
                "The interactive documentation needs JavaScript. Without it: the list of operations "
                "below and the OpenAPI schema.",
            ),
            "openapi_url": openapi_url,
            "openapi_label": tr("OpenAPI-Schema (JSON)", "OpenAPI schema (JSON)"),
            "labels": {
                "method": tr("Methode", "Method"),
                "path": tr("Pfad", "Path"),
                "summary": tr("Beschreibung", "Summary"),
            },
            "operations": operations,
            "assets": {
                "css": asset("swagger-ui.css"),
                "bundle": asset("swagger-ui-bundle.js"),
                "init": asset("swagger-ui-init.js"),
                "favicon": asset("favicon.svg"),
            },
            # validatorUrl None: Swagger UI would otherwise ask validator.swagger.io about the schema.
            "swagger_settings": {
                "url": openapi_url,
                "layout": "BaseLayout",
                "deepLinking": True,
                "validatorUrl": None,
            },
        }
        return render(request, "isi_api/docs.html", context)
