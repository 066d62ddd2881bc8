"""The chair's agreement as a step (issue 16): the officer sends an agenda to the chair with a note, the chair returns
it with a comment, the officer sees the comment, amends and resends, the chair agrees. axe-core checks each new page
on the way (the pages are also listed in test_accessibility.py)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from kcsp.demo import DEMO_PASSWORD

from .test_accessibility import page, violations  # noqa: F401  (page: a context that lets axe run)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):  # noqa: F811
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def sign_out(page):  # noqa: F811
    page.get_by_role("button", name="Sign out").click()


def test_officer_sends_chair_returns_officer_amends_and_resends_chair_agrees(
    page,  # noqa: F811
    live_server,
    tmp_path,
    settings,
    demo_load,
):
    from meetings.models import Meeting
    from meetings.services import meeting_create

    settings.MEDIA_ROOT = tmp_path
    demo_load()
    mail.outbox.clear()  # the demo's own agenda went to the chair as it loaded
    base = live_server.url
    july = Meeting.objects.order_by("starts_at").last()
    meeting = meeting_create(
        committee=july.committee,
        starts_at=timezone.now().replace(hour=10, minute=0) + datetime.timedelta(days=40),
        contact_name="Anna Taylor",
    )
    meeting_url = f"{base}/meetings/{meeting.pk}/"

    sign_in(page, base, "officer@kcsp.example")
    page.goto(meeting_url)
    page.get_by_role("link", name="Send to the chair for agreement").click()
    assert violations(page) == [], "send to the chair"
    page.get_by_label("Note for the chair (optional)").fill("The standing items only: the police update is verbal.")
    page.get_by_role("button", name="Send to the chair").click()
    assert "with the chair for agreement" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("[data-testid=with-chair-notice]").is_visible()
    assert page.get_by_role("link", name="Add an agenda item").count() == 0, "the agenda is locked with the chair"
    assert violations(page) == [], "meeting page, with the chair"
    page.get_by_role("link", name="Take the agenda back to change it").click()
    assert violations(page) == [], "take back"
    page.goto(meeting_url)
    sign_out(page)

    assert len(mail.outbox) == 1 and "Agenda for your agreement" in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/agree/" in line).strip()
    assert "The standing items only" in mail.outbox[0].body

    sign_in(page, base, "chair@kcsp.example")
    page.goto(link.replace(settings.SITE_URL.rstrip("/"), base))
    main = page.locator("main").inner_text()
    assert "The standing items only: the police update is verbal." in main
    assert "Publication deadline" in main and f"{meeting.publication_due_on:%-d %B %Y}" in main
    assert "A1" in main
    assert violations(page) == [], "the chair's page"
    page.get_by_role("link", name="Return with comments").click()
    assert violations(page) == [], "return with comments"
    page.get_by_role("button", name="Return with comments").click()
    assert "Enter comments for the officer" in page.locator(".govuk-error-summary").inner_text()
    assert violations(page) == [], "return with comments, with an error"
    page.get_by_label("Comments for the officer").fill("Please add the Community Safety Agreement update under B.")
    page.get_by_role("button", name="Return with comments").click()
    assert "returned the agenda" in page.locator(".govuk-notification-banner").first.inner_text()
    sign_out(page)
    assert len(mail.outbox) == 2 and "Please add the Community Safety Agreement update" in mail.outbox[1].body

    sign_in(page, base, "officer@kcsp.example")
    page.goto(meeting_url)
    comments = page.locator("[data-testid=chair-comments]").inner_text()
    assert "Please add the Community Safety Agreement update under B." in comments
    assert violations(page) == [], "meeting page with the chair's comments"
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Section").select_option(label="B. Matters for Information/Discussion - Standing Items")
    page.get_by_label("Title", exact=True).fill("Kent Community Safety Agreement Update")
    page.get_by_role("button", name="Save item").click()
    page.get_by_role("link", name="Send to the chair for agreement").click()
    page.get_by_label("Note for the chair (optional)").fill("Added the update, as you asked.")
    page.get_by_role("button", name="Send to the chair").click()
    assert page.locator("[data-testid=chair-comments]").count() == 0, "the comments are answered by the resend"
    sign_out(page)

    sign_in(page, base, "chair@kcsp.example")
    page.goto(meeting_url)
    page.get_by_role("link", name="Agree the agenda").click()
    main = page.locator("main").inner_text()
    assert "Kent Community Safety Agreement Update" in main and "Added the update, as you asked." in main
    page.get_by_role("button", name="Agree the agenda").click()
    assert page.locator("[data-testid=meeting-status]").inner_text().startswith("Agenda agreed by ")
    meeting.refresh_from_db()
    assert meeting.status == "agenda_agreed"
    assert list(meeting.status_changes.values_list("action", flat=True)) == [
        "send-to-chair",
        "return",
        "send-to-chair",
        "agree",
    ]
