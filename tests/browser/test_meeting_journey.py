"""An officer builds a meeting, the chair agrees the agenda, the officer publishes, the public reads it."""

import datetime

import pytest

from kcsp.demo import DEMO_PASSWORD
from meetings.agenda_print import EXCLUSION_STATEMENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def add_item(page, section_label, title, purpose=None, reason=None):
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Section").select_option(label=section_label)
    page.get_by_label("Title", exact=True).fill(title)
    if purpose:
        page.get_by_label("Purpose").select_option(label=purpose)
    if reason:
        page.get_by_label("Yes", exact=True).check()  # the reason is revealed under "Yes" (GOV.UK conditional reveal)
        page.get_by_label("Why is it restricted?").select_option(label=reason)
    page.get_by_role("button", name="Save item").click()


def test_officer_builds_chair_agrees_officer_publishes_public_reads(page, live_server, tmp_path, settings, demo_load):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    base = live_server.url
    day = datetime.date.today() + datetime.timedelta(days=40)

    sign_in(page, base, "officer@kcsp.example")
    page.goto(f"{base}/meetings/new/")
    page.get_by_label("Committee").select_option(label="Kent Community Safety Partnership")
    page.locator("input[name=date_day]").fill(str(day.day))
    page.locator("input[name=date_month]").fill(str(day.month))
    page.locator("input[name=date_year]").fill(str(day.year))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Venue").select_option(label="Online")
    page.get_by_label("Ask for").fill("Anna Taylor")
    page.get_by_role("button", name="Save meeting").click()
    assert "standard committee business items" in page.locator(".govuk-notification-banner").inner_text()
    meeting_url = page.url
    assert "A4" in page.locator("[data-testid=section-A]").inner_text()

    # A restricted item needs a reason: the form says so and keeps what was typed.
    add_item(page, "D. Restricted items", "Kent and Medway PREVENT Duty Delivery Board Update")
    assert "Select why the item is restricted" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Title", exact=True).input_value() == "Kent and Medway PREVENT Duty Delivery Board Update"
    assert not page.get_by_label("Why is it restricted?").is_visible(), "the reason shows only under 'Yes'"
    page.get_by_label("Yes", exact=True).check()
    assert page.get_by_label("Why is it restricted?").is_visible()
    page.get_by_label("Why is it restricted?").select_option(label="Prevent and counter-terrorism")
    page.get_by_role("button", name="Save item").click()
    add_item(
        page,
        "B. Matters for Information/Discussion - Standing Items",  # the demo committee's own heading (July 2022)
        "Kent Community Safety Agreement Update",
        purpose="For Information",
    )
    assert "B1" in page.locator("[data-testid=section-B]").inner_text()
    assert "D1" in page.locator("[data-testid=section-D]").inner_text()

    page.get_by_role("link", name="Kent Community Safety Agreement Update").click()
    page.get_by_role("link", name="Write a paper").click()
    page.get_by_label("Summary").fill("The refreshed action plan for 2022/23.")
    page.get_by_role("button", name="Save paper").click()
    page.get_by_role("link", name="Add a section").click()
    page.get_by_label("Heading").fill("Background")
    page.get_by_label("Text", exact=True).fill(
        "The Crime and Disorder Act 1998.\n\nA formal review took place in 2006."
    )
    page.get_by_role("button", name="Save section").click()
    assert "1.2" in page.locator("main").inner_text()
    page.goto(meeting_url)
    assert page.get_by_role("link", name="Publish the agenda").count() == 0, "not before the chair agrees"
    sign_out(page)

    sign_in(page, base, "chair@kcsp.example")
    page.goto(meeting_url)
    page.get_by_role("link", name="Agree the agenda").click()
    page.get_by_role("button", name="Agree the agenda").click()
    status = page.locator("[data-testid=meeting-status]").inner_text()
    assert status.startswith("Agenda agreed by ") and " on " in status and "the chair" not in status
    sign_out(page)

    sign_in(page, base, "officer@kcsp.example")
    page.goto(meeting_url)
    page.get_by_role("link", name="Publish the agenda").click()
    page.get_by_role("button", name="Publish the agenda").click()
    assert page.locator("[data-testid=meeting-status]").inner_text().startswith("Published")
    sign_out(page)

    page.goto(meeting_url)
    agenda = page.locator("main").inner_text()
    assert "Kent Community Safety Agreement Update" in agenda
    # A restricted item's title is listed to the public with the exclusion statement, as the printed agendas do;
    # its content is not: there is no link to it.
    assert "Kent and Medway PREVENT Duty Delivery Board Update" in agenda and EXCLUSION_STATEMENT in agenda
    assert page.get_by_role("link", name="Kent and Medway PREVENT Duty Delivery Board Update").count() == 0
    page.get_by_role("link", name="Kent Community Safety Agreement Update").first.click()
    page.get_by_role("link", name="Kent Community Safety Agreement Update").click()
    assert "A formal review took place in 2006." in page.locator("main").inner_text()
