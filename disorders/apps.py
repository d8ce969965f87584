from django.apps import AppConfig


class DisordersConfig(AppConfig):
    """Disorders and the clinical-profile factors of the patient a plan is for."""

    name = "disorders"
    verbose_name = "Disorders and clinical profile"
