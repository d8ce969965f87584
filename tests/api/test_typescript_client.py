"""TypeScript types generated from the OpenAPI document (openapi-typescript) type-check a small
client that reads a plan, strictly (tsc --strict): a document change that would break such a
client (a renamed field, a vocabulary loosened to any string, a slug narrowed to an enum again)
fails here.

Both tools run through npx at pinned versions; the first run on a machine downloads them.
"""

from pathlib import Path

import pytest

from tests.api.test_schema_lint import npx, write_schema

OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0"
TYPESCRIPT = "typescript@5.9.3"

# What an app does with a plan: read its verdict, phases and citations, and build queries. The
# `@ts-expect-error` lines must stay errors: a vocabulary is a closed set of values, `page` a
# number or "last".
USAGE = """\
import type { components, paths } from "./api";

type Plan = components["schemas"]["Plan"];
type Citation = components["schemas"]["Citation"];
type PlanQuery = paths["/api/v1/recommendations/"]["get"]["parameters"]["query"];
type PlanAnswer =
  paths["/api/v1/recommendations/"]["get"]["responses"][200]["content"]["application/json"];
type GuidanceQuery = NonNullable<paths["/api/v1/guidance/"]["get"]["parameters"]["query"]>;

// A disorder an editor added after these types were generated is still a valid query.
export const addedToday: PlanQuery = {
  disorder: "body-dysmorphic-disorder",
  compound: "psilocybin",
  profile: ["dissociative-tendencies", "experiential-avoidance"],
};
export const lastPage: GuidanceQuery = { page: "last", ordering: "-phase,slug" };
export const firstPage: GuidanceQuery = { page: 1 };
// @ts-expect-error: a page is a number or "last"
export const noSuchPage: GuidanceQuery = { page: "first" };

const headline: Record<Plan["verdict"], string> = {
  contraindicated: "Contraindicated",
  pairing_evidence: "Evidence for this pairing",
  no_pairing_evidence: "No evidence for this pairing",
};
// @ts-expect-error: the verdict is one of a fixed vocabulary
export const noSuchVerdict: Plan["verdict"] = "maybe";

function cite(citation: Citation): string {
  const seed: number | null = citation.seed_number;
  const doi: string | null | undefined = citation.doi;
  const label = seed === null ? citation.short_citation : `(${seed})`;
  return doi ? `${label} doi:${doi}` : label;
}

export function summarize(plan: PlanAnswer): string[] {
  const lines = [headline[plan.verdict], plan.disclaimer];
  for (const phase of plan.phases) {
    const top = phase.top;
    lines.push(`${phase.label}: ${top === null ? "none" : top.modality.name}`);
    for (const item of phase.items) {
      lines.push(...item.references.map(cite));
    }
  }
  return lines;
}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("typescript")
    schema = write_schema(directory)
    result = npx(OPENAPI_TYPESCRIPT, str(schema), "--output", "api.d.ts", cwd=directory)
    assert result.returncode == 0, result.stdout + result.stderr
    (directory / "usage.ts").write_text(USAGE, encoding="utf-8")
    return directory


def test_a_strict_typescript_client_of_the_generated_types_compiles(project):
    result = npx(
        "--package",
        TYPESCRIPT,
        "tsc",
        "--noEmit",
        "--strict",
        "--target",
        "es2022",
        "--module",
        "esnext",
        "--moduleResolution",
        "bundler",
        "usage.ts",
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
