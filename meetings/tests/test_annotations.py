"""Members' private notes and reading positions (meetings/annotations.py, meetings/views/notes.py): written through
the reader's JSON, anchored to the paper across rebuilds, flagged when the paper changes, read by nobody else."""

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dhr.models import AccessLog
from kcsp import roles
from kcsp.testing import opened, otp_verify
from meetings.annotations import NOT_ON_A_PAPER, annotations_for_pack, annotations_for_subject, paper_fingerprint
from meetings.models import Annotation, Pack, PackRead, Paper, PaperSection
from meetings.packbuild.manifest import contents_record, holding

from .factories import PDF_BYTES, CommitteeFactory, MembershipFactory, committee_business


def pack_record(pack: Pack, parts: list, page_count: int) -> Pack:
    """What a build leaves (meetings/packbuild): the file, and each part's physical pages in it."""
    rows = []
    for thing, first, last in parts:
        row = holding(thing)
        row.first_page, row.last_page = first, last
        rows.append(row)
    contents_record(pack, rows)
    Pack.objects.filter(pk=pack.pk).update(
        page_count=page_count, page_labels=[str(n) for n in range(1, page_count + 1)], built_at=timezone.now()
    )
    pack.refresh_from_db()
    return pack


@pytest.fixture
def world(make_user, settings, tmp_path):
    """committee_business with its public pack built: front sheet (1), another paper (2-3), the written paper (4-5),
    its appendix A (6), a blank page (7); its restricted pack: item cover (1), the restricted paper (2-3). Clients:
    the member, a member of another committee, an officer, an administrator (code entered), anonymous."""
    settings.MEDIA_ROOT = tmp_path
    users = {name: make_user(role) for name, role in (("member", roles.MEMBER), ("outsider", roles.MEMBER))}
    users |= {"officer": make_user(roles.OFFICER), "admin": make_user(roles.ADMIN)}
    business = committee_business(member_user=users["member"])
    other_committee = CommitteeFactory()
    from kcsp.tests.factories import PersonFactory

    MembershipFactory(committee=other_committee, person=PersonFactory(user=users["outsider"]))
    item, written = business["public_item"], business["written_paper"]
    other = Paper.objects.create(item=item, format="written", subject="Other report", summary="Short.")
    public = Pack(meeting=business["published"], kind="public", status="ready")
    public.file.save("public.pdf", ContentFile(PDF_BYTES))
    parts = [(item, 2, 7), (other, 2, 3), (written, 4, 6), (business["appendix"], 6, 6)]
    pack_record(public, parts, 7)
    restricted = business["restricted_pack"]
    pack_record(restricted, [(business["restricted_item"], 1, 3), (business["restricted_paper"], 2, 3)], 3)
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    otp_verify(clients["admin"], users["admin"])
    return {**business, "users": users, "clients": clients, "public": public, "restricted": restricted, "other": other}


def post_json(client, url, body, *, raw=None):
    """A POST as the reader sends it: a JSON body and the CSRF token in X-CSRFToken, with CSRF checks on."""
    client.get(reverse("login"))  # a page with a form sets the token cookie (signed in: any page of the site)
    client.get(reverse("meetings:my_notes"))
    token = client.cookies["csrftoken"].value
    data = raw if raw is not None else json.dumps(body)
    client.handler.enforce_csrf_checks = True
    try:
        return client.post(url, data, content_type="application/json", headers={"X-CSRFToken": token})
    finally:
        client.handler.enforce_csrf_checks = False


def notes_url(pack):
    return reverse("meetings:pack_notes_api", kwargs={"pack_pk": pack.pk})


def write(world, pack, page, quote="the update be noted", note="Ask about funding", client="member"):
    body = {"page": page, "quote": quote, "prefix": "RESOLVED that ", "suffix": " with thanks.", "note": note}
    return post_json(world["clients"][client], notes_url(pack), body)


def test_a_note_written_in_the_reader_comes_back_at_its_page_on_another_device(world):
    response = write(world, world["public"], 5)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "private, no-store"
    note = response.json()["note"]
    assert (note["paper"], note["appendix"], note["page"], note["page_label"]) == (
        world["written_paper"].pk,
        None,
        5,
        "5",
    )
    saved = Annotation.objects.get(pk=note["id"])
    assert (saved.page_offset, saved.quote, saved.note) == (1, "the update be noted", "Ask about funding")
    assert saved.paper_fingerprint == paper_fingerprint(world["written_paper"])

    another_device = Client()
    another_device.force_login(world["users"]["member"])
    listed = another_device.get(notes_url(world["public"]))
    assert listed.status_code == 200 and listed["Cache-Control"] == "private, no-store"
    [shown] = listed.json()["notes"]
    assert shown == {**note, "changed": False}
    assert listed.json()["position"] == {"page": None, "page_label": None}

    on_appendix = write(world, world["public"], 6).json()["note"]
    assert (on_appendix["paper"], on_appendix["appendix"], on_appendix["page"]) == (
        world["written_paper"].pk,
        world["appendix"].pk,
        6,
    )


def test_the_note_is_flagged_once_its_paper_changes_and_not_when_another_does(world, make_user):
    note = write(world, world["public"], 4).json()["note"]
    world["other"].summary = "Longer now."
    world["other"].save()
    assert not world["clients"]["member"].get(notes_url(world["public"])).json()["notes"][0]["changed"]

    officer = world["clients"]["officer"]
    url = reverse("meetings:section_edit", args=[world["section"].pk])
    saved = officer.post(url, opened(officer, url, {"heading": "Background", "body": "One.\n\nTwo, amended."}))
    assert saved.status_code == 302
    [shown] = world["clients"]["member"].get(notes_url(world["public"])).json()["notes"]
    assert shown["id"] == note["id"] and shown["changed"] is True
    assert shown["quote"] == "the update be noted" and shown["note"] == "Ask about funding", "the note stays"
    page = world["clients"]["member"].get(reverse("meetings:my_notes")).content.decode()
    assert "Paper changed since you wrote this" in page


def test_after_a_rebuild_that_moves_the_paper_the_note_is_on_the_same_page_of_the_paper(world):
    note = write(world, world["public"], 5).json()["note"]
    item, written = world["public_item"], world["written_paper"]
    # Another paper grew by a page and the pack was rebuilt: everything after it moved on one page.
    pack_record(world["public"], [(item, 2, 8), (world["other"], 2, 4), (written, 5, 7), (world["appendix"], 7, 7)], 8)
    [shown] = world["clients"]["member"].get(notes_url(world["public"])).json()["notes"]
    assert (shown["id"], shown["page"], shown["page_label"], shown["changed"]) == (note["id"], 6, "6", False)


@pytest.mark.parametrize("who", ["outsider", "officer", "admin", "anonymous"])
def test_nobody_else_reads_changes_or_deletes_a_members_note(world, who):
    restricted = write(world, world["restricted"], 2, quote="restricted words").json()["note"]
    public = write(world, world["public"], 4, quote="public words").json()["note"]
    client = world["clients"][who]
    for note in (restricted, public):
        for name in ("meetings:note_api", "meetings:note_delete_api"):
            answer = post_json(client, reverse(name, args=[note["id"]]), {"note": "mine now"})
            assert answer.status_code == 404, (who, name, answer.status_code)
            assert "words" not in answer.content.decode()
        for name in ("meetings:note_edit", "meetings:note_remove"):
            answer = client.get(reverse(name, args=[note["id"]]))
            assert answer.status_code in ((302,) if who == "anonymous" else (404,)), (who, name)
    for pack in (world["public"], world["restricted"]):
        answer = client.get(notes_url(pack))
        assert answer.status_code in (200, 404)
        assert "words" not in answer.content.decode()
        if answer.status_code == 200:
            assert answer.json()["notes"] == []
    if who != "anonymous":
        mine = client.get(reverse("meetings:my_notes")).content.decode()
        assert "words" not in mine and "You have no notes yet" in mine
    assert set(Annotation.objects.values_list("note", flat=True)) == {"Ask about funding"}, "nothing changed"


def test_when_membership_ends_the_restricted_notes_go_and_the_public_ones_stay(world):
    restricted = write(world, world["restricted"], 3, quote="restricted words").json()["note"]
    write(world, world["public"], 4, quote="public words")
    member = world["clients"]["member"]
    assert "restricted words" in member.get(reverse("meetings:my_notes")).content.decode()

    membership = world["membership"]
    membership.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    membership.starts_on = min(membership.starts_on, membership.ends_on)
    membership.save()
    member = Client()  # a new request: what the membership opened is read afresh
    member.force_login(world["users"]["member"])
    assert member.get(notes_url(world["restricted"])).status_code == 404
    assert post_json(member, reverse("meetings:note_api", args=[restricted["id"]]), {"note": "x"}).status_code == 404
    page = member.get(reverse("meetings:my_notes")).content.decode()
    assert "restricted words" not in page and "public words" in page
    [left] = member.get(notes_url(world["public"])).json()["notes"]
    assert left["quote"] == "public words"
    subject = {row["quote"]: row for row in annotations_for_subject(world["users"]["member"])}
    assert subject["restricted words"]["visible_now"] is False and subject["public words"]["visible_now"] is True
    assert subject["restricted words"]["restriction"] == "prevent"


def test_bad_input_is_refused_with_the_rule_and_changes_nothing(world):
    url, member = notes_url(world["public"]), world["clients"]["member"]
    cases = [
        (post_json(member, url, None, raw="{not json"), "__all__", "JSON object"),
        (post_json(member, url, None, raw="[1, 2]"), "__all__", "JSON object"),
        (write(world, world["public"], 1), "page", NOT_ON_A_PAPER),
        (write(world, world["public"], 7), "page", NOT_ON_A_PAPER),
        (write(world, world["public"], 8), "page", "between 1 and 7"),
        (write(world, world["public"], "two"), "page", "whole number"),
        (write(world, world["public"], True), "page", "whole number"),
        (write(world, world["public"], 4, quote="  "), "quote", "Select the text"),
        (write(world, world["public"], 4, quote="q" * 2001), "quote", "2000 characters or fewer"),
        (write(world, world["public"], 4, note="n" * 5001), "note", "5000 characters or fewer"),
        (write(world, world["public"], 4, note=["a list"]), "note", "must be text"),
    ]
    for response, field, rule in cases:
        assert response.status_code == 400, response.content
        assert response["Cache-Control"] == "private, no-store"
        assert rule in " ".join(response.json()["errors"][field]), response.json()
    assert not Annotation.objects.exists()
    written = write(world, world["public"], "4", quote="nul\x00 and bell\x07 gone").json()["note"]
    assert written["quote"] == "nul and bell gone"
    note_url = reverse("meetings:note_api", args=[written["id"]])
    assert post_json(member, note_url, None, raw="").status_code == 400
    assert post_json(member, note_url, {"note": "n" * 5001}).status_code == 400
    updated = post_json(member, note_url, {"note": "Second thoughts"})
    assert updated.status_code == 200 and updated.json()["note"]["note"] == "Second thoughts"
    assert updated.json()["note"]["page"] == 4
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(world["users"]["member"])
    assert no_token.post(note_url, '{"note": "x"}', content_type="application/json").status_code == 403
    assert Annotation.objects.get().note == "Second thoughts"
    deleted = post_json(member, reverse("meetings:note_delete_api", args=[written["id"]]), {})
    assert deleted.status_code == 200 and not Annotation.objects.exists()
    assert post_json(member, reverse("meetings:note_delete_api", args=[written["id"]]), {}).status_code == 404


def test_the_reader_remembers_the_last_page_without_moving_the_read_marker(world):
    member, pack = world["clients"]["member"], world["public"]
    url = reverse("meetings:pack_position_api", kwargs={"pack_pk": pack.pk})
    saved = post_json(member, url, {"page": 5})
    assert saved.status_code == 200 and saved.json() == {"position": {"page": 5, "page_label": "5"}}
    marker = PackRead.objects.get(user=world["users"]["member"], pack=pack)
    read_at = marker.read_at
    assert post_json(member, url, {"page": 6}).status_code == 200
    for bad in ({"page": 0}, {"page": 8}, {"page": None}, {}):
        answer = post_json(member, url, bad)
        assert answer.status_code == 400 and "page" in answer.json()["errors"]
    marker.refresh_from_db()
    assert (marker.last_page, marker.read_at) == (6, read_at)
    assert member.get(notes_url(pack)).json()["position"] == {"page": 6, "page_label": "6"}
    outsider_url = reverse("meetings:pack_position_api", kwargs={"pack_pk": world["restricted"].pk})
    assert post_json(world["clients"]["outsider"], outsider_url, {"page": 1}).status_code == 404


def test_my_notes_lists_own_notes_by_meeting_and_paper_with_edit_and_delete_pages(world):
    member = world["clients"]["member"]
    first = write(world, world["public"], 4, quote="first quote", note="").json()["note"]
    write(world, world["restricted"], 2, quote="restricted quote")
    page = member.get(reverse("meetings:my_notes"))
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "Action plan update report" in html and "Prevent report" in html and "Restricted" in html
    assert "first quote" in html and "No note: the highlight only" in html
    assert world["written_paper"].get_absolute_url() in html or "#page=4" in html
    # Where each note is in the pack people share, by its own page numbers, then within the paper.
    assert ">Page 4 of the agenda pack (page 1 of the paper)" in html
    assert ">Page 2 of the restricted pack (page 1 of the paper)" in html
    write(world, world["public"], 6, quote="appendix quote")
    html = member.get(reverse("meetings:my_notes")).content.decode()
    assert ">Page 6 of the agenda pack (Appendix A, page 1 of the appendix)" in html

    edit = reverse("meetings:note_edit", args=[first["id"]])
    assert "first quote" in member.get(edit).content.decode()
    too_long = member.post(edit, {"note": "n" * 5001})
    assert too_long.status_code == 200 and "There is a problem" in too_long.content.decode()
    assert member.post(edit, {"note": "Now with a note"}).status_code == 302
    assert Annotation.objects.get(pk=first["id"]).note == "Now with a note"

    remove = reverse("meetings:note_remove", args=[first["id"]])
    assert "Delete this note?" in member.get(remove).content.decode()
    assert Annotation.objects.filter(pk=first["id"]).exists(), "the confirmation page deletes nothing"
    assert member.post(remove).status_code == 302
    assert not Annotation.objects.filter(pk=first["id"]).exists()
    assert "first quote" not in member.get(reverse("meetings:my_notes")).content.decode()


def test_a_note_on_a_dhr_paper_is_read_and_written_through_the_dhr_gate(world, make_user):
    dhr_paper = Paper.objects.get(item=world["dhr_item"])
    PaperSection.objects.create(paper=dhr_paper, position=1, heading="Case", body="The review found.")
    pack = Pack(meeting=world["published"], kind="dhr", status="ready")
    pack.file.save("dhr.pdf", ContentFile(PDF_BYTES))
    pack_record(pack, [(world["dhr_item"], 1, 2), (dhr_paper, 2, 2)], 2)
    cleared_user = make_user(roles.DHR_CLEARED)
    cleared = Client()
    cleared.force_login(cleared_user)
    assert cleared.get(notes_url(pack)).status_code == 404, "no code entered: no DHR pack"
    otp_verify(cleared, cleared_user)
    before = AccessLog.objects.count()
    written = post_json(cleared, notes_url(pack), {"page": 2, "quote": "The review found."})
    assert written.status_code == 201
    assert AccessLog.objects.count() == before + 1, "writing a note on a DHR paper is logged"
    assert cleared.get(reverse("meetings:my_notes")).status_code == 200
    assert AccessLog.objects.count() == before + 2, "reading it is logged"
    assert world["clients"]["officer"].get(notes_url(pack)).status_code == 404


def test_the_notes_of_a_pack_take_the_same_queries_however_many_there_are(world):
    user, pack = world["users"]["member"], world["public"]
    write(world, pack, 4)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert annotations_for_pack(user, pack)
        return len(captured.captured_queries)

    queries()  # the user's roles and committees, read once per request and kept on it
    one = queries()
    for page in (2, 3, 5, 6, 6):
        write(world, pack, page)
    assert queries() == one, "notes, the pack's contents, three for the papers' fingerprints"
    assert one == 5
    assert [note["page"] for note in annotations_for_pack(user, pack)] == [2, 3, 4, 5, 6, 6]
