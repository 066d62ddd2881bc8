"""An outsider's attacks on the member reader of issue 17: the reader page and its file (Range, ETag, kept copies,
the download record and the DHR access log), printing chosen pages, members' private notes and reading positions,
"My notes", and the offline service worker. Each test tries, as someone not entitled or with hostile input, to read
what they must not, to write what they must not, or to slip past the record, and asserts the safe behaviour."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dhr.models import AccessLog
from kcsp import roles
from kcsp.models import FileDownload
from kcsp.testing import otp_verify
from meetings.models import Annotation, Pack, PackContent, PackRead, Paper
from meetings.tests.reader_files_world import reader_world, texts, url  # noqa: F401  (fixture)
from meetings.tests.test_annotations import notes_url, post_json, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

NOTE_API = "meetings:note_api"
NOTE_DELETE = "meetings:note_delete_api"


def body(response) -> bytes:
    return response.getvalue()


def html(response) -> str:
    return response.content.decode(errors="replace")


def signed_in(user, *, verified=False) -> Client:
    client = Client()
    client.force_login(user)
    if verified:
        otp_verify(client, user)
    return client


def write(world, pack, page, client="member", **fields):  # noqa: F811
    data = {"page": page, "quote": "the update be noted", "prefix": "", "suffix": "", "note": "Ask"} | fields
    return post_json(world["clients"][client], notes_url(pack), data)


def position_url(pack) -> str:
    return reverse("meetings:pack_position_api", kwargs={"pack_pk": pack.pk})


# --- the reader's file: the download record and the DHR access log cannot be dodged ------------------------------


def test_a_416_that_makes_the_copy_then_bytes_1_does_not_dodge_the_download_record(reader_world):  # noqa: F811
    """Attack: ask first for a range past any end (416: no record, but the reader's copy is made and kept), then
    `bytes=1-` (a later range of an existing copy: not an opening). The whole watermarked pack but its first
    byte would then leave with no FileDownload row at all."""
    member, client = reader_world["users"]["member"], reader_world["clients"]["member"]
    address = url(reader_world, "restricted")
    past = client.get(address, HTTP_RANGE="bytes=999999999-")
    assert past.status_code == 416
    rest = client.get(address, HTTP_RANGE="bytes=1-")
    got = rest.status_code == 206 and len(body(rest)) > 1000
    assert not got or FileDownload.objects.filter(user=member).exists(), (
        f"restricted pack sent ({len(body(rest))} bytes, {rest.status_code}) with no download record"
    )


def test_a_416_then_bytes_1_does_not_dodge_the_dhr_access_log(reader_world):  # noqa: F811
    cleared, user = reader_world["clients"]["cleared"], reader_world["users"]["cleared"]
    address = url(reader_world, "dhr")
    before = AccessLog.objects.filter(user=user).count()
    assert cleared.get(address, HTTP_RANGE="bytes=999999999-").status_code == 416
    rest = cleared.get(address, HTTP_RANGE="bytes=1-")
    assert rest.status_code in (200, 206)
    assert AccessLog.objects.filter(user=user).count() > before, "DHR pack read with no access-log row"
    assert FileDownload.objects.filter(user=user, dhr=True).exists(), "DHR pack read with no download record"


@pytest.mark.parametrize("first_range", ["bytes=1-", "bytes=100-199", "bytes=-100", "bytes=0-0,5-9", "bytes=1-0"])
def test_the_first_request_of_a_copy_is_recorded_whatever_range_it_asks(reader_world, first_range):  # noqa: F811
    member, client = reader_world["users"]["member"], reader_world["clients"]["member"]
    response = client.get(url(reader_world, "restricted"), HTTP_RANGE=first_range)
    assert response.status_code in (200, 206)
    assert response["Cache-Control"] == "private, no-store" and "X-Pack-Public" not in response
    assert FileDownload.objects.filter(user=member).count() == 1


def test_head_of_a_restricted_reader_file_sends_no_body_and_is_not_cacheable(reader_world):  # noqa: F811
    client = reader_world["clients"]["member"]
    head = client.head(url(reader_world, "restricted"))
    assert head.status_code == 200 and body(head) == b""
    assert head["Cache-Control"] == "private, no-store" and "X-Pack-Public" not in head
    ranged = client.head(url(reader_world, "restricted"), HTTP_RANGE="bytes=1-")
    assert ranged.status_code in (200, 206) and body(ranged) == b""


def test_no_304_and_no_crossed_copy_with_another_readers_or_the_public_etag(reader_world):  # noqa: F811
    address = url(reader_world, "restricted")
    member, other = reader_world["clients"]["member"], reader_world["clients"]["other"]
    mine = member.get(address)
    public = member.get(url(reader_world, "public"))
    for tag in (mine["ETag"], public["ETag"], "*", f"W/{mine['ETag']}"):
        answer = other.get(address, HTTP_IF_NONE_MATCH=tag)
        assert answer.status_code == 200, f"restricted copy answered {answer.status_code} to If-None-Match {tag}"
        assert "Okonkwo" in "\n".join(texts(body(answer)))
        assert reader_world["users"]["member"].person.display_name not in "\n".join(texts(body(answer)))
    crossed = other.get(address, HTTP_RANGE="bytes=0-", HTTP_IF_RANGE=mine["ETag"])
    assert crossed.status_code == 200 and "Okonkwo" in "\n".join(texts(body(crossed)))
    # The public file's tag never validates a restricted copy, nor the other way round.
    assert member.get(url(reader_world, "public"), HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200
    assert public["ETag"] != mine["ETag"] and str(reader_world["users"]["member"].pk) + "-" not in mine["ETag"]


def test_the_dhr_reader_page_and_file_are_404_to_the_uncleared_and_to_the_cleared_without_a_code(
    reader_world,  # noqa: F811
    make_user,
):
    unverified = signed_in(reader_world["users"]["cleared"])
    officer = signed_in(make_user(roles.OFFICER))
    for client in (reader_world["clients"]["member"], unverified, officer, Client()):
        for what in ("read/", "reader.pdf", "pages/", "pages/?pages=1-4"):
            for headers in ({}, {"HTTP_RANGE": "bytes=1-"}, {"HTTP_RANGE": "bytes=999999999-"}):
                answer = client.get(url(reader_world, "dhr", what), **headers)
                assert answer.status_code in (302, 404), (what, headers, answer.status_code)
                assert b"DHR update" not in answer.content and b"%PDF" not in answer.content
    assert not FileDownload.objects.exists()


def test_a_restricted_pack_is_404_to_a_member_of_no_committee_in_reader_file_and_pages(reader_world, make_user):  # noqa: F811
    stranger = signed_in(make_user(roles.MEMBER))
    for what in ("read/", "reader.pdf", "pages/", "pages/?pages=1-4", "pages/?pages=2"):
        for client in (stranger, Client()):
            answer = client.get(url(reader_world, "restricted", what), HTTP_RANGE="bytes=1-")
            assert answer.status_code in (302, 404), (what, answer.status_code)
            assert b"Prevent" not in answer.content and b"%PDF" not in answer.content


def test_a_withdrawn_pack_is_served_to_nobody_from_any_reader_address(reader_world):  # noqa: F811
    client = reader_world["clients"]["member"]
    tags = {kind: client.get(url(reader_world, kind))["ETag"] for kind in ("public", "restricted")}
    for kind in ("public", "restricted"):
        pack = reader_world["packs"][kind]
        pack.withdrawn_at, pack.withdrawn_reason = timezone.now(), "A mistake"
        pack.save()
        for what in ("read/", "reader.pdf", "pages/", "pages/?pages=1-2"):
            for headers in (
                {},
                {"HTTP_RANGE": "bytes=1-", "HTTP_IF_RANGE": tags[kind]},
                {"HTTP_IF_NONE_MATCH": tags[kind]},
            ):
                answer = client.get(url(reader_world, kind, what), **headers)
                assert answer.status_code == 404, (kind, what, headers, answer.status_code)
                assert b"%PDF" not in answer.content and answer["Cache-Control"] == "private, no-store"
    assert not (Path(django_settings.MEDIA_ROOT) / "reader-copies" / f"pack-{pack.pk}").exists()


@pytest.mark.parametrize("kind", ["minutes", "dhr ", "..", "public.pdf", "PUBLIC", "restricted%00"])
def test_odd_pack_kinds_are_404_never_a_500(reader_world, kind):  # noqa: F811
    for what in ("read/", "reader.pdf", "pages/"):
        answer = reader_world["clients"]["member"].get(f"/meetings/{reader_world['meeting'].pk}/packs/{kind}/{what}")
        assert answer.status_code in (301, 404), (kind, what, answer.status_code)


# --- printing pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pages",
    [
        "1-999999999",
        "999999999",
        "5",
        "0",
        "-1",
        "-1-2",
        "1--3",
        "\u0663",  # Arabic-Indic three
        "\uff13",  # fullwidth three
        "\u00b2",  # superscript two
        "1-4" * 100,
        ",".join(["1-4"] * 60),
        "4-1",
        "1;2",
        "NaN",
        "1e3",
    ],
)
def test_pages_beyond_or_outside_the_pack_are_refused_without_a_pdf_or_record(reader_world, pages):  # noqa: F811
    client = reader_world["clients"]["member"]
    answer = client.get(url(reader_world, "restricted", "pages/"), {"pages": pages})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/html")
    assert "There is a problem" in html(answer)
    assert not FileDownload.objects.exists()


def test_pages_of_the_public_pack_cannot_take_items_of_the_restricted_pack(reader_world):  # noqa: F811
    client = reader_world["clients"]["member"]
    restricted_rows = [str(pk) for pk in reader_world["packs"]["restricted"].contents.values_list("pk", flat=True)]
    answer = client.get(url(reader_world, "public", "pages/"), {"item": restricted_rows})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/html")
    assert "There is a problem" in html(answer) and "Prevent" not in html(answer)


def test_pages_of_a_restricted_pack_are_watermarked_recorded_and_no_store(reader_world):  # noqa: F811
    member, client = reader_world["users"]["member"], reader_world["clients"]["member"]
    answer = client.get(url(reader_world, "restricted", "pages/"), {"pages": "2-3"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "private, no-store"
    pages = texts(body(answer))
    assert len(pages) == 2 and all(
        member.person.display_name in page and "OFFICIAL-SENSITIVE" in page for page in pages
    )
    assert FileDownload.objects.filter(user=member).count() == 1
    ranged = client.get(url(reader_world, "restricted", "pages/"), {"pages": "2-3"}, HTTP_RANGE="bytes=1-")
    assert ranged.status_code == 200 and FileDownload.objects.filter(user=member).count() == 2


def test_posting_the_pages_form_without_csrf_makes_no_file(reader_world):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader_world["users"]["member"])
    answer = client.post(url(reader_world, "restricted", "pages/"), {"pages": "1-4"})
    assert answer.status_code == 403 and not FileDownload.objects.exists()


# --- the service worker and what it may keep -----------------------------------------------------------------


def test_only_public_reader_answers_say_they_may_be_kept_offline(reader_world):  # noqa: F811
    client = reader_world["clients"]["member"]
    for kind in ("restricted",):
        for what in ("read/", "reader.pdf"):
            answer = client.get(url(reader_world, kind, what))
            assert answer.status_code == 200 and "X-Pack-Public" not in answer
            assert "no-store" in answer["Cache-Control"]
    cleared = reader_world["clients"]["cleared"]
    for what in ("read/", "reader.pdf"):
        answer = cleared.get(url(reader_world, "dhr", what))
        assert answer.status_code == 200 and "X-Pack-Public" not in answer and "no-store" in answer["Cache-Control"]
    public_page = client.get(url(reader_world, "public", "read/"))
    assert public_page["X-Pack-Public"] == "1" and "no-store" not in public_page["Cache-Control"]
    text = html(public_page)
    for secret in ("Prevent", "DHR update", "DHR case briefing", reader_world["packs"]["restricted"].file.name):
        assert secret not in text, f"the public reader page (kept offline) carries {secret!r}"


def test_the_service_worker_keeps_only_public_answers_and_only_gets(client):
    script = client.get("/reader-sw.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    code = html(script)
    storable = code[code.index("function storable") : code.index("function plainUrl")]
    assert "X-Pack-Public" in storable and "no-store" in storable and "status !== 200" in storable
    assert "response.redirected" in storable and "'basic'" in storable
    assert "request.method !== 'GET'" in code
    assert code.count("cache.put(") + code.count(".put(url") >= 1
    for put in re.finditer(r"\.put\(", code):
        before = code[max(0, put.start() - 200) : put.start()]
        assert "storable" in before, "every cache.put is guarded by storable()"


def test_reader_scripts_never_write_html_from_data():
    folder = Path(django_settings.BASE_DIR) / "static" / "kcsp"
    for path in folder.glob("reader*.js"):
        code = path.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in code, f"{path.name} uses {sink}"


# --- notes: other people's, and packs one cannot see ---------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "officer", "admin", "anonymous"])
def test_anothers_note_is_404_by_every_method_and_address(world, who):  # noqa: F811
    note = write(world, world["restricted"], 2, quote="SECRET-QUOTE", note="SECRET-NOTE").json()["note"]
    client = world["clients"][who]
    for name in (NOTE_API, NOTE_DELETE):
        address = reverse(name, args=[note["id"]])
        for method in ("get", "put", "patch", "delete"):
            answer = getattr(client, method)(address)
            assert answer.status_code in (404, 405), (name, method, answer.status_code)
            assert b"SECRET" not in answer.content
    for name in ("meetings:note_edit", "meetings:note_remove"):
        answer = client.post(reverse(name, args=[note["id"]]), {"note": "hijacked"})
        assert answer.status_code in (302, 403, 404) and b"SECRET" not in answer.content
    notes = client.get(reverse("meetings:my_notes"), {"user": world["users"]["member"].pk, "page": 1})
    assert b"SECRET" not in notes.content
    assert Annotation.objects.get().note == "SECRET-NOTE"


def test_a_note_written_through_someone_elses_pack_id_or_position_is_refused(world, make_user):  # noqa: F811
    stranger = make_user(roles.MEMBER)
    client = signed_in(stranger)
    restricted = world["restricted"]
    assert client.get(notes_url(restricted)).status_code == 404
    answer = post_json(client, notes_url(restricted), {"page": 2, "quote": "x"})
    assert answer.status_code == 404 and not Annotation.objects.exists()
    assert post_json(client, position_url(restricted), {"page": 2}).status_code == 404
    assert not PackRead.objects.filter(user=stranger).exists()
    for pk in (999999, 0):
        assert client.get(f"/meetings/packs/{pk}/notes/").status_code == 404
        assert post_json(client, f"/meetings/packs/{pk}/position/", {"page": 1}).status_code == 404


def test_a_public_pack_that_lists_a_restricted_paper_takes_no_note_on_it(world):  # noqa: F811
    """A pack withdrawn because a restricted paper slipped into the public pack: its manifest lists the paper, but
    no note is written on it through that pack, and none is listed there."""
    row = PackContent.objects.filter(pack=world["restricted"], paper=world["restricted_paper"]).first()
    row.pk, row.pack, row.first_page, row.last_page = None, world["public"], 7, 7
    row.save()
    answer = write(world, world["public"], 7, quote="leaked words")
    assert answer.status_code == 400 and "page" in answer.json()["errors"]
    assert not Annotation.objects.exists()
    write(world, world["restricted"], 2, quote="restricted words")
    listed = world["clients"]["member"].get(notes_url(world["public"])).json()["notes"]
    assert listed == []


def test_notes_on_a_paper_whose_item_is_restricted_later_leave_a_non_member(world, make_user):  # noqa: F811
    committee = world["committee"]
    committee.is_public = True
    committee.save()
    reader = make_user(roles.MEMBER)
    client = signed_in(reader)
    world["clients"]["reader"] = client
    written = write(world, world["public"], 4, client="reader", quote="public then restricted")
    if written.status_code != 201:
        pytest.skip(f"a non-member cannot read this committee's public pack ({written.status_code})")
    note_id = written.json()["note"]["id"]
    item = world["public_item"]
    item.restriction_reason = "prevent"
    item.save()
    client = signed_in(reader)
    assert post_json(client, reverse(NOTE_API, args=[note_id]), {"note": "x"}).status_code == 404
    assert client.get(reverse("meetings:note_edit", args=[note_id])).status_code == 404
    assert b"public then restricted" not in client.get(reverse("meetings:my_notes")).content
    assert client.get(notes_url(world["public"])).json()["notes"] == []


def test_a_dhr_note_is_404_to_its_writer_without_a_code_and_after_clearance_ends(world, make_user):  # noqa: F811
    dhr_paper = Paper.objects.get(item=world["dhr_item"])
    user = make_user(roles.DHR_CLEARED)
    now = timezone.now()
    note = Annotation.objects.create(
        user=user,
        paper=dhr_paper,
        quote="DHR-QUOTE",
        note="DHR-NOTE",
        paper_fingerprint="x",
        created_at=now,
        updated_at=now,
    )
    unverified = signed_in(user)
    for name in (NOTE_API, NOTE_DELETE):
        answer = post_json(unverified, reverse(name, args=[note.pk]), {"note": "x"})
        assert answer.status_code == 404 and b"DHR-" not in answer.content
    for name in ("meetings:note_edit", "meetings:note_remove"):
        answer = unverified.get(reverse(name, args=[note.pk]))
        assert answer.status_code == 404 and b"DHR-" not in answer.content
    assert b"DHR-" not in unverified.get(reverse("meetings:my_notes")).content
    user.groups.clear()
    verified = signed_in(user, verified=True)
    assert post_json(verified, reverse(NOTE_API, args=[note.pk]), {"note": "x"}).status_code == 404
    assert b"DHR-" not in verified.get(reverse("meetings:my_notes")).content
    assert Annotation.objects.get(pk=note.pk).note == "DHR-NOTE"


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "2", "last"])
def test_my_notes_pagination_never_shows_another_persons_notes_or_a_500(world, page):  # noqa: F811
    write(world, world["public"], 4, quote="MEMBER-ONLY")
    outsider = world["clients"]["outsider"]
    for query in (
        {"page": page},
        {"page": page, "user": world["users"]["member"].pk},
        {"paper": world["written_paper"].pk},
    ):
        answer = outsider.get(reverse("meetings:my_notes"), query)
        assert answer.status_code in (200, 404) and b"MEMBER-ONLY" not in answer.content
        assert answer.status_code == 404 or answer["Cache-Control"] == "private, no-store"


# --- notes: hostile input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "\u00b2",
        "\u0663",
        "\uff13",
        "9" * 5000,
        "1" + "0" * 30,
        10**30,
        -1,
        0,
        3.0,
        "3.0",
        " 4 ",
        None,
        [],
        {},
        "0x4",
        "4\x00",
    ],
    ids=lambda page: repr(page)[:20],
)
def test_hostile_page_numbers_are_refused_or_mapped_never_a_500(world, page):  # noqa: F811
    member = world["clients"]["member"]
    answer = write(world, world["public"], page)
    assert answer.status_code in (201, 400), f"notes POST page={page!r} answered {answer.status_code}"
    if answer.status_code == 201:
        assert 1 <= answer.json()["note"]["page"] <= 7
    moved = post_json(member, position_url(world["public"]), {"page": page})
    assert moved.status_code in (200, 400), f"position POST page={page!r} answered {moved.status_code}"
    if moved.status_code == 200:
        assert 1 <= moved.json()["position"]["page"] <= 7


def test_a_pack_without_a_page_count_takes_no_position_past_any_integer(world):  # noqa: F811
    pack = world["public"]
    Pack.objects.filter(pk=pack.pk).update(page_count=None, page_labels=[])
    answer = post_json(world["clients"]["member"], position_url(pack), {"page": 10**12})
    assert answer.status_code == 400, f"answered {answer.status_code}"
    answer = write(world, pack, 10**12)
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "fields",
    [
        {"note": "lone \ud800 surrogate"},
        {"quote": "lone \udfff surrogate"},
        {"prefix": "\ud83d"},
        {"note": "nul \x00 byte", "quote": "q\x00"},
        {"quote": "\u202eevil bidi"},
        {"note": 5},
        {"quote": {"a": 1}},
        {"prefix": ["x"]},
    ],
)
def test_hostile_note_text_is_refused_or_cleaned_never_a_500(world, fields):  # noqa: F811
    answer = write(world, world["public"], 4, **fields)
    assert answer.status_code in (201, 400), f"{fields!r} answered {answer.status_code}"
    if answer.status_code == 201:
        note = Annotation.objects.get()
        assert "\x00" not in note.note + note.quote + note.prefix
        updated = post_json(world["clients"]["member"], reverse(NOTE_API, args=[note.pk]), fields | {"note": "\ud800"})
        assert updated.status_code in (200, 400), f"update answered {updated.status_code}"


def test_note_lengths_and_oversized_bodies_are_limited(world):  # noqa: F811
    member = world["clients"]["member"]
    long_context = write(world, world["public"], 4, prefix="p" * 200_000, suffix="s" * 200_000)
    assert long_context.status_code == 201
    saved = Annotation.objects.get()
    assert len(saved.prefix) <= 64 and len(saved.suffix) <= 64
    huge = write(world, world["public"], 4, note="n" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10))
    assert huge.status_code in (400, 413) and Annotation.objects.count() == 1
    update = post_json(member, reverse(NOTE_API, args=[saved.pk]), {"note": "x" * 5001})
    assert update.status_code == 400 and Annotation.objects.get().note == "Ask"
    form = member.post(reverse("meetings:note_edit", args=[saved.pk]), {"note": "x" * 5001})
    assert form.status_code == 200 and Annotation.objects.get().note == "Ask"


@pytest.mark.parametrize("name", ["create", "update", "delete", "position"])
def test_json_posts_without_the_csrf_token_change_nothing(world, name):  # noqa: F811
    note = write(world, world["public"], 4).json()["note"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["member"])
    address = {
        "create": notes_url(world["public"]),
        "update": reverse(NOTE_API, args=[note["id"]]),
        "delete": reverse(NOTE_DELETE, args=[note["id"]]),
        "position": position_url(world["public"]),
    }[name]
    data = json.dumps({"page": 5, "quote": "forged", "note": "forged"})
    for content_type in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
        answer = client.post(address, data, content_type=content_type)
        assert answer.status_code == 403, (content_type, answer.status_code)
        forged = client.post(address, data, content_type=content_type, headers={"X-CSRFToken": "a" * 64})
        assert forged.status_code == 403
    assert list(Annotation.objects.values_list("note", flat=True)) == ["Ask"]
    assert not PackRead.objects.filter(last_page=5).exists()


XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</blockquote><svg onload=alert(1)>"]


@pytest.mark.parametrize("payload", XSS)
def test_note_text_and_quote_are_escaped_in_my_notes_and_the_edit_pages(world, payload):  # noqa: F811
    written = write(world, world["public"], 4, quote=payload, note=payload, prefix=payload, suffix=payload)
    assert written.status_code == 201
    note_id = written.json()["note"]["id"]
    member = world["clients"]["member"]
    for address in (
        reverse("meetings:my_notes"),
        reverse("meetings:note_edit", args=[note_id]),
        reverse("meetings:note_remove", args=[note_id]),
        url({"meeting": world["published"]}, "public", "read/"),
    ):
        page = html(member.get(address))
        assert payload not in page, f"{address} carries the payload unescaped"
        assert "<script>alert" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    as_json = world["clients"]["member"].get(notes_url(world["public"]))
    assert as_json["Content-Type"] == "application/json" and as_json["X-Content-Type-Options"] == "nosniff"


def test_positions_are_kept_per_person_and_not_readable_by_others(world):  # noqa: F811
    member = world["clients"]["member"]
    assert post_json(member, position_url(world["restricted"]), {"page": 3}).status_code == 200
    for who in ("outsider", "anonymous"):
        answer = world["clients"][who].get(notes_url(world["restricted"]))
        assert answer.status_code in (302, 404) and b'"page": 3' not in answer.content
    officer = world["clients"]["officer"].get(notes_url(world["restricted"]))
    assert officer.status_code == 200 and officer.json()["position"] == {"page": None, "page_label": None}
    assert PackRead.objects.get(user=world["users"]["member"], pack=world["restricted"]).last_page == 3


def test_membership_ended_yesterday_closes_the_restricted_notes_api_and_position(world):  # noqa: F811
    note = write(world, world["restricted"], 2, quote="RESTRICTED-Q").json()["note"]
    membership = world["membership"]
    membership.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    membership.starts_on = min(membership.starts_on, membership.ends_on)
    membership.save()
    client = signed_in(world["users"]["member"])
    assert client.get(notes_url(world["restricted"])).status_code == 404
    assert post_json(client, position_url(world["restricted"]), {"page": 2}).status_code == 404
    assert post_json(client, notes_url(world["restricted"]), {"page": 2, "quote": "new"}).status_code == 404
    assert post_json(client, reverse(NOTE_DELETE, args=[note["id"]]), {}).status_code == 404
    assert b"RESTRICTED-Q" not in client.get(reverse("meetings:my_notes")).content
    # nor through the public pack's JSON, nor the reader page of the restricted pack
    assert b"RESTRICTED-Q" not in client.get(notes_url(world["public"])).content
    assert client.get(f"/meetings/{world['published'].pk}/packs/restricted/read/").status_code == 404
