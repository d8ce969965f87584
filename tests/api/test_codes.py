"""Standard codes: every loaded code finds its row, by short name or FHIR URI, in the lists and
in plans; an unknown system or a code no row carries is a 400 that says which."""

import pytest

from compounds.models import CompoundCode
from content.codes import COMPOUND_SYSTEMS, DISORDER_SYSTEMS, valid_system_names
from disorders.models import DisorderCode

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/recommendations/"


def found(client, resource: str, identifier: str) -> list[str]:
    response = client.get(f"/api/v1/{resource}/", {"identifier": identifier})
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_every_loaded_code_resolves_to_its_row_by_short_name_and_by_uri(client):
    systems = {s.name: s for s in (*COMPOUND_SYSTEMS, *DISORDER_SYSTEMS)}
    checked = 0
    for model, resource, entity in (
        (CompoundCode, "compounds", "compound"),
        (DisorderCode, "disorders", "disorder"),
    ):
        for code in model.objects.select_related(entity):
            slug = getattr(code, entity).slug
            assert found(client, resource, f"{code.system}|{code.code}") == [slug]
            if systems[code.system].uri:
                assert found(client, resource, f"{systems[code.system].uri}|{code.code}") == [slug]
            checked += 1
    assert checked >= 30


def test_the_codes_of_the_source_list_are_loaded_and_unverified_ones_are_not(client):
    ketamine = client.get("/api/v1/compounds/ketamine/").json()
    codes = {(c["system"], c["code"]) for c in ketamine["codes"]}
    assert {("atc", "N01AX03"), ("pubchem-cid", "3821"), ("unii", "690G0D6V8H")} <= codes
    atc = next(c for c in ketamine["codes"] if c["system"] == "atc")
    assert atc["system_uri"] == "http://www.whocc.no/atc"
    assert atc["match"] == "exact"
    assert atc["source"]
    psilocybin = client.get("/api/v1/compounds/psilocybin/").json()
    systems = {c["system"] for c in psilocybin["codes"]}
    assert systems == {"pubchem-cid", "inchikey"}  # the rest are unverified or none assigned
    assert not CompoundCode.objects.filter(system="rxnorm").exists()  # all unverified
    ocd = {
        c["system"]
        for c in client.get("/api/v1/disorders/obsessive-compulsive-disorder/").json()["codes"]
    }
    assert "snomed-ct" not in ocd  # "check: other sources disagree"


def test_icd_10_cm_f10_20_reaches_alcohol_use_disorder_and_its_plan(client):
    assert found(client, "disorders", "icd-10-cm|F10.20") == ["alcohol-use-disorder"]
    assert found(client, "disorders", "http://hl7.org/fhir/sid/icd-10-cm|f10.20") == [
        "alcohol-use-disorder"
    ]
    by_code = client.get(PLAN, {"disorder_code": "icd-10-cm|F10.20", "compound": "ketamine"})
    by_slug = client.get(PLAN, {"disorder": "alcohol-use-disorder", "compound": "ketamine"})
    assert by_code.status_code == by_slug.status_code == 200
    assert by_code.json() == by_slug.json()
    # The broader substance use disorders' guidance applies, as for the slug.
    scopes = {
        (row["scope"]["disorder"] or {}).get("slug")
        for item in by_code.json()["recommendations"]
        for row in item["supporting"]
    } | {
        item["inherited_from"]["slug"]
        for item in by_code.json()["recommendations"]
        if item["inherited_from"]
    }
    assert "substance-use-disorders" in scopes


def test_a_plan_can_name_the_compound_by_code_too(client):
    by_code = client.get(PLAN, {"disorder": "ptsd", "compound_code": "atc|N01AX03"}).json()
    assert by_code["compound"]["slug"] == "ketamine"
    mdma = client.get(
        PLAN,
        {"disorder_code": "http://snomed.info/sct|47505003", "compound_code": "pubchem-cid|1615"},
    ).json()
    assert (mdma["disorder"]["slug"], mdma["compound"]["slug"]) == ("ptsd", "mdma")


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        (
            {"disorder_code": "icd-9|303.90", "compound": "ketamine"},
            "disorder_code",
            "Unknown code system 'icd-9'; valid: snomed-ct, icd-10-cm, icd-11, "
            "http://snomed.info/sct, http://hl7.org/fhir/sid/icd-10-cm, "
            "http://id.who.int/icd/release/11/mms.",
        ),
        (
            {"disorder_code": "icd-10-cm|Z99.9", "compound": "ketamine"},
            "disorder_code",
            "No disorder has the ICD-10-CM code 'Z99.9'; the codes each disorder carries are "
            "listed in its `codes`.",
        ),
        (
            {"disorder_code": "F10.20", "compound": "ketamine"},
            "disorder_code",
            "Give a code as system|code, e.g. snomed-ct|<code>; systems: snomed-ct, icd-10-cm, "
            "icd-11, http://snomed.info/sct, http://hl7.org/fhir/sid/icd-10-cm, "
            "http://id.who.int/icd/release/11/mms.",
        ),
        (
            {"disorder": "ptsd", "disorder_code": "icd-11|6B40", "compound": "mdma"},
            "disorder_code",
            "Give disorder (a slug) or disorder_code (system|code), not both.",
        ),
        (
            {"disorder": "ptsd", "compound_code": "rxnorm|6130"},
            "compound_code",
            "No compound has the RxNorm code '6130'; the codes each compound carries are "
            "listed in its `codes`.",
        ),
    ],
)
def test_a_bad_code_is_a_400_that_says_what_is_wrong(client, params, parameter, message):
    response = client.get(PLAN, params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["parameter"], error["message"]) == (parameter, message)


def test_a_missing_disorder_names_both_ways_to_give_it(client):
    response = client.get(PLAN, {"compound": "mdma"})
    [error] = response.json()["errors"]
    assert error["parameter"] == "disorder"
    assert error["message"].startswith(
        "Required: the slug of a disorder (or disorder_code=system|code); valid: "
    )


def test_the_identifier_filter_says_an_unknown_system_or_code_and_lists_the_systems(client):
    response = client.get("/api/v1/compounds/", {"identifier": "snomed-ct|123"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["parameter"] == "identifier"
    assert error["valid"] == valid_system_names(COMPOUND_SYSTEMS)
    response = client.get("/api/v1/disorders/", {"identifier": "icd-11|6Z99"})
    [error] = response.json()["errors"]
    assert error["message"].startswith("No disorder has the ICD-11 MMS code '6Z99'")
