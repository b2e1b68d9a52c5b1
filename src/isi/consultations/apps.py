from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "isi.consultations"
    label = "consultations"
