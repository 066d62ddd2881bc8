"""Quorum per item (meetings/quorum.py): organisations, less those whose every representative present declared a
disqualifying interest; shown to the clerk on the register and minutes pages, recorded in the minute."""

import pytest

from kcsp import roles
from meetings import minuting
from meetings.models import Attendance, Committee, Declaration, Minute
from meetings.quorum import item_quorums
from meetings.record import minutes_record

from .registerworld import register_url, register_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """KP (Rivers, Brinson), KCC (Platt, substituting for Burbeck), KFRS (Collins) and VOL (Wilkinson) present; NPS
    (Hinds) absent; Mrs Taylor in attendance. Quorum: 3 responsible authorities."""
    w = register_world(quorum_count=3)
    p, orgs, meeting = w["people"], w["orgs"], w["meeting"]
    for key, org, kind in (
        ("rivers", "KP", "present"),
        ("brinson", "KP", "present"),
        ("collins", "KFRS", "present"),
        ("wilkinson", "VOL", "present"),
        ("hinds", "NPS", "absent"),
        ("taylor", "KCC", "in_attendance"),
    ):
        Attendance.objects.create(meeting=meeting, person=p[key], organisation=orgs[org], kind=kind)
    Attendance.objects.create(
        meeting=meeting, person=p["platt"], organisation=orgs["KCC"], kind="substitute", substitute_for=p["burbeck"]
    )
    return w


def declare(world, key, kind, item=None):
    minuting.declaration_save(
        declaration=Declaration(
            meeting=world["meeting"],
            item=world["items"][item] if item else None,
            person=world["people"][key],
            interest="A family member works for a bidder",
            interest_kind=kind,
        )
    )


def counted(world, code) -> list[str]:
    item = world["items"][code]
    return item_quorums(world["meeting"], [item])[item.pk].counted


KP, KCC, KFRS = "Kent Police", "Kent County Council", "Kent Fire and Rescue Service"


def test_responsible_authorities_represented_count_and_others_do_not(world):
    # Present and substitute count; absent, in attendance and a co-operating body do not.
    assert counted(world, "B1") == [KCC, KFRS, KP]


def test_an_organisation_still_counts_while_a_colleague_present_has_no_disqualifying_interest(world):
    declare(world, "brinson", Declaration.InterestKind.PECUNIARY, "B1")
    quorum = item_quorums(world["meeting"])[world["items"]["B1"].pk]
    assert quorum.counted == [KCC, KFRS, KP] and quorum.left_out == ("Ms S Brinson",)
    declare(world, "rivers", Declaration.InterestKind.DISQUALIFYING, "B1")
    quorums = item_quorums(world["meeting"])
    assert quorums[world["items"]["B1"].pk].counted == [KCC, KFRS]
    assert not quorums[world["items"]["B1"].pk].is_quorate
    assert quorums[world["items"]["B2"].pk].counted == [KCC, KFRS, KP], "an interest in B1 leaves B2 alone"


def test_an_other_interest_does_not_remove_anyone(world):
    declare(world, "collins", Declaration.InterestKind.OTHER, "B1")
    quorum = item_quorums(world["meeting"])[world["items"]["B1"].pk]
    assert quorum.counted == [KCC, KFRS, KP] and quorum.left_out == ()


def test_a_disqualifying_interest_in_the_whole_meeting_removes_from_every_item(world):
    declare(world, "platt", Declaration.InterestKind.PECUNIARY)
    for quorum in item_quorums(world["meeting"]).values():
        assert quorum.counted == [KFRS, KP] and quorum.left_out == ("Mr B Platt",) and not quorum.is_quorate


def test_a_committee_counting_organisations_counts_every_body_represented(world):
    committee = world["committee"]
    committee.quorum_basis = Committee.QuorumBasis.ORGANISATIONS
    committee.save()
    world["meeting"].committee.refresh_from_db()
    assert counted(world, "B1") == [KCC, KFRS, KP, "Voluntary sector"]
    declare(world, "collins", Declaration.InterestKind.DISQUALIFYING, "B2")
    assert counted(world, "B2") == [KCC, KP, "Voluntary sector"]


def test_the_clerk_sees_each_items_quorum_and_a_warning_where_it_was_not_quorate(officer_client, world):
    declare(world, "collins", Declaration.InterestKind.PECUNIARY, "B2")
    declare(world, "platt", Declaration.InterestKind.DISQUALIFYING, "B2")
    meeting = world["meeting"]
    for url in (register_url(meeting), f"/meetings/{meeting.pk}/minutes/"):
        page = officer_client.get(url).content.decode()
        assert 'data-testid="item-quorums"' in page, url
        assert 'data-testid="not-quorate-B2"' in page and 'data-testid="not-quorate-B1"' not in page, url
        assert (
            "Item B2 was not quorate: 1 represented; the quorum is at least 3 responsible authorities represented"
            in page
        )
        assert "Mr B Platt, Ms C Collins out by declared interest" in page


def test_the_public_do_not_see_the_quorum_table(client, world):
    assert 'data-testid="item-quorums"' not in client.get(f"/meetings/{world['meeting'].pk}/minutes/").content.decode()


def test_the_minute_of_an_item_that_was_not_quorate_records_it(officer_client, world):
    declare(world, "brinson", Declaration.InterestKind.PECUNIARY, "B1")
    declare(world, "rivers", Declaration.InterestKind.PECUNIARY, "B1")
    declare(world, "collins", Declaration.InterestKind.PECUNIARY, "B2")
    meeting, items = world["meeting"], world["items"]
    for code in ("B1", "B2"):
        minuting.minute_add(minute=Minute(meeting=meeting, item=items[code], title=code, text="RESOLVED that noted."))
    minutes = {m["item"]: m["quorum"] for m in minutes_record(meeting, "public")["minutes"]}
    assert minutes["B1"] == "Not quorate: 2 represented; the quorum is at least 3 responsible authorities represented"
    assert minutes["B2"] == "Not quorate: 2 represented; the quorum is at least 3 responsible authorities represented"
    assert "Not quorate: 2 represented" in officer_client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()


def test_the_declaration_form_explains_the_kinds_of_interest(make_user, client, world):
    client.force_login(make_user(roles.OFFICER))
    page = client.get(f"/meetings/{world['meeting'].pk}/declarations/new/").content.decode()
    assert "takes no part in the item and leaves its quorum" in page
    assert "a colleague from the same organisation who is present still counts" in page
    assert "the person stays, takes part and counts" in page


def test_with_someone_present_and_no_organisation_recorded_the_quorum_is_not_known_and_not_printed():
    """The demo's real March 2022 notes name people without their organisations: that is no finding of inquoracy."""
    from kcsp.tests.factories import PersonFactory
    from meetings import minuting
    from meetings.models import AgendaItem, Attendance, Minute
    from meetings.quorum import item_quorums
    from meetings.record import minutes_record
    from meetings.tests.factories import CommitteeFactory, held_meeting

    meeting = held_meeting(committee=CommitteeFactory(quorum_count=4))
    item = AgendaItem.objects.create(meeting=meeting, section="B", position=1, title="Update")
    for _ in range(5):
        Attendance.objects.create(meeting=meeting, person=PersonFactory(), kind="present")
    minuting.minute_add(minute=Minute(meeting=meeting, item=item, title="Update", text="RESOLVED that it be noted."))
    quorum = item_quorums(meeting)[item.pk]
    assert not quorum.is_quorate and not quorum.is_known and len(quorum.unrecorded) == 5
    assert quorum.summary.startswith("Quorum not known")
    assert minutes_record(meeting, "public")["minutes"][0]["quorum"] == ""
