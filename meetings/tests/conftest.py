"""Fixtures of the meetings tests: a committee whose minutes are signed, and its readers signed in."""

import pytest
from django.test import Client

from kcsp import roles
from kcsp.testing import otp_verify
from kcsp.tests.factories import PersonFactory

from .factories import CommitteeFactory, MembershipFactory, held_meeting, signed_minutes_world


@pytest.fixture
def signed_world(make_user, settings, tmp_path):
    """signed_minutes_world for a public committee, signed by its chair, with one client per kind of reader:
    anonymous, a member of another committee ("outsider"), a member of this one, an officer, the chair, and a
    DHR-cleared officer who has entered a one-time code ("cleared")."""
    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory(name="Kent Community Safety Partnership", short_name="KCSP")
    users = {
        "outsider": make_user(roles.MEMBER),
        "member": make_user(roles.MEMBER),
        "officer": make_user(roles.OFFICER),
        "chair": make_user(roles.CHAIR),
        "cleared": make_user(roles.OFFICER),
    }
    users["cleared"].groups.add(*make_user(roles.DHR_CLEARED).groups.all())
    member = PersonFactory(user=users["member"], title="Dr", initials="K", surname="Okafor")
    MembershipFactory(committee=committee, person=member)
    at_meeting = held_meeting(committee=committee)
    world = signed_minutes_world(committee=committee, at_meeting=at_meeting, chair_user=users["chair"], member=member)
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    otp_verify(clients["cleared"], users["cleared"])
    return {**world, "committee": committee, "at_meeting": at_meeting, "users": users, "clients": clients}
