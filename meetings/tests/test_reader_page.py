"""The pack reader's page (meetings/views/reader.py, meetings/reader_agenda.py): its agenda with the pack's own page
numbers, supplements in place with "new since you last read", caching by restriction, and who may open it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kcsp import roles
from meetings.models import Pack, PackContent, PackRead, Paper
from meetings.packbuild.service import pack_build
from meetings.reader_agenda import pages_text
from meetings.tests.reader_world import reader_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = reader_world(make_user)
    item = world["papers"][1].item
    world["late"] = Paper.objects.create(
        item=item, format="written", subject="Late figures", summary="Added after publication.", is_supplementary=True
    )
    pack_build(meeting=world["meeting"], kind=Pack.Kind.SUPPLEMENTARY)
    return world


def reader(client, user, meeting, kind):
    client.force_login(user)
    return client.get(reverse("meetings:pack_reader", args=[meeting.pk, kind]))


def test_agenda_lists_items_with_the_packs_own_pages_and_supplements_in_place(client, world):
    meeting, member = world["meeting"], world["member"]
    pack = meeting.packs.get(kind="public")
    answer = reader(client, member, meeting, "public")
    html = answer.content.decode()
    assert answer["Cache-Control"] == "private, no-cache" and answer["X-Pack-Public"] == "1"
    first = PackContent.objects.get(pack=pack, what="paper", paper=world["papers"][2])
    assert pages_text(pack, first.first_page, first.last_page) in html
    assert f'href="#page={first.first_page}" data-page="{first.first_page}">B2 Grant round report</a>' in html
    assert "Prevent update" not in html  # restricted: not in the public pack's agenda
    # The late paper sits under its item, marked, new, and leads into the supplementary pack at its page.
    supplementary = meeting.packs.get(kind="supplementary")
    late = PackContent.objects.get(pack=supplementary, what="paper", paper=world["late"])
    supplement_url = reverse("meetings:pack_reader", args=[meeting.pk, "supplementary"])
    b1 = html.index("B1 Action plan update")
    at = html.index(f'href="{supplement_url}#page={late.first_page}">Late figures</a>')
    assert b1 < at < html.index("B2 Grant round report")
    assert "Supplement</strong>" in html[b1:at] and "New since you last read" in html[b1:at]
    assert f'href="{world["late"].get_absolute_url()}"' in html  # its web page, one link away

    PackRead.objects.create(user=member, pack=supplementary, read_at=timezone.now())
    assert "New since you last read" not in reader(client, member, meeting, "public").content.decode()


def test_restricted_reader_is_marked_never_stored_and_only_for_those_entitled(client, world, make_user):
    meeting = world["meeting"]
    answer = reader(client, world["member"], meeting, "restricted")
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
    page = answer.content.decode()  # the reader's own marking, top and foot, and the page's banner (kcsp/marking.py)
    assert "X-Pack-Public" not in answer and page.count("OFFICIAL-SENSITIVE") == 4
    assert page.count('data-testid="marking-') == 2 and page.count('data-testid="protective-marking-') == 2
    assert reader(client, world["outsider"], meeting, "restricted").status_code == 404
    assert reader(client, make_user(roles.MEMBER), meeting, "dhr").status_code == 404
    assert reader(client, world["member"], meeting, "minutes").status_code == 404
    client.logout()
    assert client.get(reverse("meetings:pack_reader", args=[meeting.pk, "restricted"])).status_code == 404


def test_resume_is_offered_at_the_last_page_never_taken(client, world):
    meeting, member = world["meeting"], world["member"]
    pack = meeting.packs.get(kind="public")
    assert "Resume at page" not in reader(client, member, meeting, "public").content.decode()
    PackRead.objects.create(user=member, pack=pack, last_page=3)
    html = reader(client, member, meeting, "public").content.decode()
    label = pack.page_labels[2] if pack.page_labels else "3"
    assert f'data-page="3" id="reader-resume-button">Resume at page {label}</button>' in html


def test_a_late_paper_is_new_in_the_agenda_packs_panel_until_either_pack_is_opened_after_it(client, world):
    """reader_agenda's rule: new when added after the later of the member's two markers (this pack, supplementary)."""
    meeting, member, late = world["meeting"], world["member"], world["late"]
    public, supplementary = meeting.packs.get(kind="public"), meeting.packs.get(kind="supplementary")
    hour = timezone.timedelta(hours=1)
    PackRead.objects.create(user=member, pack=public, read_at=late.created_at - hour)
    assert "New since you last read" in reader(client, member, meeting, "public").content.decode()
    assert "New since you last read" in reader(client, member, meeting, "supplementary").content.decode()

    # Opened the supplementary pack before the paper came, the agenda pack after: seen in the agenda pack's panel;
    # still new in the supplementary pack's own reader, which the member has not opened since.
    PackRead.objects.create(user=member, pack=supplementary, read_at=late.created_at - 2 * hour)
    PackRead.objects.filter(pack=public).update(read_at=late.created_at + hour)
    assert "New since you last read" not in reader(client, member, meeting, "public").content.decode()
    assert "New since you last read" in reader(client, member, meeting, "supplementary").content.decode()
