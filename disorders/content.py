"""How the disorders app's fixtures map onto rows."""

from content.loader import ContentFile, ForeignKey, Spec, codes_child
from disorders.models import Disorder, DisorderCode, ProfileFactor

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
            "habitual_patterns",
            "plasticity_risk",
            "evidence_summary",
        ),
        foreign_keys=(ForeignKey("parent"),),
        citations=("habitual_patterns_references", "plasticity_risk_references", "references"),
        children=(codes_child(DisorderCode, "disorder"),),
    ),
)
