"""Protective markings everywhere (issue 20): wherever restricted or DHR material appears, so does the marking.

The URL walk is the permission matrix's one walk (tests/test_permission_matrix.py calls `marking_problem` on every
answer it opens, as every role: no second walk). For each 200 answer whose content holds a restricted or DHR
marker the world knows (restricted item titles and paper subjects, unpublished DHR pseudonyms and case text, or
the marking itself), the marking and the handling line must be there: an HTML page's banner at the top and the
bottom (kcsp/marking.py), every page of a PDF (pypdf's text), the first row of a CSV and of every XLSX sheet, the
marking line in an API answer (JSON).
A public visitor's page never has a banner. Every e-mail template is rendered here as its notice kind with
restricted and DHR context, through the one place mails are built (notifications.services.notice_mail).
"""

import html
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import get_template

from kcsp import roles
from kcsp.marking import handling_line, marking_line, protective_marking
from notifications import kinds
from notifications.services import notice_mail

from .test_permission_matrix import (  # noqa: F401 - fixtures shared with the permission matrix
    ANONYMOUS,
    clients,
    matrix_world,
    objects,
    users,
)

BANNER = ('data-testid="protective-marking-top"', 'data-testid="protective-marking-bottom"')
PLACEHOLDER = "<!-- protective-marking:"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "notifications" / "email"
# Every notice template, the kind it is sent as (notifications.kinds) and whether its sender flags restricted items.
MAIL_KINDS = {
    "action": kinds.ACTION_OVERDUE,
    "amendment_decided": kinds.AMENDMENT_DECIDED,
    "amendment_proposed": kinds.AMENDMENT_PROPOSED,
    "apologies": kinds.APOLOGIES,
    "bid_awaiting": kinds.BID_AWAITING,
    "bid_decided": kinds.BID_DECIDED,
    "chair_agreement_request": kinds.AGENDA_FOR_AGREEMENT,
    "chair_agreement_returned": kinds.AGENDA_RETURNED,
    "dhr_overdue": kinds.DHR_OVERDUE,
    "disposal_review": kinds.DISPOSAL_REVIEW,
    "meeting_changed": kinds.MEETING_CHANGED,
    "minutes_circulated": kinds.MINUTES_CIRCULATED,
    "pack_published": kinds.PACK,
    "plan_update": kinds.PLAN_UPDATE,
    "supplementary_paper": kinds.PACK,
    "terms_review": kinds.TERMS_REVIEW,
}
INCLUDED_ONLY = {"footer"}


def world_markers() -> list[str]:
    """Text only restricted or DHR material holds in the matrix world (read from the database, so it follows
    the world): titles of restricted items the agenda does not list to everyone, restricted papers' subjects, DHR
    cases' pseudonyms (unless published), summaries and recommendations; and the marking itself. A file or page
    showing any of these must carry the marking."""
    from dhr.models import Case, Recommendation
    from meetings.agenda_print import listed_title
    from meetings.models import AgendaItem, Paper

    items = AgendaItem.objects.exclude(restriction_reason="")
    cases = Case.objects.exclude(is_listed_publicly=True)
    # A restricted item's title is public when the agenda lists it (not withheld, not DHR): not a marker then.
    rows = items.values_list("restriction_reason", "title_withheld", "public_title", "title")
    markers = {row[3] for row in rows if listed_title(*row) != row[3]}
    markers |= {*Paper.objects.filter(item__in=items).values_list("subject", flat=True)}
    markers |= {
        *cases.values_list("pseudonym", flat=True),
        *cases.exclude(victim_summary="").values_list("victim_summary", flat=True),
    }
    markers |= {*Recommendation.objects.filter(case__in=cases).values_list("text", flat=True)}
    return sorted(m for m in markers if len(m) >= 6) + [protective_marking()]


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _carries(text: str, markers) -> str | None:
    text = _words(text)
    return next((m for m in markers if m in text), None)


def _handled(text: str) -> bool:
    text = _words(text)
    return protective_marking() in text and handling_line() in text


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text; a file pypdf cannot read (a test world's stand-in bytes) is one page of its raw bytes."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError

    try:
        return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    except (PdfReadError, PdfStreamError):
        return [data.decode("latin-1")]


def xlsx_first_rows(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return [" ".join(str(v) for v in next(sheet.iter_rows(max_row=1, values_only=True), ()) if v) for sheet in book]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def marking_problem(role: str, response, markers) -> str | None:
    """Why this answer's marking is wrong, or None: see the module docstring."""
    if response.status_code != 200:
        return None
    kind = response.get("Content-Type", "").split(";")[0].strip()
    data = _body(response)
    if kind == "text/html":
        page = html.unescape(data.decode("utf-8", "replace"))
        if PLACEHOLDER in page:
            return "a marking placeholder was left on the page"
        banner = all(b in page for b in BANNER)
        if role == ANONYMOUS:
            return "a public visitor's page carries the marking banner" if any(b in page for b in BANNER) else None
        if (marker := _carries(page, markers)) and not (banner and handling_line() in page):
            return f"shows {role} restricted material ({marker!r}) without the marking banner and handling line"
        return None
    if kind == "application/pdf":
        pages = pdf_pages(data)
        marker = next((found for text in pages if (found := _carries(text, markers))), None)
        unmarked = [n for n, text in enumerate(pages, 1) if not _handled(text)]
        if marker and unmarked:
            return f"a PDF with restricted material ({marker!r}) has pages {unmarked[:5]} without the marking line"
        return None
    if kind == "text/csv":
        text = data.decode("utf-8-sig", "replace")
        first = text.splitlines()[0] if text else ""
        if (marker := _carries(text, markers)) and not _handled(first):
            return f"a CSV with restricted material ({marker!r}) does not start with the marking line"
        return None
    if kind.endswith("spreadsheetml.sheet"):
        rows = xlsx_first_rows(data)
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        everything = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
        if (marker := _carries(everything, markers)) and not all(_handled(row) for row in rows):
            return f"an XLSX with restricted material ({marker!r}) has a sheet without the marking line first"
        return None
    if kind == "application/json":  # the API (api/resources.py): a restricted object carries the marking line
        text = data.decode("utf-8", "replace")
        if (marker := _carries(text, markers)) and marking_line() not in text:
            return f"an API answer with restricted material ({marker!r}) carries no marking line"
        return None
    if kind in ("text/calendar", "application/zip"):
        text = data.decode("utf-8", "replace") if kind == "text/calendar" else ""
        if kind == "application/zip":
            import zipfile

            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                text = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        if (marker := _carries(text, markers)) and not _handled(text):
            return f"a {kind} with restricted material ({marker!r}) carries no marking line"
    return None


# --- pages: a view that forgets is caught --------------------------------------------------------------------


def test_a_restricted_item_page_is_marked_top_and_bottom_and_the_public_agenda_is_not(objects, clients):  # noqa: F811
    markers = world_markers()
    item = objects["restricted_item"]
    page = clients[roles.MEMBER].get(item.get_absolute_url())
    assert page.status_code == 200 and marking_problem(roles.MEMBER, page, markers) is None
    text = page.content.decode()
    main = text.index("<main")
    assert main < text.index(BANNER[0]) < text.index(item.title, main) < text.index(BANNER[1])
    assert "Not for onward distribution without the partnership&#x27;s agreement" in text
    public = clients[ANONYMOUS].get(objects["published"].get_absolute_url())
    assert public.status_code == 200 and marking_problem(ANONYMOUS, public, markers) is None
    assert BANNER[0] not in public.content.decode() and PLACEHOLDER not in public.content.decode()


def test_a_view_that_loads_restricted_rows_is_marked_without_asking_and_the_check_fails_when_the_hook_is_broken(
    objects,  # noqa: F811
    clients,  # noqa: F811
    monkeypatch,
):
    """The choke point, broken on purpose: with the model hook and the gate's note switched off, the walk's check
    reports the page (so a view that forgot would be caught)."""
    import dhr.gate

    markers = world_markers()
    url = objects["restricted_item"].get_absolute_url()
    monkeypatch.setattr(dhr.gate, "restricted_loaded", lambda instance: None)
    monkeypatch.setattr(dhr.gate, "restricted_noted", lambda what: None)
    problem = marking_problem(roles.MEMBER, clients[roles.MEMBER].get(url), markers)
    assert problem and "without the marking banner" in problem


def test_the_handling_line_comes_from_settings(objects, clients, settings):  # noqa: F811
    settings.HANDLING_LINE = "Partners only: ask the team before sharing"
    page = clients[roles.MEMBER].get(objects["restricted_item"].get_absolute_url()).content.decode()
    assert page.count("Partners only: ask the team before sharing") == 2


def test_a_page_built_from_a_cached_fragment_is_still_marked(objects, users, settings, fragments_on):  # noqa: F811
    """Fragments skip the row loads that mark a page; the marks made when the fragment was built are replayed."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from kcsp.fragments import cached_for_viewer
    from kcsp.marking import ProtectiveMarkingMiddleware, request_marked
    from meetings.models import AgendaItem

    built = []

    def view(request):
        def make():
            built.append(1)
            return [item.title for item in AgendaItem.objects.filter(pk=objects["restricted_item"].pk)]

        titles = cached_for_viewer("marking-probe", request.user, (1,), make)
        return HttpResponse(f"<html><body>{titles}</body></html>", content_type="text/html")

    answers = []
    for _ in range(2):
        request = RequestFactory().get("/probe")
        request.user = users[roles.MEMBER]
        answers.append(ProtectiveMarkingMiddleware(view)(request))
        assert request_marked(request)
    assert len(built) == 1, "the second page came from the cached fragment"
    assert all(BANNER[0] in a.content.decode() and BANNER[1] in a.content.decode() for a in answers)


# --- files and exports -----------------------------------------------------------------------------------------


def test_a_restricted_file_and_pack_carry_the_marking_line_on_every_page(objects, clients):  # noqa: F811
    from django.urls import reverse

    member = clients[roles.MEMBER]
    paper = objects["restricted_paper"]
    answer = member.get(reverse("meetings:paper_file", args=[paper.pk]))
    assert answer.status_code == 200
    assert all(_handled(text) for text in pdf_pages(_body(answer)))
    line = marking_line()
    assert len(line) < 100, "one stamp line holds the marking and handling line without being cut"


def test_signed_minutes_print_the_handling_line_frozen_at_signing(objects):  # noqa: F811
    from meetings.signedpdf import signed_minutes_pdf

    content = {
        "version": 1,
        "kind": "restricted",
        "heading": "NOTES of a meeting.",
        "attendance": [],
        "declarations": [],
        "minutes": [],
        "approval": None,
        "committee": "KCSP",
        "marking": protective_marking(),
    }
    old = _words(" ".join(pdf_pages(signed_minutes_pdf(content))))
    assert protective_marking() in old and handling_line() not in old, "a record signed before keeps its words"
    new = _words(" ".join(pdf_pages(signed_minutes_pdf(content | {"handling": handling_line()}))))
    assert marking_line() in new


# --- e-mails ---------------------------------------------------------------------------------------------------


def _mail_context(objects) -> dict:  # noqa: F811
    """Restricted and DHR context for every template: a restricted item's action and amendment, the DHR rows."""
    from meetings.models import Action, MinuteAmendment

    case = objects["dhr_case"]
    action = Action.objects.filter(minute__item__isnull=False).first()
    amendment = MinuteAmendment.objects.first()
    return {
        "restricted": True,
        "name": "Ms A Reader",
        "meeting": objects["published"],
        "item": objects["restricted_item"],
        "paper": objects["restricted_paper"],
        "action": action,
        "amendment": amendment,
        "minute": amendment.minute if amendment else None,
        "rows": [(case, [])],
        "today": case.notified_on,
        "url": "https://kcsp.example/x",
    }


def test_every_email_template_is_walked():
    on_disk = {path.stem for path in TEMPLATES.glob("*.txt")} - INCLUDED_ONLY
    assert on_disk == set(MAIL_KINDS), f"templates without a kind here, or stale entries: {on_disk ^ set(MAIL_KINDS)}"


@pytest.mark.parametrize("template", sorted(MAIL_KINDS))
def test_every_email_about_restricted_or_dhr_material_starts_with_the_marking(template, objects):  # noqa: F811
    get_template(f"notifications/email/{template}.txt")
    kind = MAIL_KINDS[template]
    context = _mail_context(objects)
    subject, body = notice_mail(kind=kind, subject="About a meeting", template=template, context=context)
    assert body.startswith(f"{protective_marking()}\n{handling_line()}\n\n"), body[:200]
    assert subject == f"{protective_marking()}: About a meeting"
    unflagged = {key: value for key, value in context.items() if key != "restricted"}
    subject, body = notice_mail(kind=kind, subject="About a meeting", template=template, context=unflagged)
    if kind in kinds.MARKED:  # the kind alone marks it: the DHR list names cases
        assert body.startswith(protective_marking()) and subject.startswith(f"{protective_marking()}: ")
        assert objects["dhr_case"].pseudonym in body and body.count(protective_marking()) == 1
    else:
        assert not body.startswith(protective_marking()) and subject == "About a meeting"


def test_the_dhr_overdue_digest_and_a_restricted_items_action_are_sent_marked(objects, users, settings):  # noqa: F811
    import datetime

    from dhr.services import overdue_digest_send
    from meetings.models import Action
    from notifications.services import action_reminders_send

    overdue_digest_send(today=datetime.date(2026, 12, 1))
    digest = [m for m in mail.outbox if "Domestic Homicide Review" in m.subject]
    assert digest and all(
        m.subject.startswith("OFFICIAL-SENSITIVE: ") and m.subject.count("OFFICIAL") == 1 for m in digest
    )
    assert all(m.body.startswith(f"OFFICIAL-SENSITIVE\n{handling_line()}\n") for m in digest)
    mail.outbox.clear()
    action = Action.objects.select_related("minute__item").first()
    Action.objects.filter(pk=action.pk).update(due_on=datetime.date(2026, 11, 1))
    restricted = action.minute.item is not None and action.minute.item.is_restricted
    action_reminders_send(today=datetime.date(2026, 12, 1))
    sent = [m for m in mail.outbox if m.subject.startswith(("Overdue", "OFFICIAL-SENSITIVE: Overdue"))]
    assert sent and all(m.subject.startswith("OFFICIAL-SENSITIVE: ") == restricted for m in sent)
