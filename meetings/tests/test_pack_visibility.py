"""A pack never outlives the visibility it was built for: each change of visibility x each pack kind, with the
worker stopped and with a rebuild that fails, never serves the old file; ordinary edits keep serving it."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from kcsp import roles
from kcsp.testing import otp_verify
from kcsp.tests.factories import PersonFactory
from meetings import services
from meetings.models import Appendix, Meeting, Pack, PackWithdrawal, Paper
from meetings.packbuild import service as build_service
from meetings.packbuild.manifest import pack_withdrawal_reason
from meetings.packbuild.parts import PackBuildError
from meetings.packbuild.service import pack_build
from meetings.packbuild.withdraw import pack_withdraw

from .factories import (
    PDF_BYTES,
    AgendaItemFactory,
    CommitteeFactory,
    MembershipFactory,
    published_meeting,
)

pytestmark = pytest.mark.django_db
READERS = ("anonymous", "outsider", "member", "officer", "dhr", "dhr officer")
# Who can download each kind before any change (the DHR-cleared user has entered a one-time code).
ENTITLED = {"public": "anonymous", "supplementary": "anonymous", "restricted": "member"}
ENTITLED["dhr"] = "dhr"


@pytest.fixture
def world(make_user, settings, tmp_path):
    """A published meeting with one item held by each pack kind (the approved minutes are not a pack: they are the
    signed record, frozen, whose parts meetings/tests/test_signed_record.py checks)."""
    settings.MEDIA_ROOT = tmp_path
    users = {name: make_user(role) for name, role in (("outsider", roles.MEMBER), ("member", roles.MEMBER))}
    users |= {"officer": make_user(roles.OFFICER), "dhr": make_user(roles.DHR_CLEARED)}
    users["dhr officer"] = make_user(roles.OFFICER)
    users["dhr officer"].groups.add(*users["dhr"].groups.all())
    committee = CommitteeFactory()
    MembershipFactory(committee=committee, person=PersonFactory(user=users["member"]))
    meeting = published_meeting(committee=committee)
    targets = {}
    for kind, section, position, reason in (
        ("public", "B", 1, ""),
        ("supplementary", "B", 2, ""),
        ("restricted", "D", 1, "prevent"),
        ("dhr", "D", 2, "dhr"),
    ):
        item = AgendaItemFactory(
            meeting=meeting, section=section, position=position, title=f"{kind} item", restriction_reason=reason
        )
        paper = Paper.objects.create(
            item=item, format="written", subject=f"{kind} paper", is_supplementary=kind == "supplementary"
        )
        appendix = Appendix(paper=paper, letter="A", title=f"{kind} annex", original_name="a.pdf", file_kind="pdf")
        appendix.file.save("a.pdf", ContentFile(PDF_BYTES))
        targets[kind] = (meeting, item, paper)
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    for cleared in ("dhr", "dhr officer"):
        otp_verify(clients[cleared], users[cleared])
    return {"targets": targets, "clients": clients, "users": users}


def download(client, meeting, kind):
    return client.get(f"/meetings/{meeting.pk}/packs/{kind}.pdf")


def save_item(item, **changes):
    """Through the agenda service where the meeting still takes changes; else straight to the database, as any
    other path (an admin, a script, a later feature) might: the download check must catch that too."""
    old_section = item.section
    for name, value in changes.items():
        setattr(item, name, value)
    if item.meeting.status == Meeting.Status.PUBLISHED:
        services.agenda_item_save(item=item, old_section=old_section)
    else:
        item.save()


def remove_paper(item, thing):
    thing.delete()


def remove_appendix(item, thing):
    thing.appendices.get().delete()


def remove_item(item, thing):
    item.delete()


def move_paper(item, thing):
    """To a restricted item of the same meeting, through the paper service."""
    other = AgendaItemFactory(meeting=item.meeting, section="D", position=9, restriction_reason="exploitation")
    thing.item = other
    services.paper_save(paper=thing)


TRANSITIONS = {
    "made restricted": (("", "prevent"), lambda item, thing: save_item(item, restriction_reason="prevent")),
    "moved to section D": (("",), lambda item, thing: save_item(item, section="D", restriction_reason="exploitation")),
    "made DHR": (("", "prevent"), lambda item, thing: save_item(item, restriction_reason="dhr")),
    "reason changed": (
        ("prevent", "dhr"),
        lambda item, thing: save_item(item, restriction_reason="exploitation" if item.is_dhr else "personal"),
    ),
    "restriction lifted": (("prevent", "dhr"), lambda item, thing: save_item(item, section="B", restriction_reason="")),
    "paper moved to another item": (("", "prevent", "dhr"), move_paper),
    "paper removed": (("", "prevent", "dhr"), remove_paper),
    "appendix removed": (("", "prevent", "dhr"), remove_appendix),
    "item removed": (("", "prevent", "dhr"), remove_item),
}
KIND_REASON = {"public": "", "supplementary": "", "restricted": "prevent", "dhr": "dhr"}
CASES = [
    (transition, kind)
    for transition, (applies_to, _) in TRANSITIONS.items()
    for kind in KIND_REASON
    if KIND_REASON[kind] in applies_to and not (transition == "made restricted" and kind == "restricted")
]


def fail_every_build(monkeypatch):
    def broken(**kwargs):
        raise PackBuildError("Injected failure: the rebuild breaks.")

    monkeypatch.setattr(build_service, "build_pdf", broken)


@pytest.mark.parametrize("mode", ["worker stopped", "rebuild fails"])
@pytest.mark.parametrize(("transition", "kind"), CASES)
def test_a_change_of_visibility_never_serves_the_old_pack(
    world, transition, kind, mode, monkeypatch, django_capture_on_commit_callbacks
):
    meeting, item, thing = world["targets"][kind]
    clients = world["clients"]
    pack_build(meeting=meeting, kind=kind)
    pack = Pack.objects.get(meeting=meeting, kind=kind)
    old_path = Path(pack.file.path)
    before = download(clients[ENTITLED[kind]], meeting, kind)
    assert before.status_code == 200
    old = before.content
    if mode == "rebuild fails":
        fail_every_build(monkeypatch)
    change = TRANSITIONS[transition][1]
    # Worker stopped: rebuild requests queued on commit are never run. Rebuild fails: they run, and fail.
    with django_capture_on_commit_callbacks(execute=mode == "rebuild fails"):
        change(item, thing)
        pack.refresh_from_db()
        if meeting.status == Meeting.Status.PUBLISHED and "removed" not in transition:
            assert pack.is_withdrawn, "the service withdrew the pack in the change's own transaction"
        answers = {who: download(clients[who], meeting, kind) for who in READERS}
    for who, answer in answers.items():
        assert answer.status_code in (404, 503), f"{who} got {answer.status_code}"
        assert answer.content != old
        if answer.status_code == 503:  # only while a rebuild is queued (test_pack_states holds the other states)
            assert "This pack is being rebuilt" in answer.content.decode()
            assert "no-store" in answer["Cache-Control"] and answer["Retry-After"]
    pack.refresh_from_db()
    assert pack.is_withdrawn
    assert PackWithdrawal.objects.filter(pack=pack, by=None).exists()
    if pack.status == Pack.Status.REMOVED:
        assert not pack.file
        if mode == "rebuild fails":
            assert not old_path.exists(), "a kind with nothing left loses its file once the change commits"
    panel = clients["dhr officer"].get(f"/meetings/{meeting.pk}/packs/").content.decode()
    assert f'data-testid="withdrawn-{kind}"' in panel and pack.withdrawn_reason in panel
    assert "withdrawn-" not in clients["anonymous"].get(f"/meetings/{meeting.pk}/packs/").content.decode()


@pytest.mark.parametrize("mode", ["worker stopped", "rebuild fails", "rebuild succeeds"])
def test_an_ordinary_edit_keeps_serving_the_last_good_pack_while_it_is_rebuilt(
    world, mode, monkeypatch, django_capture_on_commit_callbacks
):
    meeting, item, paper = world["targets"]["public"]
    pack_build(meeting=meeting, kind="public")
    old = download(Client(), meeting, "public").content
    if mode == "rebuild fails":
        fail_every_build(monkeypatch)
    with django_capture_on_commit_callbacks(execute=mode != "worker stopped"):
        item.title = "A corrected title"
        services.agenda_item_save(item=item, old_section=item.section)
        paper.summary = "A corrected summary."
        services.paper_save(paper=paper)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert not pack.is_withdrawn
    served = download(Client(), meeting, "public")
    assert served.status_code == 200
    if mode == "rebuild succeeds":
        assert served.content != old and pack.status == Pack.Status.READY
    else:
        assert served.content == old
        assert pack.status == (Pack.Status.FAILED if mode == "rebuild fails" else Pack.Status.QUEUED)


def test_an_officer_withdraws_a_pack_by_hand_with_a_reason_and_a_rebuild_restores_it(
    world, django_capture_on_commit_callbacks
):
    meeting, _, _ = world["targets"]["public"]
    officer, anonymous = world["clients"]["officer"], world["clients"]["anonymous"]
    pack_build(meeting=meeting, kind="public")
    url = f"/meetings/{meeting.pk}/packs/public/withdraw/"
    page = officer.get(url)
    assert page.status_code == 200 and "Withdraw this pack" in page.content.decode()
    refused = officer.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "Enter why you are withdrawing the pack" in refused.content.decode()
    assert not Pack.objects.get(meeting=meeting, kind="public").is_withdrawn
    assert officer.post(url, {"reason": "Appendix B has the wrong figures"}).status_code == 302
    pack = Pack.objects.get(meeting=meeting, kind="public")
    record = PackWithdrawal.objects.get(pack=pack)
    assert (record.by, record.reason) == (world["users"]["officer"], "Appendix B has the wrong figures")
    answer = download(anonymous, meeting, "public")
    assert answer.status_code == 404 and "wrong figures" not in answer.content.decode()  # no rebuild queued
    assert "Appendix B has the wrong figures" in download(officer, meeting, "public").content.decode()
    assert "Appendix B has the wrong figures" in officer.get(f"/meetings/{meeting.pk}/packs/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(f"/meetings/{meeting.pk}/packs/rebuild/").status_code == 302
    assert download(anonymous, meeting, "public").status_code == 200
    assert PackWithdrawal.objects.filter(pack=pack).count() == 1, "the record stays after the rebuild"


def test_a_withdrawal_made_while_a_build_runs_outlives_that_build(world, monkeypatch):
    meeting, _, _ = world["targets"]["public"]
    pack_build(meeting=meeting, kind="public")
    real_lay_out = build_service.lay_out

    def withdraw_mid_build(*args, **kwargs):
        pack_withdraw(pack=Pack.objects.get(meeting=meeting, kind="public"), reason="A paper was wrong")
        return real_lay_out(*args, **kwargs)

    monkeypatch.setattr(build_service, "lay_out", withdraw_mid_build)
    pack_build(meeting=meeting, kind="public")
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.status == Pack.Status.READY and pack.is_withdrawn
    assert download(Client(), meeting, "public").status_code == 404  # withdrawn, and no rebuild queued


def test_a_pack_built_before_packs_recorded_their_contents_is_rebuilt_not_served(world):
    meeting, _, _ = world["targets"]["public"]
    pack_build(meeting=meeting, kind="public")
    Pack.objects.filter(meeting=meeting, kind="public").update(contents_recorded=False)
    assert download(Client(), meeting, "public").status_code == 503
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.is_withdrawn and pack.status == Pack.Status.QUEUED


def test_the_download_check_costs_one_query_whatever_the_pack_holds(world, django_assert_num_queries):
    meeting, _, _ = world["targets"]["public"]
    for position in range(3, 23):
        item = AgendaItemFactory(meeting=meeting, section="C", position=position, title=f"Item {position}")
        Paper.objects.create(item=item, format="written", subject=f"Paper {position}")
    pack_build(meeting=meeting, kind="public")
    pack = Pack.objects.select_related("meeting").get(meeting=meeting, kind="public")
    assert pack.contents.count() > 40
    with django_assert_num_queries(1):
        assert pack_withdrawal_reason(pack) == ""


def test_a_kind_left_with_nothing_is_removed_and_a_request_still_queued_for_it_builds_nothing(
    world, django_capture_on_commit_callbacks
):
    from meetings.packbuild.requests import packs_request
    from meetings.tasks import pack_build_task

    meeting, item, _ = world["targets"]["restricted"]
    pack_build(meeting=meeting, kind="restricted")
    old_path = Path(Pack.objects.get(meeting=meeting, kind="restricted").file.path)
    queued = packs_request(meeting=meeting, kinds=["restricted"])[0]  # the worker is stopped: never sent
    stamp = Pack.objects.get(pk=queued.pk).requested_at.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        save_item(item, restriction_reason="dhr")  # the only non-DHR restricted item becomes a DHR item
    pack = Pack.objects.get(pk=queued.pk)
    assert pack.status == Pack.Status.REMOVED and not pack.file and "Nothing is left" in pack.withdrawn_reason
    assert not old_path.exists(), "its file is deleted once the change commits"
    assert pack_build_task.apply(args=(meeting.pk, "restricted", stamp)).get() == "removed"
    assert not Pack.objects.get(pk=pack.pk).file
    assert download(world["clients"]["member"], meeting, "restricted").status_code == 404
    assert "Restricted pack" not in world["clients"]["member"].get(meeting.get_absolute_url()).content.decode()


def test_a_pack_withdrawn_by_hand_stays_withdrawn_through_an_unrelated_rebuild(
    world, django_capture_on_commit_callbacks
):
    """Only the officer's own rebuild ends their withdrawal: another edit's rebuild must not put the paper with the
    mistake back in front of readers."""
    meeting, _, _ = world["targets"]["public"]
    officer, anonymous = world["clients"]["officer"], world["clients"]["anonymous"]
    pack_build(meeting=meeting, kind="public")
    url = f"/meetings/{meeting.pk}/packs/public/withdraw/"
    assert officer.post(url, {"reason": "Appendix B has the wrong figures"}).status_code == 302
    pack_build(meeting=meeting, kind="public")  # a rebuild some other edit asked for
    assert download(anonymous, meeting, "public").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(f"/meetings/{meeting.pk}/packs/rebuild/").status_code == 302
    assert download(anonymous, meeting, "public").status_code == 200
