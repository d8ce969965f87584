"""The CDS Hooks 2.0 endpoints: discovery, the services, and feedback on their cards."""

import json
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime

from interop.cds_auth import CdsAuthError, CdsClient, cds_client_verify, jti_seen_in_cache
from interop.cds_hooks import (
    OVERRIDE_CODES,
    PREFETCH,
    SERVICES_BY_ID,
    CardContext,
    Service,
    condition_cards,
    discovery,
    order_cards,
    screen_card,
    selected_orders,
)
from interop.http import ClientError, base_url, endpoint, json_body, json_response
from interop.models import CardFeedback, CardOutcome
from interop.patient import PatientRecord, medication_codings
from interop.plans import patient_plans

JSON = "application/json"
MAX_FEEDBACK = 100


def _service(id: str) -> Service:
    service = SERVICES_BY_ID.get(id)
    if service is None:
        raise ClientError(
            404,
            f"No CDS service {id!r}; services: {', '.join(SERVICES_BY_ID)} (see /cds-services).",
            code="not-found",
        )
    return service


def _service_url(request: HttpRequest, service: Service) -> str:
    base = settings.CDS_HOOKS_BASE_URL or request.build_absolute_uri("/cds-services")
    return f"{base}/{service.id}"


def _client(request: HttpRequest, audiences: list[str]) -> CdsClient | None:
    """The authenticated caller, per the spec's security section; None when this deployment
    allows unauthenticated calls (local testing only: DEBUG must be on)."""
    header = request.headers.get("Authorization")
    if header is None and settings.CDS_HOOKS_ALLOW_UNAUTHENTICATED:
        return None
    try:
        return cds_client_verify(
            header,
            audience=audiences,
            issuers=settings.CDS_HOOKS_ISSUERS,
            seen=jti_seen_in_cache,
            max_lifetime=settings.CDS_HOOKS_MAX_TOKEN_LIFETIME,
        )
    except CdsAuthError as refused:
        raise ClientError(401, f"Not authenticated: {refused}", code="login") from None


@endpoint("GET", "HEAD", media_type=JSON)
def services(request: HttpRequest) -> HttpResponse:
    """Discovery: the services, their hooks and prefetch templates."""
    return json_response(discovery(), media_type=JSON)


def _prefetched(call: Mapping) -> PatientRecord:
    """The patient's record from the call's prefetch.

    As the spec has it: a key the client left out is data it could not provide, and as this
    service queries no FHIR server, that is a 412; null is a search that found nothing; an
    OperationOutcome (the client's error) or a first page of several is read for what it holds,
    and the record remembers what it lacks (a card says so)."""
    prefetch = call.get("prefetch")
    prefetch = prefetch if isinstance(prefetch, Mapping) else {}
    missing = [
        key
        for key in PREFETCH
        if key not in prefetch or not isinstance(prefetch[key], Mapping | None)
    ]
    if missing:
        raise ClientError(
            412,
            f"Prefetch {', '.join(missing)} missing: send "
            + "; ".join(f"{key}: {PREFETCH[key]}" for key in missing)
            + ". This service does not query FHIR servers"
            + (" (fhirServer is not used)." if call.get("fhirServer") else "."),
            code="incomplete",
            where="prefetch",
        )
    record = PatientRecord()
    for key in PREFETCH:
        record.add_bundle(prefetch[key], name=f"the patient's {key}")
    return record


def _call(request: HttpRequest, service: Service) -> Mapping:
    call = json_body(request)
    if not isinstance(call, Mapping):
        raise ClientError(400, "The body is a CDS Hooks request: a JSON object.", code="structure")
    if call.get("hook") != service.hook:
        raise ClientError(
            400,
            f"{service.id} answers the {service.hook} hook, not {call.get('hook')!r}.",
            where="hook",
        )
    for key in ("hookInstance", "context"):
        if key not in call:
            raise ClientError(400, f"The request has no {key}.", code="required", where=key)
    if not isinstance(call["context"], Mapping):
        raise ClientError(400, "context is a JSON object.", where="context")
    return call


@endpoint("POST", media_type=JSON)
def service(request: HttpRequest, id: str) -> HttpResponse:
    """One service call: the cards for its hook's context and prefetch."""
    hook = _service(id)
    _client(request, [_service_url(request, hook)])
    call = _call(request, hook)
    record = _prefetched(call)
    context = CardContext(
        api_base=request.build_absolute_uri("/api/v1"), fhir_base=base_url(request)
    )
    if hook.hook == "patient-view":
        orders = record.medications
    else:
        drafts = selected_orders(call["context"], hook.hook)
        orders = [c for order in drafts for c in medication_codings(order)]
        # What else is being ordered is screened for interactions as well as what is taken.
        for draft in selected_orders(call["context"], "order-sign"):
            record.add_resource(draft)
    found = patient_plans(
        conditions=record.conditions,
        orders=orders,
        medications=record.medications,
        base=context.fhir_base,
    )
    if hook.hook == "patient-view" and not found.compounds:
        cards = condition_cards(found.disorders, found.medication_classes, context)
    else:
        cards = order_cards(
            plans=found.plans,
            compounds=found.compounds,
            medications=found.medication_classes,
            context=context,
        )
    # What the screen could not see is said, wherever a compound was judged against it.
    if cards and (record.unscreened or record.incomplete):
        cards.append(screen_card(record.unscreened, record.incomplete, context))
    return json_response({"cards": cards}, media_type=JSON)


def _feedback_rows(body: object, service: Service, client: CdsClient | None) -> list:
    items = body.get("feedback") if isinstance(body, Mapping) else None
    if not isinstance(items, list) or not items:
        raise ClientError(400, 'Send {"feedback": [...]}, one item per card.', where="feedback")
    if len(items) > MAX_FEEDBACK:
        raise ClientError(400, f"At most {MAX_FEEDBACK} feedback items per call.")
    rows = []
    for n, item in enumerate(items):
        where = f"feedback[{n}]"
        if not isinstance(item, Mapping):
            raise ClientError(400, f"{where} is an object.", where=where)
        if "\\u0000" in json.dumps(item):
            # No database stores a NUL character in text (PostgreSQL refuses it).
            raise ClientError(400, f"{where} contains a NUL character.", where=where)
        outcome = item.get("outcome")
        if outcome not in CardOutcome.values:
            raise ClientError(
                400, f"{where}.outcome is accepted or overridden, not {outcome!r}.", where=where
            )
        moment = item.get("outcomeTimestamp")
        at = parse_datetime(moment) if isinstance(moment, str) else None
        if at is None or at.tzinfo is None:
            raise ClientError(
                400, f"{where}.outcomeTimestamp is an instant with a time zone.", where=where
            )
        reason = item.get("overrideReason") if outcome == CardOutcome.OVERRIDDEN else None
        code, comment = "", ""
        if isinstance(reason, Mapping):
            given = reason.get("reason")
            code = given.get("code", "") if isinstance(given, Mapping) else ""
            if not isinstance(code, str) or (code and code not in OVERRIDE_CODES):
                raise ClientError(
                    400,
                    f"{where}.overrideReason.reason {code!r} is none this service offers: "
                    f"{', '.join(sorted(OVERRIDE_CODES))}.",
                    where=where,
                )
            comment = str(reason.get("userComment") or "")[:2000]
        suggestions = item.get("acceptedSuggestions") or []
        try:
            rows.append(
                CardFeedback(
                    service=service.id,
                    card=str(item.get("card")),
                    outcome=outcome,
                    outcome_at=at,
                    override_reason=code,
                    user_comment=comment,
                    accepted_suggestions=suggestions if isinstance(suggestions, list) else [],
                    client=client.issuer if client else "",
                )
            )
            rows[-1].full_clean(exclude=["accepted_suggestions"])
        except ValidationError:
            raise ClientError(400, f"{where}.card is the uuid of a card.", where=where) from None
    return rows


@endpoint("POST", media_type=JSON)
def feedback(request: HttpRequest, id: str) -> HttpResponse:
    """Record which cards clinicians accepted or overrode, and why."""
    hook = _service(id)
    url = _service_url(request, hook)
    client = _client(request, [url, f"{url}/feedback"])
    rows = _feedback_rows(json_body(request), hook, client)
    with transaction.atomic():
        CardFeedback.objects.bulk_create(rows)
    return json_response({}, media_type=JSON)


@endpoint("GET", "HEAD", "POST", media_type=JSON)
def cds_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    raise ClientError(
        404,
        f"Nothing at {request.path}; the services are listed at /cds-services.",
        code="not-found",
    )
