from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """The references behind every statement: the article's 95 and any checkable outside source."""

    name = "evidence"
    verbose_name = "Evidence"
