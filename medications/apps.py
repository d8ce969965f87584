from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    """What a patient already takes: medication classes, their members, and cited interactions."""

    name = "medications"
    verbose_name = "Co-medications and interactions"
