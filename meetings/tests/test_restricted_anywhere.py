"""A restricted item outside section D (end of section C, as older agendas have it) is restricted everywhere."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from pypdf import PdfReader

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import services
from meetings.forms import AgendaItemForm
from meetings.models import AgendaItem, Appendix, Meeting, Pack, Paper

from .factories import CommitteeFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Quokka exploitation case"
SECRET_TEXT = "QUOKKA-PAPER-TEXT"
DHR_TITLE = "Wombat review"


def text_pdf(text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=f"<html lang='en'><body><p>{text}</p></body></html>").write_pdf()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def world(make_user, settings, tmp_path, django_capture_on_commit_callbacks):
    """A published meeting whose section C ends with a restricted item (paper and appendix) and a DHR item."""
    settings.MEDIA_ROOT = tmp_path
    member, outsider = make_user(roles.MEMBER), make_user(roles.MEMBER)
    dhr_user = make_user(roles.DHR_CLEARED)
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    MembershipFactory(committee=committee, person=PersonFactory(user=member))
    meeting = services.meeting_create(
        committee=committee, starts_at=MeetingFactory.build().starts_at, contact_name="Anna Taylor"
    )
    public = AgendaItem(meeting=meeting, section="C", title="Dates of future meetings quokka", kind="report")
    services.agenda_item_save(item=public)
    Paper.objects.create(item=public, format="written", subject="Dates paper", summary="Quokka dates.")
    secret = AgendaItem(meeting=meeting, section="C", title=SECRET_TITLE, restriction_reason="exploitation")
    services.agenda_item_save(item=secret)
    dhr = AgendaItem(meeting=meeting, section="C", title=DHR_TITLE, restriction_reason="dhr", kind="verbal")
    services.agenda_item_save(item=dhr)
    paper = Paper(item=secret, format="uploaded", subject="Quokka network", original_name="q.pdf", file_kind="pdf")
    paper.file.save("q.pdf", ContentFile(text_pdf(SECRET_TEXT)))
    appendix = Appendix(paper=paper, letter="A", title="Quokka map", original_name="map.pdf", file_kind="pdf")
    appendix.file.save("map.pdf", ContentFile(text_pdf("QUOKKA-APPENDIX")))
    services.agenda_agree(meeting=meeting, chair=make_user(roles.CHAIR))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting)
    clients = {"anonymous": Client()}
    for name, user in {"outsider": outsider, "member": member, "dhr": dhr_user}.items():
        clients[name] = Client()
        clients[name].force_login(user)
    from kcsp.testing import otp_verify

    otp_verify(clients["dhr"], dhr_user)
    return {
        "meeting": meeting,
        "secret": secret,
        "dhr": dhr,
        "paper": paper,
        "appendix": appendix,
        "clients": clients,
        "outsider": outsider,
        "member": member,
    }


def is_restricted_by_its_reason_in_section_c(world):
    secret = world["secret"]
    assert secret.section == "C" and secret.is_restricted and secret.code == "C2"
    items = AgendaItem.objects.filter(meeting=world["meeting"])
    assert secret in items.restricted() and secret not in items.public()
    kinds = set(world["meeting"].packs.values_list("kind", "status"))
    assert kinds == {("public", "ready"), ("restricted", "ready"), ("dhr", "ready")}


def test_it_never_reaches_those_not_entitled_through_any_channel(world):
    for who in ("anonymous", "outsider"):
        never_reaches(world, who)


def never_reaches(world, who):
    client, meeting = world["clients"][who], world["meeting"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Dates of future meetings quokka" in page
    # The agenda lists a restricted item's title under its heading with the exclusion statement, as the
    # partnership's agendas do; a DHR item's title is withheld (listed as "Restricted item").
    assert SECRET_TITLE in page and DHR_TITLE not in page and "Restricted items" in page
    assert "Meeting not open to the press and public" in page and "C3</strong> <span" in page
    assert f"/meetings/items/{world['secret'].pk}/" not in page, "listed only: no link to the item"
    for url in (
        f"/meetings/items/{world['secret'].pk}/",
        f"/meetings/items/{world['dhr'].pk}/",
        f"/meetings/papers/{world['paper'].pk}/",
        f"/meetings/papers/{world['paper'].pk}/file/",
        f"/meetings/appendices/{world['appendix'].pk}/file/",
        f"/meetings/{meeting.pk}/packs/restricted.pdf",
        f"/meetings/{meeting.pk}/packs/dhr.pdf",
    ):
        assert client.get(url).status_code == 404, url
    public_pack = client.get(f"/meetings/{meeting.pk}/packs/public.pdf")
    assert public_pack.status_code == 200
    text = pdf_text(public_pack.content)
    assert "Dates paper" in text or "Dates of future meetings" in text
    for secret in (SECRET_TEXT, "QUOKKA-APPENDIX", "Quokka network", DHR_TITLE, "OFFICIAL-SENSITIVE"):
        assert secret not in text, secret
    assert SECRET_TITLE in text and "\nRESTRICTED ITEMS" in text, "the front sheet lists the title, not the papers"
    search = client.get("/search/", {"q": "quokka"})
    assert search.status_code == 200 and search.context["page_obj"].paginator.count >= 1
    for body in (
        search.content.decode(),
        client.get("/api/v1/agendaitem/").content.decode(),
        client.get("/api/v1/paper/").content.decode(),
        client.get("/api/v1/file/").content.decode(),
        client.get(f"/api/v1/agendaitem/{world['secret'].pk}").content.decode(),
        client.get("/meetings/meetings.ics").content.decode(),
        client.get(f"/meetings/{meeting.pk}/packs/").content.decode(),
    ):
        assert "exploitation" not in body.lower() and "network" not in body.lower() and "wombat" not in body.lower()


def test_the_committee_member_sees_it_marked_under_a_restricted_heading_and_in_the_restricted_pack(world):
    client, meeting = world["clients"]["member"], world["meeting"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert SECRET_TITLE in page and DHR_TITLE not in page
    assert page.index("Dates of future meetings quokka") < page.index("Restricted items") < page.index(SECRET_TITLE)
    item_page = client.get(f"/meetings/items/{world['secret'].pk}/").content.decode()
    assert "Restricted: OFFICIAL-SENSITIVE" in item_page
    restricted = pdf_text(client.get(f"/meetings/{meeting.pk}/packs/restricted.pdf").content)
    assert SECRET_TITLE in restricted and SECRET_TEXT in restricted and "QUOKKA-APPENDIX" in restricted
    assert DHR_TITLE not in restricted and "Dates paper" not in restricted
    assert client.get(f"/meetings/{meeting.pk}/packs/dhr.pdf").status_code == 404
    from api.models import ApiToken

    token = ApiToken.issue(user=world["member"], name="test")[1]
    api = Client().get("/api/v1/agendaitem/", {"meeting": meeting.pk}, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {row["name"]: row["public"] for row in api["data"]}[SECRET_TITLE] is False


def test_the_dhr_pack_holds_the_dhr_item_in_section_c_and_a_late_restricted_paper_is_not_supplementary(
    world, django_capture_on_commit_callbacks
):
    is_restricted_by_its_reason_in_section_c(world)
    dhr = pdf_text(world["clients"]["dhr"].get(f"/meetings/{world['meeting'].pk}/packs/dhr.pdf").content)
    assert DHR_TITLE in dhr and SECRET_TITLE not in dhr
    late = Paper(item=world["secret"], format="written", subject="Quokka addendum network", summary="Late.")
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_save(paper=late)
    assert late.is_supplementary
    meeting = world["meeting"]
    assert not meeting.papers_added_after_publication().exists()
    assert not meeting.packs.filter(kind=Pack.Kind.SUPPLEMENTARY).exists()
    assert world["clients"]["anonymous"].get(f"/meetings/{meeting.pk}/packs/supplementary.pdf").status_code == 404
    member = world["clients"]["member"]
    assert "Quokka addendum network" in pdf_text(member.get(f"/meetings/{meeting.pk}/packs/restricted.pdf").content)


@pytest.mark.parametrize(
    ("section", "reason", "note", "error"),
    [
        ("C", "exploitation", "", None),
        ("B", "other", "Named victims", None),
        ("D", "", "", "Select why the item is restricted: items in section D are restricted"),
        ("C", "other", "", "Explain why the item is restricted"),
        ("B", "", "Sensitive", "A note is only for a restricted item"),
    ],
)
def test_the_item_form_takes_a_restriction_in_any_section_and_explains_what_is_missing(section, reason, note, error):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    data = {
        "section": section,
        "title": "Late item",
        "kind": "verbal",
        "purpose": "",
        "description": "",
        "restriction_reason": reason,
        "restriction_note": note,
    }
    form = AgendaItemForm(data=data, instance=AgendaItem(meeting=meeting))
    if error is None:
        assert form.is_valid(), form.errors
        services.agenda_item_save(item=form.instance)
        assert form.instance.is_restricted
    elif form.is_valid():  # the section rule is the service's (a committee's restricted sections)
        with pytest.raises(ValidationError, match=error):
            services.agenda_item_save(item=form.instance)
    else:
        assert error in " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.fixture
def open_restricted_open(make_user, settings, tmp_path):
    """Section C: C1 open, C2 restricted, C3 open added after publication; a committee member and an officer."""
    from .factories import published_meeting

    settings.MEDIA_ROOT = tmp_path
    member, officer = make_user(roles.MEMBER), make_user(roles.OFFICER)
    meeting = published_meeting()
    MembershipFactory(committee=meeting.committee, person=PersonFactory(user=member))
    titles = (("Dates of future meetings", ""), (SECRET_TITLE, "exploitation"), ("Late open item", ""))
    items = []
    for title, reason in titles:
        item = AgendaItem(meeting=meeting, section="C", title=title, kind="verbal", restriction_reason=reason)
        services.agenda_item_save(item=item)
        items.append(item)
    assert [item.code for item in items] == ["C1", "C2", "C3"], "codes follow print order"
    return meeting, items, (member, officer)


def test_an_open_item_after_a_restricted_one_in_the_same_section_is_outside_the_restricted_group(
    open_restricted_open,
):
    """The "Restricted items" heading and statement cover C2 alone, for members and officers; the public sees
    C1 and C3, and C2's title alone under the same heading (no link, nothing of its papers)."""
    from lxml import html

    meeting, items, readers = open_restricted_open
    for user in readers:
        client = Client()
        client.force_login(user)
        tree = html.fromstring(client.get(meeting.get_absolute_url()).content)
        (group,) = tree.xpath('//*[@data-testid="section-C"]//*[@data-testid="restricted-group"]')
        items_li = group.xpath(".//li[not(contains(@class, '__actions-list-item'))]")  # not an item's action links
        inside = {li.get("id") for li in items_li}
        assert inside == {f"item-{items[1].pk}"}, "the restricted group holds C2 and nothing else"
        text = group.text_content()
        assert "Restricted items" in text and "Meeting not open to the press and public" in text
        late = tree.get_element_by_id(f"item-{items[2].pk}")
        assert group not in late.iterancestors()
        headings = late.xpath("preceding::h4[1]")
        assert headings[0].text_content() == "Items open to the press and public"
    page = Client().get(meeting.get_absolute_url()).content.decode()
    assert "Dates of future meetings" in page and "Late open item" in page
    assert SECRET_TITLE in page and "Restricted items" in page and f"/meetings/items/{items[1].pk}/" not in page


def test_the_front_sheets_group_the_same_way_open_items_in_the_agenda_pack_the_restricted_one_alone(
    open_restricted_open,
):
    """The agenda pack's front sheet lists C1 and C3 under UNRESTRICTED ITEMS and C2's title under the RESTRICTED
    ITEMS sub-heading of section C with the exclusion statement; the restricted pack C2 alone, the same way."""
    from meetings.packbuild.service import pack_build

    meeting, items, _ = open_restricted_open
    for kind in ("public", "restricted"):
        pack_build(meeting=meeting, kind=kind)
    public = PdfReader(Pack.objects.get(meeting=meeting, kind="public").file.path).pages[0].extract_text()
    assert "UNRESTRICTED ITEMS" in public and "RESTRICTED ITEM(S)" not in public
    assert "Dates of future meetings" in public and "Late open item" in public
    assert public.index("Dates of future meetings") < public.index("\nRESTRICTED ITEMS") < public.index(SECRET_TITLE)
    assert "Meeting not open to the press and public" in public
    restricted = PdfReader(Pack.objects.get(meeting=meeting, kind="restricted").file.path).pages[0].extract_text()
    assert "RESTRICTED ITEM(S)" in restricted and "UNRESTRICTED" not in restricted
    assert SECRET_TITLE in restricted and "Dates of future meetings" not in restricted
    assert restricted.index("C. Matters for information") < restricted.index("RESTRICTED ITEMS\n")
    assert "Late open item" not in restricted
