"""The export: every row the API serves, by resource, in each resource's own detail shape."""

from rest_framework import serializers

from api.serializers.meta import SourceSerializer
from api.sync import resources


class ExportSerializer(serializers.Serializer):
    """Everything the API serves, in one document, stamped with its content version.

    Besides the fields below, one object per resource (named as its list's path: `compounds`,
    `profile-factors`, ...) maps each row's key (what its detail URL takes: the slug; for
    references the seed number, else the DOI) to the row in its detail shape.
    """

    content_version = serializers.CharField(
        help_text="The version of this content; give it as `since` to /changes/ to sync."
    )
    content_changed_at = serializers.DateTimeField(help_text="When content last changed.")
    source = SourceSerializer(help_text="The article the content comes from, and its licence.")
    disclaimer = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # One field per resource on the router, showing rows with that resource's own detail
        # serializer: added when the fields are first needed, as the router is built after this.
        fields = super().get_fields()
        for resource in resources():
            fields[resource.name] = serializers.DictField(
                child=resource.detail_serializer_class()(),
                help_text=f"Every row of {resource.name}/, by key, as its detail shows it.",
            )
        return fields
