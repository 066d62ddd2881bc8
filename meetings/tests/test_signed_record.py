"""The signed record's PDFs: each part equals the minutes page word for word, is tagged, titled and marked, and is
served through the one file path to exactly those who may read that part; the old minutes pack is retired."""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from pypdf import PdfReader

from dhr.models import AccessLog
from kcsp import roles
from kcsp.downloads import MARKING
from kcsp.models import FileDownload
from meetings import minuting
from meetings.models import Minute, Pack, SignedMinutes
from meetings.signedpdf import signed_minutes_title
from meetings.signing import minutes_approve

from .factories import CommitteeFactory, chaired_by, held_meeting, signed_minutes_world

pytestmark = pytest.mark.django_db
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "dt", "dd"}


class RecordUnits(HTMLParser):
    """The text units (paragraphs, list items, headings) of each part's record section on the minutes page, as
    a reader sees them, leaving out what the page adds beside the record (class kcsp-not-record: the part's
    heading, its download link, an action's current status) and text for screen readers only."""

    def __init__(self, html: str):
        super().__init__()
        self.parts: dict[str, list[str]] = {}
        self._kind, self._depth, self._skip, self._unit = None, 0, [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "section" and "kcsp-minutes-record" in classes:
            self._kind, self._depth = a["data-kind"], 0
            self.parts[self._kind] = []
        if self._kind is None:
            return
        self._depth += 1
        if self._skip or "kcsp-not-record" in classes or "govuk-visually-hidden" in classes:
            self._skip.append(self._depth)
        elif (tag in BLOCKS or "govuk-warning-text__text" in classes) and self._unit is None:
            self._unit = (self._depth, [])

    def handle_endtag(self, tag):
        if self._kind is None:
            return
        if self._skip and self._skip[-1] == self._depth:
            self._skip.pop()
        if self._unit and self._unit[0] == self._depth:
            text = " ".join("".join(self._unit[1]).split())
            if text:
                self.parts[self._kind].append(text)
            self._unit = None
        self._depth -= 1
        if self._depth < 0:
            self._kind = None

    def handle_data(self, data):
        if self._kind is not None and self._unit is not None and not self._skip:
            self._unit[1].append(data)


def words(text: str) -> list[str]:
    return text.lower().split()


def pdf_text_words(data: bytes) -> list[str]:
    """The PDF's words in reading order, without the stamps (marking, "Page N", watermark) that each page adds
    in its margins: a paragraph running over a page break reads on."""
    stamps = re.compile(rf"^({MARKING}|Page \d+|downloaded by .*)$")
    lines = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines += [line for line in page.extract_text().splitlines() if not stamps.match(line.strip())]
    return words(" ".join(lines))


def find_in_order(units: list[str], pdf_words: list[str]) -> list[str]:
    """Each unit's words must follow on in the PDF after the previous unit's; the units not found so."""
    missing, at = [], 0
    for unit in units:
        wanted = words(unit)
        for start in range(at, len(pdf_words) - len(wanted) + 1):
            if pdf_words[start : start + len(wanted)] == wanted:
                at = start + len(wanted)
                break
        else:
            missing.append(unit)
    return missing


def test_each_signed_pdf_holds_every_unit_of_the_page_record_in_the_same_order(signed_world):
    meeting = signed_world["meeting"]
    page = signed_world["clients"]["cleared"].get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    units = RecordUnits(page).parts
    assert set(units) == {"public", "restricted", "dhr"}
    public = units["public"]
    for expected in (
        "PRESENT: Mr J Rivers OBE (Vice-Chairman in the Chair), Dr K Okafor (Kent Police)",
        "IN ATTENDANCE: Mrs A Taylor (Community Safety Manager)",
        "1. Chairman",  # the procedural minute, on no item
        "(Item B1)",
        "2. Members noted that anti-social behaviour had fallen by twelve per cent.",
        "(b) partners report progress to the next meeting.",
        "Action – Mrs A Taylor, by 1 September 2030: Refresh the action plan",
    ):
        assert expected in public, f"the page's record lacks {expected!r}: {public}"
    assert any(u.startswith("Dr K Okafor (item B1): Trustee") for u in public)
    assert not any(u == "Open" or u.endswith(" Open") for u in public), "the live action status is not record"
    for kind, record in signed_world["records"].items():
        record.refresh_from_db()
        approval = record.content["approval"]
        line = (
            f"Agreed as a correct record at the meeting held on {approval['at_meeting']} and signed by "
            f"{approval['signed_by']} on {approval['signed_on']}."
        )
        assert units[kind][-1] == line, "the page shows the approval line at the end of the record"
        with record.first_pdf.open("rb") as handle:
            data = handle.read()
        assert data == record.pdf.open("rb").read(), "until a new rendition the served file is the first"
        missing = find_in_order(units[kind], pdf_text_words(data))
        assert not missing, f"{kind}: these units of the page are not in the PDF in order: {missing}"
        assert any(unit.startswith("Not quorate") for unit in units[kind]), "the quorum warning is compared too"
        reader = PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"]
        assert reader.metadata.title == signed_minutes_title(record.content)
        assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        first_page = reader.pages[0].extract_text()
        if kind == "public":
            assert MARKING not in first_page and "Page 1" in first_page
        else:
            assert first_page.count(MARKING) >= 3, "marked in the body, at the top and at the foot"


def test_the_public_part_is_for_everyone_who_sees_the_meeting_as_it_was_rendered(signed_world):
    record = signed_world["records"]["public"]
    url = f"/meetings/{record.meeting_id}/minutes/public.pdf"
    for who in ("anonymous", "outsider", "member", "officer"):
        response = signed_world["clients"][who].get(url)
        assert response.status_code == 200 and response.sent_by_file_send, who
        assert response["Content-Type"] == "application/pdf" and "no-store" not in response.get("Cache-Control", "")
        assert b"".join(response.streaming_content) == record.pdf.open("rb").read()
        assert "KCSP" in response["Content-Disposition"] and "Minutes.pdf" in response["Content-Disposition"]
    assert not FileDownload.objects.exists(), "public files are not recorded"


def test_the_restricted_part_is_marked_for_its_reader_and_refused_to_the_rest(signed_world):
    clients, meeting = signed_world["clients"], signed_world["meeting"]
    url = f"/meetings/{meeting.pk}/minutes/restricted.pdf"
    for who in ("anonymous", "outsider"):
        assert clients[who].get(url).status_code == 404, who
    response = clients["member"].get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert MARKING in text and "downloaded by Dr K Okafor" in text and "Prevent case review" in text
    assert "Heron" not in text, "the DHR minute is in its own part only"
    row = FileDownload.objects.get()
    assert row.user == signed_world["users"]["member"] and row.object_id == signed_world["records"]["restricted"].pk
    log = clients["officer"].get(f"/meetings/{meeting.pk}/downloads/").content.decode()
    assert "Signed minutes of restricted items" in log and signed_world["users"]["member"].get_full_name() in log


def test_the_dhr_part_only_through_the_dhr_gate(signed_world, make_user):
    clients, meeting = signed_world["clients"], signed_world["meeting"]
    url = f"/meetings/{meeting.pk}/minutes/dhr.pdf"
    no_code = Client()
    no_code.force_login(make_user(roles.DHR_CLEARED))
    for who, client in [(w, clients[w]) for w in ("anonymous", "outsider", "member", "officer", "chair")] + [
        ("cleared without a code", no_code)
    ]:
        assert client.get(url).status_code == 404, who
    assert not AccessLog.objects.exists()
    response = clients["cleared"].get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Heron review briefing" in text and MARKING in text and "downloaded by" in text
    log = AccessLog.objects.get()
    assert log.action == "download" and log.user == signed_world["users"]["cleared"]
    assert FileDownload.objects.get().dhr


def test_no_pdf_before_signing_nor_of_a_part_with_no_minutes_nor_of_an_unknown_kind(signed_world):
    officer = signed_world["clients"]["cleared"]
    unsigned = signed_world["at_meeting"]
    for kind in ("public", "restricted", "dhr"):
        assert officer.get(f"/meetings/{unsigned.pk}/minutes/{kind}.pdf").status_code == 404
    assert officer.get(f"/meetings/{signed_world['meeting'].pk}/minutes/minutes.pdf").status_code == 404
    committee = CommitteeFactory()
    at = held_meeting(committee=committee)
    meeting = held_meeting(committee=committee, starts_at=at.starts_at - datetime.timedelta(days=30))
    minuting.minute_add(minute=Minute(meeting=meeting, title="Apologies", text="There were no apologies."))
    chaired_by(at, signed_world["users"]["chair"])
    minutes_approve(meeting=meeting, at_meeting=at, user=signed_world["users"]["chair"])
    assert list(SignedMinutes.objects.filter(meeting=meeting).values_list("kind", flat=True)) == ["public"]
    for kind in ("restricted", "dhr"):
        assert officer.get(f"/meetings/{meeting.pk}/minutes/{kind}.pdf").status_code == 404


def test_a_part_not_yet_rendered_answers_being_prepared_never_cached(signed_world, make_user):
    committee = CommitteeFactory()
    later = held_meeting(committee=committee)
    world = signed_minutes_world(committee=committee, at_meeting=later, chair_user=make_user(roles.CHAIR), render=False)
    url = f"/meetings/{world['meeting'].pk}/minutes/public.pdf"
    response = Client().get(url)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response["Cache-Control"] == "private, no-store" and "being prepared" in response.content.decode()
    assert (
        "The signed PDF is being prepared" in Client().get(f"/meetings/{world['meeting'].pk}/minutes/").content.decode()
    )
    assert Client().get(f"/meetings/{world['meeting'].pk}/minutes/restricted.pdf").status_code == 404


def test_the_page_links_only_the_parts_the_reader_may_read_and_shows_the_kept_files_hash(signed_world):
    meeting, records = signed_world["meeting"], signed_world["records"]
    expected = {
        "anonymous": {"public"},
        "outsider": {"public"},
        "member": {"public", "restricted"},
        "officer": {"public", "restricted"},
        "cleared": {"public", "restricted", "dhr"},
    }
    for who, kinds in expected.items():
        page = signed_world["clients"][who].get(f"/meetings/{meeting.pk}/minutes/").content.decode()
        for kind in ("public", "restricted", "dhr"):
            shown = f'data-testid="signed-pdf-{kind}"' in page
            assert shown == (kind in kinds), f"{who}: link to the {kind} part shown={shown}"
            assert (records[kind].first_sha256 in page) == (kind in kinds)
        assert ("Heron" in page) == ("dhr" in kinds) and ("Prevent case review" in page) == ("restricted" in kinds)


def test_the_minutes_pack_is_retired_its_address_leads_to_the_signed_public_pdf(signed_world):
    meeting = signed_world["meeting"]
    assert not Pack.objects.filter(kind=Pack.Kind.MINUTES).exists(), "signing builds no minutes pack"
    response = Client().get(f"/meetings/{meeting.pk}/packs/minutes.pdf")
    assert response.status_code == 301 and response["Location"] == f"/meetings/{meeting.pk}/minutes/public.pdf"
    followed = Client().get(response["Location"])
    assert b"".join(followed.streaming_content) == signed_world["records"]["public"].pdf.open("rb").read()
    old = Pack(meeting=meeting, kind=Pack.Kind.MINUTES, status="ready", page_count=1, contents_recorded=True)
    old.file.save("old.pdf", ContentFile(b"%PDF-1.4 built from live rows"))
    panel = signed_world["clients"]["officer"].get(f"/meetings/{meeting.pk}/packs/").content.decode()
    assert "pack-minutes" not in panel and "Approved minutes" not in panel
