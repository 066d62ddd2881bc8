"""A meeting whose packs are built for real, for the pack reader's tests (meetings/views/reader.py)."""

from kcsp import roles

WORD = "Tunbridge"  # written in one paper only: find should land on its page


def reader_world(make_user):
    """A published meeting with two public papers (several pages each) and a restricted one, its public and
    restricted packs built for real; a member of its committee and a member of another."""
    from kcsp.tests.factories import PersonFactory
    from meetings.models import Pack, Paper, PaperSection
    from meetings.packbuild.service import pack_build
    from meetings.tests.factories import AgendaItemFactory, CommitteeFactory, MembershipFactory, published_meeting

    committee = CommitteeFactory()
    member = make_user(roles.MEMBER)
    MembershipFactory(committee=committee, person=PersonFactory(user=member))
    outsider = make_user(roles.MEMBER)
    MembershipFactory(person=PersonFactory(user=outsider))
    meeting = published_meeting(committee=committee)
    type(meeting).objects.filter(pk=meeting.pk).update(contact_email="clerk@kcsp.example")  # a link on the front sheet
    meeting.refresh_from_db()
    body = "\n\n".join(["The partnership reviewed its priorities for the year ahead and agreed the plan."] * 12)
    papers = {}
    for position, (title, section, reason) in enumerate(
        [("Action plan update", "B", ""), ("Grant round report", "B", ""), ("Prevent update", "D", "prevent")], 1
    ):
        item = AgendaItemFactory(meeting=meeting, section=section, position=position, title=title)
        item.restriction_reason = reason
        item.save()
        paper = Paper.objects.create(item=item, format="written", subject=f"{title} report", summary=f"{title}.")
        for n in range(1, 4):
            text = body + (f"\n\nA visit to {WORD} Wells." if position == 2 and n == 3 else "")
            PaperSection.objects.create(paper=paper, position=n, heading=f"Part {n}", body=text)
        papers[position] = paper
    for kind in (Pack.Kind.PUBLIC, Pack.Kind.RESTRICTED):
        pack_build(meeting=meeting, kind=kind)
    return {"meeting": meeting, "member": member, "outsider": outsider, "papers": papers}
