"""The FHIR R4 endpoint: /fhir/metadata, PlanDefinition read and search, and $apply."""

import hashlib
from collections.abc import Mapping
from functools import wraps

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import condition

from compounds.models import CompoundCode
from content.codes import COMPOUND_SYSTEMS, DISORDER_SYSTEMS, CodeError, coded_row_get
from content.versioning import Version, content_version_get
from disorders.models import Disorder, DisorderCode, ancestry
from evidence.models import citations
from guidance.models import Guidance
from infra.caching import cache_control
from interop.code_systems import CODE_SYSTEMS
from interop.fhir import (
    APPLY_OPERATION_ID,
    APPLY_PARAMETERS,
    SEARCH_PARAMETERS,
    apply_operation_definition,
    capability_statement,
    code_system,
    descendants_of,
    plan_bundle,
    plan_definition,
    search_bundle,
)
from interop.http import ClientError, base_url, endpoint, json_body, json_response
from interop.patient import Coding, PatientRecord, codings_of
from interop.plans import patient_plans

MAX_SEARCH_VALUES = 10
APPLY_NAMES = {name for name, *_ in APPLY_PARAMETERS}
# A search answers a page at a time: _count definitions (at most MAX_COUNT) from _offset.
DEFAULT_COUNT = 50
MAX_COUNT = 200
FORMATS = {"json", "application/json", "application/fhir+json"}


def _check_format(request: HttpRequest) -> None:
    """Only JSON is served: an Accept or _format that excludes it is a 406."""
    wanted = request.GET.get("_format")
    if wanted is not None and wanted not in FORMATS:
        raise ClientError(406, f"_format={wanted!r} is not served; use json.", code="not-supported")
    accept = request.headers.get("Accept", "")
    if accept and not any(
        kind.split(";")[0].strip()
        in ("application/fhir+json", "application/json", "*/*", "application/*")
        for kind in accept.split(",")
    ):
        raise ClientError(
            406,
            f"Only application/fhir+json is served; Accept was {accept!r}.",
            code="not-supported",
        )


def _version(request: HttpRequest) -> Version:
    """The content version this request is answered under, read once (one query)."""
    if not hasattr(request, "fhir_content_version"):
        request.fhir_content_version = content_version_get()
    return request.fhir_content_version


def _etag(request: HttpRequest, *args, **kwargs) -> str:
    """A read's validator: the release, the content version and what was asked, so a client
    revalidates with If-None-Match and gets a 304 until an editor's change (RFC 9110)."""
    key = "|".join(
        (settings.RELEASE, _version(request).token, base_url(request), request.get_full_path())
    )
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:24]}"'


def _last_modified(request: HttpRequest, *args, **kwargs):
    return _version(request).changed_at


def read(view):
    """A FHIR read or search: conditional (ETag, Last-Modified, 304) and cacheable as the API's
    answers are (public, revalidated every time; stale-if-error)."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _check_format(request)
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            response["Cache-Control"] = cache_control()
        return response

    return wrapped


def _guidance():
    return (
        Guidance.objects.published()
        .select_related("modality", "disorder", "compound", "profile_factor")
        .prefetch_related(citations(), "disorder__codes", "compound__codes", "modality")
    )


def _definitions(rows, request: HttpRequest) -> list[dict]:
    base, version = base_url(request), _version(request).token
    descendants = descendants_of(Disorder.objects.prefetch_related("codes"))
    return [
        plan_definition(row, base=base, version=version, descendants=descendants) for row in rows
    ]


@endpoint("GET", "HEAD")
@read
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: what this FHIR endpoint reads, searches and applies."""
    changed = _version(request).changed_at
    return json_response(
        capability_statement(
            base=base_url(request),
            software_version=settings.RELEASE,
            date=changed.date().isoformat(),
        )
    )


@endpoint("GET", "HEAD")
@read
def operation_definition_read(request: HttpRequest, id: str) -> HttpResponse:
    """The definition of $apply, the one operation this server defines."""
    if id != APPLY_OPERATION_ID:
        raise ClientError(
            404,
            f"No OperationDefinition/{id}; this server defines {APPLY_OPERATION_ID}.",
            code="not-found",
        )
    return json_response(apply_operation_definition(base=base_url(request)))


@endpoint("GET", "HEAD")
@read
def code_system_read(request: HttpRequest, id: str) -> HttpResponse:
    """One of this service's code systems, with every code in it."""
    found = CODE_SYSTEMS.get(id)
    if found is None:
        raise ClientError(
            404,
            f"No CodeSystem/{id}; this server's code systems: {', '.join(CODE_SYSTEMS)}.",
            code="not-found",
        )
    title, description, concepts = found
    return json_response(
        code_system(
            base=base_url(request),
            name=id,
            title=title,
            description=description,
            concepts=concepts(),
            version=_version(request).token,
        )
    )


@endpoint("GET", "HEAD")
@read
def plan_definition_read(request: HttpRequest, id: str) -> HttpResponse:
    """One published guidance row as a CPG recommendation definition; drafts are not found."""
    row = _guidance().filter(slug=id).first()
    if row is None:
        raise ClientError(
            404,
            f"No PlanDefinition/{id}: no published guidance has that id. Search "
            "/fhir/PlanDefinition to list them.",
            code="not-found",
        )
    return json_response(_definitions([row], request)[0])


def _context_filter(token: str) -> Q:
    """Rows scoped to what a system|code names: a disorder (or a broader one it belongs to), or
    a compound."""
    system = token.partition("|")[0].strip().lower()
    try:
        if system in {n.lower() for s in DISORDER_SYSTEMS for n in s.names}:
            disorder = coded_row_get(DisorderCode, DISORDER_SYSTEMS, token).disorder
            parents = dict(Disorder.objects.values_list("id", "parent_id"))
            return Q(disorder__in=ancestry(disorder.pk, parents.get))
        if system in {n.lower() for s in COMPOUND_SYSTEMS for n in s.names}:
            return Q(compound=coded_row_get(CompoundCode, COMPOUND_SYSTEMS, token).compound)
    except CodeError as error:
        raise ClientError(400, str(error), where="context") from None
    names = [n for s in (*DISORDER_SYSTEMS, *COMPOUND_SYSTEMS) for n in s.names]
    raise ClientError(
        400,
        f"context takes system|code of a disorder or a compound; {token!r} names no known "
        f"system. Systems: {', '.join(names)}.",
        where="context",
    )


@endpoint("GET", "HEAD")
@read
def plan_definition_search(request: HttpRequest) -> HttpResponse:
    """Search recommendation definitions by id, canonical URL or the codes of their scope."""
    known = {name for name, _, _ in SEARCH_PARAMETERS} | {"_format", "_count", "_offset"}
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise ClientError(
            400,
            f"Unknown search parameter(s) {', '.join(unknown)}; this server supports "
            f"{', '.join(sorted(known))}.",
            code="not-supported",
            where=unknown[0],
        )
    rows = _guidance()
    base = base_url(request)
    for name in ("_id", "url", "context", "status"):
        values = request.GET.getlist(name)
        if len(values) > MAX_SEARCH_VALUES:
            raise ClientError(400, f"At most {MAX_SEARCH_VALUES} {name} parameters.", where=name)
        for value in values:
            alternatives = [v.strip() for v in value.split(",")]
            if not all(alternatives) or len(alternatives) > MAX_SEARCH_VALUES:
                raise ClientError(
                    400,
                    f"{name}={value!r}: give up to {MAX_SEARCH_VALUES} values, "
                    "comma-separated, none empty.",
                    where=name,
                )
            wanted = Q(pk__in=[])
            for item in alternatives:
                if name == "_id":
                    wanted |= Q(slug=item)
                elif name == "url":
                    prefix = f"{base}/PlanDefinition/"
                    wanted |= (
                        Q(slug=item.removeprefix(prefix))
                        if item.startswith(prefix)
                        else Q(pk__in=[])
                    )
                elif name == "status":
                    wanted |= Q() if item == "active" else Q(pk__in=[])
                else:
                    wanted |= _context_filter(item)
            rows = rows.filter(wanted)
    count, offset = _paging(request)
    rows = rows.distinct().order_by("slug")
    total = rows.count()
    page = list(rows[offset : offset + count])
    return json_response(
        search_bundle(
            _definitions(page, request),
            total=total,
            links=_page_links(request, offset, count, total),
        )
    )


def _paging(request: HttpRequest) -> tuple[int, int]:
    """_count (1 to MAX_COUNT, default DEFAULT_COUNT) and _offset (from 0) of a search."""
    found = []
    for name, default, low, high in (
        ("_count", DEFAULT_COUNT, 1, MAX_COUNT),
        ("_offset", 0, 0, 10**6),
    ):
        raw = request.GET.get(name)
        try:
            value = default if raw is None else int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise ClientError(400, f"{name} is a whole number from {low} to {high}.", where=name)
        found.append(value)
    return found[0], found[1]


def _page_links(request: HttpRequest, offset: int, count: int, total: int) -> dict[str, str]:
    def at(start: int) -> str:
        query = request.GET.copy()
        query["_count"], query["_offset"] = str(count), str(start)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    links = {"self": at(offset)}
    if offset + count < total:
        links["next"] = at(offset + count)
    if offset > 0:
        links["previous"] = at(max(0, offset - count))
    return links


def _apply_input(parameters: object, base: str) -> tuple[str | None, PatientRecord, list]:
    if not isinstance(parameters, Mapping) or parameters.get("resourceType") != "Parameters":
        raise ClientError(400, "Send a Parameters resource.", code="structure")
    items = parameters.get("parameter", [])
    if not isinstance(items, list):
        raise ClientError(400, "Parameters.parameter must be a list.", code="structure")
    subject, record, profile = None, PatientRecord(), []
    for item in items:
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or name not in APPLY_NAMES:
            raise ClientError(
                400,
                f"Unknown parameter {name!r}; $apply here takes: "
                + "; ".join(f"{n} ({doc})" for n, _, _, _, doc in APPLY_PARAMETERS)
                + " See /fhir/OperationDefinition/PlanDefinition-apply.",
                code="not-supported",
                where="Parameters.parameter.name",
            )
        value = item.get("valueCodeableConcept", item.get("valueCoding"))
        if name == "subject":
            reference = item.get("valueReference")
            subject = item.get("valueString") or (
                reference.get("reference") if isinstance(reference, Mapping) else None
            )
            if not isinstance(subject, str):
                raise ClientError(400, "subject is a string, e.g. Patient/123.", where=name)
        elif name == "data":
            record.add_bundle(item.get("resource"))
        elif name == "profileFactor":
            if isinstance(item.get("valueCode"), str):
                value = {"system": f"{base}/CodeSystem/profile-factor", "code": item["valueCode"]}
            profile += _codings(value, name)
        else:
            target = record.conditions if name == "condition" else record.medications
            target += _codings(value, name)
    return subject, record, profile


def _codings(value: object, name: str) -> list[Coding]:
    codings = codings_of(value)
    if not codings:
        raise ClientError(
            400,
            f"{name} needs a valueCodeableConcept or valueCoding with a system and a code.",
            where=name,
        )
    return codings


@endpoint("POST")
def plan_definition_apply(request: HttpRequest) -> HttpResponse:
    """The plan for a patient known by codes, as a Bundle of RequestGroup and DetectedIssues."""
    base = base_url(request)
    subject, record, profile = _apply_input(json_body(request), base)
    found = patient_plans(
        conditions=record.conditions,
        orders=record.medications,
        medications=record.medications,
        profile=profile,
        base=base,
    )
    missing = [
        what
        for what, rows in (("condition", found.disorders), ("medication", found.compounds))
        if not rows
    ]
    if missing:
        raise ClientError(
            422,
            "No "
            + " and no ".join(
                f"{what} maps to a {'disorder' if what == 'condition' else 'compound'} of this "
                "service"
                for what in missing
            )
            + ". Codes are matched as /api/v1/disorders/ and /api/v1/compounds/ list them "
            "(`codes`); RxNorm codes are not yet loaded.",
            code="not-found",
        )
    return json_response(plan_bundle(found.plans, base=base, patient=subject))


@endpoint("GET", "HEAD", "POST")
def fhir_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /fhir/: an OperationOutcome naming what is served."""
    raise ClientError(
        404,
        f"No FHIR interaction at {request.path}; this server serves /fhir/metadata, "
        "/fhir/PlanDefinition (search), /fhir/PlanDefinition/{id}, "
        "POST /fhir/PlanDefinition/$apply, /fhir/OperationDefinition/{id} and "
        "/fhir/CodeSystem/{id}.",
        code="not-supported",
    )
