"""How content is shown over HTTP: compact rows for lists, nested and cited detail for one row.

Every statement is shown with its references (seed number, short citation, DOI, evidence type),
so a caller never needs a second request to know what a claim rests on.
"""

from collections.abc import Iterable

from django.db.models import Manager
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from compounds.models import Compound, CompoundMechanism, Mechanism, MechanismLevel
from evidence.models import Reference
from guidance.models import Disorder, Guidance, ProfileFactor, SafetyStatement, Severity
from modalities.models import Modality, TreatmentPhase


def _link(view_name: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field="slug")


# --- Building blocks -----------------------------------------------------------------------------


class CitationSerializer(serializers.ModelSerializer):
    """A reference as it is cited by a statement."""

    short_citation = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="reference-detail", lookup_url_kwarg="key")

    class Meta:
        model = Reference
        fields = ["id", "seed_number", "short_citation", "doi", "evidence_type", "url"]


@extend_schema_field(CitationSerializer(many=True))
class CitationsField(serializers.Field):
    """The references behind a statement, shown as CitationSerializer shows them, but cheaply.

    Statements cite the same references over and over; each is turned into a dict once per
    request, with its link built from one reversed prefix instead of a reverse() per reference.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, references) -> list[dict]:
        if isinstance(references, Manager):
            references = references.all()
        cache = self.context.setdefault("_citations", {})
        if "_prefix" not in cache:
            request = self.context.get("request")
            cache["_prefix"] = reverse("reference-list", request=request)
        prefix = cache["_prefix"]
        shown = []
        for ref in references:
            entry = cache.get(ref.pk)
            if entry is None:
                entry = cache[ref.pk] = {
                    "id": ref.pk,
                    "seed_number": ref.seed_number,
                    "short_citation": ref.short_citation,
                    "doi": ref.doi,
                    "evidence_type": ref.evidence_type,
                    "url": f"{prefix}{ref.pk}/",
                }
            shown.append(entry)
        return shown


class StatementSerializer(serializers.Serializer):
    """A cited statement; ``text`` is null where the sources are silent."""

    text = serializers.CharField(allow_null=True)
    references = CitationsField()


def statement(obj, text_field: str, references_field: str, context: dict) -> dict:
    """Serialize one text field of ``obj`` with the references that support it."""
    return StatementSerializer(
        {
            "text": getattr(obj, text_field) or None,
            "references": getattr(obj, references_field).all(),
        },
        context=context,
    ).data


class CompoundSummarySerializer(serializers.ModelSerializer):
    url = _link("compound-detail")

    class Meta:
        model = Compound
        fields = ["slug", "name", "url"]


class MechanismSummarySerializer(serializers.ModelSerializer):
    url = _link("mechanism-detail")

    class Meta:
        model = Mechanism
        fields = ["slug", "name", "level", "url"]


class DisorderSummarySerializer(serializers.ModelSerializer):
    url = _link("disorder-detail")

    class Meta:
        model = Disorder
        fields = ["slug", "name", "url"]


class ModalitySummarySerializer(serializers.ModelSerializer):
    url = _link("modality-detail")

    class Meta:
        model = Modality
        fields = ["slug", "name", "url"]


class ProfileFactorSummarySerializer(serializers.ModelSerializer):
    url = _link("profilefactor-detail")

    class Meta:
        model = ProfileFactor
        fields = ["slug", "name", "url"]


# --- References ----------------------------------------------------------------------------------


class ReferenceListSerializer(serializers.ModelSerializer):
    short_citation = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="reference-detail", lookup_url_kwarg="key")

    class Meta:
        model = Reference
        fields = [
            "id",
            "seed_number",
            "short_citation",
            "title",
            "year",
            "evidence_type",
            "doi",
            "url",
        ]


class ReferenceDetailSerializer(ReferenceListSerializer):
    doi_url = serializers.CharField(read_only=True, allow_null=True)
    source_url = serializers.CharField(source="url", help_text="Where the source can be read.")

    class Meta(ReferenceListSerializer.Meta):
        fields = [
            *ReferenceListSerializer.Meta.fields,
            "authors",
            "venue",
            "citation",
            "doi_url",
            "source_url",
        ]


# --- Compounds and mechanisms --------------------------------------------------------------------


class PlasticityWindowSerializer(serializers.Serializer):
    """The window of plasticity after one dose; hours are null where no window is stated."""

    min_hours = serializers.IntegerField(allow_null=True)
    max_hours = serializers.IntegerField(allow_null=True)
    statement = serializers.CharField()
    references = CitationsField()


class CompoundMechanismSerializer(serializers.ModelSerializer):
    """A mechanism as one compound engages it, with its own evidence."""

    mechanism = MechanismSummarySerializer()
    references = CitationsField()

    class Meta:
        model = CompoundMechanism
        fields = ["mechanism", "evidence_basis", "summary", "references"]


class MechanismCompoundSerializer(serializers.ModelSerializer):
    """A compound that engages a mechanism, with the evidence for the link."""

    compound = CompoundSummarySerializer()
    references = CitationsField()

    class Meta:
        model = CompoundMechanism
        fields = ["compound", "evidence_basis", "summary", "references"]


class MechanismsByLevelSerializer(serializers.Serializer):
    molecular = CompoundMechanismSerializer(many=True)
    cellular = CompoundMechanismSerializer(many=True)
    network = CompoundMechanismSerializer(many=True)
    behavioral = CompoundMechanismSerializer(many=True)


class CompoundListSerializer(serializers.ModelSerializer):
    synonyms = serializers.ListField(child=serializers.CharField(), source="synonym_list")
    url = _link("compound-detail")

    class Meta:
        model = Compound
        fields = ["slug", "name", "compound_class", "synonyms", "summary", "url"]


class CompoundDetailSerializer(CompoundListSerializer):
    primary_targets = serializers.ListField(
        child=serializers.CharField(), source="primary_target_list"
    )
    references = CitationsField()
    plasticity_window = serializers.SerializerMethodField()
    mechanisms = serializers.SerializerMethodField(
        help_text="The compound's mechanisms, grouped by level of brain organization."
    )

    class Meta(CompoundListSerializer.Meta):
        fields = [
            *CompoundListSerializer.Meta.fields,
            "primary_targets",
            "references",
            "plasticity_window",
            "mechanisms",
        ]

    @extend_schema_field(PlasticityWindowSerializer)
    def get_plasticity_window(self, compound: Compound) -> dict:
        return PlasticityWindowSerializer(
            {
                "min_hours": compound.plasticity_window_min_hours,
                "max_hours": compound.plasticity_window_max_hours,
                "statement": compound.plasticity_window_statement,
                "references": compound.plasticity_window_references.all(),
            },
            context=self.context,
        ).data

    @extend_schema_field(MechanismsByLevelSerializer)
    def get_mechanisms(self, compound: Compound) -> dict:
        by_level: dict[str, list] = {level: [] for level in MechanismLevel.values}
        for link in compound.mechanism_links.all():
            by_level[link.mechanism.level].append(link)
        return MechanismsByLevelSerializer(by_level, context=self.context).data


class MechanismListSerializer(serializers.ModelSerializer):
    url = _link("mechanism-detail")

    class Meta:
        model = Mechanism
        fields = ["slug", "name", "level", "url"]


class MechanismDetailSerializer(MechanismListSerializer):
    references = CitationsField()
    compounds = MechanismCompoundSerializer(many=True, source="compound_links")

    class Meta(MechanismListSerializer.Meta):
        fields = [*MechanismListSerializer.Meta.fields, "description", "references", "compounds"]


# --- Guidance ------------------------------------------------------------------------------------


class GuidanceListSerializer(serializers.ModelSerializer):
    disorder = DisorderSummarySerializer(allow_null=True)
    compound = CompoundSummarySerializer(allow_null=True)
    profile_factor = ProfileFactorSummarySerializer(allow_null=True)
    modality = ModalitySummarySerializer()
    url = _link("guidance-detail")

    class Meta:
        model = Guidance
        fields = [
            "slug",
            "disorder",
            "compound",
            "profile_factor",
            "modality",
            "phase",
            "strength",
            "published_at",
            "url",
        ]


class GuidanceDetailSerializer(GuidanceListSerializer):
    references = CitationsField()

    class Meta(GuidanceListSerializer.Meta):
        fields = [*GuidanceListSerializer.Meta.fields, "rationale", "references"]


class GuidanceItemSerializer(serializers.ModelSerializer):
    """A guidance row inside a disorder, already grouped by compound and phase."""

    profile_factor = ProfileFactorSummarySerializer(allow_null=True)
    modality = ModalitySummarySerializer()
    references = CitationsField()
    url = _link("guidance-detail")

    class Meta:
        model = Guidance
        fields = [
            "slug",
            "modality",
            "profile_factor",
            "strength",
            "rationale",
            "references",
            "published_at",
            "url",
        ]


class GuidanceByPhaseSerializer(serializers.Serializer):
    preparation = GuidanceItemSerializer(many=True)
    medication_session = GuidanceItemSerializer(many=True)
    integration = GuidanceItemSerializer(many=True)


class GuidanceGroupSerializer(serializers.Serializer):
    """A disorder's guidance for one compound (null: guidance for any compound), by phase."""

    compound = CompoundSummarySerializer(allow_null=True)
    phases = GuidanceByPhaseSerializer()


def group_by_phase(rows: Iterable[Guidance]) -> dict[str, list[Guidance]]:
    """Return guidance rows keyed by phase, in treatment order, every phase present."""
    phases: dict[str, list[Guidance]] = {phase: [] for phase in TreatmentPhase.values}
    for row in rows:
        phases[row.phase].append(row)
    return phases


# --- Disorders -----------------------------------------------------------------------------------


class DisorderListSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = _link("disorder-detail")

    class Meta:
        model = Disorder
        fields = ["slug", "name", "category", "parent", "icd11_code", "url"]


class DisorderDetailSerializer(DisorderListSerializer):
    parent = DisorderSummarySerializer(allow_null=True)
    subtypes = DisorderSummarySerializer(many=True)
    habitual_patterns = serializers.SerializerMethodField()
    plasticity_risk = serializers.SerializerMethodField()
    evidence_summary = serializers.SerializerMethodField()
    guidance = serializers.SerializerMethodField(
        help_text="This disorder's guidance, grouped by compound (null first: any compound) "
        "and then by phase."
    )

    class Meta(DisorderListSerializer.Meta):
        fields = [
            *DisorderListSerializer.Meta.fields,
            "subtypes",
            "habitual_patterns",
            "plasticity_risk",
            "evidence_summary",
            "guidance",
        ]

    @extend_schema_field(StatementSerializer)
    def get_habitual_patterns(self, disorder: Disorder) -> dict:
        return statement(
            disorder, "habitual_patterns", "habitual_patterns_references", self.context
        )

    @extend_schema_field(StatementSerializer)
    def get_plasticity_risk(self, disorder: Disorder) -> dict:
        return statement(disorder, "plasticity_risk", "plasticity_risk_references", self.context)

    @extend_schema_field(StatementSerializer)
    def get_evidence_summary(self, disorder: Disorder) -> dict:
        return statement(disorder, "evidence_summary", "references", self.context)

    @extend_schema_field(GuidanceGroupSerializer(many=True))
    def get_guidance(self, disorder: Disorder) -> list:
        by_compound: dict[Compound | None, list[Guidance]] = {}
        for row in disorder.guidance.all():
            by_compound.setdefault(row.compound, []).append(row)
        order = sorted(by_compound, key=lambda c: (c is not None, c.name if c else ""))
        groups = [{"compound": c, "phases": group_by_phase(by_compound[c])} for c in order]
        return GuidanceGroupSerializer(groups, many=True, context=self.context).data


# --- Modalities ----------------------------------------------------------------------------------


class ModalityListSerializer(serializers.ModelSerializer):
    phases = serializers.ListField(
        child=serializers.ChoiceField(choices=TreatmentPhase.choices),
        help_text="Treatment phases the modality serves, in treatment order.",
    )
    url = _link("modality-detail")

    class Meta:
        model = Modality
        fields = ["slug", "name", "lineage", "phases", "url"]


class ModalityDetailSerializer(ModalityListSerializer):
    key_techniques = serializers.ListField(child=serializers.CharField(), source="technique_list")
    references = CitationsField()
    disorders = serializers.SerializerMethodField(
        help_text="Disorders that guidance pairs this modality with."
    )
    guidance = GuidanceDetailSerializer(many=True)

    class Meta(ModalityListSerializer.Meta):
        fields = [
            *ModalityListSerializer.Meta.fields,
            "aims",
            "key_techniques",
            "phase_note",
            "references",
            "disorders",
            "guidance",
        ]

    @extend_schema_field(DisorderSummarySerializer(many=True))
    def get_disorders(self, modality: Modality) -> list:
        disorders = {row.disorder for row in modality.guidance.all() if row.disorder}
        ordered = sorted(disorders, key=lambda d: d.name)
        return DisorderSummarySerializer(ordered, many=True, context=self.context).data


# --- Profile factors and safety statements -------------------------------------------------------


class ProfileFactorListSerializer(ProfileFactorSummarySerializer):
    class Meta(ProfileFactorSummarySerializer.Meta):
        fields = ["slug", "name", "description", "url"]


class ProfileFactorDetailSerializer(ProfileFactorListSerializer):
    references = CitationsField()
    guidance = GuidanceDetailSerializer(many=True)

    class Meta(ProfileFactorListSerializer.Meta):
        fields = [*ProfileFactorListSerializer.Meta.fields, "references", "guidance"]


class SafetyStatementListSerializer(serializers.ModelSerializer):
    disorder = DisorderSummarySerializer(allow_null=True)
    compound = CompoundSummarySerializer(allow_null=True)
    profile_factor = ProfileFactorSummarySerializer(allow_null=True)
    url = _link("safetystatement-detail")

    class Meta:
        model = SafetyStatement
        fields = [
            "slug",
            "title",
            "severity",
            "trigger",
            "disorder",
            "compound",
            "profile_factor",
            "url",
        ]


class SafetyStatementDetailSerializer(SafetyStatementListSerializer):
    references = CitationsField()

    class Meta(SafetyStatementListSerializer.Meta):
        fields = [*SafetyStatementListSerializer.Meta.fields, "message", "references"]


# --- Meta ----------------------------------------------------------------------------------------


class SourceSerializer(serializers.Serializer):
    citation = serializers.CharField()
    doi = serializers.CharField()
    url = serializers.URLField()
    licence = serializers.CharField()


class MetaSerializer(serializers.Serializer):
    """What content this service holds, where it comes from, and which version it is."""

    content_version = serializers.CharField(
        help_text="Changes whenever any content changes; compare it to detect updates."
    )
    content_changed_at = serializers.DateTimeField(help_text="When content last changed.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Number of rows per resource."
    )
    source = SourceSerializer()
    disclaimer = serializers.CharField()


# --- Recommendations -----------------------------------------------------------------------------

MAX_SLUG_LENGTH = 80
MAX_PROFILE_FACTORS = 10


class KnownSlugField(serializers.CharField):
    """A slug that must name an existing row; every error lists the valid slugs."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(max_length=MAX_SLUG_LENGTH, **kwargs)

    def valid_slugs(self) -> str:
        return ", ".join(self.model.objects.order_by("slug").values_list("slug", flat=True))

    def fail_with_choices(self, problem: str):
        raise serializers.ValidationError(f"{problem}; valid: {self.valid_slugs()}.")

    def run_validation(self, data=serializers.empty):
        name = self.model._meta.verbose_name
        if data is serializers.empty or data in ("", None):
            self.fail_with_choices(f"Required: the slug of a {name}")
        if len(str(data)) > MAX_SLUG_LENGTH:
            self.fail_with_choices(f"Longer than {MAX_SLUG_LENGTH} characters")
        found = self.model.objects.filter(slug=str(data)).first()
        if found is None:
            self.fail_with_choices(f"Unknown {name} {str(data)!r}")
        return found


class ProfileField(serializers.CharField):
    """Comma-separated clinical-profile factor slugs; duplicates are ignored."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=MAX_PROFILE_FACTORS * (MAX_SLUG_LENGTH + 1), allow_blank=True, **kwargs
        )

    def valid_slugs(self) -> str:
        return ", ".join(ProfileFactor.objects.order_by("slug").values_list("slug", flat=True))

    def to_internal_value(self, data) -> list[ProfileFactor]:
        if len(str(data)) > self.max_length:
            raise serializers.ValidationError(
                f"Longer than {self.max_length} characters; give at most "
                f"{MAX_PROFILE_FACTORS} of: {self.valid_slugs()}."
            )
        raw = super().to_internal_value(data)
        items = [item.strip() for item in raw.split(",")]
        if raw and not all(items):
            raise serializers.ValidationError(
                f"An empty item in the list; give comma-separated slugs of: {self.valid_slugs()}."
            )
        if len(items) > MAX_PROFILE_FACTORS:
            raise serializers.ValidationError(
                f"At most {MAX_PROFILE_FACTORS} factors; valid: {self.valid_slugs()}."
            )
        slugs = list(dict.fromkeys(item for item in items if item))
        found = {f.slug: f for f in ProfileFactor.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown profile factor(s) {', '.join(map(repr, unknown))}; "
                f"valid: {self.valid_slugs()}."
            )
        return [found[slug] for slug in slugs]


class RecommendationQuerySerializer(serializers.Serializer):
    """The query of a recommendation request, resolved to rows."""

    disorder = KnownSlugField(Disorder)
    compound = KnownSlugField(Compound)
    profile = ProfileField(required=False, default="")


class NamedSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    """What a guidance row is scoped to; null means 'any'."""

    disorder = serializers.SlugField(allow_null=True, source="disorder.slug", default=None)
    compound = serializers.SlugField(allow_null=True, source="compound.slug", default=None)
    profile_factor = serializers.SlugField(
        allow_null=True, source="profile_factor.slug", default=None
    )


class ScoreComponentsSerializer(serializers.Serializer):
    specificity = serializers.IntegerField(
        help_text="40 disorder+compound, 20 disorder (15 via a parent disorder), "
        "10 compound, 0 general or profile only."
    )
    profile = serializers.IntegerField(
        help_text="25 when any guidance behind the item was chosen for one of the given factors."
    )
    strength = serializers.IntegerField(
        help_text="trial 30, standard 30, framework 20, common_practice 15, proposal 10, "
        "inferred 5."
    )
    evidence = serializers.IntegerField(
        help_text="Design of the strongest reference: randomized controlled trial 10 down to "
        "preclinical 0."
    )


class SupportingGuidanceSerializer(serializers.Serializer):
    """Another guidance row recommending the same modality in the same phase."""

    slug = serializers.SlugField(source="guidance.slug")
    specificity = serializers.CharField()
    scope = ScopeSerializer(source="guidance")
    rationale = serializers.CharField(source="guidance.rationale")
    references = CitationsField(source="guidance.references")


class RecommendationItemSerializer(serializers.Serializer):
    modality = NamedSerializer()
    phase = serializers.ChoiceField(choices=TreatmentPhase.choices)
    score = serializers.IntegerField(help_text="The sum of score_components.")
    score_components = ScoreComponentsSerializer(source="components")
    specificity = serializers.ChoiceField(
        source="lead.specificity",
        choices=[
            "disorder_compound_profile",
            "disorder_compound",
            "disorder_profile",
            "disorder",
            "compound_profile",
            "compound",
            "profile",
            "general",
        ],
        help_text="What the leading guidance row matched on.",
    )
    inherited_from = NamedSerializer(
        source="lead.inherited_from",
        allow_null=True,
        help_text="The broader disorder whose guidance this is, when not the disorder asked.",
    )
    strength = serializers.CharField(source="lead.guidance.strength")
    guidance = serializers.SlugField(source="lead.guidance.slug")
    published_at = serializers.DateTimeField(
        source="lead.guidance.published_at", help_text="When the leading guidance was published."
    )
    rationale = serializers.CharField(source="lead.guidance.rationale")
    references = CitationsField(source="lead.guidance.references")
    supporting = SupportingGuidanceSerializer(many=True)


class PhasePlanSerializer(serializers.Serializer):
    preparation = RecommendationItemSerializer(many=True)
    medication_session = RecommendationItemSerializer(many=True)
    integration = RecommendationItemSerializer(many=True)


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = serializers.CharField()
    message = serializers.CharField()
    references = CitationsField()


class PlanWindowSerializer(serializers.Serializer):
    min_hours = serializers.IntegerField(allow_null=True, source="plasticity_window_min_hours")
    max_hours = serializers.IntegerField(allow_null=True, source="plasticity_window_max_hours")
    statement = serializers.CharField(source="plasticity_window_statement")
    references = CitationsField(source="plasticity_window_references")


class PlanSerializer(serializers.Serializer):
    """A phased, ranked, explained psychotherapy plan."""

    disorder = NamedSerializer()
    compound = NamedSerializer()
    profile = NamedSerializer(many=True)
    plasticity_window = serializers.SerializerMethodField()
    recommendations = RecommendationItemSerializer(many=True)
    phases = PhasePlanSerializer()
    evidence_level = serializers.CharField(
        help_text="The strongest evidence type behind any disorder+compound guidance, or 'none'."
    )
    has_pairing_evidence = serializers.BooleanField(
        help_text="Whether any guidance is specific to this disorder and compound."
    )
    warnings = WarningSerializer(many=True)
    content_version = serializers.SerializerMethodField()
    disclaimer = serializers.SerializerMethodField()

    def get_content_version(self, plan) -> str:
        return self.context["content_version"]

    def get_disclaimer(self, plan) -> str:
        return self.context["disclaimer"]

    @extend_schema_field(PlanWindowSerializer(allow_null=True))
    def get_plasticity_window(self, plan) -> dict | None:
        compound = plan.compound
        if not compound.has_plasticity_window and not compound.plasticity_window_statement:
            return None
        return PlanWindowSerializer(compound, context=self.context).data


class MatrixCellSerializer(serializers.Serializer):
    """One disorder with one compound."""

    disorder = serializers.SlugField()
    compound = serializers.SlugField()
    evidence_level = serializers.CharField(
        help_text="Strongest evidence type behind disorder+compound guidance, or 'none'."
    )
    has_pairing_evidence = serializers.BooleanField()
    top_modality = NamedSerializer(allow_null=True, help_text="The plan's first recommendation.")
    top_phase = serializers.CharField(allow_null=True)
    top_specificity = serializers.CharField(allow_null=True)
    top_score = serializers.IntegerField(allow_null=True)


def matrix_cell(cell) -> dict:
    """Show one matrix cell."""
    top = cell.top
    return {
        "disorder": cell.disorder.slug,
        "compound": cell.compound.slug,
        "evidence_level": cell.evidence_level,
        "has_pairing_evidence": cell.has_pairing_evidence,
        "top_modality": top.guidance.modality if top else None,
        "top_phase": top.guidance.phase if top else None,
        "top_specificity": top.specificity if top else None,
        "top_score": top.score if top else None,
    }


class MatrixSerializer(serializers.Serializer):
    """Every disorder with every compound: strongest evidence and top modality."""

    count = serializers.IntegerField(help_text="Number of disorders in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    disorders = NamedSerializer(many=True)
    compounds = NamedSerializer(many=True)
    cells = MatrixCellSerializer(many=True)
    content_version = serializers.CharField()
    disclaimer = serializers.CharField()
