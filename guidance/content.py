"""How the guidance app's fixtures map onto rows."""

from content.loader import ContentFile, ForeignKey, Spec
from guidance.models import Guidance, SafetyStatement

SCOPE = (ForeignKey("disorder"), ForeignKey("compound"), ForeignKey("profile_factor"))

GUIDANCE = ContentFile(
    "guidance.yaml",
    Spec(
        model=Guidance,
        fields=("phase", "rationale", "strength"),
        foreign_keys=(*SCOPE, ForeignKey("modality")),
        citations=("references",),
        # The article's content is published as it loads; publication is an editor's matter
        # afterwards (not part of the fixture), so unpublishing in admin survives a reload.
        on_create=lambda row: row.publish(),
    ),
)

SAFETY_STATEMENTS = ContentFile(
    "safety.yaml",
    Spec(
        model=SafetyStatement,
        fields=("title", "message", "severity", "trigger"),
        foreign_keys=SCOPE,
        citations=("references",),
    ),
)
