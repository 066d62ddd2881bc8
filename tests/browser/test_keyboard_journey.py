"""Keyboard only: the chair agrees and the officer publishes a meeting, then the chair approves a bid.

No mouse clicks: every control is reached with Tab and used with Enter or typing, and the control with
focus must show it (GOV.UK focus styles: a yellow highlight or outline).
"""

import datetime

import pytest
from django.utils import timezone

from kcsp.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = r"""() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const shown = style.outlineStyle !== 'none' || style.boxShadow !== 'none'
    || style.backgroundColor === 'rgb(255, 221, 0)';
  const label = e.labels && e.labels[0] ? e.labels[0].innerText.trim() : '';
  return {text: (e.innerText || e.value || '').replace(/\s+/g, ' ').trim(), label, shown};
}"""


def tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused control's text or label starts with `name`; it must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["text"].startswith(name) or focused["label"].startswith(name):
            assert focused["shown"], f"{name} has focus but does not show it"
            return
    raise AssertionError(f"{name} cannot be reached with the keyboard")


def press_enter(page) -> None:
    """Enter on a link or button: wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/sign-in/")
    tab_to(page, "E-mail address")
    page.keyboard.type(email)
    tab_to(page, "Password")
    page.keyboard.type(DEMO_PASSWORD)
    press_enter(page)
    assert page.url == f"{base}/"


def sign_out(page) -> None:
    tab_to(page, "Sign out")
    press_enter(page)


def test_publishing_a_meeting_and_approving_a_bid_by_keyboard_alone(page, live_server, settings, tmp_path, demo_load):
    from grants.models import Bid
    from meetings.models import Committee, Meeting
    from meetings.services import meeting_create

    settings.MEDIA_ROOT = tmp_path
    demo_load()
    base = live_server.url
    starts = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + datetime.timedelta(days=45)
    meeting = meeting_create(committee=Committee.objects.get(slug="kcsp"), starts_at=starts, contact_name="Anna Taylor")

    sign_in(page, base, "chair@kcsp.example")
    page.goto(f"{base}{meeting.get_absolute_url()}")
    tab_to(page, "Agree the agenda")
    press_enter(page)
    tab_to(page, "Agree the agenda")
    press_enter(page)
    assert page.url.endswith(meeting.get_absolute_url())
    sign_out(page)

    sign_in(page, base, "officer@kcsp.example")
    page.goto(f"{base}{meeting.get_absolute_url()}")
    tab_to(page, "Publish the agenda")
    press_enter(page)
    tab_to(page, "Publish the agenda")
    press_enter(page)
    assert page.url.endswith(meeting.get_absolute_url())
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED
    sign_out(page)

    sign_in(page, base, "chair@kcsp.example")
    tab_to(page, "Grants")
    press_enter(page)
    tab_to(page, "2022/23")
    press_enter(page)
    tab_to(page, "Bids awaiting your decision")
    press_enter(page)
    assert page.url.endswith("/grants/queue/")
    tab_to(page, "Comment on CRG 2022/23-01")
    page.keyboard.type("Approved: small cost, wide reach.")
    tab_to(page, "Approve")
    press_enter(page)
    assert "Best Bar None is approved." in page.locator(".govuk-notification-banner").inner_text()
    best = Bid.objects.get(title="Best Bar None")
    assert best.status == Bid.Status.APPROVED
    assert best.steps.last().reason == "Approved: small cost, wide reach."
