"""What a patient's FHIR record says, in this service's terms: the disorders their conditions code
for, the compound a medication order codes for, and the medication classes they already take.

A clinic's record names things by standard codes (SNOMED CT, ICD-10-CM, ATC, UNII, ...); each is
looked up in the codes editors have checked (content.codes). This service's own code systems (the
slugs, under ``<base>/CodeSystem/<kind>``) are accepted too, for a client that knows them. A code
nobody has checked maps to nothing: an unmatched code is reported, never guessed at.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Upper

from compounds.models import Compound, CompoundCode
from content.codes import COMPOUND_SYSTEMS, DISORDER_SYSTEMS, CodeSystem
from disorders.models import Disorder, DisorderCode, ProfileFactor
from medications.models import ATC_SYSTEM, Medication, MedicationClass

# This service's own code systems, under the FHIR base: <base>/CodeSystem/<name>.
OWN_SYSTEMS = (
    "disorder",
    "compound",
    "medication",
    "profile-factor",
    "modality",
    "treatment-phase",
    "verdict",
    "warning-kind",
    "override-reason",
    "card-topic",
)


def own_system(base: str, name: str) -> str:
    """The URI of one of this service's code systems, e.g. <base>/CodeSystem/compound."""
    assert name in OWN_SYSTEMS, name
    return f"{base}/CodeSystem/{name}"


Coding = tuple[str, str]  # (system URI, code)


def codings_of(concept: object) -> list[Coding]:
    """The (system, code) pairs of a FHIR CodeableConcept or Coding (JSON); malformed parts are
    skipped, so a record with odd entries still yields what it can."""
    if not isinstance(concept, Mapping):
        return []
    items = concept.get("coding") if "coding" in concept else [concept]
    if not isinstance(items, list):
        return []
    return [
        (item["system"].strip(), item["code"].strip())
        for item in items
        if isinstance(item, Mapping)
        and isinstance(item.get("system"), str)
        and isinstance(item.get("code"), str)
        and item["system"].strip()
        and item["code"].strip()
        # A NUL character is in no code, and no database can compare it.
        and "\x00" not in item["system"] + item["code"]
    ]


def _by_uri(systems: tuple[CodeSystem, ...]) -> dict[str, str]:
    return {s.uri.lower(): s.name for s in systems if s.uri}


def _standard(codings: Iterable[Coding], systems: tuple[CodeSystem, ...]) -> Q | None:
    """A filter for the code rows any of these codings names (one IN list per system, codes
    compared in capitals, as a client may write f10.20), or None when none is in these systems."""
    names = _by_uri(systems)
    wanted: dict[str, set[str]] = {}
    for system, code in codings:
        name = names.get(system.lower())
        if name is not None:
            wanted.setdefault(name, set()).add(code.upper())
    if not wanted:
        return None
    found = Q(pk__in=[])
    for name, codes in wanted.items():
        found |= Q(system=name, code_upper__in=sorted(codes))
    return found


def _code_rows(model):
    return model.objects.annotate(code_upper=Upper("code"))


def _own(codings: Iterable[Coding], base: str, kind: str) -> list[str]:
    uri = own_system(base, kind).lower()
    return [code for system, code in codings if system.lower() == uri]


def disorders_coded(codings: list[Coding], base: str) -> list[Disorder]:
    """The disorders these codings name, in the order first named (a narrower code, ICD-10-CM
    F10.20, names the disorder that carries it)."""
    found: dict[tuple[str, str], Disorder] = {}
    wanted = _standard(codings, DISORDER_SYSTEMS)
    if wanted is not None:
        for row in _code_rows(DisorderCode).filter(wanted).select_related("disorder"):
            found[(row.system, row.code.lower())] = row.disorder
    slugs = {d.slug: d for d in Disorder.objects.filter(slug__in=_own(codings, base, "disorder"))}
    names = _by_uri(DISORDER_SYSTEMS)
    ordered = []
    for system, code in codings:
        row = found.get((names.get(system.lower(), ""), code.lower())) or (
            slugs.get(code) if system.lower() == own_system(base, "disorder").lower() else None
        )
        if row is not None and row not in ordered:
            ordered.append(row)
    return ordered


def compounds_coded(codings: list[Coding], base: str) -> list[Compound]:
    """The compounds these codings name (ATC N01AX03, UNII, ..., or this service's slug)."""
    rows: list[Compound] = []
    wanted = _standard(codings, COMPOUND_SYSTEMS)
    if wanted is not None:
        rows += [
            c.compound for c in _code_rows(CompoundCode).filter(wanted).select_related("compound")
        ]
    rows += list(Compound.objects.filter(slug__in=_own(codings, base, "compound")))
    return list(dict.fromkeys(rows))


def medication_classes_coded(codings: list[Coding], base: str) -> list[MedicationClass]:
    """The medication classes these codings name: by a member's or a class's ATC code, where a
    class's code is a level above its members' (N06AB, the SSRIs, covers N06AB06, sertraline),
    or by this service's slug of a class or a member."""
    atc = {code.upper() for system, code in codings if system.lower() == ATC_SYSTEM.lower()}
    slugs = _own(codings, base, "medication")
    classes: list[MedicationClass] = []
    if atc or slugs:
        members = Medication.objects.filter(Q(atc_code__in=atc) | Q(slug__in=slugs))
        classes += [m.medication_class for m in members.select_related("medication_class")]
        for row in MedicationClass.objects.exclude(atc_code=""):
            if row.slug in slugs or any(code.startswith(row.atc_code) for code in atc):
                classes.append(row)
        classes += list(MedicationClass.objects.filter(slug__in=slugs))
    return list(dict.fromkeys(classes))


def profile_factors_coded(codings: list[Coding], base: str) -> list[ProfileFactor]:
    """Clinical-profile factors, which have no standard codes: by this service's slug only."""
    return list(ProfileFactor.objects.filter(slug__in=_own(codings, base, "profile-factor")))


@dataclass
class PatientRecord:
    """The parts of a patient's FHIR record the plans read: the codes of their conditions and of
    their medications, each list as (system, code) pairs; the medications no code of which this
    service can read (``unscreened``, by name); and what could not be read at all
    (``incomplete``: a prefetch that answered an error, or a search with pages left)."""

    conditions: list[Coding] = field(default_factory=list)
    medications: list[Coding] = field(default_factory=list)
    unscreened: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)

    def add_resource(self, resource: object) -> None:
        """Read a Condition, MedicationRequest or MedicationStatement (JSON); skip anything else.

        A Condition the record marks resolved, inactive, refuted or entered in error is not one
        the patient has; a medication no longer taken (stopped, completed, cancelled, entered in
        error) is not one they take.
        """
        if not isinstance(resource, Mapping):
            return
        kind = resource.get("resourceType")
        if kind == "Condition":
            if _inactive_condition(resource):
                return
            self.conditions += codings_of(resource.get("code"))
        elif kind in ("MedicationRequest", "MedicationStatement"):
            if str(resource.get("status")) in INACTIVE_MEDICATION_STATUSES:
                return
            codings = medication_codings(resource)
            self.medications += codings
            if not any(readable_medication(system) for system, _ in codings):
                self.unscreened.append(medication_name(resource, codings))

    def add_bundle(self, bundle: object, *, name: str = "the record") -> None:
        """Read every entry of a Bundle (a searchset from prefetch, or a collection). An
        OperationOutcome in its place, or a search with a next page, leaves ``name`` incomplete:
        the service reads only what it was sent."""
        if not isinstance(bundle, Mapping):
            return
        if bundle.get("resourceType") == "OperationOutcome":
            self.incomplete.append(f"{name}: the client could not read them (OperationOutcome)")
            return
        links = bundle.get("link")
        if isinstance(links, list) and any(
            isinstance(link, Mapping) and link.get("relation") == "next" for link in links
        ):
            self.incomplete.append(f"{name}: only the first page was sent")
        entries = bundle.get("entry")
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping):
                self.add_resource(entry.get("resource"))


def readable_medication(system: str) -> bool:
    """Whether a medication coded in ``system`` can be screened here: by ATC, or by this
    service's own code systems (RxNorm, NDC and the rest are not mapped to classes yet)."""
    system = system.lower()
    return system == ATC_SYSTEM.lower() or system.endswith(
        ("/codesystem/medication", "/codesystem/compound")
    )


def medication_name(resource: Mapping, codings: list[Coding]) -> str:
    """What to call a medication in a message: its text, a coding's display, else its code."""
    concept = resource.get("medicationCodeableConcept")
    if isinstance(concept, Mapping):
        if isinstance(concept.get("text"), str) and concept["text"].strip():
            return concept["text"].strip()[:100]
        for item in concept.get("coding") or []:
            if isinstance(item, Mapping) and isinstance(item.get("display"), str):
                return item["display"].strip()[:100]
    if codings:
        system, code = codings[0]
        return f"{system}|{code}"[:100]
    return "a medication with no code"


INACTIVE_MEDICATION_STATUSES = {"stopped", "completed", "cancelled", "entered-in-error"}
INACTIVE_CONDITION_STATUSES = {"inactive", "remission", "resolved"}
REFUTED_VERIFICATION = {"refuted", "entered-in-error"}


def _inactive_condition(resource: Mapping) -> bool:
    clinical = {code for _, code in codings_of(resource.get("clinicalStatus"))}
    verification = {code for _, code in codings_of(resource.get("verificationStatus"))}
    return bool(clinical & INACTIVE_CONDITION_STATUSES or verification & REFUTED_VERIFICATION)


def medication_codings(resource: Mapping) -> list[Coding]:
    """The codes of a MedicationRequest's or MedicationStatement's medication (R4's
    medicationCodeableConcept; a contained Medication's code when referenced by '#id')."""
    concept = resource.get("medicationCodeableConcept")
    if concept is None:
        reference = resource.get("medicationReference")
        target = reference.get("reference") if isinstance(reference, Mapping) else None
        contained = resource.get("contained")
        if isinstance(target, str) and target.startswith("#") and isinstance(contained, list):
            for item in contained:
                if isinstance(item, Mapping) and item.get("id") == target[1:]:
                    concept = item.get("code")
    return codings_of(concept)
