from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Coverage matrix and the IMAG report ("Sachstand") as PDF and XLSX."""

    name = "isi.reports"
    label = "reports"
