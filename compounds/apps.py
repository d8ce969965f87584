from django.apps import AppConfig


class CompoundsConfig(AppConfig):
    """Psychoplastogens and the mechanisms through which they act."""

    name = "compounds"
    verbose_name = "Compounds and mechanisms"
