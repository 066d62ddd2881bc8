"""An officer edits an action plan item, adds a quarterly update, finds it on the plan filtered to red items (a red
RAG tag in words, the filter kept in the address of the compact view) and in the exception report."""

import pytest

from kcsp.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_edits_updates_and_sees_the_exception(page, live_server, demo_load):
    from agreement.models import ActionPlan
    from agreement.services import version_new_draft

    demo_load()
    version_new_draft(plan=ActionPlan.objects.get(agreement__year=2022))  # the demo's plan is published: a new draft
    base = live_server.url
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("E-mail address").fill("officer@kcsp.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="Action plan").click()
    page.get_by_role("link", name="Kent Community Safety Agreement 2022/23").click()
    page.get_by_role("link", name="Draft", exact=True).click()
    page.get_by_role("link", name="Edit item 2.1").click()
    page.get_by_label("Timescale").fill("soon")
    page.get_by_role("button", name="Save item").click()
    assert "Enter the timescale as a month and year" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Timescale").fill("December 2022")
    page.get_by_role("button", name="Save item").click()
    assert "Item 2.1 saved." in page.locator(".govuk-notification-banner").inner_text()
    history = page.locator("[data-testid=history]").inner_text()
    assert "Demo officer (Mrs A Taylor)\tChanged\nTimescale: Ongoing → December 2022" in history

    page.get_by_role("link", name="Add a quarterly update").click()
    page.get_by_label("Q2 (July to September)").check()
    page.get_by_label("Red: off track").check()
    page.get_by_label("Narrative").fill("Campaign partners withdrew; new partners being sought.")
    page.get_by_role("button", name="Add update").click()
    assert "Campaign partners withdrew" in page.locator("main").inner_text()

    page.get_by_role("link", name="Back to the plan").click()
    page.locator(".govuk-details__summary", has_text="Filter the plan").click()  # the contents list links it too
    page.get_by_label("Latest status (RAG)").select_option(label="Red: off track")
    page.get_by_role("button", name="Apply filters").click()
    assert "rag=red" in page.url
    assert page.get_by_role("link", name="2.1", exact=True).is_visible()
    tags = page.locator("[data-testid=item-status] .govuk-tag--red")
    assert tags.count() >= 1 and set(tags.all_inner_texts()) <= {"Red: off track", "Overdue"}
    assert "match the filters" in page.locator("[data-testid=plan-shown]").inner_text()
    page.get_by_role("link", name="compact table").click()
    assert "rag=red" in page.url and "view=compact" in page.url
    assert page.locator("[data-testid=plan-compact]").first.is_visible()
    assert "Red: off track" in page.locator("[data-testid=plan-compact]").first.inner_text()
    page.get_by_role("link", name="Exception report").click()
    report = page.locator("[data-testid=exceptions]").inner_text()
    assert "2.1" in report and "Red" in report
