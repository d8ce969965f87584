from django.apps import AppConfig


class ContentConfig(AppConfig):
    """Loading the article's structured content from fixtures, and tracking what was loaded."""

    name = "content"
    verbose_name = "Content loading"

    def ready(self) -> None:
        from content import signals

        signals.connect()
