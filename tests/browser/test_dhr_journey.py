"""A DHR-cleared user signs in, enters a code, opens the overdue case and records an agency update."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from dhr.models import AccessLog, ActionUpdate
from kcsp.demo import DEMO_PASSWORD
from kcsp.testing import totp_now

from .test_accessibility import page, violations  # noqa: F401  (page: a context that lets axe run)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cleared_user_completes_2fa_opens_an_overdue_case_and_records_an_agency_update(page, live_server, demo_load):  # noqa: F811
    demo_load()
    page.goto(f"{live_server.url}/reviews/")
    assert "Page not found" in page.content() or page.title().startswith("Page not found")
    page.goto(f"{live_server.url}/account/sign-in/?next=/reviews/")
    page.get_by_label("E-mail address").fill("dhr@kcsp.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/code/**")
    assert violations(page) == []
    device = TOTPDevice.objects.get(user__email="dhr@kcsp.example")
    page.get_by_label("Code from your authenticator app").fill(totp_now(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/reviews/")
    assert "1 case overdue" in page.locator("main").inner_text()
    first_row = page.locator("tbody tr").first
    assert "Rowan (demo)/2023" in first_row.inner_text() and "Overdue by" in first_row.inner_text()
    assert violations(page) == []
    first_row.get_by_role("link", name="Rowan (demo)/2023").click()
    page.wait_for_url("**/reviews/*/")
    assert violations(page) == []
    page.get_by_role("link", name="Record an update for Kent County Council, recommendation 1").click()
    page.wait_for_url("**/updates/new/")
    assert violations(page) == []
    page.get_by_role("button", name="Save update").click()  # nothing typed: the errors say what is missing
    assert "Enter the update" in page.locator(".govuk-error-summary").inner_text()
    update_date = page.get_by_role("group", name="Date of the update")
    update_date.get_by_label("Day").fill("1")
    update_date.get_by_label("Month").fill("3")
    update_date.get_by_label("Year").fill("2025")
    page.get_by_label("Update", exact=True).fill("Training module delivered to 40 practitioners")
    page.get_by_label("Status after this update").select_option(label="In progress")
    page.get_by_role("button", name="Save update").click()
    page.wait_for_url("**/reviews/*/")
    assert "Update recorded." in page.locator("main").inner_text()
    assert "Training module delivered to 40 practitioners" in page.locator("main").inner_text()
    assert ActionUpdate.objects.filter(text__startswith="Training module").exists()
    assert AccessLog.objects.filter(user__email="dhr@kcsp.example", action="create").exists()
