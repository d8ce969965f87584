"""Standard codes: the code systems clinical software names our entities by, and the base of every
coded identifier (a compound's PubChem CID, a disorder's ICD-10-CM code).

Each code is data an editor checks and corrects (with review, like any clinical row), with where
it was found; a code nobody checked is left out: an empty code is honest, a wrong one silently
mis-maps a patient.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from content.models import ContentModel


@dataclass(frozen=True)
class CodeSystem:
    """A code system: the short name this API uses, its FHIR URI where HL7 defines one."""

    name: str
    label: str
    uri: str | None = None
    pattern: str = r"^\S+$"
    example: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """What a client may call it: the short name, and the URI where there is one."""
        return (self.name, self.uri) if self.uri else (self.name,)


COMPOUND_SYSTEMS = (
    CodeSystem(
        "rxnorm", "RxNorm", "http://www.nlm.nih.gov/research/umls/rxnorm", r"^[1-9][0-9]*$", "6130"
    ),
    CodeSystem(
        "atc",
        "WHO ATC",
        "http://www.whocc.no/atc",
        r"^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$",
        "N01AX03",
    ),
    CodeSystem("unii", "FDA UNII", "http://fdasis.nlm.nih.gov", r"^[0-9A-Z]{10}$", "690G0D6V8H"),
    CodeSystem("pubchem-cid", "PubChem CID", None, r"^[1-9][0-9]*$", "3821"),
    CodeSystem(
        "inchikey", "InChIKey", None, r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$", "YQEZLKZALYSWHR-UHFFFAOYSA-N"
    ),
    CodeSystem("chebi", "ChEBI", None, r"^CHEBI:[1-9][0-9]*$", "CHEBI:6121"),
    CodeSystem("drugbank", "DrugBank", None, r"^DB[0-9]{5}$", "DB01221"),
    CodeSystem(
        "cas", "CAS Registry Number", None, r"^[1-9][0-9]{1,6}-[0-9]{2}-[0-9]$", "6740-88-1"
    ),
)
DISORDER_SYSTEMS = (
    CodeSystem(
        "snomed-ct", "SNOMED CT", "http://snomed.info/sct", r"^[1-9][0-9]{5,17}$", "47505003"
    ),
    CodeSystem(
        "icd-10-cm",
        "ICD-10-CM",
        "http://hl7.org/fhir/sid/icd-10-cm",
        r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$",
        "F10.20",
    ),
    CodeSystem(
        "icd-11",
        "ICD-11 MMS",
        "http://id.who.int/icd/release/11/mms",
        r"^[0-9A-HJ-NP-Z]{4}(\.[0-9A-HJ-NP-Z]{1,2})?$",
        "6B40",
    ),
)
SYSTEMS = {system.name: system for system in (*COMPOUND_SYSTEMS, *DISORDER_SYSTEMS)}


def system_choices(systems: tuple[CodeSystem, ...]) -> list[tuple[str, str]]:
    return [(system.name, system.label) for system in systems]


def system_named(name: str, systems: tuple[CodeSystem, ...]) -> CodeSystem | None:
    """The code system a client names by short name or URI (case-insensitively), or None."""
    wanted = name.strip().lower()
    return next((s for s in systems if wanted in (n.lower() for n in s.names)), None)


class CodeMatch(models.TextChoices):
    """How a code relates to the entity that carries it."""

    EXACT = "exact", "The code names this entity"
    NARROWER = "narrower", "The code names a narrower concept this entity covers"


def one_row_per_code(entity: str) -> models.UniqueConstraint:
    """A code names one row: looking a patient's code up must find one entity."""
    return models.UniqueConstraint(
        fields=["system", "code"],
        name=f"{entity}code_unique_system_code",
        violation_error_message=f"Another {entity} already has this code.",
    )


class CodedIdentifier(ContentModel):
    """Abstract base of a code that names a row of ours in a standard code system."""

    code = models.CharField(max_length=60)
    display = models.CharField(
        max_length=200, blank=True, help_text="The code's name in its system, where known."
    )
    match = models.CharField(
        max_length=10,
        choices=CodeMatch.choices,
        default=CodeMatch.EXACT,
        help_text="exact: the code names this entity; narrower: it names a narrower concept "
        "(anorexia nervosa for eating disorders), which this entity's guidance covers.",
    )
    source = models.CharField(
        max_length=300, help_text="Where the code was found (a registry, or the source list)."
    )

    # The foreign key to the entity the code names (subclasses set it).
    ENTITY = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.system}|{self.code}"

    @property
    def system_uri(self) -> str | None:
        """The system's FHIR URI, or None where HL7 names none."""
        system = SYSTEMS.get(self.system)
        return system.uri if system else None

    def clean(self) -> None:
        """A code has its system's format (an ICD-11 code is not an ICD-10-CM one)."""
        system = SYSTEMS.get(self.system)
        if system is not None and not re.fullmatch(system.pattern, self.code or ""):
            raise ValidationError(
                {
                    "code": f"Not a {system.label} code; a {system.label} code looks like "
                    f"{system.example}."
                }
            )


class CodeError(ValueError):
    """A ``system|code`` token that names no known system, or a code no row carries; the message
    says which, and ``valid`` lists what is accepted where that set is known."""

    def __init__(self, message: str, valid: list[str] | None = None):
        super().__init__(message)
        self.valid = valid


def valid_system_names(systems: tuple[CodeSystem, ...]) -> list[str]:
    """Every name a client may give a system by: short names, then URIs."""
    return [s.name for s in systems] + [s.uri for s in systems if s.uri]


def token_pattern(systems: tuple[CodeSystem, ...]) -> str:
    """The regular expression of a well-formed ``system|code`` token, for the OpenAPI document."""
    # Only "." needs escaping in these names; escaping "-" would be invalid in ECMAScript (u mode).
    names = "|".join(name.replace(".", "\\.") for name in valid_system_names(systems))
    return f"^(?:{names})\\|[^|\\s]+$"


def coded_row_get(model: type[CodedIdentifier], systems: tuple[CodeSystem, ...], token: str):
    """The code row ``token`` (``system|code``, the system by short name or URI, as FHIR token
    search writes it) names, its entity selected; raises CodeError."""
    system_name, bar, code = token.partition("|")
    names = valid_system_names(systems)
    if not bar or not system_name.strip() or not code.strip():
        raise CodeError(
            f"Give a code as system|code, e.g. {systems[0].name}|<code>; systems: "
            f"{', '.join(names)}.",
            names,
        )
    system = system_named(system_name, systems)
    if system is None:
        raise CodeError(
            f"Unknown code system {system_name.strip()!r}; valid: {', '.join(names)}.", names
        )
    entity = model.ENTITY
    found = (
        model.objects.select_related(entity)
        .filter(system=system.name, code__iexact=code.strip())
        .first()
    )
    if found is None:
        noun = model._meta.get_field(entity).related_model._meta.verbose_name
        raise CodeError(
            f"No {noun} has the {system.label} code {code.strip()!r}; the codes each {noun} "
            "carries are listed in its `codes`."
        )
    return found
