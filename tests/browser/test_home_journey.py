"""Each role signs in, lands on its home page showing what is waiting for it, and follows one link to act on it
(issue 16, "Home pages by role"); the DHR-cleared person sees their panel only once they have entered a code."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kcsp import roles
from kcsp.testing import totp_now
from kcsp.tests.home_world import home_world

from .test_accessibility import page, violations  # noqa: F401  (page: a context that lets axe run)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, user):  # noqa: F811
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_each_role_lands_on_its_home_page_and_acts(page, live_server, make_user):  # noqa: F811
    base = live_server.url
    people = {role: make_user(role) for role in (roles.OFFICER, roles.CHAIR, roles.MEMBER, roles.DHR_CLEARED)}
    device = TOTPDevice.objects.create(user=people[roles.DHR_CLEARED], name="Test authenticator", confirmed=True)
    world = home_world(
        officer=people[roles.OFFICER],
        chair=people[roles.CHAIR],
        member=people[roles.MEMBER],
        dhr_user=people[roles.DHR_CLEARED],
    )

    # The officer: agendas to prepare with their deadline; the count leads to the list, the list to the meeting.
    sign_in(page, base, people[roles.OFFICER])
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="What is waiting for you").is_visible()
    assert "working days left" in page.get_by_test_id("panel-officer").inner_text()
    page.get_by_test_id("count-agendas-to-prepare").get_by_role("link").click()
    page.wait_for_url(f"{base}/home/agendas-to-prepare/")
    page.get_by_role("link", name=str(world["draft"])).click()
    page.wait_for_url(f"{base}/meetings/{world['draft'].pk}/")

    # The chair: a recommended bid with the pot's figures; "Decide the bids" opens the queue to decide it.
    sign_in(page, base, people[roles.CHAIR])
    page.wait_for_url(f"{base}/")
    panel = page.get_by_test_id("panel-chair")
    assert panel.get_by_test_id("pot-figures").first.is_visible()
    panel.get_by_role("link", name="Decide the bids").click()
    page.wait_for_url(f"{base}/grants/queue/")
    page.get_by_role("button", name=f"Approve {world['recommended_bid'].title}").click()
    assert "is approved" in page.locator(".govuk-notification-banner").inner_text()

    # The member: their next meeting with apologies one click away (and a confirmation).
    sign_in(page, base, people[roles.MEMBER])
    page.wait_for_url(f"{base}/")
    page.get_by_test_id("panel-member").get_by_role("link", name="Send apologies").click()
    page.wait_for_url(f"{base}/meetings/{world['published'].pk}/apologies/")
    page.get_by_role("button", name="Send apologies").click()
    assert "Your apologies have been sent." in page.locator(".govuk-notification-banner").inner_text()
    page.goto(f"{base}/")
    assert "Apologies sent" in page.get_by_test_id("panel-member").inner_text()

    # The DHR-cleared person: asked for a code first (no counts), then the overdue review, one click away.
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/?next=/")
    page.get_by_label("E-mail address").fill(people[roles.DHR_CLEARED].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/code/**")
    page.get_by_label("Code from your authenticator app").fill(totp_now(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    panel = page.get_by_test_id("panel-dhr_cleared")
    assert panel.get_by_test_id("count-dhr-cases-due").get_by_role("link").inner_text().startswith("1")
    panel.get_by_test_id("count-dhr-cases-due").get_by_role("link").click()
    page.wait_for_url(f"{base}/home/dhr-cases-due/")
    page.get_by_role("link", name=str(world["case"])).click()
    page.wait_for_url(f"{base}/reviews/{world['case'].pk}/")
    assert violations(page) == []
