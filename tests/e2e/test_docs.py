"""Swagger UI and ReDoc, rendered by a real browser with no network beyond the service."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def operation_count() -> int:
    schema = SchemaGenerator().get_schema(public=True)
    return sum(len(methods) for methods in schema["paths"].values())


def test_swagger_ui_renders_every_operation_with_no_failed_request_or_console_error(page):
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=30_000)
    expect(page.locator(".opblock")).to_have_count(operation_count())
    expect(page.locator(".opblock-tag").first).to_be_visible()
    assert page.failed_requests == []
    assert page.console_errors == []


def test_try_it_out_on_the_recommendation_endpoint_returns_a_plan(page):
    page.goto("/api/docs/")
    operation = page.locator("#operations-recommendations-recommendations_retrieve")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("tr[data-param-name='disorder'] select").select_option("ptsd")
    operation.locator("tr[data-param-name='compound'] select").select_option("mdma")
    operation.get_by_role("button", name="Execute").click()

    responses = operation.locator(".live-responses-table")
    expect(responses).to_contain_text("multimodal-integration", timeout=30_000)
    expect(responses.locator("tbody .response-col_status").first).to_contain_text("200")
    assert page.failed_requests == []
    assert page.console_errors == []


def test_redoc_renders_the_operations(page):
    page.goto("/api/redoc/")
    heading = page.get_by_role("heading", name="A psychotherapy plan for a disorder and a compound")
    expect(heading).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="List compounds")).to_be_visible()
    expect(page.locator("h1").first).to_contain_text("Psychoplastogen Therapy Guidance API")
    assert page.failed_requests == []
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/", "/admin/login/"])
def test_the_csp_blocks_an_injected_inline_script_while_the_page_runs(page, path):
    """The pages above render under the policy; a script injected into them does not run."""
    response = page.goto(path)
    csp = response.headers["content-security-policy"]
    scripts = csp.split("script-src ", 1)[1].split(";", 1)[0].split()
    assert scripts[0] == "'self'"
    assert all(source.startswith("'nonce-") for source in scripts[1:])
    assert "camera=()" in response.headers["permissions-policy"]
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.head.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in error for error in page.console_errors)
