"""Agendas print as the partnership's do: the committee's sections and standard items, restricted items' titles
listed to the public under their heading with the exclusion statement (withheld and DHR titles never), and the
date the agenda was published on the front sheets."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from kcsp import roles
from kcsp.locking import VERSION_FIELD
from kcsp.testing import otp_verify
from meetings import agenda_setup, services
from meetings.agenda_print import EXCLUSION_STATEMENT
from meetings.forms import AgendaItemForm
from meetings.models import AgendaItem, CommitteeSection, Meeting, StandardItem
from meetings.packbuild.requests import packs_request
from meetings.public_titles import agenda_item_public_title_set

from .factories import CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db
OPEN_TITLE = "Narwhal exploitation group update"
WITHHELD = "Pangolin family case conference"
DHR_TITLE = "Axolotl review: Adult A"
GENERIC = "Domestic Homicide Review update"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def add(meeting, section, title, reason="", **fields) -> AgendaItem:
    item = AgendaItem(meeting=meeting, section=section, title=title, kind="verbal", restriction_reason=reason, **fields)
    services.agenda_item_save(item=item)
    return item


@pytest.fixture
def world(make_user, settings, tmp_path, django_capture_on_commit_callbacks):
    """A published meeting: C1 open, C2 restricted (title listed), C3 restricted (title withheld), D1 a DHR item."""
    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    meeting = services.meeting_create(
        committee=committee, starts_at=MeetingFactory.build().starts_at, contact_name="Anna Taylor"
    )
    items = {
        "open": add(meeting, "C", "Dates of future meetings"),
        "listed": add(meeting, "C", OPEN_TITLE, "exploitation"),
        "withheld": add(meeting, "C", WITHHELD, "personal", title_withheld=True),
        "dhr": add(meeting, "D", DHR_TITLE, "dhr"),
    }
    services.agenda_agree(meeting=meeting, chair=make_user(roles.CHAIR))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting)
    meeting.refresh_from_db()
    return {"meeting": meeting, "items": items}


def test_a_restricted_item_in_section_c_prints_under_restricted_items_in_the_page_and_both_packs(world, make_user):
    meeting, items = world["meeting"], world["items"]
    assert [items[k].code for k in ("open", "listed", "withheld", "dhr")] == ["C1", "C2", "C3", "D1"]
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    page = officer.get(meeting.get_absolute_url()).content.decode()
    assert page.index("C. Matters for information") < page.index("Restricted items") < page.index(OPEN_TITLE)
    assert page.index(OPEN_TITLE) < page.index(WITHHELD) < page.index("D. Restricted items")
    public = pdf_text(Client().get(f"/meetings/{meeting.pk}/packs/public.pdf").content)
    assert public.index("C1 Dates of future meetings") < public.index("\nRESTRICTED ITEMS") < public.index(OPEN_TITLE)
    restricted = pdf_text(officer.get(f"/meetings/{meeting.pk}/packs/restricted.pdf").content)
    assert restricted.index("C. Matters for information") < restricted.index("\nRESTRICTED ITEMS\n")
    assert restricted.index("\nRESTRICTED ITEMS\n") < restricted.index(f"C2 {OPEN_TITLE}")
    assert f"C3 {WITHHELD}" in restricted, "cleared readers see the withheld title"


def test_the_public_sees_a_listed_restricted_title_with_the_exclusion_statement_but_nothing_of_its_content(world):
    meeting, items = world["meeting"], world["items"]
    page = Client().get(meeting.get_absolute_url()).content.decode()
    assert f'C2</strong> <span data-testid="listed-title">{OPEN_TITLE}' in page
    assert EXCLUSION_STATEMENT in page
    for item in items.values():
        if item.is_restricted:
            assert f"/meetings/items/{item.pk}/" not in page
            assert Client().get(f"/meetings/items/{item.pk}/").status_code == 404
    front = pdf_text(Client().get(f"/meetings/{meeting.pk}/packs/public.pdf").content)
    assert f"C2 {OPEN_TITLE}" in front and EXCLUSION_STATEMENT in front and "OFFICIAL-SENSITIVE" not in front


def test_a_withheld_title_and_a_dhr_title_never_reach_the_public(world, make_user):
    meeting = world["meeting"]
    outsider = Client()
    outsider.force_login(make_user(roles.MEMBER))  # a member, but not of this committee
    for client in (Client(), outsider):
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert 'C3</strong> <span data-testid="listed-title">Restricted item' in page
        assert 'D1</strong> <span data-testid="listed-title">Restricted item' in page
        bodies = [
            page,
            pdf_text(client.get(f"/meetings/{meeting.pk}/packs/public.pdf").content),
            client.get("/search/", {"q": "pangolin"}).content.decode(),
            client.get("/search/", {"q": "axolotl"}).content.decode(),
            client.get("/meetings/meetings.ics").content.decode(),
            client.get("/api/v1/agendaitem/").content.decode(),
            client.get("/api/v1/agendaitem/", {"meeting": meeting.pk}).content.decode(),
            client.get(f"/meetings/{meeting.pk}/packs/").content.decode(),
        ]
        for body in bodies:
            for secret in ("Pangolin", "Axolotl", "Adult A"):
                assert secret not in body, secret


def test_withholding_a_title_after_publication_withdraws_the_public_pack_at_once(world, make_user):
    meeting, listed = world["meeting"], world["items"]["listed"]
    listed.title_withheld = True
    services.agenda_item_save(item=listed, old_section="C")
    public = meeting.packs.get(kind="public")
    assert public.withdrawn_at is not None and "public title" in public.withdrawn_reason
    assert OPEN_TITLE.encode() not in Client().get(f"/meetings/{meeting.pk}/packs/public.pdf").content


def test_a_dhr_title_is_withheld_until_a_dhr_cleared_user_publishes_a_generic_one(
    world, make_user, django_capture_on_commit_callbacks
):
    meeting, dhr = world["meeting"], world["items"]["dhr"]
    officer = make_user(roles.OFFICER)
    with pytest.raises(ValidationError, match="DHR-cleared"):
        agenda_item_public_title_set(item=dhr, public_title=GENERIC, user=officer)
    assert "public_title" not in AgendaItemForm(instance=dhr).fields, "the item form never reads nor sets it"
    for user in (officer, make_user(roles.DHR_CLEARED)):  # the second has not entered a one-time code
        client = Client()
        client.force_login(user)
        assert client.get(f"/meetings/items/{dhr.pk}/public-title/").status_code == 404
        assert client.post(f"/meetings/items/{dhr.pk}/public-title/", {"public_title": "x"}).status_code == 404
    cleared_user = make_user(roles.DHR_CLEARED)
    cleared = Client()
    cleared.force_login(cleared_user)
    otp_verify(cleared, cleared_user)
    form = cleared.get(f"/meetings/items/{dhr.pk}/public-title/")
    assert form.status_code == 200 and DHR_TITLE in form.content.decode()
    version = form.context["form"].initial[VERSION_FIELD]
    refused = cleared.post(
        f"/meetings/items/{dhr.pk}/public-title/", {"public_title": DHR_TITLE, VERSION_FIELD: version}
    )
    assert refused.status_code == 200 and "must not be the item" in refused.content.decode()
    version = form.context["form"].initial[VERSION_FIELD]
    data = {"public_title": GENERIC, VERSION_FIELD: version}
    with django_capture_on_commit_callbacks(execute=True):
        assert cleared.post(f"/meetings/items/{dhr.pk}/public-title/", data).status_code == 302
    dhr.refresh_from_db()
    assert dhr.public_title == GENERIC and dhr.history.first().history_user == cleared_user
    page = Client().get(meeting.get_absolute_url()).content.decode()
    assert f'D1</strong> <span data-testid="listed-title">{GENERIC}' in page and "Axolotl" not in page
    front = pdf_text(Client().get(f"/meetings/{meeting.pk}/packs/public.pdf").content)
    assert f"D1 {GENERIC}" in front and "Axolotl" not in front


def test_a_new_meeting_starts_with_its_committees_standard_items_each_then_removable(make_user):
    committee = CommitteeFactory()
    assert [(s.section, s.title) for s in committee.standard_items.all()] == [
        ("A", "Introduction"),
        ("A", "Apologies"),
        ("A", "Declarations of Interest"),
        ("A", "Notes of the last meeting"),
    ]
    extra = agenda_setup.standard_item_save(
        item=StandardItem(committee=committee, section="C", title="Any other business")
    )
    agenda_setup.standard_item_delete(item=committee.standard_items.get(title="Apologies"))
    with pytest.raises(ValidationError, match="not restricted"):
        agenda_setup.standard_item_save(item=StandardItem(committee=committee, section="D", title="Prevent"))
    first = services.meeting_create(committee=committee, starts_at=MeetingFactory.build().starts_at, contact_name="A")
    assert [f"{i.code} {i.title}" for i in first.items.order_by("section", "position")] == [
        "A1 Introduction",
        "A2 Declarations of Interest",
        "A3 Notes of the last meeting",
        "C1 Any other business",
    ]
    assert extra.position == 1
    now = timezone.now()
    Meeting.objects.filter(pk=first.pk).update(status="held", agenda_agreed_at=now, published_at=now)
    services.meeting_create(  # a draft that never took place is not "the last meeting"
        committee=committee, starts_at=first.starts_at + datetime.timedelta(days=300), contact_name="A"
    )
    later = services.meeting_create(
        committee=committee, starts_at=first.starts_at + datetime.timedelta(days=330), contact_name="A"
    )
    notes = later.items.get(section="A", position=3)
    assert notes.title == f"Notes of meeting held on {first.date:%-d %B %Y}" and notes.kind == "report"
    services.agenda_item_delete(item=later.items.get(section="A", position=1))
    assert [i.code for i in later.items.filter(section="A").order_by("position")] == ["A1", "A2"]


def test_section_headings_are_the_committees_own(world, make_user, django_capture_on_commit_callbacks):
    meeting = world["meeting"]
    committee = meeting.committee
    other = CommitteeFactory()
    section_c = committee.agenda_sections.get(letter="C")
    section_c.heading = "Matters for Information/Discussion - Standing Items"
    agenda_setup.committee_section_save(section=section_c)
    assert other.agenda_sections.get(letter="C").heading == "Matters for information", "per committee"
    with pytest.raises(ValidationError, match="holds 3 agenda item"):
        agenda_setup.committee_section_delete(section=section_c)
    section_c.letter = "E"
    with pytest.raises(ValidationError, match="its letter cannot change"):
        agenda_setup.committee_section_save(section=section_c)
    with pytest.raises(ValidationError, match="already has a section B"):
        agenda_setup.committee_section_save(section=CommitteeSection(committee=committee, letter="B", heading="X"))
    agenda_setup.committee_section_save(
        section=CommitteeSection(committee=committee, letter="E", heading="Exempt items", restricted=True)
    )
    with pytest.raises(ValidationError, match="items in section E are restricted"):
        add(meeting, "E", "Open thing")
    with pytest.raises(ValidationError, match="one of the committee's sections"):
        add(meeting, "F", "Nowhere")
    page = Client().get(meeting.get_absolute_url()).content.decode()
    assert "C. Matters for Information/Discussion - Standing Items" in page
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    committee_page = officer.get(committee.get_absolute_url()).content.decode()
    assert "Exempt items" in committee_page and "History of changes to the agenda layout" in committee_page
    form = officer.get(f"/meetings/{meeting.pk}/items/new/").context["form"]
    assert ("E", "E. Exempt items") in form.fields["section"].choices
    with django_capture_on_commit_callbacks(execute=True):
        packs_request(meeting=meeting, delay=0)
    front = pdf_text(Client().get(f"/meetings/{meeting.pk}/packs/public.pdf").content)
    assert "C. Matters for Information/Discussion - Standing Items" in front


def test_the_front_sheets_print_the_date_the_agenda_was_actually_published(world, make_user):
    meeting = world["meeting"]
    assert meeting.published_at is not None  # set by meeting_publish, when it was actually published
    stamp = f"Date published: {timezone.localtime(meeting.published_at):%A, %-d %B %Y}"
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    assert stamp in pdf_text(Client().get(f"/meetings/{meeting.pk}/packs/public.pdf").content)
    assert stamp in pdf_text(officer.get(f"/meetings/{meeting.pk}/packs/restricted.pdf").content)
