from django.apps import AppConfig


class InfraConfig(AppConfig):
    """What keeps the service up and fast: error pages, request bounds, throttling, the response
    cache, health probes and the `prepare` start-up command."""

    name = "infra"
    verbose_name = "Infrastructure"
