from django.apps import AppConfig


class ModalitiesConfig(AppConfig):
    """Psychotherapy approaches and the treatment phases they serve."""

    name = "modalities"
    verbose_name = "Psychotherapy modalities"
