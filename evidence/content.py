"""How fixtures/references.yaml maps onto Reference rows."""

from typing import Any

from content.loader import CitationSource, ContentFile, Spec
from evidence.models import Reference, normalize_doi


def _prepare(entry: dict[str, Any]) -> dict[str, Any]:
    entry["doi"] = normalize_doi(entry.get("doi"))
    return entry


def _identify(values: dict[str, Any]) -> dict[str, Any]:
    """Match seed references by number and outside sources by DOI."""
    if values.get("seed_number") is not None:
        return {"seed_number": values["seed_number"]}
    if values.get("doi"):
        return {"doi__iexact": values["doi"]}
    raise ValueError("a reference needs a seed_number or a doi")


REFERENCES = ContentFile(
    "references.yaml",
    Spec(
        model=Reference,
        key=("seed_number", "doi"),
        fields=("year", "authors", "title", "venue", "url", "evidence_type", "citation"),
        prepare=_prepare,
        identify=_identify,
    ),
    # Every other fixture cites references by seed number (75) or DOI, in any case.
    citation_source=CitationSource(
        tokens=lambda ref: (ref.seed_number, ref.doi),
        normalize=lambda token: token.strip().lower() if isinstance(token, str) else token,
        hint="cite a seed number from references.yaml or a DOI listed there",
    ),
)
