from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    """Disorders, clinical-profile factors, and the cited guidance and safety statements."""

    name = "guidance"
    verbose_name = "Guidance"
