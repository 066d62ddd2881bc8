"""A member reads a pack in the browser: PDF.js on our page under the Content-Security-Policy, the pack's own page
numbers, the agenda's jumps, find, the resume offer, and the restricted pack's marking (issue 17)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from meetings.models import Pack
from meetings.tests.reader_world import WORD, reader_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    """The browser context carries `user`'s session (made by the test client: no sign-in page to walk)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def csp_reports(page) -> list[str]:
    reports = []
    page.on("console", lambda m: reports.append(m.text) if "Content Security Policy" in m.text else None)
    return reports


def first_page_painted(page):
    page.wait_for_function(
        "() => { const c = document.querySelector('.page[data-page-number=\"1\"] canvas');"
        " return c && c.width > 0 && document.getElementById('kcsp-reader').dataset.rendered }"
    )


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return reader_world(make_user)


def test_member_reads_the_public_pack_jumps_finds_and_is_offered_to_resume(page, live_server, world):
    from meetings.models import Pack, PackContent, PackRead

    meeting, member = world["meeting"], world["member"]
    pack = meeting.packs.get(kind=Pack.Kind.PUBLIC)
    reports = csp_reports(page)
    signed_in(page, live_server, member)
    url = f"{live_server.url}/meetings/{meeting.pk}/packs/public/read/"
    answer = page.goto(url)
    assert answer.status == 200 and "no-store" not in answer.headers["cache-control"]
    assert answer.headers.get("x-pack-public") == "1"
    first_page_painted(page)

    # The page number shown is the pack's own, as printed at the foot of the page.
    foot = PdfReader(pack.file.path).pages[0].extract_text()
    shown = page.locator("#reader-page").input_value()
    assert re.search(rf"Page {shown}\b", foot), (shown, foot[-80:])
    assert page.locator("#reader-count").inner_text() == f"of {pack.page_count}"
    assert page.locator("#reader-next").is_enabled() and page.locator("#reader-previous").is_disabled()

    # The agenda: every item with its code, title and pages; a click jumps to the item's first page.
    second = world["papers"][2]
    row = PackContent.objects.get(pack=pack, what="paper", paper=second)
    agenda = page.get_by_test_id("reader-agenda")
    assert "B1 Action plan update" in agenda.inner_text()
    assert f"Pages {row.first_page} to {row.last_page}" in agenda.inner_text()
    assert "Prevent update" not in agenda.inner_text()  # the restricted item is not in the public pack
    assert agenda.get_by_role("link", name=re.compile(f"Read this paper as a web page.*{second.subject}")).count() == 1
    agenda.get_by_role("link", name="B2 Grant round report").click()
    expect_page(page, str(row.first_page))
    expect_address(page, row.first_page)

    # Next: the address and the screen reader's status follow the page; so they do a scroll.
    page.get_by_role("button", name="Next page").click()
    expect_page(page, str(row.first_page + 1))
    expect_address(page, row.first_page + 1)
    showing = f"Showing page {row.first_page + 1} of {pack.page_count} pages."
    assert page.locator("#reader-status").inner_text() == showing
    page.evaluate("() => document.querySelector('.page[data-page-number=\"2\"]').scrollIntoView()")
    expect_page(page, "2")
    expect_address(page, 2)
    assert page.locator("#reader-status").inner_text() == f"Showing page 2 of {pack.page_count} pages."

    # A hand-edited address moves the reader; a reload opens the page in the address.
    page.evaluate("() => { window.location.hash = '#page=3' }")
    expect_page(page, "3")
    page.reload()
    first_page_painted(page)
    expect_page(page, "3")

    # Typing a page number goes there; a page the pack has not is refused with the pack's range.
    page.locator("#reader-page").fill("1")
    page.locator("#reader-page").press("Enter")
    expect_page(page, "1")
    expect_address(page, 1)
    page.locator("#reader-page").fill("999")
    page.locator("#reader-page").press("Enter")
    assert "There is no page 999 in this pack" in page.locator("#reader-status").inner_text()

    # Find within the pack: PDF.js's find lands on the one page with the word.
    page.get_by_role("searchbox", name="Find in this pack").fill(WORD)
    page.get_by_role("button", name="Find next").click()
    page.wait_for_function("() => /of 1 match/.test(document.getElementById('reader-find-count').textContent)")
    shown = int(page.locator("#reader-page").input_value())
    assert row.first_page <= shown <= row.last_page
    assert WORD in PdfReader(pack.file.path).pages[shown - 1].extract_text()

    # The reader remembers the last page (sent to meetings:pack_position_api a second after the page turns) and
    # offers, never forces, to resume there.
    page.wait_for_timeout(1500)
    assert PackRead.objects.get(user=member, pack=pack).last_page == shown
    page.goto(url)
    first_page_painted(page)
    assert page.locator("#reader-page").input_value() == "1"  # not moved without asking
    page.get_by_role("button", name=f"Resume at page {shown}").click()
    expect_page(page, str(shown))
    assert page.locator("#reader-resume").is_hidden(), "the offer goes once used"
    page.reload()  # at #page=<shown>: already where the offer would take the reader, so it is not made
    first_page_painted(page)
    expect_page(page, str(shown))
    assert page.locator("#reader-resume").is_hidden()

    # The front sheet's e-mail address, made a link by PDF.js, has a name (a link with no text is a blank stop).
    page.evaluate("() => { window.location.hash = '#page=1' }")
    link = page.locator('.page[data-page-number="1"] .annotationLayer a[href^="mailto:"]')
    link.first.wait_for(state="attached")
    assert link.first.get_attribute("aria-label") == "E-mail clerk@kcsp.example"
    assert reports == [], reports


def expect_address(page, number: int):
    page.wait_for_function(f"() => window.location.hash === '#page={number}'")


def expect_page(page, label: str):
    page.wait_for_function(f"() => document.getElementById('reader-page').value === {label!r}")


def test_restricted_pack_is_marked_in_the_frame_refused_to_others_and_read_on_a_phone(
    page, live_server, world, settings
):
    meeting = world["meeting"]
    reports = csp_reports(page)
    url = f"{live_server.url}/meetings/{meeting.pk}/packs/restricted/read/"
    signed_in(page, live_server, world["outsider"])
    assert page.goto(url).status == 404
    page.context.clear_cookies()
    signed_in(page, live_server, world["member"])
    answer = page.goto(url)
    assert answer.status == 200 and "no-store" in answer.headers["cache-control"]
    assert "x-pack-public" not in answer.headers
    first_page_painted(page)
    assert page.get_by_test_id("marking-top").inner_text() == "OFFICIAL-SENSITIVE"
    assert page.get_by_test_id("marking-bottom").inner_text() == "OFFICIAL-SENSITIVE"
    assert "D3 Prevent update" in page.get_by_test_id("reader-agenda").inner_text()
    count = Pack.objects.get(meeting=meeting, kind="restricted").page_count
    status = page.locator("#reader-status").inner_text()
    assert status.endswith(f"of {count} page{'' if count == 1 else 's'}."), status

    # At a phone's width the page comes first: the agenda folded away, the buttons side by side, the page as wide
    # as the screen allows.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    first_page_painted(page)
    assert page.evaluate("() => document.getElementById('reader-panel').open") is False
    assert page.locator("#reader-zoom").input_value() == "page-width"
    previous, following = (page.locator(f"#reader-{name}").bounding_box() for name in ("previous", "next"))
    assert previous["y"] == following["y"] and previous["width"] < 195, "inline, not stacked full width"
    frame = page.locator("#reader-viewer-container").bounding_box()
    sheet = page.locator('.page[data-page-number="1"]').bounding_box()
    assert sheet["width"] > frame["width"] * 0.85 and sheet["y"] < 844 * 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(settings.MEDIA_ROOT / "reader-390.png"), full_page=True)
    page.get_by_role("link", name="Skip to the agenda").click()
    assert page.evaluate("() => document.getElementById('reader-panel').open") is True
    page.get_by_text("Agenda and notes").click()
    assert page.evaluate("() => document.getElementById('reader-panel').open") is False
    assert reports == [], reports
