"""Resource documents as plain functions over the read model's rows (api.readmodel).

Each function builds, for one request, exactly the document the resource's DRF serializer
describes (api/serializers, which stay the schema's declaration and the slower path): the same
keys in the same order, the same nulls, the same links. tests/api/test_documents.py holds every
list and detail of the content to its serializer's answer.

``Documents`` is made per request: links are absolute (scheme and host of the request, as DRF's
``reverse`` makes them), and each citation is made once per request.
"""

import re
from collections.abc import Sequence
from operator import itemgetter

from django.db import models
from rest_framework import serializers

from api.params import CONTROL_CHARACTERS
from api.readmodel import ReadModel, instance_from_row
from api.serializers.common import phase_list, reference_url
from api.serializers.compounds import PLASTICITY_STATEMENT
from compounds.models import Compound, MechanismLevel
from content.codes import SYSTEMS
from content.models import Statement
from content.text import lines
from disorders.models import Disorder, ProfileFactor, ancestry
from evidence.models import (
    ARTICLE_DOI,
    DOI_RESOLVER,
    Reference,
    ReferenceOrigin,
    normalize_doi,
    short_authors,
)
from guidance.models import Guidance, SafetyStatement, guidance_name
from guidance.recommendations import (
    CITED_COLUMNS,
    GUIDANCE_TEXT,
    STATEMENT_COLUMNS,
    GuidanceContent,
    GuidanceRow,
    RowLink,
    StatementRow,
    interactions_get,
)
from medications.models import MedicationClass
from modalities.models import PHASE_FIELDS, Modality, TreatmentPhase, by_phase

_DATETIME = serializers.DateTimeField()
# A seed number: the article's reference list is numbered from 1 (a small integer in the database).
SEED_NUMBER = re.compile(r"[0-9]{1,5}")


def _nullable(model: type[models.Model]) -> frozenset[str]:
    """The text columns a NullableModelSerializer shows as null when empty ("")."""
    return frozenset(
        f.attname
        for f in model._meta.concrete_fields
        if f.blank and isinstance(f, models.CharField | models.TextField)
    )


# A disorder's declared statements, by their text field.
DISORDER = {declared.text: declared for declared in Disorder.STATEMENTS}
NULLABLE = {model: _nullable(model) for model in (Guidance, Modality, SafetyStatement)}


def _opt(value):
    return None if value in ("", None) else value


def _own(row: dict, names: tuple[str, ...], nullable: frozenset[str]) -> dict:
    return {name: (_opt(row[name]) if name in nullable else row[name]) for name in names}


class Documents:
    """Builds the resource documents of one request from one read model."""

    def __init__(self, model: ReadModel, origin: str):
        self.m = model
        self.origin = origin
        self._citations: dict[int, dict] = {}
        self._links: dict[tuple[str, int], dict] = {}
        self._reference_prefix = origin + model.list_path("reference")

    # --- shared shapes ----------------------------------------------------------------------

    def link(self, table: str, pk: int | None) -> dict | None:
        if pk is None:
            return None
        key = (table, pk)
        found = self._links.get(key)
        if found is None:
            row = self.m.tables[table].rows[pk]
            name = self._guidance_name(row) if table == "guidance" else row["name"]
            found = self._links[key] = {
                "slug": row["slug"],
                "name": name,
                "url": self.origin + row["_path"],
            }
        return found

    def url(self, row: dict) -> str:
        return self.origin + row["_path"]

    def citations(self, table: str, attribute: str, pk: int) -> list[dict]:
        ids = self.m.cites[(table, attribute)].get(pk, ())
        return [self.citation(ref) for ref in ids]

    def citation(self, pk: int) -> dict:
        found = self._citations.get(pk)
        if found is None:
            parts = citation_parts(self.m)[pk]
            found = self._citations[pk] = {**parts, "url": self._reference_prefix + parts["url"]}
        return found

    def statement(self, table: str, row: dict, declared: Statement) -> dict | None:
        """One of the row's declared statements (as api.serializers.common.statement shows it);
        None where its text is empty."""
        if not row[declared.text]:
            return None
        return {
            "text": row[declared.text],
            "references": self.citations(table, declared.references, row["id"]),
            "provenance": _opt(row[declared.provenance]),
            "locator": lines(row[declared.locator] or ""),
        }

    def codes(self, table: str, owner_column: str, pk: int) -> list[dict]:
        return [
            {
                "system": code["system"],
                "system_uri": _opt(SYSTEMS[code["system"]].uri)
                if code["system"] in SYSTEMS
                else None,
                "code": code["code"],
                "display": _opt(code["display"]),
                "match": code["match"],
                "source": code["source"],
            }
            for code in self.m.grouped(table, owner_column).get(pk, ())
        ]

    # --- references ---------------------------------------------------------------------------

    def reference_item(self, pk: int) -> dict:
        return dict(self.citation(pk))

    def reference_detail(self, pk: int) -> dict:
        row = self.m.tables["reference"].rows[pk]
        return {
            **self.citation(pk),
            "authors": row["authors"],
            "venue": _opt(row["venue"]),
            "citation": row["citation"],
            "source_url": _opt(row["url"]),
        }

    # --- compounds and mechanisms -------------------------------------------------------------

    def compound_item(self, pk: int) -> dict:
        row = self.m.tables["compound"].rows[pk]
        return {
            "slug": row["slug"],
            "name": row["name"],
            "compound_class": row["compound_class"],
            "synonyms": lines(row["synonyms"]),
            "summary": row["summary"],
            "provenance": _opt(row["provenance"]),
            "codes": self.codes("compound_code", "compound_id", pk),
            "url": self.url(row),
        }

    def compound_detail(self, pk: int) -> dict:
        row = self.m.tables["compound"].rows[pk]
        by_level: dict[str, list] = {level: [] for level in MechanismLevel.values}
        mechanisms = self.m.tables["mechanism"].rows
        for link in self._compound_links(pk):
            by_level[mechanisms[link["mechanism_id"]]["level"]].append(
                self._engagement(link, "mechanism")
            )
        onset = row["plasticity_onset_min_hours"] is not None
        return {
            **self.compound_item(pk),
            "primary_targets": lines(row["primary_targets"]),
            "references": self.citations("compound", "references", pk),
            "locator": lines(row["locator"] or ""),
            "plasticity": {
                "onset_hours": {
                    "min": row["plasticity_onset_min_hours"],
                    "max": row["plasticity_onset_max_hours"],
                }
                if onset
                else None,
                "window_duration_hours": row["plasticity_window_duration_hours"],
                "window_duration_note": _opt(row["plasticity_window_duration_note"]),
                "statement": self.statement("compound", row, PLASTICITY_STATEMENT),
            },
            "mechanisms": by_level,
        }

    def _engagement(self, link: dict, other: str) -> dict:
        return {
            other: self.link(other, link[f"{other}_id"]),
            "evidence_basis": link["evidence_basis"],
            "summary": link["summary"],
            "references": self.citations("compound_mechanism", "references", link["id"]),
            "provenance": _opt(link["provenance"]),
            "locator": lines(link["locator"] or ""),
        }

    def _compound_links(self, compound: int) -> list[dict]:
        return self._grouped_links()[0].get(compound, [])

    def _grouped_links(self) -> tuple[dict, dict]:
        """Compound-mechanism links by compound (by mechanism name) and by mechanism (by compound
        name), in the database's order of names."""
        key = "compound_mechanism_links"
        grouped = self.m.derived.get(key)
        if grouped is None:
            compounds = {pk: i for i, pk in enumerate(self.m.tables["compound"].order)}
            mechanisms = {pk: i for i, pk in enumerate(self.m.tables["mechanism"].order)}
            links = list(self.m.tables["compound_mechanism"].rows.values())
            by_compound: dict[int, list] = {}
            for link in sorted(links, key=lambda r: mechanisms[r["mechanism_id"]]):
                by_compound.setdefault(link["compound_id"], []).append(link)
            by_mechanism: dict[int, list] = {}
            for link in sorted(links, key=lambda r: compounds[r["compound_id"]]):
                by_mechanism.setdefault(link["mechanism_id"], []).append(link)
            grouped = self.m.derived[key] = (by_compound, by_mechanism)
        return grouped

    def mechanism_item(self, pk: int) -> dict:
        row = self.m.tables["mechanism"].rows[pk]
        return {
            "slug": row["slug"],
            "name": row["name"],
            "level": row["level"],
            "provenance": _opt(row["provenance"]),
            "url": self.url(row),
        }

    def mechanism_detail(self, pk: int) -> dict:
        row = self.m.tables["mechanism"].rows[pk]
        links = self._grouped_links()[1].get(pk, [])
        return {
            **self.mechanism_item(pk),
            "description": row["description"],
            "references": self.citations("mechanism", "references", pk),
            "locator": lines(row["locator"] or ""),
            "compounds": [self._engagement(link, "compound") for link in links],
        }

    # --- disorders ----------------------------------------------------------------------------

    def disorder_item(self, pk: int) -> dict:
        row = self.m.tables["disorder"].rows[pk]
        codes = self.codes("disorder_code", "disorder_id", pk)
        exact = [c["code"] for c in codes if c["system"] == "icd-11" and c["match"] == "exact"]
        return {
            "slug": row["slug"],
            "name": row["name"],
            "category": row["category"],
            "parent": self.link("disorder", row["parent_id"]),
            "icd11_code": exact[0] if exact else None,
            "codes": codes,
            "url": self.url(row),
        }

    def disorder_detail(self, pk: int) -> dict:
        row = self.m.tables["disorder"].rows[pk]
        subtypes = [
            self.link("disorder", c["id"])
            for c in self.m.grouped("disorder", "parent_id").get(pk, ())
        ]
        guidance = self.m.grouped("guidance", "disorder_id").get(pk, [])
        return {
            **self.disorder_item(pk),
            "subtypes": subtypes,
            "habitual_patterns": self.statement("disorder", row, DISORDER["habitual_patterns"]),
            "plasticity_risk": self.statement("disorder", row, DISORDER["plasticity_risk"]),
            "evidence_summary": self.statement("disorder", row, DISORDER["evidence_summary"]),
            "guidance_by_compound": self._guidance_groups(guidance),
        }

    def _guidance_groups(self, rows: list[dict]) -> list[dict]:
        compounds = self.m.tables["compound"].rows
        by_compound: dict[int | None, list[dict]] = {}
        for row in rows:
            by_compound.setdefault(row["compound_id"], []).append(row)
        order = sorted(
            by_compound, key=lambda c: (c is not None, compounds[c]["name"] if c else "")
        )
        groups = []
        for compound in order:
            phases = {
                phase: [self.guidance_detail(r["id"]) for r in rows]
                for phase, rows in by_phase(by_compound[compound], itemgetter("phase")).items()
            }
            groups.append(
                {
                    "compound": self.link("compound", compound),
                    "phases": phase_list(TreatmentPhase.values, guidance=phases.__getitem__),
                }
            )
        return groups

    # --- guidance -----------------------------------------------------------------------------

    def _guidance_name(self, row: dict) -> str:
        t = self.m.tables

        def name(table: str, column: str) -> str | None:
            pk = row[column]
            return None if pk is None else t[table].rows[pk]["name"]

        return guidance_name(
            t["modality"].rows[row["modality_id"]]["name"],
            row["phase"],
            name("disorder", "disorder_id"),
            name("compound", "compound_id"),
            name("profile_factor", "profile_factor_id"),
        )

    def guidance_item(self, pk: int) -> dict:
        row = self.m.tables["guidance"].rows[pk]
        nullable = NULLABLE[Guidance]
        return {
            "slug": row["slug"],
            "name": self._guidance_name(row),
            "disorder": self.link("disorder", row["disorder_id"]),
            "compound": self.link("compound", row["compound_id"]),
            "profile_factor": self.link("profile_factor", row["profile_factor_id"]),
            "modality": self.link("modality", row["modality_id"]),
            **_own(row, ("phase", "strength", "kind", "direction"), nullable),
            "certainty": row["certainty"] or None,
            "provenance": _opt(row["provenance"]),
            "published_at": _published_at(self.m)[pk],
            "url": self.url(row),
        }

    def guidance_detail(self, pk: int) -> dict:
        row = self.m.tables["guidance"].rows[pk]
        return {
            **self.guidance_item(pk),
            **_own(row, ("rationale",), NULLABLE[Guidance]),
            "references": self.citations("guidance", "references", pk),
            "locator": lines(row["locator"] or ""),
            **_own(row, ("certainty_rationale",), NULLABLE[Guidance]),
        }

    # --- modalities and profile factors -------------------------------------------------------

    def modality_item(self, pk: int) -> dict:
        row = self.m.tables["modality"].rows[pk]
        return {
            "slug": row["slug"],
            "name": row["name"],
            "lineage": row["lineage"],
            "phases": phase_list(phase for phase, column in PHASE_FIELDS.items() if row[column]),
            "url": self.url(row),
        }

    def modality_detail(self, pk: int) -> dict:
        row = self.m.tables["modality"].rows[pk]
        guidance = self.m.grouped("guidance", "modality_id").get(pk, [])
        disorders = self.m.tables["disorder"].rows
        paired = sorted(
            {g["disorder_id"] for g in guidance if g["disorder_id"] is not None},
            key=lambda d: disorders[d]["name"],
        )
        return {
            **self.modality_item(pk),
            **_own(row, ("aims",), NULLABLE[Modality]),
            "key_techniques": lines(row["key_techniques"]),
            **_own(row, ("phase_note", "minimum_standard_phase"), NULLABLE[Modality]),
            "references": self.citations("modality", "references", pk),
            "provenance": _opt(row["provenance"]),
            "locator": lines(row["locator"] or ""),
            "disorders": [self.link("disorder", d) for d in paired],
            "guidance": [self.guidance_detail(g["id"]) for g in guidance],
        }

    def profile_factor_item(self, pk: int) -> dict:
        row = self.m.tables["profile_factor"].rows[pk]
        return {
            "slug": row["slug"],
            "name": row["name"],
            "description": row["description"],
            "provenance": _opt(row["provenance"]),
            "url": self.url(row),
        }

    def profile_factor_detail(self, pk: int) -> dict:
        row = self.m.tables["profile_factor"].rows[pk]
        guidance = self.m.grouped("guidance", "profile_factor_id").get(pk, [])
        return {
            **self.profile_factor_item(pk),
            "references": self.citations("profile_factor", "references", pk),
            "locator": lines(row["locator"] or ""),
            "guidance": [self.guidance_detail(g["id"]) for g in guidance],
        }

    # --- safety statements --------------------------------------------------------------------

    def safety_statement_item(self, pk: int) -> dict:
        row = self.m.tables["safety_statement"].rows[pk]
        nullable = NULLABLE[SafetyStatement]
        return {
            **_own(row, ("slug", "title", "kind", "severity", "trigger"), nullable),
            "disorder": self.link("disorder", row["disorder_id"]),
            "compound": self.link("compound", row["compound_id"]),
            **_own(row, ("compound_class",), nullable),
            "profile_factor": self.link("profile_factor", row["profile_factor_id"]),
            "provenance": _opt(row["provenance"]),
            "url": self.url(row),
        }

    def safety_statement_detail(self, pk: int) -> dict:
        row = self.m.tables["safety_statement"].rows[pk]
        return {
            **self.safety_statement_item(pk),
            **_own(row, ("message",), NULLABLE[SafetyStatement]),
            "references": self.citations("safety_statement", "references", pk),
            "locator": lines(row["locator"] or ""),
        }


def citation_parts(model: ReadModel) -> dict[int, dict]:
    """Each reference as a statement cites it (``CITATION_FIELDS``), made once per read model,
    with ``url`` its path under the references list (the request's host goes before it)."""
    found = model.derived.get("citation_parts")
    if found is None:
        found = {}
        for pk, row in model.tables["reference"].rows.items():
            key = str(row["seed_number"]) if row["seed_number"] is not None else row["doi"]
            found[pk] = {
                "seed_number": row["seed_number"],
                "short_citation": f"{short_authors(row['authors'])} ({row['year']})",
                "title": row["title"],
                "year": row["year"],
                "doi": _opt(row["doi"]),
                "doi_url": f"{DOI_RESOLVER}{row['doi']}" if row["doi"] else None,
                "url": reference_url("", _Keyed(key)),
                "evidence_type": row["evidence_type"],
                "origin": _origin(row),
            }
        model.derived["citation_parts"] = found
    return found


def _published_at(model: ReadModel) -> dict[int, str | None]:
    """Each published guidance row's publication time as DRF shows it, made once per read model."""
    found = model.derived.get("published_at")
    if found is None:
        found = {
            pk: None
            if row["published_at"] is None
            else _DATETIME.to_representation(row["published_at"])
            for pk, row in model.tables["guidance"].rows.items()
        }
        model.derived["published_at"] = found
    return found


class _Keyed:
    """What reference_url reads of a reference: its look-up key."""

    __slots__ = ("lookup_key",)

    def __init__(self, key: str):
        self.lookup_key = key


def _origin(row: dict) -> str:
    if row["seed_number"] is not None:
        return ReferenceOrigin.ARTICLE_REFERENCE
    if row["doi"] == ARTICLE_DOI:
        return ReferenceOrigin.ARTICLE
    return ReferenceOrigin.OUTSIDE_ARTICLE


def reference_token(key: str) -> int | str | None:
    """What a reference's detail URL names: its seed number, its DOI (normalised, any case), or
    None for neither (a control character, a number too large to be a seed number, anything
    else). ReferenceViewSet.get_object looks the token up in the database, reference_pk in the
    held rows."""
    key = key.strip("/")
    if CONTROL_CHARACTERS.search(key):
        return None
    if SEED_NUMBER.fullmatch(key):
        return int(key)
    if key.startswith("10."):
        return normalize_doi(key)
    return None


def reference_pk(model: ReadModel, key: str) -> int | None:
    """The held reference a detail URL's key names (reference_token); None where none is held,
    or the key is not ASCII (the database's rules for case then decide)."""
    table = model.tables["reference"]
    index = model.derived.get("reference_keys")
    if index is None:
        index = {}
        for row in table.rows.values():
            if row["seed_number"] is not None:
                index[row["seed_number"]] = row["id"]
            if row["doi"]:
                index[row["doi"].lower()] = row["id"]
        model.derived["reference_keys"] = index
    if not key.isascii():
        return None  # matched case-insensitively by the database's rules instead
    token = reference_token(key)
    if isinstance(token, str):
        return index.get(token.lower())
    return index.get(token) if token is not None else None


# --- Plans -----------------------------------------------------------------------------------


def plan_content(
    model: ReadModel,
    *,
    disorder: Disorder,
    compound: Compound,
    profile: Sequence[ProfileFactor] = (),
    medications: Sequence[MedicationClass] = (),
) -> GuidanceContent:
    """The rows one plan is built from, as ``lean_content_get`` reads them from the database
    (lean guidance and statement rows with their citations), read from the read model instead:
    no query but the interactions' when medications are given."""
    tables = model.tables
    parents = {pk: row["parent_id"] for pk, row in tables["disorder"].rows.items()}
    chain = set(ancestry(disorder.pk, parents.get))
    factors = {p.pk for p in profile}

    def in_scope(row: dict) -> bool:
        return (
            (row["disorder_id"] is None or row["disorder_id"] in chain)
            and (row["compound_id"] is None or row["compound_id"] == compound.pk)
            and (row["profile_factor_id"] is None or row["profile_factor_id"] in factors)
        )

    references = _reference_instances(model)
    guidance_cites = model.cites[("guidance", "references")]
    statement_cites = model.cites[("safety_statement", "references")]
    links = _row_links(model)
    guidance = [
        GuidanceRow(
            row["id"],
            row["slug"],
            row["disorder_id"],
            row["compound_id"],
            row["profile_factor_id"],
            row["modality_id"],
            row["phase"],
            row["strength"],
            row["certainty"],
            links[("modality", row["modality_id"])],
            links.get(("disorder", row["disorder_id"])),
            links.get(("compound", row["compound_id"])),
            links.get(("profile_factor", row["profile_factor_id"])),
            tuple(references[r] for r in guidance_cites.get(row["id"], ())),
            *(row[column] for column in GUIDANCE_TEXT),
        )
        for row in tables["guidance"].in_order()
        if in_scope(row)
    ]
    statements = [
        StatementRow(
            *(row[column] for column in STATEMENT_COLUMNS),
            tuple(references[r] for r in statement_cites.get(row["id"], ())),
        )
        for row in tables["safety_statement"].in_order()
        if in_scope(row)
    ]
    return GuidanceContent(
        guidance,
        statements,
        parents,
        _minimum_standards(model),
        interactions_get(compound, medications),
    )


def holds_every_row(model: ReadModel, query: dict) -> bool:
    """Whether the read model holds the disorder, compound and profile factors a plan query
    names (found in the database by a code, or added since the rows were loaded, they may not
    be held: the plan is then built from the database, never from rows that lack them)."""
    tables = model.tables
    return (
        query["disorder"].pk in tables["disorder"].rows
        and query["compound"].pk in tables["compound"].rows
        and all(p.pk in tables["profile_factor"].rows for p in query.get("profile", ()))
    )


def plasticity_cited(model: ReadModel, compound: Compound) -> list[Reference]:
    """The references of a compound's plasticity statement, in citation order, as instances."""
    references = _reference_instances(model)
    cited = model.cites[("compound", "plasticity_window_references")].get(compound.pk, ())
    return [references[pk] for pk in cited]


def _reference_instances(model: ReadModel) -> dict[int, Reference]:
    """Each reference as a plan cites it: an instance with the columns a citation shows, made
    once per read model and shared (nothing writes to it)."""
    found = model.derived.get("reference_instances")
    if found is None:
        found = {
            pk: instance_from_row(Reference, row, CITED_COLUMNS)
            for pk, row in model.tables["reference"].rows.items()
        }
        model.derived["reference_instances"] = found
    return found


def _row_links(model: ReadModel) -> dict[tuple[str, int], RowLink]:
    found = model.derived.get("row_links")
    if found is None:
        found = {
            (table, pk): RowLink(pk, row["slug"], row["name"])
            for table in ("modality", "disorder", "compound", "profile_factor")
            for pk, row in model.tables[table].rows.items()
        }
        model.derived["row_links"] = found
    return found


def _minimum_standards(model: ReadModel) -> list[Modality]:
    """The modalities the sources make a phase's minimum standard, as instances (in name order)."""
    found = model.derived.get("minimum_standards")
    if found is None:
        found = [
            instance_from_row(Modality, row)
            for row in model.tables["modality"].in_order()
            if row["minimum_standard_phase"]
        ]
        model.derived["minimum_standards"] = found
    return found
