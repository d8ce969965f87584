"""What changed since a content version: the rows a client must delete or fetch again."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.sync import ACTIONS, Change, resources


def _resource_names() -> list[str]:
    return [resource.name for resource in resources()]


class ChangeSerializer(serializers.Serializer):
    """One row to delete (`removed`) or to fetch again and store (`created`, `changed`)."""

    resource = serializers.ChoiceField(
        choices=[],
        source="resource.name",
        help_text="The resource, named as its list's path (the export's key for it).",
    )
    key = serializers.CharField(
        help_text="What the row's detail URL takes: its slug; for references the seed number, "
        "else the DOI. The key of the row in the export's object for its resource."
    )
    action = serializers.ChoiceField(
        choices=list(ACTIONS.items()),
        help_text="; ".join(f"`{action}`: {meaning}" for action, meaning in ACTIONS.items()),
    )
    changed_at = serializers.DateTimeField(help_text="When the change was made.")
    url = serializers.SerializerMethodField(help_text="The row's detail; null when removed.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # The resources come from the router, built after this module is imported.
        fields = super().get_fields()
        fields["resource"].choices = _resource_names()
        return fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, change: Change) -> str | None:
        if change.row is None:
            return None
        fields = self.context.setdefault("_url_fields", {})
        if change.resource.name not in fields:
            fields[change.resource.name] = change.resource.url_field(self.context.get("request"))
        return fields[change.resource.name].to_representation(change.row)


class ChangesSerializer(serializers.Serializer):
    """The rows changed since a version, oldest removal first, one page at a time.

    Apply the entries in order (delete what is `removed`, fetch and store the `url` of the rest)
    and your copy holds `content_version`. If `content_version` differs between the pages you
    read, content changed meanwhile: start again from the first page.
    """

    content_version = serializers.CharField(
        help_text="The current version: what your copy is at once every page is applied; the "
        "`since` of your next sync."
    )
    content_changed_at = serializers.DateTimeField(help_text="When content last changed.")
    since = serializers.CharField(help_text="The version you gave.")
    since_changed_at = serializers.DateTimeField(help_text="When that version became current.")
    count = serializers.IntegerField(help_text="Number of entries in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ChangeSerializer(many=True)
