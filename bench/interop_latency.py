"""How fast do FHIR and CDS Hooks answer? `python -m bench.interop_latency`

CDS Hooks asks services to answer well within 500 ms: the clinician is waiting at the order. This
starts the production server (gunicorn, production settings, PostgreSQL, Redis) with a generated
EC P-384 key as the one trusted issuer, and times each call made one after another: the CDS
Hooks services with a freshly signed JWT each (signing is the client's work, outside the timing),
FHIR $apply, a recommendation definition, a search, and the JSON plan for comparison. None of
these is cached (POSTs are not; FHIR answers are built each time), so each figure is the full
cost of the answer. It prints p50, p95, p99 and the maximum, and writes them as JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime

import jwt
import psycopg
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from bench.run import (
    PYTHON,
    RESULTS,
    ROOT,
    Server,
    add_service_arguments,
    log,
    reset_database,
    reset_redis,
    server_env,
)

ISSUER = "https://ehr.bench.example"
# Calls before the measured ones: each worker's first answers import and connect.
WARM_UP = 10
ATC = "http://www.whocc.no/atc"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"


def bundle(*resources: dict) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def medication_request(id: str, status: str, system: str, code: str) -> dict:
    return {
        "resourceType": "MedicationRequest",
        "id": id,
        "status": status,
        "intent": "order",
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": {"coding": [{"system": system, "code": code}]},
    }


def condition(system: str, code: str) -> dict:
    return {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": system, "code": code}]},
    }


PREFETCH = {
    "conditions": bundle(condition(ICD10, "F10.20"), condition(SNOMED, "47505003")),
    "medications": bundle(medication_request("li", "active", ATC, "N05AN01")),
}
CDS_CALLS = {
    "CDS order-select (ketamine; AUD, PTSD; lithium)": (
        "psychoplastogen-order",
        {
            "hook": "order-select",
            "context": {
                "userId": "Practitioner/1",
                "patientId": "p",
                "selections": ["MedicationRequest/k1"],
                "draftOrders": {
                    "resourceType": "Bundle",
                    "type": "collection",
                    "entry": [{"resource": medication_request("k1", "draft", ATC, "N01AX03")}],
                },
            },
            "prefetch": PREFETCH,
        },
    ),
    "CDS patient-view (AUD, PTSD)": (
        "psychoplastogen-plan",
        {
            "hook": "patient-view",
            "context": {"userId": "Practitioner/1", "patientId": "p"},
            "prefetch": PREFETCH,
        },
    ),
}
APPLY = {
    "resourceType": "Parameters",
    "parameter": [
        {"name": "condition", "valueCoding": {"system": SNOMED, "code": "47505003"}},
        {"name": "condition", "valueCoding": {"system": ICD10, "code": "F10.20"}},
        {"name": "medication", "valueCoding": {"system": ATC, "code": "N01AX03"}},
        {"name": "medication", "valueCoding": {"system": ATC, "code": "N05AN01"}},
    ],
}
GETS = {
    "FHIR PlanDefinition read": "/fhir/PlanDefinition/ptsd-mdma-multimodal-integration",
    "FHIR PlanDefinition search (ICD-10-CM)": "/fhir/PlanDefinition?context=icd-10-cm|F10.20",
    "JSON plan, uncached (for comparison)": "/api/v1/recommendations/?disorder=ptsd&compound=mdma"
    "&medications=lithium",
}


def call(url: str, body: dict | None = None, headers: dict | None = None) -> float:
    """Milliseconds for one request; the answer must be a 200."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        status = response.status
    elapsed = (time.perf_counter() - start) * 1000
    assert status == 200, status
    return elapsed


def summary(times: list[float]) -> dict:
    ordered = sorted(times)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(max(times), 1),
        # Which calls were slowest (0 is the first measured), to tell warm-up from steady state.
        "slowest": sorted(range(len(times)), key=lambda n: -times[n])[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="Calls per endpoint.")
    add_service_arguments(parser)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP384R1())
    jwk = {**json.loads(ECAlgorithm.to_jwk(key.public_key())), "kid": "bench"}
    issuers = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
    json.dump({ISSUER: {"keys": [jwk]}}, issuers)
    issuers.close()
    # The JSON plan is measured uncached, as FHIR and CDS Hooks answers always are.
    env = server_env(args, API_CACHE="0", CDS_HOOKS_ISSUERS_FILE=issuers.name)
    log("Preparing a fresh database and cache...")
    reset_database(args.database_url)
    reset_redis(args.redis_url)
    subprocess.run([PYTHON, "manage.py", "prepare", "-v", "0"], cwd=ROOT, env=env, check=True)
    # A database loaded seconds ago is still being analysed by autovacuum, which shows as calls
    # of half a second for the first minute: measure the steady state, as a running service is.
    with psycopg.connect(args.database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    results = {}
    with Server(env, RESULTS / "interop-latency-gunicorn.log") as server:
        for label, (service, body) in CDS_CALLS.items():
            url = f"{server.base}/cds-services/{service}"
            times = []
            for _ in range(WARM_UP + args.requests):
                now = int(time.time())
                token = jwt.encode(
                    {
                        "iss": ISSUER,
                        "aud": url,
                        "iat": now,
                        "exp": now + 300,
                        "jti": str(uuid.uuid4()),
                    },
                    key,
                    algorithm="ES384",
                    headers={"kid": "bench"},
                )
                body = {**body, "hookInstance": str(uuid.uuid4())}
                times.append(call(url, body, {"Authorization": f"Bearer {token}"}))
            results[label] = summary(times[WARM_UP:])
        times = [
            call(f"{server.base}/fhir/PlanDefinition/$apply", APPLY)
            for _ in range(WARM_UP + args.requests)
        ]
        results["FHIR $apply (PTSD, AUD; ketamine; lithium)"] = summary(times[WARM_UP:])
        for label, path in GETS.items():
            times = [call(server.base + path) for _ in range(WARM_UP + args.requests)]
            results[label] = summary(times[WARM_UP:])
    os.unlink(issuers.name)
    print(f"{'endpoint':52} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for label, r in results.items():
        print(f"{label:52} {r['p50_ms']:>7} {r['p95_ms']:>7} {r['p99_ms']:>7} {r['max_ms']:>7}")
    (RESULTS / "interop-latency.json").write_text(
        json.dumps({"at": datetime.now(UTC).isoformat(), "results": results}, indent=2)
    )


if __name__ == "__main__":
    main()
