"""The Content-Security-Policy holds in a real browser: the pages work with it and inline code is blocked."""

import pytest

from .test_accessibility import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_run_their_scripts_under_the_policy_and_inline_code_is_refused(page, live_server, demo_load):
    from meetings.models import Meeting

    demo_load()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else 0)
    july = Meeting.objects.order_by("starts_at").last()
    sign_in(page, live_server.url, "officer@kcsp.example")
    for path in ("/", f"/meetings/{july.pk}/", "/agreement/", "/meetings/committees/", "/admin/"):
        page.goto(f"{live_server.url}{path}")
        classes = page.evaluate("document.body.className")
        assert "govuk-frontend-supported" in classes, f"{path}: GOV.UK Frontend did not start from its module"
    assert blocked == [], blocked

    # Hostile markup that slipped through would not run: the browser refuses inline script and handlers.
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => {
            const s = document.createElement('script'); s.textContent = 'window.pwned = 1'; document.body.append(s);
            const i = document.createElement('img'); i.setAttribute('onerror', 'window.pwned = 2'); i.src = 'x:';
            document.body.append(i);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.pwned") is None
    assert any("Content Security Policy" in text for text in blocked)
