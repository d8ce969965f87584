"""This service's content as FHIR R4 resources (JSON), as the HL7 clinical practice guidelines
implementation guide (CPG-on-FHIR) shapes them: each guidance row a recommendation definition
(an ``eca-rule`` PlanDefinition), each plan a RequestGroup whose action groups are the three
phases, and what a clinician must see first (contraindications, interactions, warnings) as
DetectedIssue resources that implicate the plan.

Plain functions from rows and engine plans to dicts; the views serve them. Every resource built
here is validated against the FHIR R4B models in the tests.
"""

import uuid
from collections.abc import Iterable, Sequence

from django.utils import timezone

from compounds.models import Compound
from content.codes import CodedIdentifier
from content.notices import DISCLAIMER, SOURCE
from disorders.models import Disorder
from evidence.models import Reference
from guidance.grading import FHIR_CERTAINTY, FHIR_DIRECTION, FHIR_STRENGTH, Certainty
from guidance.models import Guidance, Severity
from guidance.recommendations import Plan, PlanWarning, Recommendation, Verdict
from interop.patient import own_system
from modalities.models import Modality, TreatmentPhase

FHIR_MEDIA_TYPE = "application/fhir+json"
FHIR_VERSION = "4.0.1"
PUBLISHER = "Psychoplastogen Therapy Guidance API"
CPG = "http://hl7.org/fhir/uv/cpg"
RECOMMENDATION_PROFILE = f"{CPG}/StructureDefinition/cpg-recommendationdefinition"
APPLY_OPERATION_ID = "PlanDefinition-apply"
STRENGTH_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
QUALITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
DIRECTION_EXTENSION = f"{CPG}/StructureDefinition/cpg-directionOfRecommendation"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
USAGE_CONTEXT_TYPE = "http://terminology.hl7.org/CodeSystem/usage-context-type"
DEFINITION_TOPIC = "http://terminology.hl7.org/CodeSystem/definition-topic"
# A DetectedIssue's severity for each of the plan's severities.
ISSUE_SEVERITY = {Severity.CRITICAL: "high", Severity.CAUTION: "moderate", Severity.INFO: "low"}


def coding(system: str, code: str, display: str | None = None) -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(codings: Sequence[dict], text: str | None = None) -> dict:
    return {"coding": list(codings), **({"text": text} if text else {})}


def standard_codings(codes: Iterable[CodedIdentifier]) -> list[dict]:
    """A row's standard codes as FHIR codings; codes in systems HL7 names no URI for (PubChem,
    ChEBI, ...) are left out, as FHIR has no agreed system for them."""
    return [
        coding(code.system_uri, code.code, code.display or None)
        for code in codes
        if code.system_uri
    ]


def disorder_concept(disorder: Disorder, base: str) -> dict:
    """A disorder: its standard codes, then this service's slug."""
    return concept(
        [
            *standard_codings(disorder.codes.all()),
            coding(own_system(base, "disorder"), disorder.slug, disorder.name),
        ],
        disorder.name,
    )


def compound_concept(compound: Compound, base: str) -> dict:
    return concept(
        [
            *standard_codings(compound.codes.all()),
            coding(own_system(base, "compound"), compound.slug, compound.name),
        ],
        compound.name,
    )


def modality_concept(modality: Modality, base: str) -> dict:
    return concept([coding(own_system(base, "modality"), modality.slug, modality.name)])


def phase_concept(phase: str, base: str) -> dict:
    label = TreatmentPhase(phase).label
    return concept([coding(own_system(base, "treatment-phase"), phase, label)], label)


def related_artifact(reference: Reference) -> dict:
    """A reference as a CPG citation: its short form, title and year, linked by its DOI."""
    label = f"[{reference.seed_number}]" if reference.seed_number is not None else None
    artifact = {
        "type": "citation",
        "display": reference.title,
        "citation": f"{reference.short_citation}. {reference.title}."
        + (f" doi:{reference.doi}" if reference.doi else ""),
    }
    if label:
        artifact["label"] = label
    url = reference.doi_url or reference.url
    if url:
        artifact["url"] = url
    return artifact


def grading_extensions(row: Guidance) -> list[dict]:
    """The CPG rating extensions of a guidance row: strength (a recommendation's only: this
    content has no guideline panel, so 'weak'), direction, and the quality of its evidence."""
    extensions = []
    strength = FHIR_STRENGTH["codes"].get(row.kind)
    if strength:
        extensions.append(
            {
                "url": STRENGTH_EXTENSION,
                "valueCodeableConcept": concept([coding(FHIR_STRENGTH["system"], strength)]),
            }
        )
    extensions.append(
        {
            "url": DIRECTION_EXTENSION,
            "valueCodeableConcept": concept(
                [coding(FHIR_DIRECTION["system"], FHIR_DIRECTION["codes"][row.direction])]
            ),
        }
    )
    if row.certainty:
        extensions.append(quality_extension(row.certainty))
    return extensions


def quality_extension(certainty: str) -> dict:
    code = FHIR_CERTAINTY["codes"][Certainty(certainty)]
    return {
        "url": QUALITY_EXTENSION,
        "valueCodeableConcept": concept([coding(FHIR_CERTAINTY["system"], code)]),
    }


def _fhirpath_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _any_coding(path: str, codings: Sequence[dict]) -> str:
    tests = " or ".join(
        f"(system = {_fhirpath_string(c['system'])} and code = {_fhirpath_string(c['code'])})"
        for c in codings
    )
    return f"{path}.coding.where({tests}).exists()"


def applicability(row: Guidance, base: str, descendants: dict[int, list[Disorder]]) -> list[dict]:
    """The row's scope as applicability conditions in FHIRPath over the inputs $apply reads:
    ``%conditions`` (the codes of the patient's conditions), ``%medications`` (of the order and
    what they take) and ``%profileFactors``. A disorder's condition holds the codes of every
    narrower disorder too, as guidance for a disorder applies to the disorders it covers."""
    conditions = []
    if row.disorder is not None:
        codings = [
            c
            for disorder in descendants.get(row.disorder_id, [row.disorder])
            for c in disorder_concept(disorder, base)["coding"]
        ]
        conditions.append(
            _condition(f"The patient has {row.disorder.name}", _any_coding("%conditions", codings))
        )
    if row.compound is not None:
        conditions.append(
            _condition(
                f"The medication is {row.compound.name}",
                _any_coding("%medications", compound_concept(row.compound, base)["coding"]),
            )
        )
    if row.profile_factor is not None:
        factor = row.profile_factor
        conditions.append(
            _condition(
                f"The patient's clinical profile includes: {factor.name}",
                _any_coding(
                    "%profileFactors",
                    [coding(own_system(base, "profile-factor"), factor.slug, factor.name)],
                ),
            )
        )
    return conditions


def _condition(description: str, expression: str) -> dict:
    return {
        "kind": "applicability",
        "expression": {
            "description": description,
            "language": "text/fhirpath",
            "expression": expression,
        },
    }


def plan_definition_name(slug: str) -> str:
    """A computable name (FHIR's pattern: a capital, then letters, digits and underscores)."""
    name = "".join(part[:1].upper() + part[1:] for part in slug.replace("_", "-").split("-"))
    return name if name[:1].isalpha() else f"G{name}"


def plan_definition(
    row: Guidance, *, base: str, version: str, descendants: dict[int, list[Disorder]]
) -> dict:
    """One published guidance row as a CPG recommendation definition."""
    focus = coding(USAGE_CONTEXT_TYPE, "focus", "Clinical Focus")
    use_context = []
    if row.disorder is not None:
        use_context.append(
            {"code": focus, "valueCodeableConcept": disorder_concept(row.disorder, base)}
        )
    if row.compound is not None:
        use_context.append(
            {"code": focus, "valueCodeableConcept": compound_concept(row.compound, base)}
        )
    citations = [related_artifact(reference) for reference in row.references.all()]
    action = {
        "id": "recommendation",
        "extension": grading_extensions(row),
        "title": row.modality.name,
        "description": row.rationale,
        "code": [modality_concept(row.modality, base), phase_concept(row.phase, base)],
        "documentation": citations,
        "condition": applicability(row, base, descendants),
    }
    return {
        "resourceType": "PlanDefinition",
        "id": row.slug,
        "meta": {"profile": [RECOMMENDATION_PROFILE]},
        "url": f"{base}/PlanDefinition/{row.slug}",
        "version": version,
        "name": plan_definition_name(row.slug),
        "title": row.name,
        "type": concept([coding(PLAN_DEFINITION_TYPE, "eca-rule", "ECA Rule")]),
        "status": "active",
        "experimental": False,
        "date": row.updated_at.isoformat(),
        "publisher": PUBLISHER,
        "description": row.rationale,
        **({"useContext": use_context} if use_context else {}),
        "topic": [concept([coding(DEFINITION_TOPIC, "treatment", "Treatment")])],
        "copyright": SOURCE["licence"],
        "relatedArtifact": citations,
        "action": [action],
    }


def descendants_of(disorders: Iterable[Disorder]) -> dict[int, list[Disorder]]:
    """Each disorder with every disorder under it (itself first), from already-fetched rows."""
    rows = list(disorders)
    children: dict[int | None, list[Disorder]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def walk(row: Disorder) -> list[Disorder]:
        found, stack = [], [row]
        while stack:
            current = stack.pop()
            if current not in found:
                found.append(current)
                stack.extend(children.get(current.pk, []))
        return found

    return {row.pk: walk(row) for row in rows}


# --- plans ---------------------------------------------------------------------------------


def _item_action(item: Recommendation, base: str) -> dict:
    lead = item.lead.guidance
    return {
        "id": f"{item.phase}-{item.modality.slug}",
        # The direction extension is defined for a PlanDefinition's actions only (CPG).
        "extension": [e for e in grading_extensions(lead) if e["url"] != DIRECTION_EXTENSION],
        "title": item.modality.name,
        "description": lead.rationale,
        "code": [modality_concept(item.modality, base)],
        # The recommendation definition that leads the item, then the references it cites.
        "documentation": [
            {
                "type": "derived-from",
                "display": lead.name,
                "resource": f"{base}/PlanDefinition/{lead.slug}",
            },
            *[related_artifact(r) for r in lead.references.all()],
        ],
    }


def detected_issue(warning: PlanWarning, *, plan_url: str, base: str, patient: str | None) -> dict:
    """A contraindication or warning of a plan as a DetectedIssue that implicates the plan."""
    issue = {
        "resourceType": "DetectedIssue",
        # The slug the JSON plan's warning carries: the same statement in both.
        "identifier": [{"system": f"{base}/identifier/plan-warning", "value": warning.code}],
        "status": "final",
        "code": concept([coding(own_system(base, "warning-kind"), warning.kind)], warning.title),
        "severity": ISSUE_SEVERITY[Severity(warning.severity)],
        "identifiedDateTime": timezone.now().isoformat(),
        "implicated": [{"reference": plan_url}],
        "detail": warning.message,
    }
    if patient:
        issue["patient"] = {"reference": patient}
    evidence = [
        {"identifier": {"system": "https://doi.org", "value": r.doi}, "display": r.short_citation}
        if r.doi
        else {"display": r.short_citation}
        for r in warning.references
    ]
    if evidence:
        issue["evidence"] = [{"detail": evidence}]
    if warning.references and (warning.references[0].doi_url or warning.references[0].url):
        issue["reference"] = warning.references[0].doi_url or warning.references[0].url
    return issue


def request_group(plan: Plan, *, base: str, patient: str | None, plan_url: str) -> dict:
    """A plan as a RequestGroup (intent proposal): the verdict as its code, its overall certainty
    as the quality of evidence, and one action group per phase in treatment order, each item led
    by its best guidance row (a recommendation definition of its own)."""
    verdict = Verdict(plan.verdict)
    group = {
        "resourceType": "RequestGroup",
        "instantiatesCanonical": [
            f"{base}/PlanDefinition/{item.lead.guidance.slug}" for item in plan.recommendations
        ],
        "status": "draft",
        "intent": "proposal",
        "code": concept([coding(own_system(base, "verdict"), verdict.value, verdict.label)]),
        "authoredOn": timezone.now().isoformat(),
        "reasonCode": [disorder_concept(plan.disorder, base)],
        "note": [{"text": DISCLAIMER}],
        "action": [
            {
                "id": phase,
                "title": TreatmentPhase(phase).label,
                "code": [phase_concept(phase, base)],
                "groupingBehavior": "logical-group",
                "selectionBehavior": "any",
                "action": [_item_action(item, base) for item in items],
            }
            for phase, items in plan.phases.items()
            if items
        ],
    }
    if plan.overall_certainty:
        group["extension"] = [quality_extension(plan.overall_certainty)]
    if patient:
        group["subject"] = {"reference": patient}
    return group


def plan_bundle(plans: Sequence[Plan], *, base: str, patient: str | None) -> dict:
    """$apply's answer: a Bundle (collection) of one RequestGroup per plan, each followed by the
    DetectedIssues of its contraindications and warnings (contraindications first)."""
    entries = []
    for plan in plans:
        plan_url = f"urn:uuid:{uuid.uuid4()}"
        entries.append(
            {
                "fullUrl": plan_url,
                "resource": request_group(plan, base=base, patient=patient, plan_url=plan_url),
            }
        )
        for warning in [*plan.contraindications, *plan.warnings]:
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                    "resource": detected_issue(
                        warning, plan_url=plan_url, base=base, patient=patient
                    ),
                }
            )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": entries,
    }


# --- the server's own resources ------------------------------------------------------------


def operation_outcome(
    message: str, *, code: str = "invalid", severity: str = "error", where: str | None = None
) -> dict:
    """An error as FHIR reports one: the issue's type, a readable diagnosis, and the parameter."""
    issue = {
        "severity": severity,
        "code": code,
        "details": {"text": message},
        "diagnostics": message,
    }
    if where:
        issue["expression"] = [where]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


SEARCH_PARAMETERS = (
    ("_id", "token", "The recommendation definition's id (the guidance row's slug)."),
    ("url", "uri", "Its canonical URL."),
    (
        "context",
        "token",
        "system|code of a disorder (SNOMED CT, ICD-10-CM, ICD-11) or a compound (ATC, UNII, "
        "RxNorm): the definitions scoped to the entity the code names, or to a broader disorder "
        "it belongs to. Repeat to require all; separate with commas for any.",
    ),
    ("status", "token", "Always active: drafts are never served."),
)


def capability_statement(*, base: str, software_version: str, date: str) -> dict:
    """What this FHIR endpoint does: read and search recommendation definitions, and $apply.
    ``date`` is when the content last changed."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": PUBLISHER,
        "kind": "instance",
        "software": {"name": PUBLISHER, "version": software_version},
        "implementation": {
            "description": "Psychotherapy guidance for psychoplastogen treatment, as CPG "
            "recommendation definitions. " + DISCLAIMER,
            "url": base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_MEDIA_TYPE, "json"],
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {
                        "type": "PlanDefinition",
                        "supportedProfile": [RECOMMENDATION_PROFILE],
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": name, "type": kind, "documentation": documentation}
                            for name, kind, documentation in SEARCH_PARAMETERS
                        ],
                        "operation": [
                            {
                                "name": "apply",
                                "definition": f"{base}/OperationDefinition/{APPLY_OPERATION_ID}",
                            }
                        ],
                    },
                    {"type": "OperationDefinition", "interaction": [{"code": "read"}]},
                    # This service's own code systems (<base>/CodeSystem/<name>).
                    {"type": "CodeSystem", "interaction": [{"code": "read"}]},
                ],
            }
        ],
    }


# $apply's input parameters: this service's own (CPG's $apply needs a subject and applies one
# named definition; this one builds the whole plan from a record's codes).
APPLY_PARAMETERS = (
    (
        "subject",
        "string",
        "0",
        "1",
        "The patient, e.g. Patient/123 (or valueReference); named in the answer.",
    ),
    (
        "data",
        "Bundle",
        "0",
        "1",
        "The patient's Condition, MedicationRequest and MedicationStatement resources.",
    ),
    ("condition", "CodeableConcept", "0", "*", "A condition's code (valueCoding is accepted too)."),
    (
        "medication",
        "CodeableConcept",
        "0",
        "*",
        "A medication's code (or valueCoding): the "
        "psychoplastogen ordered and the medications taken.",
    ),
    (
        "profileFactor",
        "Coding",
        "0",
        "*",
        "A clinical-profile factor in <base>/CodeSystem/profile-factor (or valueCode: its slug).",
    ),
)


def apply_operation_definition(*, base: str) -> dict:
    """What POST /fhir/PlanDefinition/$apply takes and answers."""
    return {
        "resourceType": "OperationDefinition",
        "id": APPLY_OPERATION_ID,
        "url": f"{base}/OperationDefinition/{APPLY_OPERATION_ID}",
        "name": "PsychoplastogenPlanApply",
        "title": "The psychotherapy plan for a patient known by standard codes",
        "status": "active",
        "kind": "operation",
        "publisher": PUBLISHER,
        "description": "Builds the plan for every condition that maps to a disorder of this "
        "service with every medication that maps to a compound, screened against the other "
        "medications: a Bundle of one RequestGroup per plan and a DetectedIssue per "
        "contraindication and warning, as the JSON endpoint /api/v1/recommendations/ answers.",
        "code": "apply",
        "resource": ["PlanDefinition"],
        "system": False,
        "type": True,
        "instance": False,
        "parameter": [
            *[
                {
                    "name": name,
                    "use": "in",
                    "min": int(low),
                    "max": high,
                    "documentation": documentation,
                    "type": kind,
                }
                for name, kind, low, high, documentation in APPLY_PARAMETERS
            ],
            {
                "name": "return",
                "use": "out",
                "min": 1,
                "max": "1",
                "documentation": "A collection Bundle: RequestGroups, each followed by its "
                "DetectedIssues.",
                "type": "Bundle",
            },
        ],
    }


def code_system(
    *, base: str, name: str, title: str, description: str, concepts: Sequence[tuple], version: str
) -> dict:
    """One of this service's code systems (the URIs its codings use) with every code in it:
    ``concepts`` are (code, display) or (code, display, definition)."""
    return {
        "resourceType": "CodeSystem",
        "id": name,
        "url": own_system(base, name),
        "version": version,
        "name": "".join(part.capitalize() for part in name.split("-")),
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "description": description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": [
            {
                "code": code,
                "display": display,
                **({"definition": rest[0]} if rest and rest[0] else {}),
            }
            for code, display, *rest in concepts
        ],
    }


def search_bundle(resources: Sequence[dict], *, total: int, links: dict[str, str]) -> dict:
    """One page of a search: its matches, the total, and the self/next/previous links."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": relation, "url": url} for relation, url in links.items()],
        "entry": [
            {"fullUrl": r["url"], "resource": r, "search": {"mode": "match"}} for r in resources
        ],
    }
