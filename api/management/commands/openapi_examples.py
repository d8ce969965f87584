"""``manage.py openapi_examples``: capture real responses as the OpenAPI docs' examples."""

import json

from django.core.management.base import BaseCommand
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from api.schema import EXAMPLES_FILE
from content.models import ContentVersionLog


def changes_since_the_first_version() -> str:
    """The changes since the oldest version logged: on freshly loaded content, every row."""
    first = ContentVersionLog.objects.values_list("token", flat=True).first()
    return f"/api/v1/changes/?since={first}&page_size=3"


# The requests that illustrate each operation, by example name; details use rows rich in content.
REQUESTS = {
    "compounds_list": {"Example": "/api/v1/compounds/"},
    "compounds_retrieve": {"Example": "/api/v1/compounds/mdma/"},
    "mechanisms_list": {"Example": "/api/v1/mechanisms/?level=cellular"},
    "mechanisms_retrieve": {"Example": "/api/v1/mechanisms/bdnf-trkb-signaling/"},
    "disorders_list": {"Example": "/api/v1/disorders/?category=substance_use"},
    "disorders_retrieve": {"Example": "/api/v1/disorders/alcohol-use-disorder/"},
    "modalities_list": {"Example": "/api/v1/modalities/?phase=preparation"},
    "modalities_retrieve": {"Example": "/api/v1/modalities/motivational-enhancement-therapy/"},
    "guidance_list": {"Example": "/api/v1/guidance/?disorder=alcohol-use-disorder"},
    "guidance_retrieve": {"Example": "/api/v1/guidance/aud-ketamine-met-integration/"},
    "profile_factors_list": {"Example": "/api/v1/profile-factors/"},
    "profile_factors_retrieve": {"Example": "/api/v1/profile-factors/dissociative-tendencies/"},
    "safety_statements_list": {"Example": "/api/v1/safety-statements/?severity=critical"},
    "safety_statements_retrieve": {
        "Example": "/api/v1/safety-statements/minimum-preparation-standard/"
    },
    "medications_list": {"Example": "/api/v1/medications/"},
    "medications_retrieve": {"Example": "/api/v1/medications/ssri/"},
    "interactions_list": {
        "Interactions of psilocybin": "/api/v1/interactions/?compound=psilocybin"
    },
    "interactions_retrieve": {
        "Lithium with classic psychedelics": (
            "/api/v1/interactions/classic-psychedelics-lithium-seizures/"
        )
    },
    "references_list": {"Example": "/api/v1/references/?evidence_type=randomized_controlled_trial"},
    "references_retrieve": {"Example": "/api/v1/references/10.1176/appi.ajp.2019.19070684/"},
    "meta_retrieve": {"Example": "/api/v1/meta/"},
    "export_retrieve": {"Example": "/api/v1/export/"},
    "changes_retrieve": {"Since the first version": changes_since_the_first_version},
    "root_retrieve": {"Example": "/api/v1/"},
    "vocabularies_list": {"Example": "/api/v1/vocabularies/"},
    "vocabularies_retrieve": {"Example": "/api/v1/vocabularies/phase/"},
    "recommendations_retrieve": {
        "PTSD with MDMA": "/api/v1/recommendations/?disorder=ptsd&compound=mdma",
        "Alcohol use disorder with ketamine": (
            "/api/v1/recommendations/?disorder=alcohol-use-disorder&compound=ketamine"
        ),
        "Dissociative tendencies, no pairing evidence": (
            "/api/v1/recommendations/?disorder=anxiety-disorders&compound=psilocybin"
            "&profile=dissociative-tendencies"
        ),
        "Psilocybin for a patient on lithium": (
            "/api/v1/recommendations/?disorder=major-depressive-disorder&compound=psilocybin"
            "&medications=lithium"
        ),
        "MDMA for a patient on an SSRI": (
            "/api/v1/recommendations/?disorder=ptsd&compound=mdma&medications=sertraline"
        ),
        "Ketamine for a patient on a benzodiazepine": (
            "/api/v1/recommendations/?disorder=major-depressive-disorder&compound=ketamine"
            "&medications=benzodiazepine"
        ),
    },
    "recommendations_matrix_retrieve": {"Example": "/api/v1/recommendations/matrix/"},
}
MAX_ITEMS = 2


def trim(value):
    """Keep at most MAX_ITEMS of every list, and of every object whose values are all rows (the
    export's resources, keyed by slug), so examples stay readable."""
    if isinstance(value, list):
        return [trim(item) for item in value[:MAX_ITEMS]]
    if isinstance(value, dict):
        items = list(value.items())
        if items and all(isinstance(item, dict) and "url" in item for _, item in items):
            items = items[:MAX_ITEMS]
        return {key: trim(item) for key, item in items}
    return value


class Command(BaseCommand):
    help = "Capture real API responses from the loaded content into api/openapi_examples.json."

    def handle(self, *args, **options):
        operation_ids = {
            operation["operationId"]
            for operations in SchemaGenerator().get_schema(public=True)["paths"].values()
            for operation in operations.values()
        }
        missing = operation_ids - set(REQUESTS)
        if missing:
            self.stderr.write(f"No example request for: {', '.join(sorted(missing))}")
        client = Client(HTTP_HOST="127.0.0.1:8000")
        examples: dict[str, dict] = {}
        for operation_id, named in REQUESTS.items():
            for name, url in named.items():
                url = url() if callable(url) else url
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}: {response.content!r}")
                examples.setdefault(operation_id, {})[name] = {
                    "summary": f"GET {url}",
                    "value": trim(response.json()),
                }
        EXAMPLES_FILE.write_text(json.dumps(examples, indent=1, ensure_ascii=False) + "\n")
        count = sum(len(named) for named in examples.values())
        self.stdout.write(f"Wrote {count} examples to {EXAMPLES_FILE}.")
