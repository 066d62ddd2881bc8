"""The chair opens the queue, approves one bid, rejects another with a comment, and the summary follows."""

import pytest

from kcsp.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_approves_and_rejects_from_the_queue(page, live_server, demo_load):
    demo_load()
    base = live_server.url
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("E-mail address").fill("chair@kcsp.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="Grants").click()
    page.get_by_role("link", name="2022/23").click()
    # Allocated counts money approved at the year's last step (the Commissioner's in 2022/23); recommended bids
    # wait for the chair apart.
    assert page.get_by_test_id("allocated").inner_text() == "£0"
    assert page.get_by_test_id("awaiting-chair").inner_text() == "£26,440"
    page.get_by_role("link", name="Bids awaiting your decision").click()
    assert page.get_by_test_id("queue-bid").count() == 5

    page.get_by_role("button", name="Approve Trauma Awareness Project").click()
    assert "Trauma Awareness Project is approved." in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_test_id("queue-bid").count() == 4

    page.get_by_label("Comment on CRG 2022/23-03 (optional)").fill("Please bring the conference to next year's round.")
    page.get_by_role("button", name="Reject Community Safety Conference").click()
    assert "Community Safety Conference is rejected." in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_test_id("queue-bid").count() == 3

    page.goto(f"{base}/grants/2022/")
    assert page.get_by_test_id("allocated").inner_text() == "£0"
    assert page.get_by_test_id("awaiting-commissioner").inner_text() == "£13,000"
    assert page.get_by_test_id("awaiting-chair").inner_text() == "£7,460"
    assert page.get_by_test_id("pot-upfront").get_by_test_id("pot-remaining").inner_text() == "£5,981"
    page.get_by_role("link", name="Bids", exact=True).click()
    page.get_by_role("link", name="Community Safety Conference").click()
    assert "Please bring the conference to next year's round." in page.get_by_test_id("steps").inner_text()
    assert page.get_by_test_id("status").inner_text() == "Rejected by the chair"
