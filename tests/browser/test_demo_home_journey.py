"""The demo as `make run` shows it today: each demo login signs in by keyboard alone, lands on a home page that
shows what the demo gives them to do, and follows the count to its list and on to act on one thing (issue 16,
"Done when"). The demo is placed around today (kcsp/demo_clock.py), so the journey holds on any date.

No mouse: every control is reached with Tab and used with Enter or typing, and shows its focus
(test_keyboard_journey.tab_to).
"""

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kcsp.demo import DEMO_PASSWORD
from kcsp.testing import totp_now

from .test_keyboard_journey import press_enter, sign_in, sign_out, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def count(page, key: str) -> int:
    return int(page.get_by_test_id(f"count-{key}").locator("a").first.inner_text().split()[0])


def test_each_demo_login_lands_on_what_is_waiting_and_acts_on_it_by_keyboard(
    page, live_server, settings, tmp_path, demo_load
):
    from meetings.models import Meeting

    settings.MEDIA_ROOT = tmp_path
    demo_load(timezone.localdate())
    base = live_server.url
    with_chair = Meeting.objects.get(committee__slug="kcsp", status=Meeting.Status.WITH_CHAIR)

    # The officer: the agenda with the chair, and the July meeting's minutes to write, one count away.
    sign_in(page, base, "officer@kcsp.example")
    assert page.get_by_role("heading", name="What is waiting for you").is_visible()
    assert count(page, "agendas-with-chair") == 1 and count(page, "minutes-to-write") == 1
    assert "working days left" in page.get_by_test_id("panel-officer").inner_text()
    tab_to(page, "1 minutes to write")
    press_enter(page)
    assert page.url.endswith("/home/minutes-to-write/")
    tab_to(page, "Write the minutes")
    press_enter(page)
    assert "/minutes/" in page.url
    sign_out(page)

    # The chair: the agenda the officer sent, read whole and agreed from the list.
    sign_in(page, base, "chair@kcsp.example")
    assert count(page, "agendas-to-agree") >= 1 and count(page, "bids-to-decide") == 5
    assert page.get_by_test_id("pot-figures").first.is_visible()
    tab_to(page, f"{count(page, 'agendas-to-agree')} agendas to agree")
    press_enter(page)
    assert page.url.endswith("/home/agendas-to-agree/")
    tab_to(page, "Read and agree or return")
    press_enter(page)
    assert page.url.endswith(f"/meetings/{with_chair.pk}/agree/")
    tab_to(page, "Agree the agenda")
    press_enter(page)
    assert Meeting.objects.get(pk=with_chair.pk).status == Meeting.Status.AGENDA_AGREED
    sign_out(page)

    # The member: their own action, and July's packs new since they last looked.
    sign_in(page, base, "member@kcsp.example")
    assert count(page, "my-actions") == 1 and count(page, "new-papers") >= 1
    tab_to(page, "1 my actions")
    press_enter(page)
    assert page.url.endswith("/home/my-actions/")
    assert "mental health" in page.locator("main").inner_text()
    sign_out(page)

    # The DHR-cleared person is asked for the one-time code as they sign in; then the reviews due, one count away.
    page.goto(f"{base}/account/sign-in/")
    tab_to(page, "E-mail address")
    page.keyboard.type("dhr@kcsp.example")
    tab_to(page, "Password")
    page.keyboard.type(DEMO_PASSWORD)
    press_enter(page)
    assert "/account/two-factor/code/" in page.url
    tab_to(page, "Code from your authenticator app")
    page.keyboard.type(totp_now(TOTPDevice.objects.get(user__email="dhr@kcsp.example")))
    press_enter(page)
    assert page.url == f"{base}/"
    due = count(page, "dhr-cases-due")
    assert due >= 1
    tab_to(page, f"{due} reviews overdue or due within 30 days")
    press_enter(page)
    assert page.url.endswith("/home/dhr-cases-due/")
    assert page.locator("main table tbody tr").count() == due
