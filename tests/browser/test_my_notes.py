"""A member's "My notes" in a real browser: listed with the changed-paper tag, edited and deleted through GOV.UK
forms (the edit page's error state is tested in meetings/tests/test_annotations.py: the browser keeps a note to
its limit), under the Content-Security-Policy, and axe finds no WCAG violation on any of its pages."""

import pytest

from conftest import PASSWORD
from kcsp import roles
from meetings.annotations import paper_fingerprint
from meetings.models import Annotation
from meetings.tests.factories import committee_business

from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_edits_and_deletes_their_notes(browser, live_server, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = make_user(roles.MEMBER)
    business = committee_business(member_user=member)
    written, restricted = business["written_paper"], business["restricted_paper"]
    current = Annotation.objects.create(
        user=member,
        paper=written,
        page_offset=1,
        quote="the plan",
        note="Ask",
        paper_fingerprint=paper_fingerprint(written),
    )
    Annotation.objects.create(user=member, paper=restricted, quote="restricted words", paper_fingerprint="older")
    context = browser.new_context()  # the policy enforced
    page = context.new_page()
    page.set_default_timeout(15000)
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else 0)
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("E-mail address").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My notes on agenda packs").click()
    page.wait_for_url(f"{live_server.url}/meetings/notes/")
    cards = page.locator(".govuk-summary-card")
    assert cards.count() == 2
    assert page.get_by_text("Paper changed since you wrote this").count() == 1, "only the changed paper's note"

    page.locator(f"[data-testid=note-{current.pk}]").get_by_role("link", name="Edit").click()
    assert page.get_by_label("Your note").get_attribute("maxlength") == "5000"
    axe = browser.new_context(bypass_csp=True)  # axe-core is injected inline: only its own context bypasses the policy
    checker = axe.new_page()
    checker.context.add_cookies(context.cookies())
    for path in ("/meetings/notes/", f"/meetings/notes/{current.pk}/edit/", f"/meetings/notes/{current.pk}/remove/"):
        checker.goto(f"{live_server.url}{path}")
        assert violations(checker) == [], path
    axe.close()

    page.get_by_label("Your note").fill("Ask about the Dover figures")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_url(f"{live_server.url}/meetings/notes/")
    assert page.get_by_text("Ask about the Dover figures").is_visible()
    page.locator(f"[data-testid=note-{current.pk}]").get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete note").click()
    page.wait_for_url(f"{live_server.url}/meetings/notes/")
    assert page.locator(".govuk-summary-card").count() == 1
    assert not Annotation.objects.filter(pk=current.pk).exists()
    assert blocked == [], blocked
    context.close()
