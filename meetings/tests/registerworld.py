"""A committee as the reference notes of 24 March 2022 name it (paper 003), for the attendance register's tests."""

import datetime

from django.utils import timezone

from kcsp.models import Organisation
from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings.models import AgendaItem, Membership
from meetings.register_forms import RegisterForm

from .factories import CommitteeFactory, MembershipFactory, held_meeting

RA = Organisation.Kind.RESPONSIBLE_AUTHORITY


def register_world(quorum_count: int = 3) -> dict:
    """Four responsible authorities and a co-operating body; members Rivers (vice-chair) and Brinson (Kent Police),
    Burbeck (KCC), Collins (KFRS), Hinds (Probation); a substitute, Platt (KCC); an ex-member whose membership ended
    before the meeting; an officer, Mrs A Taylor, who is no member. A held meeting with items B1 and B2."""
    orgs = {
        key: OrganisationFactory(name=name, short_name=key, kind=RA)
        for key, name in (
            ("KP", "Kent Police"),
            ("KCC", "Kent County Council"),
            ("KFRS", "Kent Fire and Rescue Service"),
            ("NPS", "Probation Service"),
        )
    }
    orgs["VOL"] = OrganisationFactory(
        name="Voluntary sector", short_name="VOL", kind=Organisation.Kind.COOPERATING_BODY
    )
    committee = CommitteeFactory(name="Kent Community Safety Partnership", quorum_count=quorum_count)
    meeting = held_meeting(
        committee=committee, starts_at=timezone.now() - datetime.timedelta(days=3), venue_kind="online"
    )

    def person(title, initials, surname, org, kind="member", **fields):
        p = PersonFactory(title=title, initials=initials, surname=surname, organisation=orgs[org], **fields)
        if kind:
            MembershipFactory(committee=committee, person=p, organisation=orgs[org], kind=kind)
        return p

    people = {
        "rivers": person("Mr", "", "Rivers", "KP"),
        "brinson": person("Ms", "S", "Brinson", "KP"),
        "burbeck": person("Mr", "M", "Burbeck", "KCC"),
        "collins": person("Ms", "C", "Collins", "KFRS"),
        "hinds": person("Mr", "J", "Hinds", "NPS"),
        "wilkinson": person("Mr", "N", "Wilkinson", "VOL"),
        "platt": person("Mr", "B", "Platt", "KCC", kind=Membership.Kind.SUBSTITUTE),
        "former": person("Mr", "X", "Former", "KCC", kind=None),
        "taylor": person("Mrs", "A", "Taylor", "KCC", kind=None, job_title="Community Safety Manager"),
    }
    MembershipFactory(
        committee=committee,
        person=people["former"],
        organisation=orgs["KCC"],
        starts_on=datetime.date(2010, 1, 1),
        ends_on=datetime.date(2012, 1, 1),
    )
    items = {
        code: AgendaItem.objects.create(meeting=meeting, section=code[0], position=int(code[1]), title=title)
        for code, title in (("B1", "Community Safety Agreement"), ("B2", "Working Group Update"))
    }
    return {"orgs": orgs, "committee": committee, "meeting": meeting, "people": people, "items": items}


def register_url(meeting) -> str:
    return f"/meetings/{meeting.pk}/attendance/"


def page_data(response) -> dict[str, str]:
    """What the register page would post as it stands: every field's shown value."""
    form: RegisterForm = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    return data


def mark(data: dict, person, kind: str, **parts) -> dict:
    """Change one listed person's row in posted register data: mark, and any of capacity, substitute_for (a
    Person), name, role, organisation (an Organisation)."""
    prefix = f"p{person.pk}-"
    data[prefix + "mark"] = kind
    for part, value in parts.items():
        data[prefix + part] = str(getattr(value, "pk", value))
    return data
