"""A member opens a published meeting, watches the pack build finish without reloading, and downloads it."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from kcsp.demo import DEMO_PASSWORD, demo_partnership_load
from meetings import services
from meetings.models import AgendaItem, Meeting, Paper
from meetings.packbuild.requests import packs_request

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_member_sees_the_build_finish_and_downloads_the_pack(page, live_server, real_worker):
    demo_partnership_load()
    july = Meeting.objects.get(starts_at__date="2022-07-14")
    meeting = services.meeting_create(
        committee=july.committee, starts_at=july.starts_at.replace(year=2031), contact_name="Anna Taylor"
    )
    services.agenda_item_save(item=AgendaItem(meeting=meeting, section="B", title="Action plan update"))
    Paper.objects.create(
        item=meeting.items.get(section="B"),
        format="written",
        subject="Action plan report",
        summary="The refreshed action plan.",
    )
    services.agenda_agree(meeting=meeting, chair=july.agenda_agreed_by)

    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("E-mail address").fill("member@kcsp.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    services.meeting_publish(meeting=meeting)
    packs_request(meeting=meeting, delay=3)  # the worker builds a few seconds after the page opens
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.evaluate("window.sameDocument = true")
    status = page.locator("[data-testid=pack-public]").inner_text()
    assert "Queued" in status or "Building" in status, status
    link = page.locator("[data-testid=pack-public] a", has_text="Download PDF")
    link.wait_for(timeout=60000)
    assert page.evaluate("window.sameDocument") is True, "the panel updated without a reload"
    with page.expect_download() as info:
        link.click()
    reader = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert "Action plan report" in "\n".join(p.extract_text() for p in reader.pages)
