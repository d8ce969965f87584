"""Standards the clinic speaks: FHIR R4 (clinical practice guidelines) and CDS Hooks 2.0."""
