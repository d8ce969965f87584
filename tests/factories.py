"""Factories for hand-built content in tests (the real content comes from fixtures/)."""

import factory
from django.utils import timezone

from compounds.models import Compound, CompoundClass, CompoundMechanism, EvidenceBasis, Mechanism
from disorders.models import Disorder, DisorderCategory, ProfileFactor
from evidence.models import EvidenceType, Reference
from guidance.models import Guidance, GuidanceStrength, SafetyStatement, Severity
from medications.models import (
    Interaction,
    InteractionEffect,
    InteractionReliability,
    InteractionRisk,
    MedicationClass,
)
from modalities.models import Lineage, Modality, TreatmentPhase


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    seed_number = None
    doi = factory.Sequence(lambda n: f"10.5555/test.{n}")
    authors = "Doe J, Roe R, Poe P"
    title = factory.Sequence(lambda n: f"A study number {n}")
    venue = "J Test"
    year = 2020
    evidence_type = EvidenceType.RANDOMIZED_CONTROLLED_TRIAL
    citation = factory.LazyAttribute(lambda o: f"{o.authors}. {o.title}. {o.venue}. ({o.year}).")


class CitedFactory(factory.django.DjangoModelFactory):
    """Adds one fresh reference to ``references`` unless the test passes its own."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def references(self, create, extracted, **kwargs):
        if create:
            self.references.set(extracted if extracted is not None else [ReferenceFactory()])


class CompoundFactory(CitedFactory):
    class Meta:
        model = Compound

    slug = factory.Sequence(lambda n: f"compound-{n}")
    name = factory.Sequence(lambda n: f"Compound {n}")
    compound_class = CompoundClass.CLASSIC_PSYCHEDELIC
    primary_targets = "5-HT2A receptor"
    summary = "A test compound."


class MechanismFactory(CitedFactory):
    class Meta:
        model = Mechanism

    slug = factory.Sequence(lambda n: f"mechanism-{n}")
    name = factory.Sequence(lambda n: f"Mechanism {n}")
    level = "molecular"
    description = "A test mechanism."


class CompoundMechanismFactory(CitedFactory):
    class Meta:
        model = CompoundMechanism

    compound = factory.SubFactory(CompoundFactory)
    mechanism = factory.SubFactory(MechanismFactory)
    evidence_basis = EvidenceBasis.PRECLINICAL
    summary = "Shown in a test."


class ModalityFactory(CitedFactory):
    class Meta:
        model = Modality

    slug = factory.Sequence(lambda n: f"modality-{n}")
    name = factory.Sequence(lambda n: f"Modality {n}")
    lineage = Lineage.COGNITIVE_BEHAVIORAL
    aims = "Test aims."
    key_techniques = "First technique\nSecond technique"
    serves_integration = True


class DisorderFactory(CitedFactory):
    class Meta:
        model = Disorder

    slug = factory.Sequence(lambda n: f"disorder-{n}")
    name = factory.Sequence(lambda n: f"Disorder {n}")
    category = DisorderCategory.MOOD
    evidence_summary = "No evidence in this test."


class ProfileFactorFactory(CitedFactory):
    class Meta:
        model = ProfileFactor

    slug = factory.Sequence(lambda n: f"factor-{n}")
    name = factory.Sequence(lambda n: f"Factor {n}")
    description = "A test factor."


class GuidanceFactory(CitedFactory):
    class Meta:
        model = Guidance

    slug = factory.Sequence(lambda n: f"guidance-{n}")
    disorder = factory.SubFactory(DisorderFactory)
    modality = factory.SubFactory(ModalityFactory)
    phase = TreatmentPhase.INTEGRATION
    rationale = "Because a test says so."
    strength = GuidanceStrength.PROPOSAL
    provenance = "editorial"
    locator = "A test's reasoning."
    kind = "research_context"
    certainty = "low"
    certainty_rationale = "A test's evidence."
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class SafetyStatementFactory(CitedFactory):
    class Meta:
        model = SafetyStatement

    slug = factory.Sequence(lambda n: f"safety-{n}")
    title = "A test warning"
    message = "Be careful in tests."
    severity = Severity.CAUTION


class MedicationClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MedicationClass

    slug = factory.Sequence(lambda n: f"medication-class-{n}")
    name = factory.Sequence(lambda n: f"Medication class {n}")


class InteractionFactory(CitedFactory):
    class Meta:
        model = Interaction

    slug = factory.Sequence(lambda n: f"interaction-{n}")
    medication_class = factory.SubFactory(MedicationClassFactory)
    effect = InteractionEffect.ALTERED_ACUTE_EFFECT
    risk = InteractionRisk.CAUTION
    risk_basis = "A test's judgement."
    reliability = InteractionReliability.INFERRED
    summary = "A test interaction."
    provenance = "editorial"
    locator = "A test's reasoning."
