"""The reader's pack file: Range and ETag, one kept watermarked copy per reader, its opening recorded once, DHR."""

import time

import pytest

from dhr.models import AccessLog
from kcsp.kept_copies import FOLDER, kept_copies_expire
from kcsp.models import FileDownload
from kcsp.tasks import kept_copies_expire_task
from meetings.models import PackRead

from .reader_files_world import reader_world, texts, url  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def whole(response) -> bytes:
    return response.getvalue()


def test_a_restricted_pack_opens_from_the_readers_own_copy_in_ranges_recorded_once(reader_world):  # noqa: F811
    member, client = reader_world["users"]["member"], reader_world["clients"]["member"]
    address = url(reader_world, "restricted")
    first = client.get(address)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"].startswith("inline;") and first["Cache-Control"] == "private, no-store"
    assert first["Accept-Ranges"] == "bytes" and "X-Pack-Public" not in first
    copy, etag = whole(first), first["ETag"]
    name = member.person.display_name
    assert all(name in text and "downloaded by" in text and "OFFICIAL-SENSITIVE" in text for text in texts(copy))
    assert FileDownload.objects.filter(user=member).count() == 1
    read_at = PackRead.objects.get(user=member).read_at

    for start, stop in ((100, 199), (len(copy) - 50, len(copy) - 1), (2000, 4095)):
        part = client.get(address, HTTP_RANGE=f"bytes={start}-{stop}", HTTP_IF_RANGE=etag)
        assert part.status_code == 206 and part["ETag"] == etag
        assert part["Content-Range"] == f"bytes {start}-{stop}/{len(copy)}"
        assert whole(part) == copy[start : stop + 1] and part["Cache-Control"] == "private, no-store"
    assert FileDownload.objects.filter(user=member).count() == 1, "later ranges of one opening record nothing"
    assert PackRead.objects.get(user=member).read_at == read_at

    reopened = client.get(address, HTTP_RANGE="bytes=0-1023")  # PDF.js opening the pack again
    assert reopened.status_code == 206 and whole(reopened) == copy[:1024]
    assert FileDownload.objects.filter(user=member).count() == 2
    assert PackRead.objects.get(user=member).read_at > read_at

    past_end = client.get(address, HTTP_RANGE=f"bytes={len(copy)}-")
    assert past_end.status_code == 416 and past_end["Content-Range"] == f"bytes */{len(copy)}"
    stale = client.get(address, HTTP_RANGE="bytes=100-199", HTTP_IF_RANGE='"an-earlier-copy"')
    assert stale.status_code == 200 and whole(stale) == copy
    several = client.get(address, HTTP_RANGE="bytes=0-9,20-29")
    assert several.status_code == 200 and whole(several) == copy
    not_cached = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert not_cached.status_code == 200, "a restricted copy is never answered 304: the browser keeps none"
    assert FileDownload.objects.filter(user=member).count() == 5  # each whole-file answer is an opening


def test_each_reader_gets_a_copy_and_entity_tag_of_their_own(reader_world):  # noqa: F811
    address = url(reader_world, "restricted")
    mine = reader_world["clients"]["member"].get(address)
    theirs = reader_world["clients"]["other"].get(address)
    their_copy = whole(theirs)
    assert mine["ETag"] != theirs["ETag"]
    public_tag = reader_world["clients"]["member"].get(url(reader_world, "public"))["ETag"]
    assert public_tag not in (mine["ETag"], theirs["ETag"])
    their_text = "\n".join(texts(their_copy))
    assert "Okonkwo" in their_text and reader_world["users"]["member"].person.display_name not in their_text
    # A range of the other reader's copy, asked with my tag, is not served from theirs: whole, their own.
    crossed = reader_world["clients"]["other"].get(address, HTTP_RANGE="bytes=0-99", HTTP_IF_RANGE=mine["ETag"])
    assert crossed.status_code == 200 and whole(crossed) == their_copy


def test_the_download_link_shares_the_path_and_a_rebuild_or_withdrawal_clears_kept_copies(reader_world, settings):  # noqa: F811
    pack, client = reader_world["packs"]["restricted"], reader_world["clients"]["member"]
    first = client.get(url(reader_world, "restricted"))
    download = client.get(f"/meetings/{reader_world['meeting'].pk}/packs/restricted.pdf")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert download["ETag"] == first["ETag"] and whole(download) == whole(first)  # each read once
    kept = settings.MEDIA_ROOT / FOLDER / f"pack-{pack.pk}"
    assert len(list(kept.rglob("*.pdf"))) == 1

    from django.core.files.base import ContentFile

    from .reader_files_world import built

    pack.file.save("rebuilt.pdf", ContentFile(built(restricted=True)))  # a rebuild: a new stored file
    rebuilt = client.get(url(reader_world, "restricted"))
    assert rebuilt.status_code == 200 and rebuilt["ETag"] != first["ETag"]
    assert len(list(kept.rglob("*.pdf"))) == 1, "the copy of the earlier build has gone"

    from django.utils import timezone

    pack.withdrawn_at, pack.withdrawn_reason = timezone.now(), "A mistake"
    pack.save()
    assert client.get(url(reader_world, "restricted")).status_code == 404
    assert not kept.exists()


def test_kept_copies_expire_after_two_days(reader_world, settings):  # noqa: F811
    reader_world["clients"]["member"].get(url(reader_world, "restricted"))
    assert kept_copies_expire_task.delay().get() == 0  # the daily schedule's task
    assert kept_copies_expire(now=time.time() + 3 * 24 * 3600) == 1
    assert not list((settings.MEDIA_ROOT / FOLDER).rglob("*.pdf"))


def test_a_public_pack_answers_ranges_and_304_and_says_it_may_be_kept_offline(reader_world):  # noqa: F811
    pack, client = reader_world["packs"]["public"], reader_world["clients"]["member"]
    address = url(reader_world, "public")
    first = client.get(address)
    stored = pack.file.open("rb").read()
    assert first.status_code == 200 and whole(first) == stored and first["X-Pack-Public"] == "1"
    assert "no-store" not in first.get("Cache-Control", "") and first["Accept-Ranges"] == "bytes"
    assert client.get(address, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    part = client.get(address, HTTP_RANGE="bytes=-200")
    assert part.status_code == 206 and whole(part) == stored[-200:] and part["X-Pack-Public"] == "1"
    assert not FileDownload.objects.exists(), "public packs are not download-recorded"
    assert client.get(address, HTTP_RANGE="bytes=0-9,20-29").status_code == 200


def test_dhr_pack_refused_to_the_uncleared_and_logged_once_per_opening(reader_world):  # noqa: F811
    address = url(reader_world, "dhr")
    assert reader_world["clients"]["member"].get(address).status_code == 404
    assert reader_world["clients"]["member"].get(address, HTTP_RANGE="bytes=100-199").status_code == 404
    cleared, user = reader_world["clients"]["cleared"], reader_world["users"]["cleared"]
    before = AccessLog.objects.count()
    first = cleared.get(address)
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-store"
    copy = whole(first)
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.order_by("-pk").first().user == user
    for start in (100, 1000, 3000):
        part = cleared.get(address, HTTP_RANGE=f"bytes={start}-{start + 99}", HTTP_IF_RANGE=first["ETag"])
        assert part.status_code == 206 and whole(part) == copy[start : start + 100]
    assert AccessLog.objects.count() == before + 1, "the ranges of one opening add no access-log row"
    assert FileDownload.objects.filter(user=user, dhr=True).count() == 1
    cleared.get(address, HTTP_RANGE="bytes=0-99")
    assert AccessLog.objects.count() == before + 2 and FileDownload.objects.filter(user=user).count() == 2
