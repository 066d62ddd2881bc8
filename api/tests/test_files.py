"""The OParl File layer (api/files.py): each reader's index holds exactly what the site lets them download, DHR
material never; public files' sizes and checksums are those of the stored bytes; files leave through file_send,
inline for an accessUrl and as an attachment for a downloadUrl (OParl 1.1 section 2.7)."""

import datetime
import hashlib
import io
import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import Http404
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from api.checksums import cache_key, stored_stamp
from api.files import FileIndex, file_send_for, visible_files
from conftest import user_make
from kcsp import roles
from kcsp.downloads import MARKING, recipient_watermark
from kcsp.marking import marking_line
from kcsp.models import FileDownload, User
from kcsp.testing import otp_verify
from meetings.models import Appendix, Pack, Paper, SignedMinutes
from meetings.packbuild.manifest import contents_record, holding
from meetings.tests.factories import (
    PDF_BYTES,
    AgendaItemFactory,
    CommitteeFactory,
    committee_business,
    held_meeting,
    published_meeting,
    signed_minutes_world,
)
from meetings.tests.test_packs import real_docx

pytestmark = pytest.mark.django_db
PUBLIC, MEMBER, OFFICER, CLEARED = "public", roles.MEMBER, roles.OFFICER, roles.DHR_CLEARED
DHR_KEYS_OF = ("dhr_paper", "dhr_appendix", "dhr_pack", "dhr_minutes")


def pdf_with(text: str) -> bytes:
    """A one-page PDF holding `text` (so that two files' bytes differ)."""
    from meetings.packbuild.stamp import stamp_pdf

    return stamp_pdf(PDF_BYTES, top=(text, ""), bottom=("", ""))


def pack_make(meeting, kind: str, holds, data: bytes | None = None, **fields) -> Pack:
    """A pack as a build leaves it: its file, its manifest recorded, ready."""
    pack = Pack(meeting=meeting, kind=kind, status="ready", page_count=1, built_at=timezone.now(), **fields)
    pack.file.save(f"{kind}.pdf", ContentFile(data or pdf_with(f"{kind} pack")))
    contents_record(pack, [holding(thing) for thing in holds])
    return pack


def uploaded(item, subject: str, data: bytes = PDF_BYTES, name: str = "paper.pdf", kind: str = "pdf") -> Paper:
    paper = Paper(item=item, format="uploaded", subject=subject, original_name=name, file_kind=kind)
    paper.file.save(name, ContentFile(data))
    return paper


def appendix_make(paper, letter: str, title: str) -> Appendix:
    appendix = Appendix(paper=paper, letter=letter, title=title, original_name=f"{letter}.pdf", file_kind="pdf")
    appendix.file.save(f"{letter}.pdf", ContentFile(pdf_with(title)))
    return appendix


def world_build() -> dict:
    """committee_business (restricted paper and pack, signed minutes in all three parts) with, on its published
    meeting, an agenda pack, a withdrawn supplementary pack, a DHR pack, a public uploaded paper and a DHR
    uploaded paper with an appendix."""
    users = {role: user_make(role, full_name=f"{role.title()} Reader") for role in (MEMBER, OFFICER, CLEARED)}
    users[roles.CHAIR] = user_make(roles.CHAIR)
    business = committee_business(member_user=users[MEMBER], chair_user=users[roles.CHAIR])
    published = business["published"]
    public_paper = uploaded(business["public_item"], "Partnership plan", pdf_with("Partnership plan"))
    dhr_paper = uploaded(business["dhr_item"], "Heron overview", pdf_with("Heron"))
    agenda_pack = pack_make(published, "public", [business["public_item"], public_paper, business["appendix"]])
    withdrawn = pack_make(
        published, "supplementary", [business["public_item"]], withdrawn_at=timezone.now(), withdrawn_reason="Wrong"
    )
    dhr_pack = pack_make(published, "dhr", [business["dhr_item"]])
    records = business["signed_records"]
    return {
        "users": users,
        **business,
        "public_paper": public_paper,
        "dhr_paper": dhr_paper,
        "dhr_appendix": appendix_make(dhr_paper, "A", "Heron chronology"),
        "agenda_pack": agenda_pack,
        "withdrawn_pack": withdrawn,
        "dhr_pack": dhr_pack,
        "public_minutes": records["public"],
        "restricted_minutes": records["restricted"],
        "dhr_minutes": records["dhr"],
    }


@pytest.fixture
def world(db, snapshot_load, settings, tmp_path):
    """world_build's world, built once per session and put back for each test (its files under tmp_path)."""
    settings.MEDIA_ROOT = tmp_path
    return snapshot_load("api files world", world_build)


def reader(world, who):
    """The user as the API sees them; the DHR-cleared one has entered a one-time code (django-otp's
    middleware would say so), as on the site walk below."""
    if who == PUBLIC:
        return AnonymousUser()
    user = User.objects.get(pk=world["users"][who].pk)
    if who == CLEARED:
        user.is_verified = lambda: True
    return user


def site_client(world, who) -> Client:
    client = Client()
    if who != PUBLIC:
        client.force_login(world["users"][who])
        if who == CLEARED:
            otp_verify(client, world["users"][who])
    return client


def key_of(thing) -> str:
    if isinstance(thing, Paper):
        return f"paper-{thing.pk}"
    if isinstance(thing, Appendix):
        return f"appendix-{thing.pk}"
    if isinstance(thing, SignedMinutes):
        return f"minutes-{thing.meeting_id}-{thing.kind}"
    return f"pack-{thing.pk}"


def site_url(thing) -> str:
    if isinstance(thing, Paper):
        return reverse("meetings:paper_file", args=[thing.pk])
    if isinstance(thing, Appendix):
        return reverse("meetings:appendix_file", args=[thing.pk])
    if isinstance(thing, SignedMinutes):
        return reverse("meetings:signed_minutes_pdf", kwargs={"pk": thing.meeting_id, "kind": thing.kind})
    return reverse("meetings:pack_download", kwargs={"pk": thing.meeting_id, "kind": thing.kind})


def every_file(world) -> list:
    return [
        *Paper.objects.exclude(file=""),
        *Appendix.objects.all(),
        *SignedMinutes.objects.all(),
        *Pack.objects.all(),
    ]


def send(world, who, key, *, inline=False):
    request = RequestFactory().get(f"/api/v1/file/{key}/")
    request.user = reader(world, who)
    return file_send_for(request, key, inline=inline)


@pytest.mark.parametrize("who", [PUBLIC, MEMBER, OFFICER, CLEARED])
def test_each_readers_index_is_exactly_what_the_site_lets_them_download_never_dhr(world, who):
    client = site_client(world, who)
    allowed = {key_of(thing) for thing in every_file(world) if client.get(site_url(thing)).status_code == 200}
    dhr = {key_of(world[name]) for name in DHR_KEYS_OF}
    if who == CLEARED:
        assert dhr <= allowed, "the site sends the cleared reader DHR files: the index must still leave them out"
    index = visible_files(reader(world, who))
    assert set(index.keys) == allowed - dhr
    assert len(index.keys) == len(set(index.keys)) == len(index)
    assert not set(index.keys) & dhr
    assert key_of(world["withdrawn_pack"]) not in index.keys  # withdrawn: the site answers 404 too
    expected = {PUBLIC: 4, MEMBER: 7, OFFICER: 7, CLEARED: 7}[who]  # paper, appendix, minutes, pack (+ restricted)
    assert len(index) == expected, index.keys


def test_entries_describe_each_file_in_order(world):
    index = visible_files(reader(world, MEMBER))
    entries = list(index)
    assert [e.key for e in entries] == index.keys == [e.key for e in index[0 : len(index)]]
    kinds = [e.key.split("-")[0] for e in entries]
    assert kinds == sorted(kinds, key=["paper", "appendix", "minutes", "pack"].index)
    published, signed = world["published"], world["signed"]
    label = world["committee"].label
    pack = index.get(key_of(world["agenda_pack"]))
    assert (pack.name, pack.role, pack.meeting_id, pack.restricted, pack.mime_type) == (
        "Agenda pack",
        "invitation",
        published.pk,
        False,
        "application/pdf",
    )
    assert pack.file_name == f"{label} {published.date:%Y-%m-%d} Agenda pack.pdf"
    assert index.get(key_of(world["restricted_pack"])).role == "auxiliaryFile"
    paper = index.get(key_of(world["restricted_paper"]))
    assert (paper.name, paper.role, paper.paper_id, paper.item_id, paper.restricted, paper.file_name) == (
        "Prevent report",
        "mainFile",
        world["restricted_paper"].pk,
        world["restricted_item"].pk,
        True,
        "prevent.pdf",
    )
    appendix = index.get(key_of(world["appendix"]))
    assert (appendix.name, appendix.role, appendix.paper_id) == (
        "Action plan",
        "auxiliaryFile",
        world["written_paper"].pk,
    )
    minutes = index.get(f"minutes-{signed.pk}-public")
    signed_on = timezone.localdate(world["public_minutes"].signed_at)
    assert (minutes.role, minutes.date, minutes.meeting_id) == ("resultsProtocol", signed_on, signed.pk)
    assert index.get(f"minutes-{signed.pk}-restricted").role == "auxiliaryFile"
    for entry in entries:
        assert entry.created.tzinfo is not None and entry.modified >= entry.created
        assert isinstance(entry.date, datetime.date)
    assert index.get("paper-999999") is None and index.get("nonsense") is None
    meeting_files = index.for_meetings([published.pk, signed.pk, 999999])
    assert [e.key for e in meeting_files[published.pk]] == sorted(
        [key_of(world["agenda_pack"]), key_of(world["restricted_pack"])], key=lambda key: int(key.split("-")[1])
    )
    assert [e.role for e in meeting_files[signed.pk]] == ["resultsProtocol", "auxiliaryFile"]
    assert meeting_files[999999] == []
    papers = index.for_papers([world["written_paper"].pk, world["restricted_paper"].pk])
    assert [e.key for e in papers[world["written_paper"].pk]] == [key_of(world["appendix"])]
    assert [e.role for e in papers[world["restricted_paper"].pk]] == ["mainFile"]
    assert index.for_papers([]) == {} and index.for_meetings([]) == {}


def test_public_files_carry_the_stored_bytes_size_and_checksums_restricted_ones_none(world):
    index = visible_files(reader(world, OFFICER))
    stored = {
        key_of(world["appendix"]): PDF_BYTES,
        key_of(world["agenda_pack"]): world["agenda_pack"].file.open("rb").read(),
        key_of(world["public_minutes"]): world["public_minutes"].pdf.open("rb").read(),
        key_of(world["public_paper"]): world["public_paper"].file.open("rb").read(),
    }
    for key, data in stored.items():
        entry = index.get(key)
        assert entry.size == len(data) > 0
        assert entry.sha1 == hashlib.sha1(data).hexdigest()  # noqa: S324 - OParl's sha1Checksum
        assert entry.sha512 == hashlib.sha512(data).hexdigest()
    restricted = [e for e in index if e.restricted]
    assert {e.key for e in restricted} == {
        key_of(world[name]) for name in ("restricted_paper", "restricted_pack", "restricted_minutes")
    }
    assert all(e.size is None and e.sha1 is None and e.sha512 is None for e in restricted)
    # Computed once and kept: the cache holds the public files' sums, never a restricted file's.
    pack_file = world["agenda_pack"].file
    kept = cache_key(pack_file.name, *stored_stamp(pack_file))
    assert cache.get(kept)[1] == index.get(key_of(world["agenda_pack"])).sha1
    restricted_pack = world["restricted_pack"].file
    assert cache.get(cache_key(restricted_pack.name, *stored_stamp(restricted_pack))) is None
    cache.set(kept, (1, "kept", "kept"))
    try:
        assert visible_files(reader(world, OFFICER)).get(key_of(world["agenda_pack"])).sha1 == "kept"
    finally:
        cache.delete(kept)  # the snapshot puts the same stored file back for the next test


def test_a_file_stored_again_under_the_same_name_is_summed_again(world):
    record = world["public_minutes"]
    first = visible_files(AnonymousUser()).get(key_of(record))
    path = record.pdf.path
    with open(path, "rb") as handle:
        original = handle.read()
    other = original.replace(b"%%EOF", b"%%EOE")  # the same size, other bytes: only the time tells them apart
    assert len(other) == len(original) and other != original
    with open(path, "wb") as handle:
        handle.write(other)
    stamp = os.stat(path).st_mtime + 7  # written again later, as after a rebuilt database and media directory
    os.utime(path, (stamp, stamp))
    again = visible_files(AnonymousUser()).get(key_of(record))
    assert (again.size, again.sha1) == (len(other), hashlib.sha1(other).hexdigest())  # noqa: S324
    assert again.sha1 != first.sha1


def test_a_lost_file_has_no_size_rather_than_an_error(world):
    appendix = world["appendix"]
    appendix.file.storage.delete(appendix.file.name)
    entry = visible_files(reader(world, PUBLIC)).get(key_of(appendix))
    assert entry is not None and entry.size is None and entry.sha1 is None


def test_access_url_is_inline_and_download_url_an_attachment_with_the_file_name(world):
    key = key_of(world["appendix"])
    inline = send(world, PUBLIC, key, inline=True)
    assert inline.status_code == 200 and inline.sent_by_file_send
    assert not inline["Content-Disposition"].startswith("attachment")
    assert inline.getvalue() == PDF_BYTES
    download = send(world, PUBLIC, key, inline=False)
    assert download["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    pack_key = key_of(world["agenda_pack"])
    assert not send(world, PUBLIC, pack_key, inline=True)["Content-Disposition"].startswith("attachment")
    file_name = visible_files(AnonymousUser()).get(pack_key).file_name
    assert send(world, PUBLIC, pack_key)["Content-Disposition"] == f'attachment; filename="{file_name}"'
    minutes_key = key_of(world["public_minutes"])
    assert send(world, PUBLIC, minutes_key, inline=True)["Content-Disposition"].startswith("inline")
    assert send(world, PUBLIC, minutes_key)["Content-Disposition"].startswith("attachment; filename=")
    assert FileDownload.objects.count() == 0  # public files: no download record


def watermark_text(data: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


@pytest.mark.parametrize("name", ["restricted_paper", "restricted_pack", "restricted_minutes"])
def test_a_restricted_file_is_watermarked_for_its_reader_and_recorded(world, name):
    member = world["users"][MEMBER]
    response = send(world, MEMBER, key_of(world[name]), inline=True)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline")
    text = watermark_text(response.getvalue())
    assert recipient_watermark(member) in text and marking_line(MARKING) in text
    record = FileDownload.objects.get()
    assert (record.user, record.object_id, record.dhr) == (member, world[name].pk, False)
    assert send(world, MEMBER, key_of(world[name]))["Content-Disposition"].startswith("attachment")


def test_files_not_the_readers_and_dhr_files_and_malformed_keys_are_404(world):
    signed = world["signed"]
    refused = {
        PUBLIC: ["restricted_paper", "restricted_pack", "restricted_minutes", *DHR_KEYS_OF],
        MEMBER: list(DHR_KEYS_OF),
        CLEARED: list(DHR_KEYS_OF),  # cleared and verified: still never through the API
    }
    for who, names in refused.items():
        for name in names:
            for inline in (True, False):
                with pytest.raises(Http404):
                    send(world, who, key_of(world[name]), inline=inline)
    for key in (
        "",
        "paper-",
        "paper-0",
        f"paper-0{world['public_paper'].pk}",
        f"paper-{world['public_paper'].pk} ",
        f"minutes-{signed.pk}-dhr",
        f"minutes-{signed.pk}",
        f"pack-{world['agenda_pack'].pk}-public",
        "file-1",
        "../../etc/passwd",
        f"paper-{world['written_paper'].pk}",  # written in the app: no file
        "pack-99999999",
        "minutes-99999999-public",
        "paper-" + "9" * 30,
    ):
        with pytest.raises(Http404):
            send(world, OFFICER, key)
    assert FileDownload.objects.count() == 0


def test_a_withdrawn_pack_and_an_unrendered_minutes_part_answer_as_the_site_does(world):
    withdrawn = send(world, MEMBER, key_of(world["withdrawn_pack"]))
    site = site_client(world, MEMBER).get(site_url(world["withdrawn_pack"]))
    assert withdrawn.status_code == site.status_code == 404
    assert not getattr(withdrawn, "sent_by_file_send", False)
    other = CommitteeFactory()  # its own numbering of minutes
    unrendered = signed_minutes_world(
        committee=other, at_meeting=held_meeting(committee=other), chair_user=world["users"][roles.CHAIR], render=False
    )
    record = unrendered["records"]["public"]
    response = send(world, OFFICER, key_of(record), inline=True)
    assert response.status_code == 503 and response["Retry-After"]
    assert site_client(world, OFFICER).get(site_url(record)).status_code == 503
    assert key_of(record) not in visible_files(reader(world, OFFICER)).keys  # no file yet: not listed


def test_a_restricted_word_paper_is_named_as_each_reader_receives_it_and_stays_inline(world):
    paper = uploaded(world["restricted_item"], "Word paper", real_docx("WORD-PAPER"), "prevent.docx", "docx")
    key = key_of(paper)
    member_entry = visible_files(reader(world, MEMBER)).get(key)
    officer_entry = visible_files(reader(world, OFFICER)).get(key)
    assert (member_entry.file_name, member_entry.mime_type) == ("prevent.pdf", "application/pdf")
    assert officer_entry.file_name == "prevent.docx" and officer_entry.mime_type.startswith("application/vnd.openxml")
    response = send(world, MEMBER, key, inline=True)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")  # kcsp.downloads keeps `inline` on the PDF copy


def test_the_readers_pdf_of_a_word_paper_keeps_its_dhr_mark_and_case(world):
    """A DHR Word paper reaches a reader as PDF: its download record must still say DHR (kcsp.downloads)."""
    from dataclasses import replace as copy_with

    from kcsp.downloads import _reader_copy
    from meetings.views.public import uploaded_outgoing

    paper = uploaded(world["restricted_item"], "Word paper", real_docx("DHR-WORD"), "dhr.docx", "docx")
    outgoing = copy_with(uploaded_outgoing(paper, paper.item, "Word paper"), dhr=True, case=paper)
    converted = _reader_copy(outgoing, reader(world, MEMBER))
    assert converted.kind == "pdf" and converted.dhr is True and converted.case == paper


def test_between_narrows_by_created_and_modified_bounds(world):
    paper = world["restricted_paper"]
    old = datetime.datetime(2025, 1, 10, 10, 0, tzinfo=datetime.UTC)
    Paper.history.filter(id=paper.pk).update(history_date=old)
    paper.subject = "Prevent report (revised)"
    paper.save()
    index = visible_files(reader(world, OFFICER))
    entry = index.get(key_of(paper))
    assert entry.created == old and entry.modified > old and entry.date == datetime.date(2025, 1, 10)
    assert entry.name == "Prevent report (revised)"
    cut = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    assert index.between(created_until=cut).keys == [key_of(paper)]
    assert key_of(paper) not in index.between(created_since=cut).keys
    assert len(index.between(created_since=cut)) == len(index) - 1
    assert key_of(paper) in index.between(modified_since=cut).keys
    assert index.between(modified_until=cut).keys == []
    assert index.between(created_since=old, created_until=old).keys == [key_of(paper)]  # bounds inclusive
    assert isinstance(index.between(), FileIndex) and index.between().keys == index.keys


def more_business(world, n: int) -> None:
    """n more of each kind of file: uploaded papers with appendices, packs of new meetings, signed minutes."""
    committee = world["committee"]
    for i in range(n):
        meeting = published_meeting(committee=committee)
        item = AgendaItemFactory(meeting=meeting, section="B", position=1)
        restricted = AgendaItemFactory(meeting=meeting, section="D", position=1, restriction_reason="prevent")
        paper = uploaded(item, f"Paper {i}", pdf_with(f"Paper {i}"))
        appendix_make(paper, "A", f"Appendix {i}")
        appendix_make(uploaded(restricted, f"Restricted {i}"), "A", f"Restricted appendix {i}")
        pack_make(meeting, "public", [item, paper])
        pack_make(meeting, "restricted", [restricted])


def queries_for(world, who) -> int:
    user = reader(world, who)
    with CaptureQueriesContext(connection) as captured:
        index = visible_files(user)
        entries = list(index)
        index[0:3]
        index.for_meetings([e.meeting_id for e in entries])
        index.for_papers([e.paper_id for e in entries if e.paper_id])
    return len(captured)


@pytest.mark.parametrize("who", [PUBLIC, MEMBER, OFFICER])
def test_query_count_stays_the_same_as_files_grow(world, who, django_assert_max_num_queries):
    small = queries_for(world, who)
    before = len(visible_files(reader(world, who)))
    more_business(world, 3)
    user = reader(world, who)
    with django_assert_max_num_queries(small):
        index = visible_files(user)
        entries = list(index)
        index[0:3]
        index.for_meetings([e.meeting_id for e in entries])
        index.for_papers([e.paper_id for e in entries if e.paper_id])
    assert len(index) >= before + 3 * 3
