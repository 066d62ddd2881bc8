"""The API's reader in a real browser: Swagger UI runs from our own static files under our CSP, reads the
generated OpenAPI document, asks the live API and passes axe's WCAG 2.2 AA checks on our part of the page."""

import pytest

from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_reader_runs_under_the_policy_from_our_origin_and_tries_the_api(browser, live_server):
    from meetings.tests.factories import published_meeting

    published_meeting()
    context = browser.new_context()  # the policy enforced, as a visitor's browser does
    page = context.new_page()
    page.set_default_timeout(20000)
    blocked, origins = [], set()
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else 0)
    page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "OParl 1.1" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator("#operations-meeting-meeting_list .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator("#operations-meeting-meeting_list .live-responses-table .response-col_status").first.wait_for()
    assert "200" in page.locator("#operations-meeting-meeting_list .live-responses-table").inner_text()
    assert blocked == [], blocked
    assert origins == {live_server.url.split("/")[2]}, origins  # no CDN, no other origin at all
    context.close()


def test_the_api_reader_page_has_no_wcag_violations_in_our_part(browser, live_server):
    page = browser.new_context(bypass_csp=True).new_page()  # axe goes in as an inline script (test tool only)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    found = violations(page)
    assert found == [], found
    page.locator("#operations-meeting-meeting_list .opblock-summary-control").click()  # an operation opened
    page.locator("#operations-meeting-meeting_list .parameters").wait_for()
    found = violations(page)
    assert found == [], found
