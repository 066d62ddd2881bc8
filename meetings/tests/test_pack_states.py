"""What the packs panel and the download say follows the pack's real state: one status per pack, "being rebuilt"
only while a build is queued, "withdrawn while it is corrected" after an officer's withdrawal, removed kinds
hidden from readers."""

import re

import pytest
from django.test import Client

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings.models import Pack
from meetings.packbuild.requests import packs_request
from meetings.packbuild.service import pack_build
from meetings.packbuild.withdraw import pack_remove, pack_withdraw

from .factories import AgendaItemFactory, MembershipFactory, published_meeting

pytestmark = pytest.mark.django_db
STATE_TAG = re.compile(r'<strong class="govuk-tag govuk-tag--\w+" data-testid="state-(\w+)">([^<]+)</strong>')


@pytest.fixture
def world(make_user, settings, tmp_path):
    """A published meeting with a public and a restricted item, both packs built; a member, an officer."""
    settings.MEDIA_ROOT = tmp_path
    meeting = published_meeting()
    AgendaItemFactory(meeting=meeting, section="B", position=1, title="Public item")
    AgendaItemFactory(meeting=meeting, section="D", position=1, title="Prevent item", restriction_reason="prevent")
    for kind in ("public", "restricted"):
        pack_build(meeting=meeting, kind=kind)
    officer, member = make_user(roles.OFFICER, full_name="Olive Officer"), make_user(roles.MEMBER)
    MembershipFactory(committee=meeting.committee, person=PersonFactory(user=member))
    clients = {"anonymous": Client(), "member": Client(), "officer": Client()}
    clients["member"].force_login(member)
    clients["officer"].force_login(officer)
    return {"meeting": meeting, "officer": officer, "clients": clients}


def panel(world, who) -> str:
    return world["clients"][who].get(f"/meetings/{world['meeting'].pk}/packs/").content.decode()


def row(html: str, kind: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row" data-testid="pack-{kind}".*?</tr>', html, re.S)
    return match.group(0) if match else ""


def states(html: str) -> dict[str, list[str]]:
    """Each pack's status tags (the Restricted marking of a restricted pack is not a status)."""
    found = {}
    for kind, label in STATE_TAG.findall(html):
        found.setdefault(kind, []).append(label)
    return found


def download(world, who, kind="public"):
    return world["clients"][who].get(f"/meetings/{world['meeting'].pk}/packs/{kind}.pdf")


def test_a_ready_pack_shows_one_status_and_downloads(world):
    for who in ("anonymous", "officer"):
        assert states(panel(world, who))["public"] == ["Ready"]
    assert download(world, "anonymous").status_code == 200


def test_a_pack_withdrawn_by_hand_says_so_without_promising_a_rebuild(world):
    pack = Pack.objects.get(meeting=world["meeting"], kind="public")
    pack_withdraw(pack=pack, reason="Appendix B has the wrong figures", by=world["officer"])
    for who in ("anonymous", "member", "officer"):
        html = panel(world, who)
        assert states(html)["public"] == ["Withdrawn"], who
        assert "Withdrawn while it is corrected" in row(html, "public")
        assert "rebuilt" not in row(html, "public").lower() and "Ready" not in row(html, "public")
        assert "Download PDF" not in row(html, "public")
    reader, officer = panel(world, "anonymous"), panel(world, "officer")
    assert "wrong figures" not in reader and "Rebuild the packs" not in reader
    assert "by Olive Officer" in row(officer, "public") and "Appendix B has the wrong figures" in row(officer, "public")
    assert "Rebuild the packs" in officer
    answer = download(world, "anonymous")
    body = answer.content.decode()
    # No build is queued: 404 without Retry-After (views/packs.py pack_unavailable says why), never stored.
    assert answer.status_code == 404 and "Retry-After" not in answer and "no-store" in answer["Cache-Control"]
    assert "This pack has been withdrawn while it is corrected" in body
    assert "being rebuilt" not in body and "few minutes" not in body and "wrong figures" not in body
    officer_answer = download(world, "officer").content.decode()
    assert "by Olive Officer" in officer_answer and "Appendix B has the wrong figures" in officer_answer
    assert f'action="/meetings/{world["meeting"].pk}/packs/rebuild/"' in officer_answer


def test_an_automatic_withdrawal_with_a_rebuild_queued_says_being_rebuilt(world):
    pack = Pack.objects.get(meeting=world["meeting"], kind="public")
    pack_withdraw(pack=pack, reason="Removed since the pack was built: item B1.")
    packs_request(meeting=world["meeting"], kinds=["public"])  # the worker is stopped: it stays queued
    for who in ("anonymous", "officer"):
        html = panel(world, who)
        assert states(html)["public"] == ["Being rebuilt"], who
        assert "Withdrawn while it is corrected" not in html and "Download PDF" not in row(html, "public")
    assert "withdrawn automatically" in row(panel(world, "officer"), "public").lower()
    answer = download(world, "anonymous")
    assert answer.status_code == 503 and answer["Retry-After"] and "no-store" in answer["Cache-Control"]
    assert "This pack is being rebuilt" in answer.content.decode()


def test_a_withdrawn_pack_whose_rebuild_failed_is_withdrawn_not_being_rebuilt(world):
    pack = Pack.objects.get(meeting=world["meeting"], kind="public")
    pack_withdraw(pack=pack, reason="Who may see item B1 changed (its restriction) since the pack was built.")
    Pack.objects.filter(pk=pack.pk).update(status=Pack.Status.FAILED, failure="Injected failure")
    assert states(panel(world, "officer"))["public"] == ["Withdrawn"]
    assert "Injected failure" in row(panel(world, "officer"), "public")
    answer = download(world, "anonymous")
    assert answer.status_code == 404 and "Retry-After" not in answer


def test_a_removed_kind_is_hidden_from_readers_and_never_said_to_be_rebuilt(world):
    pack = Pack.objects.get(meeting=world["meeting"], kind="restricted")
    pack_remove(pack=pack, reason="Nothing is left to put in the restricted pack.")
    member = panel(world, "member")
    assert 'data-testid="pack-restricted"' not in member and "Restricted pack" not in member
    officer = row(panel(world, "officer"), "restricted")
    assert states(officer)["restricted"] == ["Removed: nothing left to put in it"]
    assert "rebuilt" not in officer.lower() and "Nothing is left to put in the restricted pack." in officer
    assert download(world, "member", "restricted").status_code == 404
    assert download(world, "officer", "restricted").status_code == 404
