"""Each demo login signs in through the real form in Chromium and sees its role's navigation."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kcsp.demo import DEMO_PASSWORD
from kcsp.testing import totp_now

SIGNED_IN_NAV = ["Home", "Meetings", "Action plan", "Grants", "Committees", "Directory", "Your account", "Sign out"]
EXPECTED_NAV = {
    "member": SIGNED_IN_NAV,
    "officer": SIGNED_IN_NAV,
    "chair": SIGNED_IN_NAV,
    # The demo DHR login has an authenticator app: after its code, the Reviews section appears.
    "dhr_cleared": [*SIGNED_IN_NAV[:4], "Reviews", *SIGNED_IN_NAV[4:]],
    # The DHR clerk (an officer who is DHR-cleared) has an authenticator app too.
    "DHR clerk": [*SIGNED_IN_NAV[:4], "Reviews", *SIGNED_IN_NAV[4:]],
    # The data protection officer (DHR-cleared, with an authenticator app): the retention schedule, disposal and
    # subject access.
    "Data protection officer (DHR-cleared)": [
        *SIGNED_IN_NAV[:4],
        "Reviews",
        *SIGNED_IN_NAV[4:-1],
        "Data map",
        "Retention schedule",
        "Disposal",
        "Subject access",
        "Sign out",
    ],
    "admin": [
        "Home",
        "Meetings",
        "Action plan",
        "Grants",
        "Committees",
        "Directory",
        "Your account",
        "System status",
        "Data map",
        "Retention schedule",
        "Administration",
        "Sign out",
    ],
}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def enter_code(page, email):
    """The 'Enter your code' step, typing what the user's authenticator app shows now."""
    page.wait_for_url("**/account/two-factor/code/**")
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    page.get_by_label("Code from your authenticator app").fill(totp_now(device))
    page.get_by_role("button", name="Continue").click()


def navigation(page):
    return [text.strip() for text in page.locator("[data-testid=navigation] > li").all_inner_texts()]


def test_anonymous_sees_only_public_navigation(page, live_server):
    page.goto(live_server.url)
    assert navigation(page) == ["Home", "Meetings", "Action plan", "Grants", "Sign in"]
    assert page.title() == "Home – Kent Community Safety Partnership"
    assert page.locator(".govuk-skip-link").get_attribute("href") == "#main-content"
    assert page.locator("body.govuk-frontend-supported").count() == 1, "GOV.UK Frontend JS did not start"


def test_every_demo_login_signs_in_and_sees_its_roles_navigation(page, live_server, demo_load):
    logins = demo_load()
    assert {login.role for login in logins} == set(EXPECTED_NAV)
    for login in logins:
        page.goto(f"{live_server.url}/account/sign-in/")
        page.get_by_label("E-mail address").fill(login.email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if TOTPDevice.objects.filter(user__email=login.email, confirmed=True).exists():
            enter_code(page, login.email)  # the admin login has only an enrolment code: no code step yet
        page.wait_for_url(f"{live_server.url}/")
        assert navigation(page) == EXPECTED_NAV[login.role], login.role
        assert login.full_name in page.locator("main").inner_text()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{live_server.url}/")
        assert navigation(page) == ["Home", "Meetings", "Action plan", "Grants", "Sign in"]


def test_wrong_password_shows_the_error_summary(page, live_server, demo_load):
    demo_load()
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("E-mail address").fill("member@kcsp.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.get_by_label("E-mail address").input_value() == "member@kcsp.example"
