"""Every URL that can show DHR content writes exactly one access-log row per request, and a refusal none (§5).

The permission matrix's world, plus a DHR item's papers, appendix, section, minute, action and DHR pack.
Every meetings route whose object can be a DHR item's (an item, paper, appendix, section, minute, action, a
pack) is also built from the DHR one, so a new route of those kinds is covered without listing it. Then:
- every DHR route and every such route, GET and POST, as every role: one row when answered, none when refused;
- every route of the project as the cleared users: a page that shows any DHR title has its one row too.
"""

# ruff: noqa: F811  (pytest fixtures imported from the permission matrix are redefined as arguments)

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dhr.models import AccessLog
from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings.models import Action, Appendix, Attendance, Minute, MinuteAmendment, Pack, Paper, PaperSection
from meetings.packbuild.manifest import contents_record, holding
from meetings.packbuild.stamp import stamp_pdf
from meetings.tests.factories import PDF_BYTES

from .test_every_page import url_for
from .test_form_choices import CLERK, form_world  # noqa: F401  (fixture)
from .test_permission_matrix import (  # noqa: F401  (fixtures)
    EVERY_ROLE,
    ROUTES,
    clients,
    matrix_world,
    objects,
    users,
)

pytestmark = pytest.mark.django_db

SEEN_BY = {roles.DHR_CLEARED, CLERK}  # verified cleared users; every other role must leave no row
# A route whose object is one of these is also walked with the DHR item's own (the value names it in `dhr`).
DHR_TWINS = {
    "public_item": "item",
    "dhr_item": "item",
    "move_down": "item_up",
    "written_paper": "written",
    "restricted_paper": "uploaded",
    "appendix": "appendix",
    "section": "section",
    "minute": "minute",
    "action": "action",
    "amendment": "amendment",
    "restricted_pack_file": "pack",
    "signed_restricted_part": "signed_part",  # the signed minutes of DHR items
}
GET_ACTIONS = {"view", "list", "download", "export"}
POST_ACTIONS = {"change", "create", "view"}  # view: the form came back with its errors, nothing saved


@pytest.fixture
def dhr_things(objects, form_world, settings):
    """The DHR item's papers and everything hanging from them, and a DHR item minuted on the held meeting."""
    item = objects["dhr_item"]
    item.title = "Osprey review update"  # a title found nowhere else, so any page showing it is caught
    item.save()
    written = Paper.objects.get(item=item)
    section = PaperSection.objects.create(paper=written, position=1, heading="Osprey background", body="Text.")
    uploaded = Paper(item=item, format="uploaded", subject="Osprey chronology", original_name="o.pdf", file_kind="pdf")
    uploaded.file.save("o.pdf", ContentFile(PDF_BYTES))
    appendix = Appendix(paper=written, letter="A", title="Osprey genogram", original_name="g.pdf", file_kind="pdf")
    appendix.file.save("g.pdf", ContentFile(PDF_BYTES))
    pack = Pack(meeting=objects["published"], kind="dhr", status="ready", page_count=1)
    built = stamp_pdf(PDF_BYTES, top=("OFFICIAL-SENSITIVE", ""), bottom=("OFFICIAL-SENSITIVE", "Page 1"))
    pack.file.save("dhr.pdf", ContentFile(built))  # as a build leaves it, with what it holds recorded
    contents_record(pack, [holding(item), holding(written)])
    held_item = form_world["dhr_held"]
    minute = Minute.objects.create(meeting=objects["held"], item=held_item, number=52, title="Kestrel minute")
    action = Action.objects.create(
        minute=minute, text="Kestrel action", owner=objects["person"], due_on=datetime.date(2030, 1, 1)
    )
    # The DHR clerk was in attendance, so proposes amendments to the circulated draft (the DHR minute included).
    clerk = form_world["clerk"]
    Attendance.objects.create(meeting=objects["held"], person=PersonFactory(user=clerk), kind="in_attendance")
    amendment = MinuteAmendment.objects.create(
        minute=minute,
        proposed_by=clerk,
        proposer_name="Kestrel proposer",
        based_on_text=minute.text,
        proposed_text="Kestrel wording proposed.",
    )
    twins = {
        "item": {"pk": item.pk},
        "item_up": {"pk": item.pk, "direction": "up"},
        "written": {"pk": written.pk},
        "uploaded": {"pk": uploaded.pk},
        "appendix": {"pk": appendix.pk},
        "section": {"pk": section.pk},
        "minute": {"pk": minute.pk},
        "action": {"pk": action.pk},
        "amendment": {"pk": amendment.pk},
        "pack": {"pk": objects["published"].pk, "kind": "dhr"},
        "signed_part": {"pk": objects["signed"].pk, "kind": "dhr"},
    }
    secrets = (
        item.title,
        held_item.title,
        "Osprey",
        "Kestrel",
        "Heron",  # the DHR item minuted in the signed minutes
        objects["dhr_case"].pseudonym,
        "Secret recommendation",
    )
    return {"twins": twins, "secrets": secrets}


def dhr_urls(objects, dhr_things):
    """(name, url) of every DHR route and the DHR twin of every meetings route built from such an object."""
    urls = [(name, url_for(name, route, objects)) for name, route in sorted(ROUTES.items()) if route.dhr]
    for name, route in sorted(ROUTES.items()):
        twin = DHR_TWINS.get(route.kwargs)
        if twin and name.startswith("meetings:"):
            urls.append((name, reverse(name, kwargs=dhr_things["twins"][twin])))
    return urls


def _problem(role, method, url, status, rows, location="") -> str | None:
    answered = 200 <= status < 400
    if role not in SEEN_BY and answered and not location.startswith("/account/sign-in/"):
        return f"{method} {url} as {role} answered {status}: DHR content must be refused to the uncleared"
    if role not in SEEN_BY or not answered:
        return None if not rows else f"{method} {url} as {role} answered {status} and wrote {len(rows)} row(s)"
    if len(rows) != 1:
        return f"{method} {url} as {role} answered {status} and wrote {len(rows)} rows, not one"
    wanted = GET_ACTIONS if method == "GET" else POST_ACTIONS
    return None if rows[0].action in wanted else f"{method} {url} as {role} logged '{rows[0].action}'"


def _request(client, method, url):
    last = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = getattr(client, method.lower())(url)
    return response, list(AccessLog.objects.filter(id__gt=last))


def test_every_request_for_dhr_content_writes_one_log_row_and_a_refusal_none(
    objects,
    users,
    clients,
    form_world,
    dhr_things,
    capsys,
):
    urls = dhr_urls(objects, dhr_things)
    problems, checked, opened = [], 0, set()
    for method in ("GET", "POST"):  # every GET first: a POST may change what later routes are built from
        for _name, url in urls:
            for role in (*EVERY_ROLE, CLERK):
                response, rows = _request(clients[role], method, url)
                checked += 1
                if role in SEEN_BY and 200 <= response.status_code < 400:
                    opened.add(url)
                location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
                problem = _problem(role, method, url, response.status_code, rows, location)
                if problem is None and role in SEEN_BY and rows and rows[0].user_id != response.wsgi_request.user.pk:
                    problem = f"{method} {url}: the row names another user"
                if problem:
                    problems.append(problem)
    problems += [f"{url} answered no cleared user: nothing was checked there" for _, url in urls if url not in opened]
    assert not problems, "\n".join(problems)
    assert any(name.startswith("meetings:paper_file") for name, _ in urls) and len(urls) > 40
    with capsys.disabled():
        print(f"\nDHR access log: {checked} requests over {len(urls)} URLs that show DHR content")


def test_every_page_that_shows_a_dhr_title_to_a_cleared_user_has_its_one_row(
    objects,
    clients,
    form_world,
    dhr_things,
):
    """Whatever the route (a meeting page listing a DHR item, the minutes of one …), showing DHR text is logged."""
    problems, shown = [], 0
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        url = url_for(name, route, objects)
        for role in sorted(SEEN_BY):
            response, rows = _request(clients[role], "GET", url)
            body = b"".join(response) if response.streaming else response.content
            if any(secret.encode() in body for secret in dhr_things["secrets"]):
                shown += 1
                if len(rows) != 1:
                    problems.append(f"{url} as {role} shows DHR text and wrote {len(rows)} rows")
            elif len(rows) > 1:
                problems.append(f"{url} as {role} wrote {len(rows)} rows")
    assert not problems, "\n".join(problems)
    assert shown > 10


def test_a_view_that_forgets_the_gate_is_still_logged_by_loading_dhr_rows(rf, objects, users, dhr_things):
    """The model hook: a DHR row loaded while serving a cleared user marks the request even with no gate call."""
    from dhr.gate import DhrAccessLogMiddleware
    from meetings.models import AgendaItem

    def forgetful_view(request):
        from django.http import HttpResponse

        return HttpResponse(AgendaItem.objects.get(pk=objects["dhr_item"].pk).title)

    request = rf.get("/somewhere-new/")
    request.user = users[roles.DHR_CLEARED]
    request.user.is_verified = lambda: True
    response = DhrAccessLogMiddleware(forgetful_view)(request)
    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert row.action == "view" and "Osprey review update" in row.what and row.path == "/somewhere-new/"
    request = rf.get("/somewhere-new/")
    request.user = users[roles.OFFICER]
    DhrAccessLogMiddleware(forgetful_view)(request)
    assert AccessLog.objects.count() == 1  # loading is not refusing, and nobody else is logged


def test_the_gate_refuses_without_the_middleware_rather_than_show_unlogged(rf, users):
    from django.core.exceptions import ImproperlyConfigured

    from dhr.gate import dhr_gate

    request = rf.get("/")
    request.user = users[roles.DHR_CLEARED]
    request.user.is_verified = lambda: True
    with pytest.raises(ImproperlyConfigured):
        dhr_gate(request, what="x")


def test_the_checks_name_a_missing_middleware_and_an_access_log_the_app_could_truncate(settings):
    """The test database keeps the owner (flushes need it), so the deploy check finds it; production must not."""
    from dhr.checks import access_log_middleware_installed, access_log_not_owned_by_the_app

    assert access_log_middleware_installed(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.startswith("dhr.")]
    assert [e.id for e in access_log_middleware_installed(None)] == ["dhr.E001"]
    assert [w.id for w in access_log_not_owned_by_the_app(None, databases=["default"])] == ["dhr.W002"]
    assert access_log_not_owned_by_the_app(None) == []  # plain `check`: no database asked
