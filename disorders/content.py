"""How the disorders app's fixtures map onto rows."""

from content.loader import ContentFile, ForeignKey, Spec
from disorders.models import Disorder, ProfileFactor

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
