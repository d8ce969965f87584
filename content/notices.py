"""What every answer about clinical content carries, whichever standard it is served in (the
JSON API, FHIR, CDS Hooks): the source it restates and the disclaimer."""

SOURCE = {
    "citation": (
        "Jones JL (2025) Harnessing neuroplasticity with psychoplastogens: the essential role of "
        "psychotherapy in psychedelic treatment optimization. Front. Psychiatry 16:1565852."
    ),
    "doi": "10.3389/fpsyt.2025.1565852",
    "doi_url": "https://doi.org/10.3389/fpsyt.2025.1565852",
    "licence": "CC BY 4.0 (Creative Commons Attribution); content here is restated, with credit.",
}
DISCLAIMER = (
    "Not medical advice. This service summarizes published research for software and editors; "
    "it does not replace the judgement of a qualified clinician, and psychedelic and ketamine "
    "treatments are regulated and carry risks."
)
