"""Probes and metrics. /healthz and /readyz are also answered by isi.operations.middleware before
the rest of the middleware runs (so a session cookie or a host name never gets in their way)."""

from django.urls import path

from isi.operations import views

app_name = "operations"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
