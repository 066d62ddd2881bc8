"""Minutes as the formal record, through the pages: the clerk records attendance with the register and writes a
minute pasted from Word, circulates the draft, an attendee proposes an amendment, the clerk accepts it, the chair
signs at the next meeting, and the signed PDF read back with pypdf says what the page says."""

import datetime
import re

import pytest
from django.utils import timezone

from kcsp.demo import DEMO_PASSWORD
from kcsp.models import User
from meetings.models import Committee, Meeting
from meetings.tests.factories import chaired_by, held_meeting
from meetings.tests.test_signed_record import RecordUnits, find_in_order, pdf_text_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As a clerk pastes it from Word: numbers and letters typed, a non-breaking space after a number, a tab after a
# letter, "RESOLVED that" typed, a line of spaces between paragraphs, a wrapped line inside part (b).
PASTED = (
    "1.\u00a0Mr Peerbux introduced the report on the refreshed Community Safety Agreement.\r\n"
    "   \r\n"
    "2. Ms Brinson advised that the action plan had been agreed by the working group.\r\n"
    "\r\n"
    "RESOLVED that the KCSP\r\n"
    "(a)\tnote the report;\r\n"
    "(b) agree the priorities of the refreshed\r\n"
    "agreement for 2022/23."
)
AMENDED_FROM = "agreed by the working group"
AMENDED_TO = "agreed by the working group on 21 June 2022"


def sign_in(page, base, email):
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def choose(select, text):
    """Select the one option of `select` whose label contains `text`."""
    option = select.locator("option", has_text=text)
    assert option.count() == 1, f"one option with {text!r}: {select.inner_text()}"
    select.select_option(value=option.get_attribute("value"))


def assert_single_labels(text):
    """Each paragraph number and letter starts one line, once, and is not doubled ("1. 1.", "(a) a)")."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for label in ("1.", "2.", "a)", "b)", "RESOLVED that"):  # pasted (a), printed in the partnership's a)
        starting = [line for line in lines if line.startswith(label + " ")]
        assert len(starting) == 1, f"{label!r} should start one line: {lines}"
        rest = starting[0][len(label) :]
        assert not re.match(r"\s*(\(?[a-z0-9]{1,2}[.)]|RESOLVED)", rest), f"{label!r} is doubled: {starting[0]!r}"
    assert sum(line.count("RESOLVED") for line in lines) == 1, lines


def minute(page, number):
    return page.locator(f"#minute-{number}")


def test_clerk_records_circulates_member_amends_clerk_accepts_chair_signs_pdf_matches_page(
    page, live_server, tmp_path, settings, demo_load
):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    base = live_server.url
    kcsp = Committee.objects.get(slug="kcsp")
    july = Meeting.objects.get(committee=kcsp, starts_at__date=datetime.date(2022, 7, 14))
    assert july.status == Meeting.Status.HELD and not july.minutes.exists()
    # Not the journey: a later meeting, held, with the demo chair's person recorded in its chair.
    later = held_meeting(committee=kcsp, starts_at=timezone.now() - datetime.timedelta(days=2))
    chaired_by(later, User.objects.get(email="chair@kcsp.example"))
    minutes_url = f"{base}/meetings/{july.pk}/minutes/"
    on_minutes = re.compile(rf"/meetings/{july.pk}/minutes/(#.*)?$")

    # 1. The clerk records who attended, in one register.
    sign_in(page, base, "officer@kcsp.example")
    page.goto(f"{base}/meetings/{july.pk}/attendance/")
    for name in ("Mr A Harper", "Mr S Peerbux", "Mr Rivers"):
        page.get_by_label(f"Present: {name}", exact=True).check()
    page.get_by_label("Apologies: Mr M Powell", exact=True).check()
    page.get_by_label("Capacity (Mr Rivers)").select_option(label="Vice-Chairman, in the Chair")
    choose(page.get_by_label("Person 1 (added person 1)"), "Mrs A Taylor")
    page.get_by_label("In attendance: added person 1").check()
    page.get_by_label("Role (added person 1)").fill("Democratic Services Officer")
    page.get_by_role("button", name="Save the register").click()
    saved = page.locator(".govuk-notification-banner")
    saved.wait_for()
    assert "Attendance register saved: 5 added" in saved.inner_text()
    page.goto(minutes_url)

    # 2. A minute on item B1, pasted from Word, previewed then saved.
    page.get_by_role("link", name="Add a minute").click()
    choose(page.get_by_label("Agenda item"), "B1")
    page.get_by_label("Title").fill("Kent Community Safety Agreement and Action Plan Update")
    page.get_by_label("Minute", exact=True).fill(PASTED)
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("minute-preview").inner_text()
    assert_single_labels(preview)
    assert "61." in preview
    page.get_by_role("button", name="Save minute").click()
    page.wait_for_url(on_minutes)
    printed = minute(page, 61).inner_text()
    assert_single_labels(printed)
    assert "agree the priorities of the refreshed agreement for 2022/23." in " ".join(printed.split())
    record = page.locator("section.kcsp-minutes-record[data-kind=public]").inner_text()
    assert "Mr Rivers (Vice-Chairman" in record and "Democratic Services Officer" in record

    # 3. The draft goes to those who attended.
    page.get_by_role("link", name="Circulate to those who attended").click()
    page.get_by_role("button", name="Circulate the draft minutes").click()
    assert "Draft minutes circulated" in page.locator("main").inner_text()
    sign_out(page)

    # 4. Mr Harper, who attended, proposes an amendment to minute 61.
    sign_in(page, base, "member@kcsp.example")
    page.goto(minutes_url)
    minute(page, 61).get_by_role("link", name="Propose an amendment").click()
    wording = page.get_by_label("The minute as you propose it should read")
    assert AMENDED_FROM in wording.input_value()
    wording.fill(wording.input_value().replace(AMENDED_FROM, AMENDED_TO))
    page.get_by_label("Why (optional)").fill("The working group met on 21 June.")
    page.get_by_role("button", name="Propose the amendment").click()
    page.wait_for_url(on_minutes)
    sign_out(page)

    # 5. The clerk accepts it, with a reason.
    sign_in(page, base, "officer@kcsp.example")
    page.goto(minutes_url)
    minute(page, 61).get_by_role("link", name="Accept or reject").click()
    page.get_by_label("Accept: the minute takes the proposed wording").check()
    page.get_by_label("Reason").fill("The date is right: the working group met on 21 June.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(on_minutes)
    page.goto(minutes_url)
    assert "Accepted" in minute(page, 61).inner_text()
    assert AMENDED_TO in " ".join(minute(page, 61).locator("h3 ~ *:not(.kcsp-not-record)").all_inner_texts())
    sign_out(page)

    # 6. The chair signs them as agreed at the later meeting.
    sign_in(page, base, "chair@kcsp.example")
    page.goto(minutes_url)
    page.get_by_role("link", name="Approve and sign").click()
    page.get_by_label("Meeting that agreed them as a correct record").select_option(index=1)
    page.get_by_role("button", name="Approve and sign the minutes").click()
    page.wait_for_url(on_minutes)
    assert "signed by Mr Rivers" in page.locator("main").inner_text()

    # 7. The public signed PDF says what the page's record says.
    sign_out(page)
    page.goto(minutes_url)
    link = page.get_by_test_id("signed-pdf-public")
    link.wait_for()
    response = page.request.get(base + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    units = RecordUnits(page.content()).parts["public"]
    joined = " ".join(units)
    for expected in (AMENDED_TO, "a) note the report;", "b) agree the priorities", "Agreed as a correct record"):
        assert expected in joined, f"the page's record lacks {expected!r}: {units}"
    assert find_in_order(units, pdf_text_words(response.body())) == [], "the PDF differs from the page"
