"""Every URL that answers with a file goes through kcsp.downloads.file_send, and as every role gets what the rule says.

A route found answering with a file that is missing from FILES, or not sent by file_send, fails the test.
"""

import csv
import html
import io
import zipfile
from dataclasses import dataclass

import docx
import pdfplumber
import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from kcsp import roles
from kcsp.downloads import MARKING, Sensitivity, recipient_watermark
from kcsp.marking import marking_line
from kcsp.models import FileDownload
from meetings.models import Paper
from meetings.tests.test_packs import real_docx
from tests.test_permission_matrix import (  # noqa: F401 - fixtures shared with the permission matrix
    ANONYMOUS,
    EVERY_ROLE,
    ROUTES,
    _refusal,
    _url,
    clients,
    matrix_world,
    objects,
    users,
)

NAME = "Mr Ł Dvořák"  # the member user's name as the papers print it: the watermark must carry it exactly
PUBLIC, PRIVATE, RESTRICTED = Sensitivity.PUBLIC, Sensitivity.PRIVATE, Sensitivity.RESTRICTED


@dataclass(frozen=True)
class FileRoute:
    kind: str  # pdf, csv, xlsx, docx, ics, zip, json
    sensitivity: str
    signed_in: str | None = None  # a different sensitivity for signed-in readers (what they see is theirs)


FILES = {
    "meetings:pack_download": FileRoute("pdf", RESTRICTED),  # the restricted pack
    "meetings:pack_reader_file": FileRoute("pdf", RESTRICTED),  # the restricted pack, for the in-page reader
    "meetings:pack_pages": FileRoute("pdf", RESTRICTED),  # chosen pages of it (the form page answered: QUERIES)
    "meetings:paper_file": FileRoute("pdf", RESTRICTED),  # a restricted uploaded paper
    "meetings:signed_minutes_pdf": FileRoute("pdf", RESTRICTED),  # the signed minutes of restricted items
    "meetings:appendix_file": FileRoute("pdf", PUBLIC),
    "meetings:ical": FileRoute("ics", PUBLIC),
    "meetings:meeting_ical": FileRoute("ics", PUBLIC),  # a public body's published meeting: the feed's event
    "tokens:private_ical": FileRoute("ics", PRIVATE),
    "render_check_pdf": FileRoute("pdf", PRIVATE),
    "data_map_csv": FileRoute("csv", PRIVATE),
    "agreement:plan_export": FileRoute("xlsx", PUBLIC, signed_in=PRIVATE),
    "agreement:plan_pdf": FileRoute("pdf", PUBLIC),
    "grants:bid_export": FileRoute("xlsx", PRIVATE),
    "grants:giving_export": FileRoute("csv", PUBLIC),
    "grants:giving_json": FileRoute("json", PUBLIC),
    "grants:attachment_file": FileRoute("pdf", PRIVATE),
    "dhr:document_download": FileRoute("pdf", RESTRICTED),
    "dhr:access_log_export": FileRoute("csv", RESTRICTED),
    "dhr:published_report": FileRoute("pdf", PUBLIC),
    "subject_access:download": FileRoute("zip", RESTRICTED),  # recorded; sent as made, its index marked inside
    "api:file-access": FileRoute("pdf", PUBLIC),  # an OParl File's accessUrl (a public appendix here), inline
    "api:file-download": FileRoute("pdf", PUBLIC),  # its downloadUrl: the same file as an attachment
}
# Answers that name themselves as a file but are documents of the site like its pages: the generated OpenAPI
# document (drf-spectacular sends it inline with a file name), public and the same for everyone.
DOCUMENTS = {"api:openapi"}
# Pages whose form, answered in the query string, sends a file: walked with their answer.
QUERIES = {"meetings:pack_pages": "pages=1"}
PAGE_TYPES = ("text/html", "text/javascript", "application/json", "application/problem+json", "application/schema+json")
PREFERRED = (roles.DHR_CLEARED, roles.ADMIN, roles.OFFICER, roles.CHAIR, roles.MEMBER, roles.DPO)


def is_file(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return response.has_header("Content-Disposition") or (
        response.status_code == 200 and content_type not in PAGE_TYPES and content_type != ""
    )


def file_url(name, route, world) -> str:
    url = _url(name, route, world)
    return f"{url}{'&' if '?' in url else '?'}{QUERIES[name]}" if name in QUERIES else url


def body(response) -> bytes:
    return response.getvalue()


@pytest.fixture
def world(objects, users, settings):  # noqa: F811
    settings.DEBUG = True  # the published DHR report needs a file; DEBUG only widens error pages
    person = users[roles.MEMBER].person
    person.title, person.initials, person.surname = "Mr", "Ł", "Dvořák"
    person.save()
    return objects


def test_every_route_that_answers_with_a_file_is_declared_and_sent_through_file_send(world, clients):  # noqa: F811
    found, problems = set(), []
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        role = next((r for r in PREFERRED if r in route.who), ANONYMOUS if ANONYMOUS in route.who else None)
        if role is None:
            continue
        response = clients[role].get(file_url(name, route, world))
        if not is_file(response) or name in DOCUMENTS:
            continue
        found.add(name)
        if name not in FILES:
            problems.append(f"{name} answers with a file but is not declared in FILES")
        if not getattr(response, "sent_by_file_send", False):
            problems.append(f"{name} sends a file without kcsp.downloads.file_send")
    assert not problems, "\n".join(problems)
    assert found == set(FILES), f"declared but sending no file: {sorted(set(FILES) - found)}"


def check_marked(data: bytes, kind: str, user) -> str | None:
    """Why a restricted file is not marked for `user`, or None."""
    if kind == "pdf":
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                text = page.extract_text()
                if marking_line() not in " ".join(text.split()) or "downloaded by" not in text:
                    return f"page {page.page_number} lacks the marking line or watermark: {text!r}"
                name = user.person.display_name if hasattr(user, "person") else user.get_full_name()
                if name not in text:
                    return f"page {page.page_number} lacks the reader's name {name!r}"
            annotations = [page.annots for page in pdf.pages if page.annots]
            return f"stamps must be page content, found annotations {annotations}" if annotations else None
    if kind == "csv":
        first = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        return None if first == [marking_line()] else f"first row is {first}"
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(data))
        first = [sheet.cell(row=1, column=1).value for sheet in book.worksheets]
        return None if all(cell == marking_line() for cell in first) else f"first cells are {first}"
    if kind == "zip":  # a subject-access package: never rewritten on the way out; its index and README carry it
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            missing = [
                name
                for name in ("index.html", "README.txt")
                if marking_line() not in html.unescape(archive.read(name).decode())
            ]
        return f"{missing} lack the marking" if missing else None
    if kind == "docx":  # a restricted Word original to an officer: marked in every header and footer
        sections = docx.Document(io.BytesIO(data)).sections
        unmarked = [i for i, section in enumerate(sections) if marking_line() not in section.header.paragraphs[0].text]
        return f"sections {unmarked} lack the marking in their header" if unmarked else None
    return f"no marking rule for {kind}"


def check_allowed(name, file_route, role, user, response, records_before) -> list[str]:
    problems = []
    if response.status_code != 200 or not getattr(response, "sent_by_file_send", False):
        return [f"{role} should get the file through file_send, got {response.status_code}"]
    sensitivity = file_route.signed_in if file_route.signed_in and role != ANONYMOUS else file_route.sensitivity
    cache = response.get("Cache-Control", "")
    records = FileDownload.objects.count() - records_before
    if sensitivity == PUBLIC and "no-store" in cache:
        problems.append(f"{role}: a public file should keep normal caching, got {cache!r}")
    if sensitivity != PUBLIC and cache != "private, no-store":
        problems.append(f"{role}: should be private, no-store, got {cache!r}")
    if sensitivity == RESTRICTED:
        if records != 1 or FileDownload.objects.order_by("-pk").first().user != user:
            problems.append(f"{role}: expected one download record for them, got {records}")
        why = check_marked(body(response), file_route.kind, user)
        if why:
            problems.append(f"{role}: {why}")
    elif records:
        problems.append(f"{role}: {records} download records written for a {sensitivity} file")
    return problems


def test_every_file_route_as_every_role_refuses_or_sends_a_marked_recorded_copy(world, users, clients):  # noqa: F811
    failures = []
    for name, file_route in sorted(FILES.items()):
        route = ROUTES[name]
        url = file_url(name, route, world)
        for role in EVERY_ROLE:
            before = FileDownload.objects.count()
            response = clients[role].get(url)
            allowed = role in route.who
            if allowed:
                problems = check_allowed(name, file_route, role, users.get(role), response, before)
            else:
                refusal = _refusal(route, name, role, response.status_code, response, "get")
                problems = [refusal] if refusal else []
                if FileDownload.objects.count() != before:
                    problems.append(f"{role} was refused but a download record was written")
            failures += [f"GET {url}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures)


def test_the_watermark_names_the_reader_exactly_in_the_page_content(world, clients):  # noqa: F811
    response = clients[roles.MEMBER].get(_url("meetings:paper_file", ROUTES["meetings:paper_file"], world))
    with pdfplumber.open(io.BytesIO(body(response))) as pdf:
        text = pdf.pages[0].extract_text()
    assert NAME in text and MARKING in text and "do not forward" in text


def test_a_restricted_word_paper_reaches_readers_as_pdf_and_officers_as_the_original(world, users, clients):  # noqa: F811
    restricted = world["restricted_paper"]
    original = real_docx("RESTRICTED-WORD-PAPER")
    paper = Paper(
        item=restricted.item, format="uploaded", subject="Word paper", original_name="prevent.docx", file_kind="docx"
    )
    paper.file.save("prevent.docx", ContentFile(original))
    url = f"/meetings/papers/{paper.pk}/file/"
    assert _url("meetings:paper_file", ROUTES["meetings:paper_file"], {"restricted_paper": paper}) == url

    member = clients[roles.MEMBER].get(url)
    assert member.status_code == 200 and member["Content-Type"] == "application/pdf"
    assert 'filename="prevent.pdf"' in member["Content-Disposition"]
    assert member["Cache-Control"] == "private, no-store"
    with pdfplumber.open(io.BytesIO(body(member))) as pdf:
        text = pdf.pages[0].extract_text()
    assert "RESTRICTED-WORD-PAPER" in text and MARKING in text and NAME in text

    officer = clients[roles.OFFICER].get(url)
    assert officer.status_code == 200 and officer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert officer["Cache-Control"] == "private, no-store"
    sent = docx.Document(io.BytesIO(body(officer)))  # the original's body, marked and named in header and footer
    assert [p.text for p in sent.paragraphs] == [p.text for p in docx.Document(io.BytesIO(original)).paragraphs]
    header = [p.text for p in sent.sections[0].header.paragraphs]
    assert header[:2] == [marking_line(), recipient_watermark(users[roles.OFFICER])]
    assert sent.sections[0].footer.paragraphs[-1].text == marking_line()
    recorded = FileDownload.objects.filter(object_id=paper.pk).order_by("pk")
    assert [(r.user, r.filename) for r in recorded] == [
        (users[roles.MEMBER], "prevent.pdf"),
        (users[roles.OFFICER], "prevent.docx"),
    ]
    # The officers' record of downloads says which copy was the Word original and how it was marked.
    log = clients[roles.OFFICER].get(f"/meetings/{paper.item.meeting_id}/downloads/").content.decode()
    assert "Each copy carried the protective marking" not in log
    rows = {row.split("</td>")[1]: row for row in log.split('<tr class="govuk-table__row">')[1:] if "Word paper" in row}
    member_row = next(row for who, row in rows.items() if users[roles.MEMBER].get_full_name() in who)
    officer_row = next(row for who, row in rows.items() if users[roles.OFFICER].get_full_name() in who)
    assert "PDF, marked and named for the reader" in member_row
    assert "Word original, marked and named in its headers and footers" in officer_row


def test_officers_see_who_downloaded_a_meetings_restricted_files(world, users, clients):  # noqa: F811
    meeting = world["published"]
    clients[roles.MEMBER].get(_url("meetings:pack_download", ROUTES["meetings:pack_download"], world))
    clients[roles.MEMBER].get(_url("meetings:paper_file", ROUTES["meetings:paper_file"], world))
    page = clients[roles.OFFICER].get(f"/meetings/{meeting.pk}/downloads/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count(users[roles.MEMBER].get_full_name()) == 2
    assert "Restricted pack" in text and "Prevent report" in text
    assert clients[roles.MEMBER].get(f"/meetings/{meeting.pk}/downloads/").status_code == 403
