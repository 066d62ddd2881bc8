"""The main pages work on a phone: at 320 and 375 CSS pixels wide nothing scrolls sideways (a wide table scrolls
inside its own labelled, focusable region; long links, addresses and references wrap)."""

import pytest
from django.utils import timezone

from kcsp.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (320, 375)
LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + "NjQ4ZmQ1YTMtYjc2ZS00ZGE5LWI4" * 4
EMAIL = "communitysafetypartnershipadministration@kentcommunitysafetypartnership.kent.gov.uk"
REFERENCE = "KCSP/CRG/2022/" + "0123456789ABCDEF" * 4


def main_pages() -> dict[str, str]:
    """The pages the issue names, from the demo: grant year, bid, bid list, plan, meeting, action log, search, home;
    and the pack reader (issue 17)."""
    from agreement.models import PlanVersion
    from grants.models import Bid, GrantYear
    from meetings.models import Meeting, Pack

    year = GrantYear.objects.order_by("-year").first()
    committee = Meeting.objects.order_by("-starts_at").first().committee
    return {
        "home": "/",
        "grant year": f"/grants/{year.year}/",
        "bid list": f"/grants/{year.year}/bids/",
        "bid": f"/grants/bids/{Bid.objects.filter(grant_year=year).first().pk}/",
        "plan": f"/agreement/versions/{PlanVersion.objects.order_by('-pk').first().pk}/",
        "meeting": f"/meetings/{Meeting.objects.order_by('-starts_at').first().pk}/",
        "action log": f"/meetings/committees/{committee.slug}/actions/",
        "search": "/search/?q=community+safety",
        "pack reader": "/meetings/{}/packs/public/read/".format(
            Pack.objects.filter(kind="public", status="ready").order_by("-meeting__starts_at")[0].meeting_id
        ),
    }


def test_each_main_page_has_no_sideways_scroll_at_phone_widths(browser, live_server, settings, tmp_path, demo_load):
    settings.MEDIA_ROOT = tmp_path
    demo_load(timezone.localdate())  # as `manage.py demo --allow-production` (the server keeps DEBUG off)
    from grants.models import Bid
    from meetings.models import Meeting

    pages = main_pages()
    # Long unbreakable text where people type it: a bid's title, contact and description, a meeting's link.
    bid = Bid.objects.get(pk=pages["bid"].rstrip("/").rsplit("/", 1)[1])
    Bid.objects.filter(pk=bid.pk).update(
        title=f"{REFERENCE} project", contact_email=EMAIL, description=f"{LINK} {EMAIL} {REFERENCE}"
    )
    Meeting.objects.filter(pk=pages["meeting"].rstrip("/").rsplit("/", 1)[1]).update(venue=LINK, contact_email=EMAIL)
    wide = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 740}, device_scale_factor=2, is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/account/sign-in/")
        page.get_by_label("E-mail address").fill("officer@kcsp.example")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{name} {path}: {response.status}"
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert inner == width, f"{name}: laid out {inner}px wide, not at the phone's width (viewport tag?)"
            if scroll > width:
                widest = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .filter(e => !e.closest('.kcsp-table-scroll') || e.matches('.kcsp-table-scroll'))
                    .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"""
                )
                wide.append(f"{width}px {name} {path}: {scroll} > {inner} ({widest})")
            regions = page.locator(".kcsp-table-scroll")
            for index in range(regions.count()):
                region = regions.nth(index)
                label = region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
                assert region.get_attribute("tabindex") == "0" and label, name
        context.close()
    assert not wide, "\n".join(wide)
