"""How the guidance app's fixtures map onto rows."""

from content.loader import ContentFile, ForeignKey, Spec
from guidance.models import Disorder, Guidance, ProfileFactor, SafetyStatement

SCOPE = (ForeignKey("disorder"), ForeignKey("compound"), ForeignKey("profile_factor"))

PROFILE_FACTORS = ContentFile(
    "profile_factors.yaml",
    Spec(model=ProfileFactor, fields=("name", "description"), citations=("references",)),
)

DISORDERS = ContentFile(
    "disorders.yaml",
    Spec(
        model=Disorder,
        fields=(
            "name",
            "category",
            "icd11_code",
            "habitual_patterns",
            "plasticity_risk",
            "evidence_summary",
        ),
        foreign_keys=(ForeignKey("parent"),),
        citations=("habitual_patterns_references", "plasticity_risk_references", "references"),
    ),
)

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
